#include "bridge_service.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>

#include "openclaw/events.h"
#include "openclaw/log.h"
#include "openclaw/paths.h"

namespace openclaw::bridge {
namespace {
constexpr const char* kCredentialName = "vps-bridge-token";
const std::string kTokenFile = std::string(kConfigDirectory) + "/vps-bridge.token";
// Counters move with every call: saving them every few seconds costs one small write while
// busy and loses at most that much of them to a kill -9.  Breaker transitions save at once.
constexpr std::chrono::seconds kSaveInterval{5};
// Expired sessions go within ten minutes of their TTL; a sweep is one pass over memory.
constexpr std::chrono::minutes kSweepInterval{10};

}  // namespace

std::string loadBridgeToken() {
  // Read as an agent's token is: bounded, trimmed, nothing that could split a header.
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr) {
    if (auto token = readAgentToken(std::string(dir) + "/" + kCredentialName)) return *token;
  }
  auto token = readAgentToken(kTokenFile);
  return token ? *token : std::string();
}

BridgeService::BridgeService(DaemonContext& ctx)
    : ctx_(ctx),
      alerter_(ctx.io, ctx.name, ctx.stateDir),
      // No textfile folder: a dynamic user cannot write there; openclaw-agentctl
      // export-metrics (openclaw-vps-bridge-metrics.timer) renders this report as root.
      report_(ctx.io, ctx.name, ctx.stateDir, ""),
      core_(ctx.io, ctx.stateDir,
            CallEvents{[this](const AgentSlot& slot, BreakerChange change, const std::string& why) {
                         onBreakerChanged(slot, change, why);
                       },
                       [this](const std::string& agentAsked, const CallResult& r) {
                         countCall(agentAsked, r);
                       }}),
      server_(ctx.io, ServerHooks{[this](const HttpRequestView& r) { return gate(r, core_.parts); },
                                  [this](const HttpRequestView& r, Reply reply) {
                                    handle(r, core_.parts, std::move(reply));
                                  }}),
      saveTimer_(ctx.io),
      sweepTimer_(ctx.io) {
  publishOutboxDepth(report_, alerter_);
}

BridgeService::~BridgeService() {
  stop();
}

void BridgeService::start(const BridgeConfig& config) {
  started_ = true;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& p : core_.agents.load(now, std::chrono::system_clock::now())) {
    Log::warning(p, {{journal_key::kEvent, event::kStateDamaged}});
  }
  for (const auto& p : core_.sessions.open()) {
    Log::warning("sessions: " + p, {{journal_key::kEvent, event::kStateDamaged}});
  }
  core_.parts.started = now;
  configure(config);
  startServing();
  armSave();
  core_.sessions.sweep(systemWallClockMs());
  armSweep();
  reportBreakers();
}

void BridgeService::reload(const BridgeConfig& config) {
  configure(config);
  reportBreakers();
}

void BridgeService::configure(const BridgeConfig& config) {
  alerter_.configureChannels(config.notify);
  config_ = config;
  core_.apply(config_);
  // A call to an agent the new config dropped or changed would go on to the old address.
  core_.runner.cancelIf([this](const AgentSlot& slot) {
    const auto current = core_.agents.find(slot.agent.name);
    return !current || current->agent.url != slot.agent.url ||
           current->agent.protocol != slot.agent.protocol;
  });
  server_.setLimits({static_cast<std::size_t>(config_.maxConnections)});
  core_.parts.server = &server_;
  core_.parts.alertLog = kAlertLog;
  core_.parts.breakerReset = [this](const AgentSlot& slot) {
    onBreakerChanged(slot, BreakerChange::Closed, "reset by the operator");
  };
  core_.parts.token = loadBridgeToken();
  if (core_.parts.token.empty()) {
    Log::error(
        "no token: every request will be refused until the vps-bridge-token credential "
        "exists (" +
            kTokenFile + ")",
        {{journal_key::kEvent, event::kNoToken}});
  }
  for (const auto& slot : core_.agents.all()) {
    if (!slot->tokenProblem.empty()) {
      Log::warning(
          slot->agent.name + ": no token: " + slot->tokenProblem,
          {{journal_key::kEvent, event::kNoToken}, {journal_key::kTarget, slot->agent.name}});
    }
  }
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
               {{journal_key::kEvent, event::kListenFailed}});
    where_ = "not listening (" + r.error().message() + ")";
  } else {
    where_ = config_.listen;
  }
}

