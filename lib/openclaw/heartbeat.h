// A dead man's switch in the healthchecks.io convention (also Uptime Kuma's push monitors,
// Cronitor, ...): while every bot is healthy, a POST to `url` every `interval_sec`; when an
// agent gives up on a bot, one POST to `<url>/fail` with the reason as its body.  When the
// host dies, or the suite does, the pings stop and the receiver raises the alarm off-host.
//
// A tick comes every interval (the first a second after configure()); it pings when
// `allHealthy()` says so and no ping is still in flight.  A failed ping is logged when the
// pings start failing and when they work again, not at every tick.  Each request has a
// timeout of 10 s; at most kMaxFailsInFlight /fail requests are in flight, more are logged
// and dropped.  Use it on the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "openclaw/http_client.h"
#include "openclaw/life_token.h"
#include "openclaw/notify_config.h"

namespace openclaw {

class Heartbeat {
 public:
  static constexpr int kMaxFailsInFlight = 4;
  // The body of a /fail request is cut to this.
  static constexpr std::size_t kMaxReasonBytes = 2048;

  // `changed` (may be empty) is called when status() starts saying something new: the pings
  // working, failing or held, not at every ping.
  Heartbeat(boost::asio::io_context& io, std::function<bool()> allHealthy,
            std::function<void()> changed = {});
  ~Heartbeat();

  // On every config (re)load.  Unchanged settings keep the schedule; nullopt stops pinging.
  void configure(std::optional<HeartbeatConfig> config);
  // A give-up: one POST to <url>/fail (nothing when no heartbeat is configured).
  void fail(const std::string& why);
  // For STATUS: "" when not configured, else e.g. "heartbeat ok since 14:03:02".
  std::string status() const;

 private:
  void arm(std::chrono::seconds after);
  void tick();
  void onPing(const HttpClientResponse& r);
  void setState(std::string text, std::string_view kind);

  std::function<bool()> allHealthy_;
  std::function<void()> changed_;
  std::optional<HeartbeatConfig> config_;
  HttpClient http_;
  boost::asio::steady_timer timer_;
  bool pingInFlight_ = false;
  int failsInFlight_ = 0;
  bool failing_ = false;      // the last ping did not get a 2xx
  std::string failingSince_;  // local time of the first failure in a row
  std::string state_;         // for status()
  std::string_view kind_;     // what state_ says: "", "ok", "failing", "held"
  LifeToken life_;
};

}  // namespace openclaw
