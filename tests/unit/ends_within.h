// For tests of a stop that must not hang (a destructor that joins a thread): runs `work` on a
// thread of its own and waits at most `limit` for it.  Work still running then ends the test
// binary with a message, since joining it would hang the whole run instead of failing one test.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace openclaw::testing {

inline void endsWithin(std::chrono::milliseconds limit, std::function<void()> work,
                       const char* what) {
  struct Ended {
    std::mutex mutex;
    std::condition_variable cv;
    bool ended = false;
  };
  auto ended = std::make_shared<Ended>();
  std::thread worker([ended, work = std::move(work)] {
    work();
    std::lock_guard lock(ended->mutex);
    ended->ended = true;
    ended->cv.notify_all();
  });
  std::unique_lock lock(ended->mutex);
  if (!ended->cv.wait_for(lock, limit, [&] { return ended->ended; })) {
    std::fprintf(stderr, "%s still runs after %lld ms: a hang, ending the tests here\n", what,
                 static_cast<long long>(limit.count()));
    std::abort();
  }
  lock.unlock();
  worker.join();
}

}  // namespace openclaw::testing