void BridgeService::onBreakerChanged(const AgentSlot& slot, BreakerChange change,
                                     const std::string& why) {
  const std::string& name = slot.agent.name;
  if (change == BreakerChange::Opened) {
    alerter_.raise(
        {"warning",
         "",
         std::string(event::kBreakerOpen),
         name,
         "circuit breaker for " + name + " opened: calls go to its fallbacks (" + why + ")",
         {{"reopens_in_sec", 30}}});
  } else if (change == BreakerChange::Closed) {
    alerter_.raise({"recovered",
                    "",
                    std::string(event::kBreakerClosed),
                    name,
                    "circuit breaker for " + name + " closed: " + why,
                    {}});
  } else if (change == BreakerChange::Reopened) {
    Log::notice("circuit breaker for " + name + " stays open: its trial call failed (" + why + ")",
                {{journal_key::kEvent, event::kBreakerOpen}, {journal_key::kTarget, name}});
  }
  // An open breaker is what a restart must not forget.
  core_.agents.markDirty();
  saveState();
  reportBreakers();
  if (change == BreakerChange::Opened) {
    report_.action({std::string(event::kBreakerOpen), name,
                    "circuit breaker for " + name + " opened: " + why, 0});
  }
}

void BridgeService::countCall(const std::string& agentAsked, const CallResult& r) {
  const char* result = r.success          ? "ok"
                       : r.cancelled      ? "cancelled"
                       : r.shortCircuited ? "short-circuited"
                                          : "failed";
  auto& m = report_.metrics();
  m.add("openclaw_bridge_calls_total", {{"remote", agentAsked}, {"result", result}});
  m.observe("openclaw_bridge_call_duration_seconds", {},
            std::chrono::duration<double>(r.latency).count());
  if (r.success) report_.succeeded(event::kCall);
  report_.changed();
}

void BridgeService::reportBreakers() {
  auto& m = report_.metrics();
  m.clearGauge("openclaw_bridge_breaker_state");
  const auto now = std::chrono::steady_clock::now();
  for (const auto& slot : core_.agents.all()) {
    const BreakerState s = slot->breaker.state(now);
    m.set("openclaw_bridge_breaker_state", {{"remote", slot->agent.name}},
          s == BreakerState::Closed     ? 0
          : s == BreakerState::HalfOpen ? 1
                                        : 2);
  }
  report_.changed();
}

void BridgeService::saveState() {
  if (auto r = core_.agents.saveState(std::chrono::steady_clock::now(),
                                      std::chrono::system_clock::now());
      !r) {
    Log::warning(r.error(), {{journal_key::kEvent, event::kStateWriteFailed}});
  }
}

void BridgeService::armSave() {
  saveTimer_.expires_after(kSaveInterval);
  saveTimer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    if (core_.agents.dirty()) saveState();
    reportBreakers();  // an open breaker turns half-open with time alone
    armSave();
  });
}

void BridgeService::armSweep() {
  sweepTimer_.expires_after(kSweepInterval);
  sweepTimer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    if (const std::size_t n = core_.sessions.sweep(systemWallClockMs()); n > 0) {
      Log::info(std::to_string(n) + " expired session(s) removed",
                {{journal_key::kEvent, event::kSessionSweep}});
    }
    armSweep();
  });
}

std::string BridgeService::status() const {
  const CallTotals& t = core_.agents.totals();
  return std::string(core_.parts.token.empty() ? "refusing requests (no token)" : "serving") +
         " on " + where_ + "; " + describe(config_) + "; " +
         std::to_string(core_.runner.inFlight()) + " call(s) in flight, " +
         std::to_string(t.succeeded) + " answered, " + std::to_string(t.failed) + " failed";
}

void BridgeService::stop() {
  if (stopped_) return;
  stopped_ = true;
  // The server first: it stops accepting and closes idle connections, and the answers the
  // cancelled calls give next are written at once (the loop ends when stop returns).
  server_.stop();
  core_.runner.cancelAll();
  core_.http.cancelAll();
  saveTimer_.cancel();
  sweepTimer_.cancel();
  if (started_) saveState();
}

}  // namespace openclaw::bridge
