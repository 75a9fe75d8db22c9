// flag-watcher's pure parts: flag names, the revive policy and its ledger (and reading it
// back from a damaged state file), and how a folder's entries are judged (on a real
// temporary folder).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "flag_folder.h"
#include "ledger_file.h"
#include "revive_policy.h"

namespace openclaw::flagwatcher {
namespace {

TEST(FlagNames, AcceptOnlyReviveTargetDotFlag) {
  EXPECT_EQ(flagTarget("revive-jack.flag"), "jack");
  EXPECT_EQ(flagTarget("revive-openclaw-john.flag"), "openclaw-john");
  for (const char* bad : {"revive-.flag", "jack.flag", "revive-jack", "revive-jack.flag.tmp",
                          "revive-../x.flag", "revive-a b.flag", ".revive-jack.flag"}) {
    EXPECT_FALSE(flagTarget(bad).has_value()) << bad;
  }
}

TEST(RevivePolicyDecisions, RestartThenCoalesceWithinTheInterval) {
  RevivePolicy policy(10, 6);
  TargetLedger l;
  EXPECT_EQ(policy.decide(l, 1000), ReviveDecision::RestartNow);
  l.inFlightSince = 1000;
  EXPECT_EQ(policy.decide(l, 1000), ReviveDecision::CoalescedInFlight);
  l.inFlightSince.reset();
  l.restarts.push_back(1000);
  EXPECT_EQ(policy.decide(l, 1009), ReviveDecision::CoalescedRecent);
  EXPECT_EQ(policy.decide(l, 1010), ReviveDecision::RestartNow);
}

TEST(RevivePolicyDecisions, RefuseBeyondTheHourlyBudgetAndRecoverAfterAnHour) {
  RevivePolicy policy(0, 3);
  TargetLedger l;
  for (Seconds t : {100, 200, 300}) {
    ASSERT_EQ(policy.decide(l, t), ReviveDecision::RestartNow);
    l.restarts.push_back(t);
  }
  EXPECT_EQ(policy.decide(l, 400), ReviveDecision::RefusedBudget);
  EXPECT_EQ(policy.remaining(l, 400), 0);
  EXPECT_EQ(policy.decide(l, 100 + 3600), ReviveDecision::RestartNow);
}

TEST(RevivePolicyDecisions, AClockSteppedBackDoesNotBlockForever) {
  RevivePolicy policy(10, 6);
  TargetLedger l;
  l.restarts.push_back(5000);
  EXPECT_EQ(policy.decide(l, 4000), ReviveDecision::RestartNow);
}

TEST(Ledgers, RoundTripThroughJsonAndSurviveDamage) {
  std::map<std::string, TargetLedger> in;
  in["jack"].restarts = {10, 20};
  in["jack"].pendingSince = 20;
  in["jack"].requester = {"/flags", 101000};
  in["jack"].inFlightSince = 20;
  in["jack"].startStampBefore = 123;
  in["jack"].bootId = "b";
  auto out = ledgersFromJson(toJson(in));
  ASSERT_TRUE(out.contains("jack"));
  EXPECT_EQ(out["jack"].restarts, in["jack"].restarts);
  EXPECT_EQ(out["jack"].requester.uid, 101000u);
  EXPECT_EQ(out["jack"].inFlightSince, 20);
  EXPECT_EQ(out["jack"].startStampBefore, 123u);
  EXPECT_TRUE(ledgersFromJson(nlohmann::json::parse(R"({"targets": {"x": 3}})")).empty());
  EXPECT_TRUE(ledgersFromJson(nlohmann::json::array()).empty());
}

// Each document once had a field of the wrong type or out of range; nlohmann's value() threw
// on most of them and took the daemon down at start-up, every start.
TEST(Ledgers, AFieldOfTheWrongTypeIsLeftOutNeverThrown) {
  const char* damaged[] = {
      R"({"targets": {"jack": {"pending_since": 5, "requested_by": "uid 0"}}})",
      R"({"targets": {"jack": {"pending_since": 5, "requested_by": {"folder": 7, "uid": 1}}}})",
      R"({"targets": {"jack": {"pending_since": 5, "requested_by": {"uid": "root"}}}})",
      R"({"targets": {"jack": {"pending_since": 5, "requested_by": {"uid": -1}}}})",
      R"({"targets": {"jack": {"pending_since": 5, "requested_by": {"uid": 4294967296}}}})",
      R"({"targets": {"jack": {"pending_since": 5, "requested_by": {"uid": 1.5}}}})",
      R"({"targets": {"jack": {"in_flight_since": 5, "start_stamp_before": "7"}}})",
      R"({"targets": {"jack": {"in_flight_since": 5, "start_stamp_before": -7}}})",
      R"({"targets": {"jack": {"in_flight_since": 5, "start_stamp_before": 1, "boot_id": 3}}})",
      R"({"targets": {"jack": {"in_flight_since": "5"}}})",
      R"({"targets": {"jack": {"pending_since": 18446744073709551615}}})",
      R"({"targets": {"jack": {"restarts": [1, "2", 1e23, null, 18446744073709551615]}}})",
      R"({"targets": {"jack": {"restarts": {"0": 1}}}})",
      R"({"targets": {"jack": {"restarts": 99999999999999999999999}}})",
  };
  for (const char* text : damaged) {
    const auto doc = nlohmann::json::parse(text);
    std::map<std::string, TargetLedger> out;
    ASSERT_NO_THROW(out = ledgersFromJson(doc)) << text;
    ASSERT_TRUE(out.contains("jack")) << text;  // the entry stays; only the field is lost
    const TargetLedger& l = out["jack"];
    EXPECT_LE(l.restarts.size(), 1u) << text;
    EXPECT_TRUE(l.requester.folder.empty()) << text;
    if (l.inFlightSince) {
      EXPECT_TRUE(l.startStampBefore == 0 || l.bootId.empty()) << text;
    }
    EXPECT_FALSE(readLedgers(doc).problems.empty()) << text;
  }
}

TEST(Ledgers, RestartsAreReadOldestFirstAndNegativeUidsAreNotWrapped) {
  const auto read = readLedgers(nlohmann::json::parse(
      R"({"targets": {"jack": {"restarts": [30, 10, 20], "pending_since": 30,
                               "requested_by": {"folder": "/f", "uid": -1}}}})"));
  const TargetLedger& l = read.ledgers.at("jack");
  EXPECT_EQ(l.restarts, (std::deque<Seconds>{10, 20, 30}));
  EXPECT_EQ(l.requester.folder, "/f");
  EXPECT_EQ(l.requester.uid, 0u);
  ASSERT_EQ(read.problems.size(), 1u);
  EXPECT_EQ(read.problems[0], "targets.jack.requested_by.uid: not a uid; left out");
}

