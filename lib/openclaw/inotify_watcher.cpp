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
  *alive_ = false;
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
  std::weak_ptr<bool> alive = alive_;
  fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                 [this, alive](const boost::system::error_code& ec) {
                   if (ec || alive.expired()) return;
                   for (;;) {
                     const ssize_t n = ::read(fd_.native_handle(), buffer_.get(), kBufferSize);
                     if (n <= 0) break;
                     std::size_t off = 0;
                     while (off + sizeof(inotify_event) <= static_cast<std::size_t>(n)) {
                       inotify_event ev;
                       std::memcpy(&ev, buffer_.get() + off, sizeof ev);
                       InotifyEvent out{ev.wd, ev.mask, {}};
                       if (ev.len > 0) out.name = buffer_.get() + off + sizeof(inotify_event);
                       off += sizeof(inotify_event) + ev.len;
                       handler_(out);
                       if (alive.expired()) return;
                     }
                   }
                   read();
                 });
}

}  // namespace openclaw
