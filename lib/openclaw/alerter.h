// The one call every agent makes to tell the operator something: Alerter::raise().
//
// Each alert goes to three places, each independent of the others: journald (at the
// level's priority, with OPENCLAW_EVENT, OPENCLAW_TARGET and OPENCLAW_ALERT_LEVEL fields),
// one line of the shared alerts.jsonl (rotated by size, see alerts.h), and each configured
// channel's durable AlertOutbox, deduplicated on level|event|target|message:
//   Telegram  "[LEVEL] <agent>: <message>", queued under <stateDir>/telegram-outbox;
//   webhook   the alerts.jsonl object (ts, level, agent, event, target, message, details)
//             plus "text": "[LEVEL] <agent>: <message>" so that Slack-compatible receivers
//             show a readable line; under <stateDir>/webhook-outbox.  A body over 16 KiB
//             has its details replaced by {"truncated": true}.
// A failure of one never stops the others: the alerts.jsonl line is written whatever the
// channels do, and a failed append is logged.
//
// Repeats are folded: the first alert of a kind (agent, event, target, level) goes out at
// once to all three places and opens a window (10 minutes by default); further alerts of that
// kind inside the window are counted, not written anywhere.  When the window ends, one
// follow-up alert carries the count (details "repeats" and "repeat_window_sec") and the last
// repeat's message and details, through all three places again; a window with no repeat ends
// silently.  A `recovered` alert is never folded: it closes every open window of its agent
// and target first (their follow-ups come before it), since a recovery ends the trouble the
// repeats were about and the repeats' count belongs to that incident.  Windows still open
// when the Alerter is destroyed (the daemon stopping) report their counts then.  At most
// `maxKinds` windows are open at once: a new kind beyond that closes the oldest window early.
//
// configureChannels() is called on every config (re)load with the agent's NotifyConfig
// (and jack-supervisor's own `telegram` key, used only when notify.json names no Telegram:
// notify.json's wins, and a warning says the agent's own is ignored).  Per channel,
// unchanged settings keep the outbox (and its retry state), changed ones start a new outbox
// on the same folder, and a channel no longer configured stops sending while messages
// already queued stay on disk for a later start.
// Use the Alerter on the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openclaw/agent_report.h"
#include "openclaw/alert_outbox.h"
#include "openclaw/alerts.h"
#include "openclaw/life_token.h"
#include "openclaw/notify_config.h"

namespace openclaw {

// Which occurrences of a repeated thing are told, per key: the first `allowance` in a
// window pass, the rest are counted.  A key's window opens at its first occurrence and lasts
// `window`; when it ends the key is forgotten (the next occurrence opens a new window), and
// a window that counted anything is handed back as a Summary for the caller to report.  At
// most `maxKeys` windows are open: a new key beyond that closes the oldest one early.  Pure:
// the caller passes the time, so tests need no clock.
class RepeatThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  struct Tuning {
    Clock::duration window = std::chrono::minutes(10);
    std::uint64_t allowance = 1;
    std::size_t maxKeys = 256;
  };
  struct Summary {
    std::string key;
    std::uint64_t counted = 0;  // occurrences that did not pass
    Clock::duration span{};     // from the window's opening to its close
  };

  explicit RepeatThrottle(Tuning tuning) : tuning_(tuning) {}

  // Closes the windows ended by `now` (appended to `closed`), then: true when this
  // occurrence is to be told, false when it is counted.
  bool admit(const std::string& key, Clock::time_point now, std::vector<Summary>& closed);
  // Closes the windows ended by `now`; returns those that counted anything.
  std::vector<Summary> expire(Clock::time_point now);
  // Closes now every window whose key starts with `prefix`; returns those that counted.
  std::vector<Summary> closeMatching(const std::string& prefix, Clock::time_point now);
  // When the next open window ends; nullopt when none is open.
  std::optional<Clock::time_point> nextEnd() const;
  std::size_t openWindows() const { return windows_.size(); }
  const Tuning& tuning() const { return tuning_; }

 private:
  struct Window {
    Clock::time_point opened;
    std::uint64_t seen = 0;
  };
  void close(std::map<std::string, Window>::iterator it, Clock::time_point now,
             std::vector<Summary>& closed);

