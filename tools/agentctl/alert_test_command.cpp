#include "alert_test_command.h"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <ctime>
#include <iostream>
#include <memory>
#include <utility>

#include "openclaw/alert_channels.h"
#include "openclaw/alerter.h"
#include "openclaw/daemon.h"
#include "openclaw/events.h"
#include "openclaw/notify_config.h"
#include "supervisor_config.h"

namespace openclaw::agentctl {
namespace {

constexpr int kExitUsage = 2;
constexpr int kExitNoChannel = 3;
// Long enough for a slow receiver across the Internet, short enough for an operator waiting.
constexpr std::chrono::milliseconds kTimeout{15000};
constexpr const char* kUsage = "usage: openclaw-agentctl alert-test [--config-dir DIR]\n";

std::string hostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "this host";
  return name;
}

// jack-supervisor's own key, when its config loads; a config that does not load is only
// worth a note here (check-config says why).
std::optional<TelegramSettings> agentTelegram(const std::string& dir) {
  auto config = loadConfigWith(dir + "/jack-supervisor.json", supervisor::parseSupervisorConfig);
  if (!config) return std::nullopt;
  return config->telegram;
}

// "delivered", or "failed: <why>" with the channel's token scrubbed out.
std::string tryOnce(AlertChannel& channel, const std::string& message) {
  auto job = channel.request(message, kTimeout);
  if (!job) return "failed: " + scrubSecret(job.error(), channel.secret());
  const DeliveryDecision d = channel.judge(PostCourier::postNow(*job));
  if (d.verdict == DeliveryVerdict::Delivered) return "delivered";
  return "failed: " + scrubSecret(d.error, channel.secret());
}

}  // namespace

int alertTestCommand(const std::vector<std::string>& args) {
  std::string dir = configDirectory();
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config-dir" && i + 1 < args.size()) {
      dir = args[++i];
    } else {
      std::cerr << kUsage;
      return kExitUsage;
    }
  }
  auto notify = loadNotifyConfig(dir + "/notify.json");
  if (!notify) {
    for (const auto& issue : notify.error()) std::cerr << issue.text() << "\n";
    return kExitUsage;
  }
  const auto own = agentTelegram(dir);
  if (notify->telegram && own && *own != *notify->telegram) {
    std::cout << "note: notify.json configures Telegram; jack-supervisor's own key is ignored\n";
  }
  std::vector<std::unique_ptr<AlertChannel>> channels;
  if (const auto tg = notify->telegram ? notify->telegram : own) {
    channels.push_back(makeTelegramChannel(*tg));
  }
  if (notify->webhook) channels.push_back(makeWebhookChannel(*notify->webhook));

  const std::string host = hostName();
  const Alert alert{"info", "agentctl", std::string(event::kAlertTest), host,
                    "test alert from openclaw-agentctl alert-test on " + host};
  {
    // The journal and alerts.jsonl, as for any alert; its channels are tried below, once.
    boost::asio::io_context io;
    Alerter(io, "agentctl", "/nonexistent").raise(alert);
  }
  if (channels.empty()) {
    std::cout << "no alert channel configured: " << dir
              << "/notify.json names no telegram or webhook (the alert is in the journal and "
                 "alerts.jsonl only)\n";
    return kExitNoChannel;
  }
  const long long now = static_cast<long long>(std::time(nullptr));
  int failed = 0;
  for (auto& channel : channels) {
    const std::string message =
        channel->name() == "webhook" ? webhookBody(alert, now) : telegramText(alert);
    const std::string outcome = tryOnce(*channel, message);
    failed += outcome == "delivered" ? 0 : 1;
    std::cout << channel->name() << ": " << outcome << "\n";
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace openclaw::agentctl
