#include "openclaw/alerter.h"

#include <syslog.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "openclaw/events.h"
#include "openclaw/json_text.h"
#include "openclaw/log.h"

namespace openclaw {
namespace {

constexpr std::size_t kMaxWebhookBodyBytes = 16 << 10;

int priorityOf(const std::string& level) {
  if (level == "critical") return LOG_CRIT;
  if (level == "warning") return LOG_WARNING;
  if (level == "recovered") return LOG_NOTICE;
  if (level == "info") return LOG_INFO;
  return LOG_WARNING;  // an unknown level is the caller's bug; it must not make the alert quiet
}

nlohmann::json withValidUtf8(const nlohmann::json& value) {
  // Alerts quote paths and command output in any encoding; a throwing dump() would lose the
  // alert (and unwind the agent), so invalid bytes become U+FFFD instead.
  return nlohmann::json::parse(
      value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Alert cleaned(const Alert& in) {
  const nlohmann::json fields =
      withValidUtf8({in.level, in.agent, in.event, in.target, in.message, in.details});
  return {fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], in.journal};
}

// The key of an alert's kind.  Agent and target come first so that all kinds of one target
// share a prefix (a recovery closes them together); the separator cannot occur in a name
// that any agent writes, and one that did would only close a window early.
std::string kindPrefix(const std::string& agent, const std::string& target) {
  return agent + '\x1f' + target + '\x1f';
}

std::string kindOf(const Alert& a) {
  return kindPrefix(a.agent, a.target) + a.event + '\x1f' + a.level;
}

std::string spanText(RepeatThrottle::Clock::duration span) {
  const auto sec = std::chrono::duration_cast<std::chrono::seconds>(span).count();
  if (sec >= 120) return std::to_string((sec + 30) / 60) + " min";
  return std::to_string(sec) + " s";
}

// The follow-up that closes a window: the last repeat, saying how many were folded into it.
Alert followUp(const Alert& last, const RepeatThrottle::Summary& s) {
  Alert a = last;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(s.span).count();
  a.message += " (repeated " + std::to_string(s.counted) + (s.counted == 1 ? " time" : " times") +
               " in " + spanText(s.span) + ")";
  if (!a.details.is_object()) a.details = {{"details", a.details}};
  a.details["repeats"] = s.counted;
  a.details["repeat_window_sec"] = seconds;
  return a;
}

}  // namespace

void RepeatThrottle::close(std::map<std::string, Window>::iterator it, Clock::time_point now,
                           std::vector<Summary>& closed) {
  if (it->second.seen > tuning_.allowance) {
    closed.push_back({it->first, it->second.seen - tuning_.allowance,
                      std::min<Clock::duration>(now - it->second.opened, tuning_.window)});
  }
  windows_.erase(it);
}

std::vector<RepeatThrottle::Summary> RepeatThrottle::expire(Clock::time_point now) {
  std::vector<Summary> closed;
  for (auto it = windows_.begin(); it != windows_.end();) {
    auto next = std::next(it);
    if (now - it->second.opened >= tuning_.window) close(it, now, closed);
    it = next;
  }
  return closed;
}

bool RepeatThrottle::admit(const std::string& key, Clock::time_point now,
                           std::vector<Summary>& closed) {
  for (auto& s : expire(now)) closed.push_back(std::move(s));
  if (auto it = windows_.find(key); it != windows_.end()) {
    return ++it->second.seen <= tuning_.allowance;
  }
  if (tuning_.maxKeys > 0 && windows_.size() >= tuning_.maxKeys) {
    auto oldest = std::min_element(windows_.begin(), windows_.end(), [](auto& a, auto& b) {
      return a.second.opened < b.second.opened;
    });
    close(oldest, now, closed);
  }
  windows_.emplace(key, Window{now, 1});
  return tuning_.allowance >= 1;
}

std::vector<RepeatThrottle::Summary> RepeatThrottle::closeMatching(const std::string& prefix,
                                                                   Clock::time_point now) {
  std::vector<Summary> closed;
  for (auto it = windows_.lower_bound(prefix);
       it != windows_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    auto next = std::next(it);
    close(it, now, closed);
    it = next;
  }
  return closed;
}

std::optional<RepeatThrottle::Clock::time_point> RepeatThrottle::nextEnd() const {
  std::optional<Clock::time_point> first;
  for (const auto& [key, w] : windows_) {
    if (!first || w.opened + tuning_.window < *first) first = w.opened + tuning_.window;
  }
  return first;
}

std::string webhookBody(const Alert& alert, long long unixSeconds) {
  auto body = nlohmann::json::parse(alertLine(alert, unixSeconds), nullptr, false);
  if (!body.is_object()) body = nlohmann::json::object();  // cannot happen: alertLine is JSON
  body["text"] = telegramText(alert);
  std::string text = toJsonText(body);
  // Details may quote whole command outputs; receivers commonly cap bodies near 16 KiB.
  if (text.size() > kMaxWebhookBodyBytes) {
    body["details"] = {{"truncated", true}};
    body["message"] = body["message"].get<std::string>().substr(0, 4000);
    body["text"] = body["text"].get<std::string>().substr(0, 4000);
    text = toJsonText(body);
  }
  return text;
}

std::string telegramText(const Alert& alert) {
  std::string tag = alert.level;
  std::transform(tag.begin(), tag.end(), tag.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return "[" + tag + "] " + alert.agent + ": " + alert.message;
}

Alerter::Alerter(boost::asio::io_context& io, std::string agent, std::string stateDir,
                 std::string alertLog, AlerterTuning tuning)
    : io_(io),
      agent_(std::move(agent)),
      stateDir_(std::move(stateDir)),
      alertLog_(std::move(alertLog)),
      alerterTuning_(tuning),
      repeats_({tuning.repeatWindow, 1, tuning.maxKinds}),
      repeatsTimer_(io, repeats_, [this](const std::vector<RepeatThrottle::Summary>& closed) {
        report(closed);
      }) {}

Alerter::~Alerter() {
  // The daemon is stopping: counts still in open windows are told now, not lost.  Telegram
  // messages are persisted by enqueue() and go out at the next start.
  try {
    report(repeats_.closeMatching("", RepeatThrottle::Clock::now()));
  } catch (...) {  // nothing may escape a destructor; the journal and log were best effort
  }
}

template <class Settings>
void Alerter::configure(Channel<Settings>& channel, const std::optional<Settings>& settings,
                        OutboxTuning tuning, const char* folder,
                        std::unique_ptr<AlertChannel> (*make)(Settings)) {
  // A reload that leaves a channel alone must not reset its retry state or re-read its folder.
  if (settings == channel.settings && tuning == channel.tuning && (channel.outbox || !settings)) {
    return;
  }
  // The old outbox goes first: two outboxes on one folder would each send its messages.
  channel.outbox.reset();
  channel.settings = settings;
  channel.tuning = tuning;
  if (settings) {
    channel.outbox =
        std::make_unique<AlertOutbox>(io_, stateDir_ + "/" + folder, make(*settings), tuning);
  }
}

void Alerter::configureTelegram(const std::optional<TelegramSettings>& settings,
                                OutboxTuning tuning) {
  configure(telegram_, settings, tuning, "telegram-outbox", makeTelegramChannel);
}

void Alerter::configureWebhook(const std::optional<WebhookSettings>& settings,
                               OutboxTuning tuning) {
  configure(webhook_, settings, tuning, "webhook-outbox", makeWebhookChannel);
}

void Alerter::configureChannels(const NotifyConfig& notify,
                                const std::optional<TelegramSettings>& agentTelegram,
                                OutboxTuning tuning) {
  if (notify.telegram && agentTelegram && *notify.telegram != *agentTelegram) {
    Log::warning("notify.json configures Telegram: the agent's own \"telegram\" key is ignored",
                 {{journal_key::kEvent, event::kTelegramKeyIgnored}});
  }
  configureTelegram(notify.telegram ? notify.telegram : agentTelegram, tuning);
  configureWebhook(notify.webhook, tuning);
}

void Alerter::raise(const Alert& input) {
  Alert alert = cleaned(input);
  if (alert.agent.empty()) alert.agent = agent_;
  const auto now = RepeatThrottle::Clock::now();
  std::vector<RepeatThrottle::Summary> closed;
  bool tell = true;
  if (alert.level == "recovered") {
    closed = repeats_.expire(now);
    for (auto& s : repeats_.closeMatching(kindPrefix(alert.agent, alert.target), now)) {
      closed.push_back(std::move(s));
    }
  } else {
    tell = repeats_.admit(kindOf(alert), now, closed);
  }
  // Follow-ups first: they are about what came before this alert.
  report(closed);
  if (tell) {
    deliver(alert, 0);
  } else {
    lastRepeat_[kindOf(alert)] = std::move(alert);
  }
  repeatsTimer_.arm();
}

void Alerter::deliver(const Alert& alert, std::uint64_t repeats) {
  std::vector<LogField> fields = {{journal_key::kEvent, alert.event},
                                  {journal_key::kTarget, alert.target},
                                  {journal_key::kAlertLevel, alert.level}};
  if (repeats > 0) fields.push_back({journal_key::kRepeats, std::to_string(repeats)});
  fields.insert(fields.end(), alert.journal.begin(), alert.journal.end());
  Log::write(priorityOf(alert.level), alert.message, fields);
  // Every failed append is reported: a missing line in alerts.jsonl must be explainable.
  if (auto written = appendAlert(alert, alertLog_, alerterTuning_.log); !written) {
    Log::error("cannot append to the alert log: " + written.error().message(),
               {{journal_key::kEvent, event::kAlertLogFailed}, {journal_key::kTarget, alertLog_}});
  } else if (written->rotateError) {
    Log::warning(
        "cannot rotate the alert log: " + written->rotateError.message(),
        {{journal_key::kEvent, event::kAlertLogFailed}, {journal_key::kTarget, alertLog_}});
  }
  // The message is part of the key: a repeat of the same words is noise, but two
  // recoveries of one bot, each with its own cause and timing, are two things to know.
  const std::string key =
      alert.level + "|" + alert.event + "|" + alert.target + "|" + alert.message;
  if (telegram_.outbox) telegram_.outbox->enqueue(telegramText(alert), key);
  if (webhook_.outbox) {
    webhook_.outbox->enqueue(webhookBody(alert, static_cast<long long>(std::time(nullptr))), key);
  }
}

void Alerter::report(const std::vector<RepeatThrottle::Summary>& closed) {
  for (const auto& s : closed) {
    const auto it = lastRepeat_.find(s.key);
    if (it == lastRepeat_.end()) continue;  // cannot happen: a count always has its alert
    const Alert last = std::move(it->second);
    lastRepeat_.erase(it);
    deliver(followUp(last, s), s.counted);
  }
}

RepeatWindowTimer::RepeatWindowTimer(boost::asio::io_context& io, RepeatThrottle& throttle,
                                     OnClosed onClosed)
    : throttle_(throttle), onClosed_(std::move(onClosed)), timer_(io) {}

void RepeatWindowTimer::arm() {
  const auto next = throttle_.nextEnd();
  if (next == armedFor_) return;  // a flood re-arms nothing: the window it repeats is open
  armedFor_ = next;
  if (!next) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(*next);
  timer_.async_wait(life_.guard([this](boost::system::error_code ec) {
    if (ec) return;
    armedFor_.reset();
    onClosed_(throttle_.expire(RepeatThrottle::Clock::now()));
    arm();
  }));
}

std::string Alerter::telegramStatus() const {
  return telegram_.outbox ? "telegram: " + telegram_.outbox->summary() : std::string();
}

std::string Alerter::channelStatus() const {
  std::string s;
  for (const AlertOutbox* o : {telegram_.outbox.get(), webhook_.outbox.get()}) {
    if (o == nullptr) continue;
    s += (s.empty() ? "" : "; ") + o->channelName() + ": " + o->summary();
  }
  return s;
}

std::map<std::string, std::size_t> Alerter::outboxDepth() const {
  std::map<std::string, std::size_t> depth;
  for (const AlertOutbox* o : {telegram_.outbox.get(), webhook_.outbox.get()}) {
    if (o != nullptr) depth[o->channelName()] = o->pending();
  }
  return depth;
}

void publishOutboxDepth(AgentReport& report, const Alerter& alerter) {
  report.setGaugeSource([&alerter](MetricSet& m) {
    m.clearGauge("openclaw_alert_outbox_depth");
    for (const auto& [channel, depth] : alerter.outboxDepth()) {
      m.set("openclaw_alert_outbox_depth", {{"channel", channel}}, static_cast<double>(depth));
    }
  });
}

}  // namespace openclaw
