// UnitBot's decisions against a fake systemd (tests/fakes): which calls a failing unit gets,
// what happens to the config files, the ledger and the alert log.  The same flows against a
// real systemd are in tests/system/jack_supervisor*.sh.
#include "unit_bot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>

#include "fakes/fake_clock.h"
#include "fakes/fake_systemd_manager.h"
#include "openclaw/events.h"
#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw::supervisor {
namespace {

namespace fs = std::filesystem;
const std::string kUnit = "gw.service";
const std::string kValid = R"({"gateway": {"mode": "local"}})";
const std::string kBroken = R"({"gateway": {"mo)";

UnitState unitIn(const std::string& active, const std::string& sub, std::uint64_t stamp) {
  UnitState s;
  s.loadState = "loaded";
  s.activeState = active;
  s.subState = sub;
  s.result = active == "active" ? "success" : "exit-code";
  s.execMainStartTimestampMonotonic = stamp;
  return s;
}

class UnitBotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/oc-unitbot-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
    live_ = dir_ + "/openclaw.json";
    config_.name = "jack";
    config_.unit = kUnit;
    config_.config = live_;
    config_.required = {"/gateway/mode"};
    config_.backups = {live_ + ".bak"};
    config_.maxRestoresPerHour = 2;
    config_.graceSec = 1;
    fake_.states[kUnit] = unitIn("active", "running", 100);
    alerter_ = std::make_unique<Alerter>(io_, "jack-supervisor", dir_, dir_ + "/alerts.jsonl");
    restarts_ = std::make_unique<BotRestarts>(
        "jack-supervisor", BotRestarts::Folders{dir_ + "/run-restarts", dir_ + "/restarts"});
    report_ = std::make_unique<AgentReport>(io_, "jack-supervisor", dir_, dir_ + "/no-collector");
    env_ = std::make_unique<BotEnv>(BotEnv{
        io_, clock_, [this](const ManagerScope&) -> SystemdManager& { return fake_; }, *alerter_,
        *report_, dir_, "", [this](const std::string& bot) -> BotLedger& { return ledgers_[bot]; },
        [this] { ++persisted_; }, [] {}, [this](const std::string& why) { gaveUp_.push_back(why); },
        [this](const std::string&) { return pause_; }, *restarts_});
  }
  void TearDown() override {
    bot_.reset();
    fs::remove_all(dir_);
  }

  static void write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::vector<std::string> alerts(const std::string& level) const {
    std::vector<std::string> out;
    std::ifstream in(dir_ + "/alerts.jsonl");
    for (std::string line; std::getline(in, line);) {
      if (line.find("\"level\":\"" + level + "\"") != std::string::npos) out.push_back(line);
    }
    return out;
  }
  void start() {
    bot_ = std::make_unique<UnitBot>(*env_, config_);
    bot_->start();
    fake_.notify(kUnit);  // the real manager reports the state once the watch is in place
  }
  long count(const std::string& call) const {
    return std::count(fake_.calls.begin(), fake_.calls.end(), call + " " + kUnit);
  }
  BotLedger& ledger() { return ledgers_["jack"]; }

  boost::asio::io_context io_;
  FakeSystemdManager fake_;
  std::string dir_;
  std::string live_;
  BotConfig config_;
  std::map<std::string, BotLedger> ledgers_;
  int persisted_ = 0;
  std::vector<std::string> gaveUp_;  // what BotEnv::gaveUp (the heartbeat's /fail) was told
  std::optional<BotPause> pause_;    // what BotEnv::paused answers
  std::unique_ptr<Alerter> alerter_;
  std::unique_ptr<AgentReport> report_;
  Seconds wallNow() const { return clock_.wallSeconds(); }

  FakeClock clock_;
  std::unique_ptr<BotRestarts> restarts_;
  std::unique_ptr<BotEnv> env_;
  std::unique_ptr<UnitBot> bot_;
};

