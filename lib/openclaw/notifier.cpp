#include "openclaw/notifier.h"

#include <systemd/sd-daemon.h>
#include <time.h>

namespace openclaw {
namespace {
// systemd shows STATUS= in one line of `systemctl status`; longer text is only noise.
constexpr std::size_t kMaxStatusLength = 200;
}  // namespace

std::string statusLine(std::string_view text) {
  std::string out;
  out.reserve(std::min(text.size(), kMaxStatusLength));
  for (char c : text) {
    if (out.size() >= kMaxStatusLength) break;
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

Notifier::Notifier(boost::asio::io_context& io) : timer_(io) {}

void Notifier::send(const std::string& state) {
  // unset_environment=0: children we spawn later (validators) must not inherit the socket,
  // but they are started with an explicit environment, so keeping it here is harmless.
  sd_notify(0, state.c_str());
}

void Notifier::ready(std::string_view status) {
  lastStatus_ = statusLine(status);
  send("READY=1\nSTATUS=" + lastStatus_);
}

void Notifier::status(std::string_view status) {
  lastStatus_ = statusLine(status);
  send("STATUS=" + lastStatus_);
}

void Notifier::reloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const long long usec = static_cast<long long>(ts.tv_sec) * 1000000LL + ts.tv_nsec / 1000;
  send("RELOADING=1\nSTATUS=reloading configuration\nMONOTONIC_USEC=" + std::to_string(usec));
}

void Notifier::stopping() {
  send("STOPPING=1\nSTATUS=stopping");
}

void Notifier::startWatchdog() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  interval_ = std::chrono::microseconds(usec / 2);
  send("WATCHDOG=1");
  armWatchdog();
}

void Notifier::stopWatchdog() {
  interval_ = std::chrono::microseconds(0);
  timer_.cancel();
}

void Notifier::armWatchdog() {
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || interval_.count() == 0) return;
    send("WATCHDOG=1");
    armWatchdog();
  });
}

}  // namespace openclaw