  Tuning tuning_;
  std::map<std::string, Window> windows_;
};

// Closes a RepeatThrottle's windows when they end, on the loop, and hands what they counted
// to `onClosed`.  The owner calls arm() after each change to the throttle; a flood re-arms
// nothing while the window it repeats is open.
class RepeatWindowTimer {
 public:
  using OnClosed = std::function<void(const std::vector<RepeatThrottle::Summary>&)>;
  RepeatWindowTimer(boost::asio::io_context& io, RepeatThrottle& throttle, OnClosed onClosed);
  void arm();

 private:
  RepeatThrottle& throttle_;
  OnClosed onClosed_;
  boost::asio::steady_timer timer_;
  std::optional<RepeatThrottle::Clock::time_point> armedFor_;
  LifeToken life_;
};

struct AlerterTuning {
  // Ten minutes: a flood (a bot dropping thousands of flags, a check failing every few
  // seconds) costs one line and one message per kind and window, while a trouble that comes
  // back after a quiet window is told again at once.
  std::chrono::milliseconds repeatWindow{std::chrono::minutes(10)};
  // Kinds are agent x event x target: a few dozen on a real host; the bound only keeps a
  // caller that puts unbounded names in `target` from growing memory.
  std::size_t maxKinds = 256;
  AlertLogLimits log;
};

class Alerter {
 public:
  Alerter(boost::asio::io_context& io, std::string agent, std::string stateDir,
          std::string alertLog = kAlertLog, AlerterTuning tuning = {});
  ~Alerter();
  Alerter(const Alerter&) = delete;
  Alerter& operator=(const Alerter&) = delete;

  void configureChannels(const NotifyConfig& notify,
                         const std::optional<TelegramSettings>& agentTelegram = std::nullopt,
                         OutboxTuning tuning = {});
  void configureTelegram(const std::optional<TelegramSettings>& settings, OutboxTuning tuning = {});
  void configureWebhook(const std::optional<WebhookSettings>& settings, OutboxTuning tuning = {});

  // An empty `alert.agent` is filled with this Alerter's agent name.
  void raise(const Alert& alert);

  // "" when Telegram is off, else "telegram: 0 pending" or
  // "telegram: 2 pending (HTTP 429, retry in 30 s)".
  std::string telegramStatus() const;
  // "telegram: 0 pending; webhook: 1 pending (HTTP 500, retry in 4 s)"; "" with no channel.
  std::string channelStatus() const;
  // Messages waiting, per configured channel ("telegram", "webhook").
  std::map<std::string, std::size_t> outboxDepth() const;

 private:
  void deliver(const Alert& alert, std::uint64_t repeats);
  void report(const std::vector<RepeatThrottle::Summary>& closed);

  boost::asio::io_context& io_;
  std::string agent_;
  std::string stateDir_;
  std::string alertLog_;
  AlerterTuning alerterTuning_;
  template <class Settings>
  struct Channel {
    std::optional<Settings> settings;
    OutboxTuning tuning;
    std::unique_ptr<AlertOutbox> outbox;
  };
  template <class Settings>
  void configure(Channel<Settings>& channel, const std::optional<Settings>& settings,
                 OutboxTuning tuning, const char* folder,
                 std::unique_ptr<AlertChannel> (*make)(Settings));
  Channel<TelegramSettings> telegram_;
  Channel<WebhookSettings> webhook_;
  RepeatThrottle repeats_;
  std::map<std::string, Alert> lastRepeat_;  // per open window that counted: its last alert
  RepeatWindowTimer repeatsTimer_;
};

// "[CRITICAL] jack-supervisor: restore failed", the Telegram form of an alert.
std::string telegramText(const Alert& alert);
// The webhook's JSON body for an alert sent at `unixSeconds` (see above).
std::string webhookBody(const Alert& alert, long long unixSeconds);

// Keeps openclaw_alert_outbox_depth{channel} current in `report` (set at each of its writes,
// so at least once a minute).  `alerter` must outlive `report`.
void publishOutboxDepth(AgentReport& report, const Alerter& alerter);

}  // namespace openclaw
