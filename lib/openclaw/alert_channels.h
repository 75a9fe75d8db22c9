// The channels an AlertOutbox delivers through: what one message becomes on the wire, and
// what the receiver's answer means.
//
// Telegram: POST <api_url>/bot<token>/sendMessage {"chat_id", "text"}, delivered on 2xx with
// "ok":true.  Webhook: POST <url> with the message itself as the JSON body (the Alerter puts
// the alert object there, see alerter.h) and "Authorization: Bearer <token>" when a token file
// is set; delivered on any 2xx.  Tokens are read from their files for each request, so a
// rotated token is picked up; `secret` reports the one in use so the outbox can scrub it out
// of every error text.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "openclaw/alert_delivery.h"
#include "openclaw/result.h"

namespace openclaw {

struct TelegramSettings {
  std::string tokenFile;  // read for each request, whitespace trimmed
  std::string chatId;
  std::string apiUrl = "https://api.telegram.org";

  bool operator==(const TelegramSettings&) const = default;
};

struct WebhookSettings {
  std::string url;        // http:// or https://
  std::string tokenFile;  // optional: "" sends no Authorization header

  bool operator==(const WebhookSettings&) const = default;
};

class AlertChannel {
 public:
  virtual ~AlertChannel() = default;
  // "telegram", "webhook": the folder's prefix, log events, status lines.
  virtual std::string name() const = 0;
  // Bytes of one message the channel accepts; longer texts are cut (Telegram) by the outbox.
  virtual std::size_t maxMessageBytes() const = 0;
  // The request for `message`, or why none can be made now (a missing token file).
  virtual Expected<PostCourier::Job, std::string> request(const std::string& message,
                                                          std::chrono::milliseconds timeout) = 0;
  virtual DeliveryDecision judge(const DeliveryReply& reply) const = 0;
  // The token of the last request ("" when none): never to appear in an error text.
  virtual std::string secret() const = 0;
};

std::unique_ptr<AlertChannel> makeTelegramChannel(TelegramSettings settings);
std::unique_ptr<AlertChannel> makeWebhookChannel(WebhookSettings settings);

}  // namespace openclaw