TEST_F(UnitBotTest, RestoresTheBackupResetsRestartsAndCountsRecoveredOnlyWhenActive) {
  write(live_, kBroken);
  write(live_ + ".bak", kValid);
  start();
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  EXPECT_EQ(read(live_), kValid);
  ASSERT_EQ(count("ResetFailedUnit"), 1);
  ASSERT_EQ(count("RestartUnit"), 1);
  EXPECT_TRUE(ledger().inFlightSince.has_value()) << "the repair is durable before it is done";
  EXPECT_EQ(ledger().repairs.size(), 1u);
  bool kept = false;
  for (const auto& e : fs::directory_iterator(dir_)) {
    kept |= e.path().filename().string().starts_with("openclaw.json.broken-") &&
            read(e.path()) == kBroken;
  }
  EXPECT_TRUE(kept) << "the broken config is kept";
  EXPECT_TRUE(alerts("recovered").empty()) << "not recovered before the job is done";
  EXPECT_FALSE(bot_->healthy()) << "a bot being repaired holds the heartbeat";
  auto report = readAgentReport(dir_);
  ASSERT_TRUE(report) << report.error();
  EXPECT_EQ(report->byTarget["jack"].event, event::kRestore) << "status shows it at once";
  EXPECT_NE(report->byTarget["jack"].message.find("from " + live_ + ".bak"), std::string::npos);
  EXPECT_EQ(report->metric("openclaw_restores_total", {{"bot", "jack"}}), 1);

  fake_.states[kUnit] = unitIn("active", "running", 200);
  ASSERT_TRUE(fake_.completeJob(JobResult::Done));
  EXPECT_EQ(alerts("recovered").size(), 1u);
  EXPECT_FALSE(ledger().inFlightSince.has_value());
  fake_.setState(kUnit, unitIn("active", "running", 200));  // systemd's PropertiesChanged
  EXPECT_TRUE(bot_->healthy());
  EXPECT_TRUE(gaveUp_.empty());
  EXPECT_EQ(report_->lastAction().event, event::kRepair);
  report_->flush();
  EXPECT_EQ(readAgentReport(dir_)->metric("openclaw_repairs_total",
                                          {{"bot", "jack"}, {"result", "healed"}}),
            1);
}

TEST_F(UnitBotTest, AValidConfigIsRestartedNotRestored) {
  write(live_, kValid);
  write(live_ + ".bak", R"({"gateway": {"mode": "from backup"}})");
  start();
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  EXPECT_EQ(read(live_), kValid);
  EXPECT_EQ(count("RestartUnit"), 1);
}

TEST_F(UnitBotTest, ExitingWithAValidConfigLeavesTheRestartToSystemd) {
  write(live_, kValid);
  start();
  fake_.setState(kUnit, unitIn("activating", "auto-restart", 100));
  EXPECT_EQ(count("RestartUnit"), 0);
  EXPECT_TRUE(ledger().repairs.empty());
}

TEST_F(UnitBotTest, WithNoValidBackupItGivesUpOnceAndStopsTheStorm) {
  write(live_, kBroken);
  write(live_ + ".bak", R"({"gateway": {}})");
  start();
  fake_.setState(kUnit, unitIn("activating", "auto-restart", 100));
  EXPECT_EQ(count("RestartUnit"), 0);
  EXPECT_EQ(count("StopUnit"), 1) << "Restart=always must not storm on a config that cannot start";
  ASSERT_EQ(alerts("critical").size(), 1u);
  EXPECT_NE(alerts("critical")[0].find("lacks /gateway/mode"), std::string::npos)
      << "the alert says why each candidate was refused";
  EXPECT_TRUE(ledger().givenUp);
  EXPECT_FALSE(bot_->healthy());
  ASSERT_EQ(gaveUp_.size(), 1u) << "the heartbeat is told once";
  EXPECT_EQ(report_->lastAction().event, event::kGaveUp);
  EXPECT_NE(gaveUp_[0].find("jack: stopped acting"), std::string::npos) << gaveUp_[0];
  fake_.setState(kUnit, unitIn("activating", "auto-restart", 101));
  fake_.setState(kUnit, unitIn("failed", "failed", 102));
  EXPECT_EQ(alerts("critical").size(), 1u);
  EXPECT_EQ(gaveUp_.size(), 1u);
  EXPECT_EQ(count("RestartUnit"), 0);
}

