#include "openclaw/asio_curl_multi.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <unistd.h>
#include <boost/asio/post.hpp>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <mutex>
#include <stdexcept>

namespace openclaw {
namespace {

namespace asio = boost::asio;

// Idle connections kept for reuse: more than the bridge's calls in flight by default, far
// below its descriptor limit.
constexpr long kMaxCachedConnections = 256;

// curl_global_init is not thread-safe; other threads of the daemon may build clients too.
void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The identity of whatever an fd number names now: a closed and reopened number differs.
ino_t inodeOf(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

}  // namespace

// One socket curl asked us to watch.  The descriptor only borrows the fd: `drop` releases it
// (which also aborts pending waits) so Asio never closes it.  A wait still queued when the
// watch is dropped sees `active == false` and does nothing.
//
// A socket we opened for curl (`opened`) is closed only through onCloseSocket, so its watch
// can outlive curl's interest: when a transfer ends and its connection goes back to curl's
// cache, the watch is parked (nothing wanted) and stays registered with epoll, and the next
// transfer on that connection finds it there.  Releasing and registering it again would cost
// two epoll_ctl and an fstat a call.
struct AsioCurlMulti::Watch {
  Watch(asio::io_context& io, curl_socket_t s, bool fromUs)
      : fd(s), opened(fromUs), inode(fromUs ? 0 : inodeOf(s)), descriptor(io) {}
  ~Watch() { drop(); }
  void drop() {
    active = false;
    if (descriptor.is_open()) descriptor.release();
  }

