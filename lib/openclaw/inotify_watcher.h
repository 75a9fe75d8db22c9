// inotify on the daemon's io_context: no polling, events delivered as (watch, mask, name).
//
// The inotify fd is a stream descriptor; each readable wake reads whole batches of events.
// IN_Q_OVERFLOW is delivered like any event (watch -1): the owner must rescan, because
// events were lost.
#pragma once

#include <sys/inotify.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <string>

#include "openclaw/life_token.h"
#include "openclaw/result.h"

namespace openclaw {

struct InotifyEvent {
  int watch = -1;
  std::uint32_t mask = 0;
  std::string name;  // empty for events on the watched folder itself
};

class InotifyWatcher {
 public:
  using Handler = std::function<void(const InotifyEvent&)>;

  static Result<std::unique_ptr<InotifyWatcher>> create(boost::asio::io_context& io,
                                                        Handler handler);
  ~InotifyWatcher();

  // Watches a path (IN_DONT_FOLLOW and IN_ONLYDIR are the caller's to add).
  Result<int> add(const std::string& path, std::uint32_t mask);
  void remove(int watch);
  void start();

 private:
  InotifyWatcher(boost::asio::io_context& io, int fd, Handler handler);
  void read();

  boost::asio::posix::stream_descriptor fd_;
  Handler handler_;
  std::unique_ptr<char[]> buffer_;
  LifeToken life_;
};

}  // namespace openclaw
