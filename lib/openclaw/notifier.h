// The daemon's side of systemd's notify protocol (Type=notify units).
//
// READY=1 with a STATUS= line once the daemon serves, STATUS= whenever what it does changes,
// RELOADING=1 (with MONOTONIC_USEC=, which systemd 253+ requires) around a reload,
// STOPPING=1 before a clean exit, and the watchdog ping as a timer on the daemon's own
// event loop: if the loop stalls, the pings stop and systemd restarts the daemon, which is
// the point.  Outside systemd (no NOTIFY_SOCKET) every call is a cheap no-op.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace openclaw {

class Notifier {
 public:
  explicit Notifier(boost::asio::io_context& io);

  void ready(std::string_view status);
  void status(std::string_view status);
  void reloading();
  void stopping();

  // Starts pinging at half the interval systemd asked for in WATCHDOG_USEC; does nothing
  // when the unit has no WatchdogSec=.
  void startWatchdog();
  void stopWatchdog();
  std::chrono::microseconds watchdogInterval() const { return interval_; }

  const std::string& lastStatus() const { return lastStatus_; }

 private:
  void send(const std::string& state);
  void armWatchdog();

  boost::asio::steady_timer timer_;
  std::chrono::microseconds interval_{0};
  std::string lastStatus_;
};

// Turns a free-form text into a valid single STATUS= line (no newlines, bounded length).
std::string statusLine(std::string_view text);

}  // namespace openclaw
