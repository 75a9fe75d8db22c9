#include "openclaw/alerter.h"

#include <syslog.h>

#include <algorithm>
#include <cctype>

#include "openclaw/log.h"

namespace openclaw {
namespace {

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
  return {fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]};
}

}  // namespace

std::string telegramText(const Alert& alert) {
  std::string tag = alert.level;
  std::transform(tag.begin(), tag.end(), tag.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return "[" + tag + "] " + alert.agent + ": " + alert.message;
}

Alerter::Alerter(boost::asio::io_context& io, std::string agent, std::string stateDir,
                 std::string alertLog)
    : io_(io),
      agent_(std::move(agent)),
      stateDir_(std::move(stateDir)),
      alertLog_(std::move(alertLog)) {}

void Alerter::configureTelegram(const std::optional<TelegramSettings>& settings,
                                OutboxTuning tuning) {
  // A reload that leaves Telegram alone must not reset the retry state or re-read the folder.
  if (settings == settings_ && tuning == tuning_) return;
  // The old outbox goes first: two outboxes on one folder would each send its messages.
  outbox_.reset();
  settings_ = settings;
  tuning_ = tuning;
  if (settings_) {
    outbox_ =
        std::make_unique<TelegramOutbox>(io_, stateDir_ + "/telegram-outbox", *settings_, tuning_);
  }
}

void Alerter::raise(const Alert& input) {
  Alert alert = cleaned(input);
  if (alert.agent.empty()) alert.agent = agent_;
  Log::write(priorityOf(alert.level), alert.message,
             {{"OPENCLAW_EVENT", alert.event},
              {"OPENCLAW_TARGET", alert.target},
              {"OPENCLAW_ALERT_LEVEL", alert.level}});
  // Every failed append is reported: a missing line in alerts.jsonl must be explainable.
  if (auto written = appendAlert(alert, alertLog_); !written) {
    Log::error("cannot append to the alert log: " + written.error().message(),
               {{"OPENCLAW_EVENT", "alert-log-failed"}, {"OPENCLAW_TARGET", alertLog_}});
  } else if (written->rotateError) {
    Log::warning("cannot rotate the alert log: " + written->rotateError.message(),
                 {{"OPENCLAW_EVENT", "alert-log-failed"}, {"OPENCLAW_TARGET", alertLog_}});
  }
  if (outbox_) {
    // The message is part of the key: a repeat of the same words is noise, but two
    // recoveries of one bot, each with its own cause and timing, are two things to know.
    outbox_->enqueue(telegramText(alert),
                     alert.level + "|" + alert.event + "|" + alert.target + "|" + alert.message);
  }
}

std::string Alerter::telegramStatus() const {
  return outbox_ ? "telegram: " + outbox_->summary() : std::string();
}

}  // namespace openclaw