TEST_F(UnitBotTest, APausedBotIsLeftAloneAndRepairedOnceResumed) {
  write(live_, kBroken);
  write(live_ + ".bak", kValid);
  pause_ = BotPause{wallNow(), 0, "maintenance"};
  start();
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  EXPECT_EQ(read(live_), kBroken) << "nothing restored while paused";
  EXPECT_EQ(count("RestartUnit"), 0);
  EXPECT_TRUE(ledger().repairs.empty()) << "nothing counted against the budget";
  EXPECT_NE(bot_->status().find("paused until resumed (maintenance)"), std::string::npos)
      << bot_->status();
  pause_.reset();
  bot_->pauseChanged();
  ASSERT_TRUE(runUntil(
      io_, [&] { return count("RestartUnit") == 1; }, std::chrono::seconds(5)));
  EXPECT_EQ(read(live_), kValid);
  EXPECT_EQ(ledger().repairs.size(), 1u);
}

TEST_F(UnitBotTest, AValidConfigAfterGivingUpResumesWithoutSpendingTheBudget) {
  write(live_, kBroken);
  start();
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  ASSERT_TRUE(ledger().givenUp);
  const auto spent = ledger().repairs.size();
  write(live_, kValid);
  bot_->filesChanged(dir_, "openclaw.json");
  ASSERT_TRUE(runUntil(
      io_, [&] { return count("RestartUnit") == 1; }, std::chrono::seconds(5)));
  EXPECT_FALSE(ledger().givenUp);
  EXPECT_EQ(ledger().repairs.size(), spent);
}

TEST_F(UnitBotTest, TheHourlyBudgetIsHeldAcrossARestartOfTheSupervisor) {
  write(live_, kBroken);
  write(live_ + ".bak", kValid);
  const Seconds now = wallNow();
  ledger().repairs = {now - 100, now - 50};  // as loaded from state.json after a restart
  start();
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  EXPECT_EQ(count("RestartUnit"), 0);
  EXPECT_EQ(read(live_), kBroken) << "no third restore within the hour";
  EXPECT_TRUE(ledger().givenUp);
  EXPECT_EQ(alerts("critical").size(), 1u);
}

TEST_F(UnitBotTest, TheBudgetFreesAnHourAfterTheRepairsThatSpentIt) {
  write(live_, kBroken);
  write(live_ + ".bak", kValid);
  ledger().repairs = {wallNow() - 100, wallNow() - 50};  // the budget of two is spent
  start();
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  ASSERT_TRUE(ledger().givenUp) << "no third repair within the hour";
  // The supervisor's clock moves an hour on: no waiting.  A valid config resumes
  // supervision; the next crash is repaired, because both repairs have left the window.
  clock_.advance(std::chrono::hours(1));
  fake_.states[kUnit] = unitIn("failed", "failed", 100);
  write(live_, kValid);
  bot_->filesChanged(dir_, "openclaw.json");
  ASSERT_TRUE(runUntil(
      io_, [&] { return count("RestartUnit") == 1; }, std::chrono::seconds(5)));
  EXPECT_FALSE(ledger().givenUp);
  fake_.states[kUnit] = unitIn("active", "running", 200);
  ASSERT_TRUE(fake_.completeJob(JobResult::Done));
  fake_.setState(kUnit, unitIn("active", "running", 200));
  fake_.setState(kUnit, unitIn("failed", "failed", 200));
  EXPECT_EQ(count("RestartUnit"), 2)
      << "repaired: the two repairs of an hour ago are spent no more";
  EXPECT_FALSE(ledger().givenUp);
  EXPECT_EQ(ledger().repairs.size(), 1u) << "only the new repair is in the window";
}

