#include "status_read.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>

#include "acl_keeper_config.h"
#include "agent_table.h"
#include "disk_guard_config.h"
#include "disk_usage.h"
#include "flag_watcher_config.h"
#include "ledger_file.h"
#include "openclaw/alert_outbox.h"
#include "openclaw/bot_restarts.h"
#include "openclaw/durable_file.h"
#include "openclaw/events.h"
#include "repair_policy.h"
#include "supervisor_config.h"

namespace openclaw::agentctl {
namespace {

constexpr const char* kBridgeSocket = "openclaw-vps-bridge.socket";

AgentStatus readAgent(sd_bus* bus, const AgentEntry& entry, const std::string& stateRoot) {
  AgentStatus a;
  a.name = entry.name;
  a.unit = readUnit(bus, entry.unit());
  a.unitFileState = a.unit.unitFileState;
  if (a.name == "vps-bridge") a.socketState = readUnit(bus, kBridgeSocket).activeState;
  if (auto r = readAgentReport(stateRoot + "/" + a.name)) {
    a.report = std::move(*r);
  } else {
    a.reportError = r.error();
  }
  return a;
}

const AgentReportFile* reportOf(const HostStatus& host, const std::string& agent) {
  for (const auto& a : host.agents) {
    if (a.name == agent && a.report) return &*a.report;
  }
  return nullptr;
}

// Each agent's last action on `bot`, newest first.
std::vector<BotLastAction> lastActionsOn(const HostStatus& host, const std::string& bot) {
  std::vector<BotLastAction> all;
  for (const auto& a : host.agents) {
    if (!a.report) continue;
    const auto it = a.report->byTarget.find(bot);
    if (it != a.report->byTarget.end()) all.push_back({a.name, it->second});
  }
  std::stable_sort(all.begin(), all.end(), [](const BotLastAction& x, const BotLastAction& y) {
    return x.action.timeSec > y.action.timeSec;
  });
  return all;
}

// Budgets and give-ups from the two agents that restart bots, read from their ledgers.
void addLedgers(HostStatus& host, const std::string& configDir, const std::string& stateRoot) {
  const auto now = static_cast<std::int64_t>(host.nowSec);
  auto ledgerDoc = [&](const std::string& agent) {
    auto doc = StateFile(stateRoot + "/" + agent + "/state.json").load();
    return doc ? *doc : nlohmann::json::object();
  };
  // Each agent's view of the shared ledgers: every restart of a bot but its own.
  const BotRestarts supervisorView("jack-supervisor");
  const BotRestarts watcherView("flag-watcher");
  if (auto js = supervisor::loadSupervisorConfig(configDir + "/jack-supervisor.json")) {
    auto ledgers = supervisor::ledgersFromJson(ledgerDoc("jack-supervisor"));
    for (auto& b : host.bots) {
      for (const auto& c : js->bots) {
        if (c.name != b.view.name) continue;
        supervisor::BotLedger& l = ledgers[c.name];
        const auto others = supervisorView.byOthers(supervisor::restartKey(c), now);
        b.budgets.push_back(
            {"jack-supervisor", c.maxRestoresPerHour,
             supervisor::RepairPolicy(c.maxRestoresPerHour).remaining(l, now, others)});
        b.givenUp = l.givenUp;
        b.givenUpWhy = l.givenUpWhy;
      }
    }
  }
  if (auto fw = flagwatcher::loadFlagWatcherConfig(configDir + "/flag-watcher.json")) {
    auto ledgers = flagwatcher::ledgersFromJson(ledgerDoc("flag-watcher"));
    const flagwatcher::RevivePolicy policy(fw->minIntervalSec, fw->maxPerHour);
    for (auto& b : host.bots) {
      const auto target = fw->targets.find(b.view.name);
      if (target == fw->targets.end()) continue;
      const auto others = watcherView.byOthers(flagwatcher::restartKey(target->second), now);
      b.budgets.push_back(
          {"flag-watcher", fw->maxPerHour, policy.remaining(ledgers[b.view.name], now, others)});
    }
  }
}

void addDisks(HostStatus& host, const std::string& configDir) {
  auto dg = diskguard::loadDiskGuardConfig(configDir + "/disk-guard.json");
  if (!dg) return;
  for (const auto& m : dg->mounts) {
    DiskStatus d{m.path, 0, m.actPercent, m.targetPercent, m.criticalPercent, {}};
    if (auto u = diskguard::diskUsage(m.path)) {
      d.usedPercent = u->percent();
    } else {
      d.error = "cannot read its usage: " + u.error().message();
    }
    host.disks.push_back(std::move(d));
  }
}

void addAcl(HostStatus& host, const std::string& configDir) {
  auto ak = aclkeeper::loadAclKeeperConfig(configDir + "/acl-keeper.json");
  if (!ak || ak->rules.empty()) return;
  host.acl.configured = true;
  host.acl.trees = static_cast<std::int64_t>(ak->rules.size());
  if (const AgentReportFile* r = reportOf(host, "acl-keeper")) {
    host.acl.drift = r->metric("openclaw_acl_drift");
    host.acl.fixesTotal = r->metric("openclaw_acl_fixes_total");
    host.acl.lastSweepSec = static_cast<std::int64_t>(r->metric(
        "openclaw_last_success_timestamp_seconds", {{"action", std::string(event::kAclSweep)}}));
  }
}

// The alerts waiting in each agent's outbox folders (only the folders that exist: a channel
// never configured has none).
void addOutboxes(HostStatus& host, const std::string& stateRoot) {
  for (const auto& a : host.agents) {
    for (const char* channel : {"telegram", "webhook"}) {
      const std::string folder = stateRoot + "/" + a.name + "/" + channel + "-outbox";
      struct stat st {};
      if (::lstat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
      host.outboxes.push_back({a.name, channel, pendingAlertMessages(folder)});
    }
  }
}

}  // namespace

HostStatus readHostStatus(ManagerConnections& managers, const std::string& configDir,
                          const std::string& stateRoot) {
  HostStatus host;
  host.nowSec = static_cast<std::int64_t>(std::time(nullptr));
  auto system = managers.get(ManagerScope{});
  if (!system) {
    host.managerError = system.error();
    return host;
  }
  for (const auto& entry : agentTable())
    host.agents.push_back(readAgent(*system, entry, stateRoot));
  std::vector<BotView> views = configuredBots(configDir);
  readBotStates(views, managers);
  for (auto& v : views) {
    BotStatus b;
    b.view = std::move(v);
    b.lastActions = lastActionsOn(host, b.view.name);
    b.pause = pauseOf(kPauseDir, b.view.name, host.nowSec);
    host.bots.push_back(std::move(b));
  }
  addLedgers(host, configDir, stateRoot);
  host.paused = pausesIn(kPauseDir, host.nowSec);
  addDisks(host, configDir);
  addAcl(host, configDir);
  addOutboxes(host, stateRoot);
  return host;
}

}  // namespace openclaw::agentctl
