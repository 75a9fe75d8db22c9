#include "openclaw/asio_bus.h"

#include <poll.h>
#include <time.h>

namespace openclaw {
namespace {

std::uint64_t monotonicNowUsec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000u +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

}  // namespace

AsioBus::AsioBus(boost::asio::io_context& io, BusPtr bus, bool busClient)
    : io_(io),
      bus_(std::move(bus)),
      fd_(io, sd_bus_get_fd(bus_.get())),
      timer_(io),
      busClient_(busClient) {}

Result<std::unique_ptr<AsioBus>> AsioBus::openSystem(boost::asio::io_context& io) {
  sd_bus* raw = nullptr;
  if (int r = sd_bus_open_system(&raw); r < 0) return fromErrno(-r);
  std::unique_ptr<AsioBus> bus(new AsioBus(io, BusPtr(raw), true));
  bus->arm();
  return bus;
}

Result<std::unique_ptr<AsioBus>> AsioBus::openAddress(boost::asio::io_context& io,
                                                      const std::string& address) {
  return open(io, ManagerEndpoint{address, true, address});
}

Result<std::unique_ptr<AsioBus>> AsioBus::open(boost::asio::io_context& io,
                                               const ManagerEndpoint& endpoint) {
  if (endpoint.address.empty()) return openSystem(io);
  sd_bus* raw = nullptr;
  if (int r = sd_bus_new(&raw); r < 0) return fromErrno(-r);
  BusPtr owned(raw);
  if (int r = sd_bus_set_address(raw, endpoint.address.c_str()); r < 0) return fromErrno(-r);
  if (int r = sd_bus_set_bus_client(raw, endpoint.busClient ? 1 : 0); r < 0) return fromErrno(-r);
  // A unix socket connects at once or fails at once (ENOENT, ECONNREFUSED): no blocking here.
  if (int r = sd_bus_start(raw); r < 0) return fromErrno(-r);
  std::unique_ptr<AsioBus> bus(new AsioBus(io, std::move(owned), endpoint.busClient));
  bus->arm();
  return bus;
}

AsioBus::~AsioBus() {
  *alive_ = false;
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
  std::weak_ptr<bool> alive = alive_;
  if ((events & POLLIN) && !waitingRead_) {
    waitingRead_ = true;
    fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                   [this, alive](const boost::system::error_code& ec) {
                     if (alive.expired()) return;
                     waitingRead_ = false;
                     onFdReady(ec);
                   });
  }
  if ((events & POLLOUT) && !waitingWrite_) {
    waitingWrite_ = true;
    fd_.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                   [this, alive](const boost::system::error_code& ec) {
                     if (alive.expired()) return;
                     waitingWrite_ = false;
                     onFdReady(ec);
                   });
  }
  std::uint64_t until = UINT64_MAX;
  timer_.cancel();
  if (sd_bus_get_timeout(bus_.get(), &until) >= 0 && until != UINT64_MAX) {
    const std::uint64_t now = monotonicNowUsec();
    timer_.expires_after(std::chrono::microseconds(until > now ? until - now : 0));
    timer_.async_wait([this, alive](const boost::system::error_code& ec) {
      if (ec || alive.expired()) return;
      process();
    });
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
