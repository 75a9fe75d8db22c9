// The whole host at a glance: what `openclaw-agentctl status` shows, and how it judges it.
//
// Everything here is read from systemd, Docker and the agents' state files (their ledgers
// and report.json), never from a running agent's memory, so it is complete after any restart
// of any agent.  This file holds the data and the judgement, without I/O: status_read.cpp
// fills a HostStatus, and the unit tests build one by hand.
//
// The verdict (and the exit code):
//   healthy  (0) every bot up, nothing waiting for the operator;
//   degraded (1) the bots are served but something needs a look: an agent not running, a
//                bot paused or out of restart budget, a disk over its act threshold, alerts
//                waiting in an outbox;
//   down     (3) a bot is down, or an agent gave up on it;
//   unknown  (4) the system manager cannot be reached (exit 2 stays "bad usage").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bot_status.h"
#include "openclaw/agent_report.h"
#include "openclaw/bot_pause.h"

namespace openclaw::agentctl {

enum class Verdict { Healthy = 0, Degraded = 1, Down = 3, Unknown = 4 };
const char* toString(Verdict v);  // "healthy", "degraded", "down", "unknown"

struct AgentStatus {
  std::string name;  // "flag-watcher"
  UnitView unit;
  std::string unitFileState;  // "enabled", "disabled", ...
  std::string socketState;    // vps-bridge: its socket's ActiveState ("active" = listening)
  std::optional<AgentReportFile> report;
  std::string reportError;  // why report.json could not be read
  // Running, or waiting on its socket.  Not running and not enabled: not in use here.
  bool running() const;
  bool inUse() const;
};

struct BotBudget {
  std::string agent;  // "jack-supervisor", "flag-watcher"
  std::int64_t perHour = 0;
  std::int64_t left = 0;
};

struct BotLastAction {
  std::string agent;
  AgentAction action;
};

struct BotStatus {
  BotView view;
  std::vector<BotBudget> budgets;
  bool givenUp = false;
  std::string givenUpWhy;
  // Each acting agent's last action on it (the last revive, the last restore or repair, a
  // give-up), newest first.
  std::vector<BotLastAction> lastActions;
  std::optional<BotPause> pause;
};

struct DiskStatus {
  std::string mount;
  double usedPercent = 0;
  std::int64_t actPercent = 0, targetPercent = 0, criticalPercent = 0;
  std::string error;  // why the usage cannot be read
};

struct AclStatus {
  bool configured = false;
  std::int64_t trees = 0;
  double drift = 0;  // files whose ACL was wrong at the last sweep (fixed then)
  double fixesTotal = 0;
  std::int64_t lastSweepSec = 0;  // 0: none recorded
};

struct OutboxStatus {
  std::string agent;
  std::string channel;  // "telegram", "webhook"
  std::size_t depth = 0;
};

struct HostStatus {
  std::vector<AgentStatus> agents;
  std::vector<BotStatus> bots;
  std::vector<DiskStatus> disks;
  AclStatus acl;
  std::vector<OutboxStatus> outboxes;
  std::vector<std::pair<std::string, BotPause>> paused;  // every pause in effect
  std::string managerError;                              // the system manager cannot be reached
  std::int64_t nowSec = 0;
};

struct Judgement {
  Verdict verdict = Verdict::Healthy;
  std::vector<std::string> reasons;  // one sentence each, worst first
};

Judgement judge(const HostStatus& host);
// The stable JSON of `status --json` (documented in docs/operate.md).
nlohmann::json hostStatusJson(const HostStatus& host, const Judgement& j);
// The human form, every line at most `width` columns.
std::string hostStatusText(const HostStatus& host, const Judgement& j, std::size_t width = 80);

}  // namespace openclaw::agentctl
