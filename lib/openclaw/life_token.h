// The one way an async callback learns whether its owner still exists.
//
// An object that hands `this` to a timer, a socket, sd-bus or another thread keeps a
// `LifeToken` as a member and wraps each such callback with `guard()`.  When the owner is
// destroyed the token goes with it, and a callback that arrives later returns without
// running: no use-after-free, no check that each class spells differently.
//
//   timer_.async_wait(life_.guard([this](boost::system::error_code ec) { onTick(ec); }));
//
// The check is made on the thread that runs the callback, which must be the owner's thread
// (the daemon's io_context): the token is not a lock, and an owner destroyed on one thread
// while its callback runs on another is a bug the token cannot hide.  Work handed to another
// thread posts its result back to the loop and guards that post.
#pragma once

#include <memory>
#include <utility>

namespace openclaw {

class LifeToken {
 public:
  LifeToken() = default;
  // A copy or a move would make two owners answer for one life: neither is allowed.
  LifeToken(const LifeToken&) = delete;
  LifeToken& operator=(const LifeToken&) = delete;

  // A handle a callback can keep: alive() is false once the token is gone or ended.
  class Watch {
   public:
    Watch() = default;
    bool alive() const { return !cell_.expired(); }

   private:
    friend class LifeToken;
    explicit Watch(std::weak_ptr<const char> cell) : cell_(std::move(cell)) {}
    std::weak_ptr<const char> cell_;
  };

  Watch watch() const { return Watch(cell_); }

  // `fn` wrapped so that it runs only while the token lives; its result is dropped.
  template <class Fn>
  auto guard(Fn fn) const {
    return [watch = watch(), fn = std::move(fn)](auto&&... args) mutable {
      if (watch.alive()) fn(std::forward<decltype(args)>(args)...);
    };
  }

  // Ends this life early: every callback guarded so far is dropped, later guards are not.
  // For an owner that outlives a generation of work (a reload, a reconnect).
  void renew() { cell_ = std::make_shared<const char>(0); }

 private:
  std::shared_ptr<const char> cell_ = std::make_shared<const char>(0);
};

}  // namespace openclaw
