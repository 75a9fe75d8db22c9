#include "host_status.h"

#include <gtest/gtest.h>

#include <sstream>

namespace openclaw::agentctl {
namespace {

AgentStatus agent(const std::string& name, const std::string& active,
                  const std::string& fileState = "enabled") {
  AgentStatus a;
  a.name = name;
  a.unit.unit = "openclaw-" + name + ".service";
  a.unit.activeState = active;
  a.unit.subState = active == "active" ? "running" : "dead";
  a.unitFileState = fileState;
  return a;
}

BotStatus unitBot(const std::string& name, const std::string& active) {
  BotStatus b;
  b.view.name = name;
  b.view.unit = "openclaw-gateway.service";
  b.view.state.activeState = active;
  b.view.state.subState = active == "active" ? "running" : "failed";
  b.view.agents = {"jack-supervisor", "flag-watcher"};
  b.budgets = {{"jack-supervisor", 2, 2}, {"flag-watcher", 6, 5}};
  return b;
}

HostStatus healthyHost() {
  HostStatus h;
  h.nowSec = 1'800'000'000;
  for (const char* n : {"jack-supervisor", "flag-watcher", "acl-keeper", "disk-guard"})
    h.agents.push_back(agent(n, "active"));
  AgentStatus bridge = agent("vps-bridge", "inactive");
  bridge.socketState = "active";  // socket-activated: idle is normal
  h.agents.push_back(bridge);
  h.bots.push_back(unitBot("jack", "active"));
  h.disks.push_back({"/", 41, 85, 80, 95, ""});
  return h;
}

TEST(AHostStatus, IsHealthyWhenEveryBotIsUpAndNothingWaits) {
  const Judgement j = judge(healthyHost());
  EXPECT_EQ(j.verdict, Verdict::Healthy);
  EXPECT_TRUE(j.reasons.empty());
}

TEST(AHostStatus, AnAgentNotInUseDoesNotDegradeIt) {
  HostStatus h = healthyHost();
  h.agents[3] = agent("disk-guard", "inactive", "disabled");
  EXPECT_EQ(judge(h).verdict, Verdict::Healthy);
  h.agents[3] = agent("disk-guard", "failed", "disabled");
  EXPECT_EQ(judge(h).verdict, Verdict::Degraded) << "failed is trouble, enabled or not";
  h.agents[3] = agent("disk-guard", "inactive", "enabled");
  EXPECT_EQ(judge(h).verdict, Verdict::Degraded);
}

TEST(AHostStatus, IsDegradedByPausesSpentBudgetsFullDisksAndWaitingAlerts) {
  HostStatus h = healthyHost();
  h.bots[0].budgets[1].left = 0;
  EXPECT_EQ(judge(h).verdict, Verdict::Degraded);
  h = healthyHost();
  h.disks[0].usedPercent = 90;
  auto j = judge(h);
  EXPECT_EQ(j.verdict, Verdict::Degraded);
  ASSERT_EQ(j.reasons.size(), 1u);
  EXPECT_EQ(j.reasons[0], "/ is at 90% (act 85%)");
  h = healthyHost();
  h.outboxes.push_back({"flag-watcher", "webhook", 3});
  EXPECT_EQ(judge(h).verdict, Verdict::Degraded);
  h = healthyHost();
  h.bots[0].view.state.activeState = "inactive";
  h.bots[0].pause = BotPause{1, 0, "upgrade"};
  EXPECT_EQ(judge(h).verdict, Verdict::Degraded) << "a paused bot may be down: it is expected";
}

TEST(AHostStatus, IsDownWhenABotIsDownOrGivenUpAndSaysWhyFirst) {
  HostStatus h = healthyHost();
  h.disks[0].usedPercent = 90;
  h.bots[0].givenUp = true;
  h.bots[0].givenUpWhy = "its config is invalid and none of 2 backup(s) is valid";
  const Judgement j = judge(h);
  EXPECT_EQ(j.verdict, Verdict::Down);
  ASSERT_EQ(j.reasons.size(), 2u);
  EXPECT_EQ(j.reasons[0], "jack: given up: its config is invalid and none of 2 backup(s) is valid");
  h = healthyHost();
  h.bots[0].view.state.activeState = "failed";
  EXPECT_EQ(judge(h).verdict, Verdict::Down);
  h.managerError = "no bus";
  EXPECT_EQ(judge(h).verdict, Verdict::Unknown);
}

TEST(AHostStatus, JsonCarriesBudgetsGiveUpsLastActionsAndTheVerdict) {
  HostStatus h = healthyHost();
  h.bots[0].givenUp = true;
  h.bots[0].givenUpWhy = "no valid backup";
  h.bots[0].lastActions = {{"jack-supervisor", {"restore", "jack", "restored x from y", 5}},
                           {"flag-watcher", {"revive", "jack", "revived jack", 4}}};
  h.agents[0].report = AgentReportFile{};
  h.agents[0].report->last = {"restore", "jack", "restored x from y", 5};
  const auto doc = hostStatusJson(h, judge(h));
  EXPECT_EQ(doc["verdict"], "down");
  EXPECT_EQ(doc["exit_code"], 3);
  const auto& bot = doc["bots"][0];
  EXPECT_EQ(bot["name"], "jack");
  EXPECT_EQ(bot["given_up"], true);
  EXPECT_EQ(bot["given_up_why"], "no valid backup");
  EXPECT_EQ(bot["budgets"][1]["agent"], "flag-watcher");
  EXPECT_EQ(bot["budgets"][1]["left"], 5);
  EXPECT_EQ(bot["last_action"]["agent"], "jack-supervisor");
  EXPECT_EQ(bot["last_action"]["event"], "restore");
  EXPECT_EQ(bot["last_action"]["time"], "1970-01-01T00:00:05Z");
  ASSERT_EQ(bot["last_actions"].size(), 2u) << "the last restore and the last revive";
  EXPECT_EQ(bot["last_actions"][1]["agent"], "flag-watcher");
  EXPECT_EQ(doc["agents"][0]["last_action"]["message"], "restored x from y");
  EXPECT_TRUE(doc["agents"][1]["last_action"].is_null());
  EXPECT_EQ(doc["agents"][4]["running"], true) << "the bridge waits on its socket";
  EXPECT_EQ(doc["disks"][0]["act_percent"], 85);
}

TEST(AHostStatus, TextFitsEightyColumnsAndWrapsWhatMustBeReadWhole) {
  HostStatus h = healthyHost();
  h.agents[0].unit.statusText = std::string(200, 'x');
  h.bots[0].givenUp = true;
  h.bots[0].givenUpWhy =
      "its config is invalid (lacks /gateway/mode) and none of 4 backup(s) "
      "is valid: fix /root/.openclaw/openclaw.json or run openclaw-agentctl "
      "restore jack";
  const std::string text = hostStatusText(h, judge(h));
  std::istringstream in(text);
  std::string line;
  std::size_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    // Columns, not bytes: "●" is three bytes and one column.
    std::size_t columns = 0;
    for (unsigned char c : line) columns += (c & 0xC0) != 0x80;
    EXPECT_LE(columns, 80u) << line;
  }
  EXPECT_GT(lines, 10u);
  EXPECT_NE(text.find("Host: down"), std::string::npos) << text;
  EXPECT_NE(text.find("restore jack"), std::string::npos) << "wrapped, not cut:\n" << text;
  EXPECT_NE(text.find("budget: jack-supervisor 2/2; flag-watcher 5/6 restarts left this hour"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("waiting on its socket"), std::string::npos) << text;
}

}  // namespace
}  // namespace openclaw::agentctl
