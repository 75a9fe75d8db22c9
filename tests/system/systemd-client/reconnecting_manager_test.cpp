// ReconnectingSystemdManager against the real managers of the disposable machine: root's
// user manager (lingering on, as OpenClaw's installer leaves it) reached like `systemctl
// --user`, and both managers coming back after their connection is cut (`systemctl restart
// user@0.service`, `systemctl restart dbus`).  Waits are conditions with deadlines.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <vector>

#include "openclaw/systemd_manager_reconnecting.h"
#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw {
namespace {

using namespace std::chrono_literals;
using StateOrError = Expected<UnitState, std::string>;

constexpr const char* kUserUnits = "/run/user/0/systemd/user";

bool exists(const char* path) {
  struct stat st {};
  return ::stat(path, &st) == 0;
}

class RootsUserManager : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(std::system("loginctl enable-linger root"), 0);
    ASSERT_EQ(std::system("systemctl start user@0.service"), 0);
  }

  void SetUp() override {
    ASSERT_TRUE(waitFor([] { return exists("/run/user/0/systemd/private"); }, 20s))
        << "root's user manager did not come up";
    manager_ = std::make_unique<ReconnectingSystemdManager>(io_, ManagerScope{"root"}, 20s);
    manager_->onReachableChanged([this](bool reachable, const std::string& detail) {
      changes_.push_back((reachable ? "reachable " : "unreachable ") + detail);
    });
    manager_->start();
  }

  bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      runUntil(
          io_, [] { return false; }, 20ms);
    }
    return true;
  }

  void writeUserUnit(const std::string& name, const std::string& body) {
    ::mkdir(kUserUnits, 0755);
    std::ofstream(std::string(kUserUnits) + "/" + name) << body;
    std::optional<std::string> err;
    manager_->daemonReload([&](const BusCallError& e) { err = e.text(); });
    ASSERT_TRUE(runUntil(
        io_, [&] { return err.has_value(); }, 20s));
    ASSERT_EQ(*err, "");
  }

  JobOutcome job(void (SystemdManager::*call)(const std::string&, SystemdManager::JobCallback),
                 const std::string& unit, std::chrono::milliseconds limit = 20s) {
    std::optional<JobOutcome> outcome;
    (manager_.get()->*call)(unit, [&](const JobOutcome& o) { outcome = o; });
    EXPECT_TRUE(runUntil(
        io_, [&] { return outcome.has_value(); }, limit));
    return outcome.value_or(
        JobOutcome{JobResult::Unknown, {"org.openclaw.Test.TimedOut", "no reply"}});
  }

  UnitState state(const std::string& unit) {
    std::optional<StateOrError> s;
    manager_->getUnitState(unit, [&](const StateOrError& r) { s = r; });
    EXPECT_TRUE(runUntil(
        io_, [&] { return s.has_value(); }, 20s));
    EXPECT_TRUE(s && s->ok()) << (s && !s->ok() ? s->error() : "no answer");
    return s && s->ok() ? s->value() : UnitState{};
  }

  boost::asio::io_context io_;
  std::unique_ptr<ReconnectingSystemdManager> manager_;
  std::vector<std::string> changes_;
};

TEST_F(RootsUserManager, IsReachedLikeSystemctlUserAndRunsJobsThere) {
  ASSERT_TRUE(manager_->connected()) << manager_->problem();
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_EQ(changes_[0], "reachable via /run/user/0/systemd/private");
  writeUserUnit("oc-user-sleeper.service", "[Service]\nExecStart=/bin/sleep infinity\n");
  ASSERT_TRUE(job(&SystemdManager::startUnit, "oc-user-sleeper.service").ok());
  const UnitState before = state("oc-user-sleeper.service");
  EXPECT_EQ(before.activeState, "active");
  const JobOutcome restart = job(&SystemdManager::restartUnit, "oc-user-sleeper.service");
  EXPECT_EQ(restart.result, JobResult::Done) << restart.error.text();
  EXPECT_GT(state("oc-user-sleeper.service").execMainStartTimestampMonotonic,
            before.execMainStartTimestampMonotonic);
  // The unit is the user manager's, not PID 1's: systemctl --user sees the same start.
  EXPECT_EQ(std::system("systemctl --user -M root@ is-active --quiet oc-user-sleeper.service"), 0);
  EXPECT_NE(std::system("systemctl is-active --quiet oc-user-sleeper.service"), 0);
}