TEST(Ledgers, CountlessProblemsAreNamedAFewAndCounted) {
  nlohmann::json doc = {{"targets", nlohmann::json::object()}};
  for (int i = 0; i < 1000; ++i) doc["targets"]["t" + std::to_string(i)] = i;
  const auto read = readLedgers(doc);
  EXPECT_TRUE(read.ledgers.empty());
  ASSERT_EQ(read.problems.size(), 21u);
  EXPECT_EQ(read.problems.back(), "and 980 more");
}

class AFlagWatcherStateFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/openclaw-fwstate-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  LedgerRead loadText(const std::string& text) {
    std::ofstream(dir_ + "/state.json", std::ios::binary) << text;
    return loadLedgers(StateFile(dir_ + "/state.json"));
  }
  std::string dir_;
};

TEST_F(AFlagWatcherStateFile, ThatIsMissingIsNoHistoryAndNoProblem) {
  const auto read = loadLedgers(StateFile(dir_ + "/state.json"));
  EXPECT_TRUE(read.ledgers.empty());
  EXPECT_TRUE(read.problems.empty());
}

TEST_F(AFlagWatcherStateFile, ThatDoesNotParseIsNoHistoryWithAProblemNamed) {
  const std::string valid =
      toJson({{"jack", TargetLedger{{10, 20}, 20, {"/f", 1}, 20, 5, "b"}}}).dump();
  const std::string damaged[] = {
      valid.substr(0, valid.size() / 2),                                // truncated
      R"({"version": 1, "targets": {"jack": {"restarts": [1e999]}}})",  // out of range
      "{\"version\": 1, \"targets\": {\"jack\xff\": {}}}",              // not UTF-8
      std::string("{\"version\": 1,\0 \"targets\": {}}", 30),           // a NUL byte
      "",
  };
  ASSERT_EQ(loadText(valid).ledgers.size(), 1u);
  for (const auto& text : damaged) {
    LedgerRead read;
    ASSERT_NO_THROW(read = loadText(text)) << text;
    EXPECT_TRUE(read.ledgers.empty()) << text;
    ASSERT_EQ(read.problems.size(), 1u) << text;
    EXPECT_NE(read.problems[0].find("starting with no history"), std::string::npos)
        << read.problems[0];
  }
}

class AFlagFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/openclaw-flags-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto fd = openFolder(dir_);
    ASSERT_TRUE(fd.ok());
    fd_ = std::move(fd).value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string at(const std::string& n) const { return dir_ + "/" + n; }
  std::optional<FolderEntry> look(const std::string& n) {
    return inspectEntry(fd_.get(), n, {"jack"});
  }
  std::string dir_;
  UniqueFd fd_;
};

TEST_F(AFlagFolder, AcceptsARegularFlagForAnAllowedTarget) {
  std::ofstream(at("revive-jack.flag"));
  auto e = look("revive-jack.flag");
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->isFlag());
  EXPECT_EQ(e->target, "jack");
  EXPECT_EQ(e->owner, ::getuid());
}

TEST_F(AFlagFolder, RejectsSymlinksFifosFoldersAndStrangersWithoutFollowingThem) {
  ASSERT_EQ(::symlink("/etc/passwd", at("revive-jack.flag").c_str()), 0);
  ASSERT_EQ(::mkfifo(at("fifo").c_str(), 0600), 0);
  ASSERT_EQ(::mkdir(at("revive-dir.flag").c_str(), 0700), 0);
  std::ofstream(at("revive-ross.flag"));
  const std::map<std::string, std::string> expected = {{"revive-jack.flag", "symlink"},
                                                       {"fifo", "fifo"},
                                                       {"revive-dir.flag", "folder"},
                                                       {"revive-ross.flag", "file"}};
  for (const auto& [name, type] : expected) {
    auto e = look(name);
    ASSERT_TRUE(e.has_value()) << name;
    EXPECT_FALSE(e->isFlag()) << name;
    EXPECT_EQ(e->type, type) << name;
    ASSERT_TRUE(removeEntry(fd_.get(), *e).ok()) << name;
  }
  auto names = listFolder(fd_.get());
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->empty());
  struct stat st {};
  EXPECT_EQ(::stat("/etc/passwd", &st), 0);  // the symlink's target is untouched
}

TEST_F(AFlagFolder, SaysNothingForANameThatVanished) {
  EXPECT_FALSE(look("revive-jack.flag").has_value());
}

TEST(FlagFolders, RefuseToOpenASymlinkAsTheFolder) {
  char tmpl[] = "/tmp/openclaw-flaglink-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string link = std::string(tmpl) + "/link";
  ASSERT_EQ(::symlink("/etc", link.c_str()), 0);
  EXPECT_FALSE(openFolder(link).ok());
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace openclaw::flagwatcher