  curl_socket_t fd;
  bool opened;  // by onOpenSocket: its close always comes through onCloseSocket
  ino_t inode;  // of a socket we did not open, to notice its number reused
  asio::posix::stream_descriptor descriptor;
  int wanted = 0;  // CURL_POLL_IN / CURL_POLL_OUT bits, as curl last said
  bool readPending = false;
  bool writePending = false;
  bool active = true;
};

AsioCurlMulti::AsioCurlMulti(asio::io_context& io, Finished finished)
    : io_(io), finished_(std::move(finished)), timer_(io) {
  initCurlOnce();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
  // Curl's own default keeps 4 idle connections per handle added, so as calls end the cache
  // shrinks and the next burst connects afresh (a connect per call at 64 concurrent calls,
  // measured); a fixed cache keeps them, bounded.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, kMaxCachedConnections);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &AsioCurlMulti::onSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &AsioCurlMulti::onTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

AsioCurlMulti::~AsioCurlMulti() {
  // Closes the cached connections through onCloseSocket, which still finds watches_ intact.
  curl_multi_cleanup(multi_);
  for (auto& [fd, watch] : watches_) watch->drop();
  watches_.clear();
}

bool AsioCurlMulti::add(CURL* easy) {
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &AsioCurlMulti::onOpenSocket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &AsioCurlMulti::onCloseSocket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  // Curl answers with a zero timeout through onTimer; the transfer starts from the loop.
  if (curl_multi_add_handle(multi_, easy) != CURLM_OK) return false;
  ++transfers_;
  return true;
}

void AsioCurlMulti::remove(CURL* easy) {
  // Counted down first: curl names its next timeout (none, when this was the last) from
  // inside the removal, and the timer is let go only when no transfer is left.
  if (transfers_ > 0) --transfers_;
  curl_multi_remove_handle(multi_, easy);
}

int AsioCurlMulti::onSocket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto* multi = static_cast<AsioCurlMulti*>(self);
  if (what == CURL_POLL_REMOVE) {
    const auto it = multi->watches_.find(fd);
    if (it != multi->watches_.end() && it->second->opened) {
      it->second->wanted = 0;  // parked until curl uses or closes the connection
    } else {
      multi->forget(fd);
    }
    return 0;
  }
  std::shared_ptr<Watch> watch = multi->watchFor(fd);
  if (!watch) return -1;
  // A wait pending for a direction curl no longer wants is left to complete and be ignored.
  watch->wanted = what & (CURL_POLL_IN | CURL_POLL_OUT);
  if (what & CURL_POLL_IN) multi->arm(watch, false);
  if (what & CURL_POLL_OUT) multi->arm(watch, true);
  return 0;
}

// Curl must not be called from inside its own callbacks: a zero timeout is posted to the
// loop.  Curl moves its timeout many times a transfer, and each move of the loop's earliest
// timer is a timerfd_settime; firing early is harmless (curl finds nothing due and names its
// next timeout), so an armed timer that is due no later than curl asks is kept, and one is
// cancelled only when no transfer is left (so a stop is not held up by it).
int AsioCurlMulti::onTimer(CURLM*, long timeoutMs, void* self) {
  auto* multi = static_cast<AsioCurlMulti*>(self);
  if (timeoutMs < 0) {
    if (multi->transfers_ == 0 && multi->armedFor_) {
      multi->timer_.cancel();
      multi->armedFor_.reset();
    }
    return 0;
  }
  if (timeoutMs == 0) {
    if (!multi->actPosted_) {
      multi->actPosted_ = true;
      asio::post(multi->io_, multi->life_.guard([multi] {
        multi->actPosted_ = false;
        multi->act(CURL_SOCKET_TIMEOUT, 0);
      }));
    }
    return 0;
  }
  const auto due = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  if (multi->armedFor_ && *multi->armedFor_ <= due) return 0;
  multi->armedFor_ = due;
  multi->timer_.expires_at(due);
  multi->timer_.async_wait(multi->life_.guard([multi](const boost::system::error_code& ec) {
    if (ec) return;
    multi->armedFor_.reset();
    multi->act(CURL_SOCKET_TIMEOUT, 0);
  }));
  return 0;
}

// Close-on-exec, so a child the daemon spawns cannot keep a connection (and its epoll
// registration) alive; and a number still watched from before is a closed socket's: drop it.
curl_socket_t AsioCurlMulti::onOpenSocket(void* self, curlsocktype, curl_sockaddr* address) {
  const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  auto* multi = static_cast<AsioCurlMulti*>(self);
  multi->forget(fd);
  if (!multi->watch(fd, true)) {
    ::close(fd);
    return CURL_SOCKET_BAD;
  }
  return fd;
}

// Release the descriptor (deregistering it from epoll) while the fd still names the socket.
int AsioCurlMulti::onCloseSocket(void* self, curl_socket_t fd) {
  static_cast<AsioCurlMulti*>(self)->forget(fd);
  return ::close(fd);
}

// The watch for `fd`, new if curl has not named it before or if the number now names another
// file (curl closed the old one without telling us, e.g. its resolver's socketpair).
std::shared_ptr<AsioCurlMulti::Watch> AsioCurlMulti::watchFor(curl_socket_t fd) {
  auto it = watches_.find(fd);
  if (it != watches_.end()) {
    if (it->second->opened || it->second->inode == inodeOf(fd)) return it->second;
    it->second->drop();
    watches_.erase(it);
  }
  return watch(fd, false);
}

std::shared_ptr<AsioCurlMulti::Watch> AsioCurlMulti::watch(curl_socket_t fd, bool opened) {
  auto watch = std::make_shared<Watch>(io_, fd, opened);
  boost::system::error_code ec;
  watch->descriptor.assign(fd, ec);
  if (ec) return nullptr;
  watches_.emplace(fd, watch);
  return watch;
}

void AsioCurlMulti::forget(curl_socket_t fd) {
  auto it = watches_.find(fd);
  if (it == watches_.end()) return;
  it->second->drop();
  watches_.erase(it);
}

void AsioCurlMulti::arm(const std::shared_ptr<Watch>& watch, bool write) {
  bool& pending = write ? watch->writePending : watch->readPending;
  if (pending) return;  // the wait already queued serves the renewed interest
  pending = true;
  const auto kind =
      write ? asio::posix::descriptor_base::wait_write : asio::posix::descriptor_base::wait_read;
  watch->descriptor.async_wait(
      kind, life_.guard([this, watch, write](const boost::system::error_code& ec) {
        (write ? watch->writePending : watch->readPending) = false;
        const int want = write ? CURL_POLL_OUT : CURL_POLL_IN;
        if (!watch->active || ec == asio::error::operation_aborted || !(watch->wanted & want)) {
          return;
        }
        act(watch->fd, ec ? CURL_CSELECT_ERR : (write ? CURL_CSELECT_OUT : CURL_CSELECT_IN));
        if (watch->active && (watch->wanted & want)) arm(watch, write);
      }));
}

// Lets curl work, then hands over what finished.  The message is copied before `finished_`
// removes its handle, which frees it.
void AsioCurlMulti::act(curl_socket_t fd, int events) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, events, &running);
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode result = msg->data.result;
    finished_(easy, result);
  }
}

}  // namespace openclaw