TEST_F(RootsUserManager, AWatchSeesChangesMadeByAnotherClient) {
  writeUserUnit("oc-user-watched.service", "[Service]\nExecStart=/bin/sleep infinity\n");
  ASSERT_TRUE(job(&SystemdManager::startUnit, "oc-user-watched.service").ok());
  std::vector<std::string> seen;
  auto watch = manager_->watchUnit("oc-user-watched.service", [&](const StateOrError& s) {
    if (s.ok()) seen.push_back(s->activeState);
  });
  ASSERT_TRUE(runUntil(
      io_, [&] { return !seen.empty(); }, 10s))
      << "no initial state";
  EXPECT_EQ(seen.front(), "active");
  ASSERT_EQ(std::system("systemctl --user -M root@ stop --no-block oc-user-watched.service"), 0);
  EXPECT_TRUE(runUntil(
      io_, [&] { return seen.back() == "inactive"; }, 10s));
}

TEST_F(RootsUserManager, ComesBackAfterTheUserManagerRestartsAndReplaysWatchesAndCalls) {
  writeUserUnit("oc-user-kept.service",
                "[Install]\nWantedBy=default.target\n[Service]\nExecStart=/bin/sleep infinity\n");
  ASSERT_EQ(std::system("systemctl --user -M root@ enable --quiet oc-user-kept.service"), 0);
  ASSERT_TRUE(job(&SystemdManager::startUnit, "oc-user-kept.service").ok());
  std::vector<StateOrError> seen;
  auto watch = manager_->watchUnit("oc-user-kept.service",
                                   [&](const StateOrError& s) { seen.push_back(s); });
  ASSERT_TRUE(runUntil(
      io_, [&] { return !seen.empty(); }, 10s));

  ASSERT_EQ(std::system("systemctl restart --no-block user@0.service"), 0);
  ASSERT_TRUE(runUntil(
      io_, [&] { return !manager_->connected(); }, 20s))
      << "no loss seen";
  // A call made while the manager is away waits for it rather than failing.
  std::optional<JobOutcome> restart;
  manager_->restartUnit("oc-user-kept.service", [&](const JobOutcome& o) { restart = o; });
  ASSERT_TRUE(runUntil(
      io_, [&] { return restart.has_value(); }, 25s))
      << manager_->problem();
  EXPECT_TRUE(restart->ok()) << restart->error.text();
  EXPECT_TRUE(manager_->connected());
  // The watch hears of the loss, then of the unit's state on the new connection.
  auto reinstalled = [&] {
    bool lost = false;
    for (const auto& s : seen) {
      if (!s.ok()) {
        lost = true;
      } else if (lost) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(runUntil(io_, reinstalled, 10s)) << "states seen: " << seen.size();
  ASSERT_GE(changes_.size(), 3u);
  EXPECT_EQ(changes_[1].rfind("unreachable", 0), 0u) << changes_[1];
  EXPECT_EQ(changes_.back(), "reachable via /run/user/0/systemd/private");
}

TEST(AnUnreachableUserManager, MakesCallsWaitThenFailWithTheReason) {
  // nobody has no lingering manager: nothing listens under /run/user/65534.
  boost::asio::io_context io;
  ReconnectingSystemdManager manager(io, ManagerScope{"nobody"}, 1500ms);
  std::vector<bool> reachable;
  manager.onReachableChanged([&](bool r, const std::string&) { reachable.push_back(r); });
  manager.start();
  EXPECT_FALSE(manager.connected());
  EXPECT_NE(manager.problem().find("nobody's user manager unreachable since"), std::string::npos)
      << manager.problem();
  std::optional<JobOutcome> outcome;
  const auto t0 = std::chrono::steady_clock::now();
  manager.restartUnit("x.service", [&](const JobOutcome& o) { outcome = o; });
  EXPECT_FALSE(outcome.has_value());
  ASSERT_TRUE(runUntil(
      io, [&] { return outcome.has_value(); }, 10s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 1500ms);
  EXPECT_EQ(outcome->error.name, BusCallError::kUnreachable) << outcome->error.text();
  EXPECT_NE(outcome->error.message.find("No such file or directory"), std::string::npos)
      << outcome->error.text();
  EXPECT_EQ(reachable, std::vector<bool>{false}) << "each change is reported once";
}

TEST(TheSystemManager, ComesBackAfterTheSystemBusRestarts) {
  boost::asio::io_context io;
  ReconnectingSystemdManager manager(io, ManagerScope{}, 20s);
  manager.start();
  ASSERT_TRUE(manager.connected()) << manager.problem();
  ASSERT_EQ(std::system("systemctl restart --no-block dbus.service"), 0);
  ASSERT_TRUE(runUntil(
      io, [&] { return !manager.connected(); }, 20s))
      << "no loss seen";
  std::optional<StateOrError> s;
  manager.getUnitState("dbus.service", [&](const StateOrError& r) { s = r; });
  ASSERT_TRUE(runUntil(
      io, [&] { return s.has_value(); }, 25s))
      << manager.problem();
  ASSERT_TRUE(s->ok()) << s->error();
  EXPECT_EQ(s->value().loadState, "loaded");
  EXPECT_TRUE(manager.connected());
}

}  // namespace
}  // namespace openclaw
