#include "bridge_service.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>

#include "openclaw/durable_file.h"
#include "openclaw/log.h"

namespace openclaw::bridge {
namespace {
constexpr const char* kCredentialName = "vps-bridge-token";
constexpr const char* kTokenFile = "/etc/openclaw-agents/vps-bridge.token";
// A token is a line of hex; anything bigger is not a token.
constexpr std::size_t kMaxTokenBytes = 4096;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}
}  // namespace

std::string loadBridgeToken() {
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr) {
    auto text = readSmallFile(std::string(dir) + "/" + kCredentialName, kMaxTokenBytes);
    if (text) return trimmed(*text);
  }
  auto text = readSmallFile(kTokenFile, kMaxTokenBytes);
  return text ? trimmed(*text) : std::string();
}

BridgeService::BridgeService(DaemonContext& ctx)
    : ctx_(ctx), server_(ctx.io, [this](const HttpRequestView& r) { return route(r, view_); }) {}

void BridgeService::apply(const BridgeConfig& config) {
  config_ = config;
  view_.config = &config_;
  view_.token = loadBridgeToken();
  if (view_.token.empty()) {
    Log::error(
        "no token: every request will be refused until the vps-bridge-token credential "
        "exists (" +
            std::string(kTokenFile) + ")",
        {{"OPENCLAW_EVENT", "no-token"}});
  }
  if (!serving_) startServing();
}

void BridgeService::startServing() {
  const int n = sd_listen_fds(1);
  if (n > 0) {
    for (int i = 0; i < n; ++i) {
      if (auto r = server_.adopt(SD_LISTEN_FDS_START + i); !r) {
        Log::error("cannot serve on the socket systemd passed: " + r.error().message());
      }
    }
    where_ = "the socket from systemd";
  } else if (auto r = server_.listen(config_.listen); !r) {
    Log::error("cannot listen on " + config_.listen + ": " + r.error().message(),
               {{"OPENCLAW_EVENT", "listen-failed"}});
    where_ = "not listening (" + r.error().message() + ")";
    serving_ = true;
    return;
  } else {
    where_ = config_.listen;
  }
  serving_ = true;
}

std::string BridgeService::status() const {
  return std::string(view_.token.empty() ? "refusing requests (no token)" : "serving") + " on " +
         where_ + "; " + describe(config_) + "; " + std::to_string(server_.served()) +
         " request(s) answered";
}

void BridgeService::stop() {
  server_.stop();
}

}  // namespace openclaw::bridge