TEST_F(UnitBotTest, RevivesByFlagWatcherSpendTheSameBudget) {
  write(live_, kBroken);
  write(live_ + ".bak", kValid);
  // flag-watcher restarted the bot twice in the last hour: with a budget of two, the
  // supervisor may not restart it a third time.
  BotRestarts watcher("flag-watcher", {dir_ + "/run-restarts", dir_ + "/restarts"});
  const std::string key = BotRestarts::unitKey(ManagerScope{}, kUnit);
  for (const Seconds ago : {300, 200}) {
    auto claim = watcher.claim(key, "revive by flag", wallNow() - ago);
    ASSERT_TRUE(claim.ok());
    ASSERT_TRUE(watcher.count(*claim, wallNow() - ago).ok());
  }
  start();
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  EXPECT_EQ(count("RestartUnit"), 0);
  EXPECT_EQ(read(live_), kBroken);
  EXPECT_TRUE(ledger().givenUp);
  EXPECT_TRUE(ledger().repairs.empty()) << "its own ledger holds only its own repairs";
}

TEST_F(UnitBotTest, ARepairWaitsWhileFlagWatcherRestartsTheBotAndCountsOnceItRuns) {
  write(live_, kBroken);
  write(live_ + ".bak", kValid);
  BotRestarts watcher("flag-watcher", {dir_ + "/run-restarts", dir_ + "/restarts"});
  const std::string key = BotRestarts::unitKey(ManagerScope{}, kUnit);
  auto revive = watcher.claim(key, "revive by flag", wallNow());
  ASSERT_TRUE(revive.ok());
  start();
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  EXPECT_EQ(count("RestartUnit"), 0) << "one restart owner at a time";
  EXPECT_EQ(read(live_), kBroken);
  EXPECT_TRUE(ledger().repairs.empty()) << "a repair that did not run is not counted";
  EXPECT_NE(bot_->status().find("waiting"), std::string::npos) << bot_->status();
  // The revive ends without healing the bot: the supervisor's recheck repairs it.
  revive = RestartClaim();
  ASSERT_TRUE(runUntil(
      io_, [&] { return count("RestartUnit") == 1; }, std::chrono::seconds(5)));
  EXPECT_EQ(read(live_), kValid);
  EXPECT_EQ(ledger().repairs.size(), 1u);
  const auto shared = watcher.records(key, wallNow());
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(shared[0].by, "jack-supervisor");
  // And while the supervisor repairs, flag-watcher cannot take the bot.
  auto during = watcher.claim(key, "revive by flag", wallNow());
  ASSERT_FALSE(during.ok());
  EXPECT_EQ(during.error().agent, "jack-supervisor");
}

TEST_F(UnitBotTest, AFailedRestartJobCountsAsAFailedRepairAndBacksOff) {
  write(live_, kValid);
  start();
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  ASSERT_TRUE(fake_.completeJob(JobResult::Failed));
  EXPECT_EQ(ledger().failedRepairs, 1);
  fake_.setState(kUnit, unitIn("active", "running", 200));
  fake_.setState(kUnit, unitIn("failed", "failed", 200));
  EXPECT_EQ(count("RestartUnit"), 1) << "the next repair waits for the backoff";
}

TEST_F(UnitBotTest, AnInterruptedRepairOfARunningUnitIsConfirmedNotRepeated) {
  write(live_, kValid);
  ledger().inFlightSince = wallNow() - 1;
  ledger().repairs = {wallNow() - 1};
  start();
  EXPECT_EQ(count("RestartUnit"), 0) << "the unit runs: confirm its health instead";
  EXPECT_FALSE(ledger().inFlightSince.has_value());
  EXPECT_EQ(ledger().repairs.size(), 1u) << "not charged twice";
}

// A validator that counts its runs in `runs` and passes a config whose mode is "local".
std::vector<std::string> countingValidator(const std::string& dir) {
  return {"/bin/sh", "-c",
          "echo run >> " + dir + "/runs; grep -q '\"mode\": \"local\"' \"$OPENCLAW_CONFIG_PATH\""};
}

