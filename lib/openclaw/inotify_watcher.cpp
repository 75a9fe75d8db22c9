#include "openclaw/inotify_watcher.h"

#include <unistd.h>

#include <cstring>

namespace openclaw {
namespace {
// Room for many events per read: a burst of 500 flags arrives in a few reads.
constexpr std::size_t kBufferSize = 64 * 1024;
}  // namespace

Result<std::unique_ptr<InotifyWatcher>> InotifyWatcher::create(boost::asio::io_context& io,
                                                               Handler handler) {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return fromErrno();
  return std::unique_ptr<InotifyWatcher>(new InotifyWatcher(io, fd, std::move(handler)));
}

InotifyWatcher::InotifyWatcher(boost::asio::io_context& io, int fd, Handler handler)
    : fd_(io, fd), handler_(std::move(handler)), buffer_(new char[kBufferSize]) {}

InotifyWatcher::~InotifyWatcher() {
  boost::system::error_code ignored;
  fd_.close(ignored);
}

Result<int> InotifyWatcher::add(const std::string& path, std::uint32_t mask) {
  const int wd = ::inotify_add_watch(fd_.native_handle(), path.c_str(), mask);
  if (wd < 0) return fromErrno();
  return wd;
}

void InotifyWatcher::remove(int watch) {
  ::inotify_rm_watch(fd_.native_handle(), watch);
}

void InotifyWatcher::start() {
  read();
}

void InotifyWatcher::read() {
  fd_.async_wait(
      boost::asio::posix::stream_descriptor::wait_read,
      life_.guard([this, alive = life_.watch()](const boost::system::error_code& ec) {
        if (ec) return;
        // One buffer a wake, then back to the loop: a producer that keeps the queue
        // full must not keep timers (the watchdog's among them) from running.
        const ssize_t n = ::read(fd_.native_handle(), buffer_.get(), kBufferSize);
        std::size_t off = 0;
        while (n > 0 && off + sizeof(inotify_event) <= static_cast<std::size_t>(n)) {
          inotify_event ev;
          std::memcpy(&ev, buffer_.get() + off, sizeof ev);
          const char* name = buffer_.get() + off + sizeof(inotify_event);
          off += sizeof(inotify_event) + ev.len;
          if (off > static_cast<std::size_t>(n)) break;
          // The name is NUL-padded to ev.len.
          handler_(InotifyEvent{ev.wd, ev.mask, std::string(name, ::strnlen(name, ev.len))});
          if (!alive.alive()) return;  // the handler destroyed the watcher
        }
        read();
      }));
}

}  // namespace openclaw
