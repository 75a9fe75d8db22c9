// The one call every agent makes to tell the operator something: Alerter::raise().
//
// Each alert goes to three places, each independent of the others: journald (at the
// level's priority, with OPENCLAW_EVENT, OPENCLAW_TARGET and OPENCLAW_ALERT_LEVEL fields),
// one line of the shared alerts.jsonl, and, when Telegram is configured, a message
// "[LEVEL] <agent>: <message>" in the durable TelegramOutbox under <stateDir>/telegram-outbox,
// deduplicated on level|event|target|message.  A failure of one never stops the others: the
// alerts.jsonl line is written whatever Telegram does, and a failed append is logged.
//
// configureTelegram() is called on every config (re)load; unchanged settings keep the
// outbox (and its retry state), changed ones start a new outbox on the same folder, and
// nullopt stops sending while messages already queued stay on disk for a later start.
// Use the Alerter on the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>

#include "openclaw/alerts.h"
#include "openclaw/telegram_outbox.h"

namespace openclaw {

class Alerter {
 public:
  Alerter(boost::asio::io_context& io, std::string agent, std::string stateDir,
          std::string alertLog = kAlertLog);

  void configureTelegram(const std::optional<TelegramSettings>& settings, OutboxTuning tuning = {});

  // An empty `alert.agent` is filled with this Alerter's agent name.
  void raise(const Alert& alert);

  // "" when Telegram is off, else "telegram: 0 pending" or
  // "telegram: 2 pending (HTTP 429, retry in 30 s)".
  std::string telegramStatus() const;

 private:
  boost::asio::io_context& io_;
  std::string agent_;
  std::string stateDir_;
  std::string alertLog_;
  std::optional<TelegramSettings> settings_;
  OutboxTuning tuning_;
  std::unique_ptr<TelegramOutbox> outbox_;
};

// "[CRITICAL] jack-supervisor: restore failed", the Telegram form of an alert.
std::string telegramText(const Alert& alert);

}  // namespace openclaw
