// One thread for the few blocking calls a daemon makes (the Docker Engine API over libcurl),
// so they never stall the event loop: work runs on the thread, its result is posted back
// to the io_context, in order.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace openclaw {

class BackgroundWorker {
 public:
  explicit BackgroundWorker(boost::asio::io_context& io);
  // Finishes the call in progress (callers bound their calls with timeouts), drops the rest.
  ~BackgroundWorker();

  template <class R>
  void run(std::function<R()> work, std::function<void(R)> done) {
    auto& io = io_;
    enqueue([&io, work = std::move(work), done = std::move(done)]() mutable {
      auto result = std::make_shared<R>(work());
      boost::asio::post(io, [done = std::move(done), result] { done(std::move(*result)); });
    });
  }

 private:
  void enqueue(std::function<void()> job);
  void loop();

  boost::asio::io_context& io_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace openclaw
