#include "openclaw/asio_bus.h"

#include <poll.h>

#include "openclaw/time_text.h"

namespace openclaw {

AsioBus::AsioBus(boost::asio::io_context& io, BusPtr bus, bool busClient)
    : io_(io),
      bus_(std::move(bus)),
      fd_(io, sd_bus_get_fd(bus_.get())),
      timer_(io),
      busClient_(busClient) {}

Result<std::unique_ptr<AsioBus>> AsioBus::openSystem(boost::asio::io_context& io) {
  return open(io, ManagerEndpoint{"", true, "the system bus"});
}

Result<std::unique_ptr<AsioBus>> AsioBus::openAddress(boost::asio::io_context& io,
                                                      const std::string& address) {
  return open(io, ManagerEndpoint{address, true, address});
}

Result<std::unique_ptr<AsioBus>> AsioBus::open(boost::asio::io_context& io,
                                               const ManagerEndpoint& endpoint) {
  auto bus = connectEndpoint(endpoint);
  if (!bus) return Unexpected<std::error_code>{bus.error()};
  std::unique_ptr<AsioBus> asioBus(new AsioBus(io, std::move(bus).value(), endpoint.busClient));
  asioBus->arm();
  return asioBus;
}

AsioBus::~AsioBus() {
  timer_.cancel();
  stopWatchingFd();
}

void AsioBus::stopWatchingFd() {
  if (!fd_.is_open()) return;
  boost::system::error_code ignored;
  fd_.cancel(ignored);
  // sd-bus owns the descriptor and closes it with the bus: asio only forgets it.
  fd_.release();
}

void AsioBus::arm() {
  if (!connected_) return;
  const int events = sd_bus_get_events(bus_.get());
  if (events < 0) {
    process();  // lets sd_bus_process report the disconnect
    return;
  }
  if ((events & POLLIN) && !waitingRead_) {
    waitingRead_ = true;
    fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                   life_.guard([this](const boost::system::error_code& ec) {
                     waitingRead_ = false;
                     onFdReady(ec);
                   }));
  }
  if ((events & POLLOUT) && !waitingWrite_) {
    waitingWrite_ = true;
    fd_.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                   life_.guard([this](const boost::system::error_code& ec) {
                     waitingWrite_ = false;
                     onFdReady(ec);
                   }));
  }
  std::uint64_t until = UINT64_MAX;
  timer_.cancel();
  if (sd_bus_get_timeout(bus_.get(), &until) >= 0 && until != UINT64_MAX) {
    const std::uint64_t now = monotonicUsec();
    timer_.expires_after(std::chrono::microseconds(until > now ? until - now : 0));
    timer_.async_wait(life_.guard([this](const boost::system::error_code& ec) {
      if (!ec) process();
    }));
  }
}

void AsioBus::onFdReady(const boost::system::error_code& ec) {
  // Cancelled waits belong to a disconnect or the destructor.  Any other error on the
  // descriptor is for sd_bus_process to classify: it sees the same socket.
  if (ec == boost::asio::error::operation_aborted) return;
  process();
}

void AsioBus::process() {
  for (;;) {
    const int r = sd_bus_process(bus_.get(), nullptr);
    if (r < 0) {
      // Disconnected (ECONNRESET, ENOTCONN): stop waiting so nothing spins; the owner
      // decides whether to reconnect.
      // sd-bus has already closed the descriptor here; asio must forget the number now,
      // before the owner opens a new bus that may be given the same number (a later
      // release would then remove the new bus's fd from the reactor).
      connected_ = false;
      timer_.cancel();
      stopWatchingFd();
      if (onDisconnect_) {
        auto callback = std::move(onDisconnect_);
        callback();
      }
      return;
    }
    if (r == 0) break;
  }
  arm();
}

}  // namespace openclaw