TEST_F(UnitBotTest, JudgesAheadSoThatTheRepairRunsNoValidator) {
  config_.validator = countingValidator(dir_);
  write(live_, kValid);
  write(live_ + ".last-good", R"({"gateway": {"mode": "remote"}})");  // invalid for the validator
  write(live_ + ".bak", kValid);
  start();
  // Ahead of any trouble: the live config, then candidates until the first valid one.
  auto runs = [&] {
    std::ifstream in(dir_ + "/runs");
    return std::count(std::istreambuf_iterator<char>(in), {}, '\n');
  };
  // Done once the walk has its verdicts, not once the second validator has written its line:
  // it may still be running then, and the repair would have to judge again.
  const std::string ready = "ready to restore " + live_ + ".bak";
  ASSERT_TRUE(runUntil(
      io_, [&] { return bot_->status().find(ready) != std::string::npos; },
      std::chrono::seconds(10)))
      << bot_->status();
  ASSERT_EQ(runs(), 2) << "live (valid, shared with .bak) and .last-good (invalid)";
  EXPECT_NE(bot_->status().find("jack active"), std::string::npos) << bot_->status();

  // The live config breaks (a syntax error needs no validator) and the gateway dies.
  write(live_, kBroken);
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  EXPECT_EQ(read(live_), kValid) << "restored at once, from verdicts already known";
  EXPECT_EQ(count("RestartUnit"), 1);
  EXPECT_EQ(runs(), 2) << "no validator ran during the repair";
}

TEST_F(UnitBotTest, OpenClawsLastGoodIsRestoredBeforeItsBak) {
  write(live_, kBroken);
  write(live_ + ".bak", R"({"gateway": {"mode": "bak"}})");
  write(live_ + ".last-good", R"({"gateway": {"mode": "last-good"}})");
  start();
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  EXPECT_EQ(read(live_), R"({"gateway": {"mode": "last-good"}})");
}

// The config folder's parent swapped for a symlink: the failed unit is neither restored nor
// restarted from there, and the refusal is said once however often the trouble comes back.
TEST_F(UnitBotTest, ARefusedConfigFolderIsLeftAloneAndSaidOnce) {
  fs::create_directories(dir_ + "/elsewhere");
  write(dir_ + "/elsewhere/openclaw.json", kBroken);
  write(dir_ + "/elsewhere/openclaw.json.bak", kValid);
  ASSERT_EQ(::symlink((dir_ + "/elsewhere").c_str(), (dir_ + "/agents").c_str()), 0);
  config_.config = dir_ + "/agents/openclaw.json";
  config_.backups = {config_.config + ".bak"};
  testing::internal::CaptureStderr();
  start();
  fake_.setState(kUnit, unitIn("failed", "failed", 100));
  fake_.setState(kUnit, unitIn("failed", "failed", 101));
  const std::string logged = testing::internal::GetCapturedStderr();
  std::size_t said = 0;
  const std::string refused =
      std::string(journal_key::kEvent) + "=" + std::string(event::kPathRefused);
  for (auto at = logged.find(refused); at != std::string::npos; at = logged.find(refused, at + 1)) {
    ++said;
  }
  EXPECT_EQ(said, 1u) << logged;
  EXPECT_NE(logged.find(std::string(journal_key::kComponent) + "=" + dir_ + "/agents"),
            std::string::npos)
      << logged;
  EXPECT_EQ(read(dir_ + "/elsewhere/openclaw.json"), kBroken);
  EXPECT_EQ(count("RestartUnit"), 0);
  EXPECT_EQ(count("ResetFailedUnit"), 0);
  EXPECT_TRUE(ledger().repairs.empty()) << "no repair was made, so none is charged";
  EXPECT_NE(bot_->status().find("is a symlink: not followed"), std::string::npos) << bot_->status();
}

}  // namespace
}  // namespace openclaw::supervisor
