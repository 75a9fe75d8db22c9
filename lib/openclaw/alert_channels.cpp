#include "openclaw/alert_channels.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace openclaw {
namespace {

constexpr std::size_t kTelegramTextBytes = 4000;  // Telegram refuses texts over 4096 chars
// The Alerter keeps a webhook body under 16 KiB; this only stops a corrupt message file.
constexpr std::size_t kWebhookBodyBytes = 48 << 10;

std::string dumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class TelegramChannel final : public AlertChannel {
 public:
  explicit TelegramChannel(TelegramSettings s) : settings_(std::move(s)) {
    while (!settings_.apiUrl.empty() && settings_.apiUrl.back() == '/') {
      settings_.apiUrl.pop_back();
    }
  }
  std::string name() const override { return "telegram"; }
  std::size_t maxMessageBytes() const override { return kTelegramTextBytes; }
  Expected<PostCourier::Job, std::string> request(const std::string& message,
                                                  std::chrono::milliseconds timeout) override {
    auto token = readTelegramToken(settings_.tokenFile);
    if (!token) return Unexpected<std::string>{token.error()};
    token_ = *token;
    const nlohmann::json body = {{"chat_id", settings_.chatId}, {"text", message}};
    return PostCourier::Job{
        settings_.apiUrl + "/bot" + token_ + "/sendMessage", dumpJson(body), timeout, {}};
  }
  DeliveryDecision judge(const DeliveryReply& reply) const override {
    return judgeTelegramReply(reply);
  }
  std::string secret() const override { return token_; }

 private:
  TelegramSettings settings_;
  std::string token_;
};

class WebhookChannel final : public AlertChannel {
 public:
  explicit WebhookChannel(WebhookSettings s) : settings_(std::move(s)) {}
  std::string name() const override { return "webhook"; }
  std::size_t maxMessageBytes() const override { return kWebhookBodyBytes; }
  Expected<PostCourier::Job, std::string> request(const std::string& message,
                                                  std::chrono::milliseconds timeout) override {
    PostCourier::Job job{settings_.url, message, timeout, {}};
    token_.clear();
    if (!settings_.tokenFile.empty()) {
      // Printable ASCII without spaces: the token goes into a header line.
      auto token = readTokenFile(settings_.tokenFile, "webhook",
                                 [](unsigned char c) { return c > 0x20 && c < 0x7f; });
      if (!token) return Unexpected<std::string>{token.error()};
      token_ = *token;
      job.headers.push_back("Authorization: Bearer " + token_);
    }
    return job;
  }
  DeliveryDecision judge(const DeliveryReply& reply) const override {
    return judgeHttpReply(reply, "the webhook");
  }
  std::string secret() const override { return token_; }

 private:
  WebhookSettings settings_;
  std::string token_;
};

}  // namespace

std::unique_ptr<AlertChannel> makeTelegramChannel(TelegramSettings settings) {
  return std::make_unique<TelegramChannel>(std::move(settings));
}

std::unique_ptr<AlertChannel> makeWebhookChannel(WebhookSettings settings) {
  return std::make_unique<WebhookChannel>(std::move(settings));
}

}  // namespace openclaw
