// flag-watcher's pure parts: flag names, the revive policy and its ledger (and reading it
// back from a damaged state file), and how a folder's entries are judged (on a real
// temporary folder).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "boot_token.h"
#include "flag_folder.h"
#include "ledger_file.h"
#include "openclaw/safe_path.h"
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

// Two restarts in the last hour, the second one in flight for a container's flag.
TargetLedger restartingJack() {
  TargetLedger l;
  l.restarts = {10, 20};
  l.pendingSince = 20;
  l.requester = {"/flags", 101000};
  l.inFlightSince = 20;
  return l;
}

TEST(Ledgers, RoundTripThroughJsonAndSurviveDamage) {
  std::map<std::string, TargetLedger> in;
  in["jack"] = restartingJack();
  in["jack"].startStampBefore = 123;
  in["jack"].bootId = "b";
  auto out = ledgersFromJson(toJson(in));
  ASSERT_TRUE(out.contains("jack"));
  EXPECT_EQ(out["jack"].restarts, in["jack"].restarts);
  EXPECT_EQ(out["jack"].requester.uid, 101000u);
  EXPECT_EQ(out["jack"].inFlightSince, 20);
  EXPECT_EQ(out["jack"].startStampBefore, 123u);
  in["jack"].beganUsec = 456;
  in["jack"].countedAt = 20;
  out = ledgersFromJson(toJson(in));
  EXPECT_EQ(out["jack"].beganUsec, 456u);
  EXPECT_EQ(out["jack"].countedAt, 20);
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
      R"({"targets": {"jack": {"in_flight_since": 5, "began_usec": -1, "boot_id": "b"}}})",
      R"({"targets": {"jack": {"in_flight_since": 5, "began_usec": 1, "counted_at": "5"}}})",
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

// The history goes to the fsync'd state file, the restart in flight to /run: each file holds
// its part alone, and the two laid together give the ledger back.
TEST(Ledgers, HistoryAndInFlightAreWrittenApartAndMergeBack) {
  std::map<std::string, TargetLedger> in;
  in["jack"] = restartingJack();
  in["jack"].beganUsec = 456;
  in["jack"].countedAt = 20;
  in["idle"].restarts = {5};
  const nlohmann::json history = toJson(in, LedgerPart::History);
  const nlohmann::json inFlight = toJson(in, LedgerPart::InFlight);
  EXPECT_EQ(history.dump().find("in_flight_since"), std::string::npos) << history.dump();
  EXPECT_EQ(history.dump().find("requested_by"), std::string::npos) << history.dump();
  EXPECT_EQ(inFlight.dump().find("restarts"), std::string::npos) << inFlight.dump();
  EXPECT_FALSE(inFlight["targets"].contains("idle")) << inFlight.dump();

  auto merged = ledgersFromJson(history);
  EXPECT_FALSE(mergeInFlight(merged, ledgersFromJson(inFlight)));  // nothing to add
  EXPECT_EQ(merged["jack"].restarts, (std::deque<Seconds>{10, 20}));
  EXPECT_EQ(merged["jack"].inFlightSince, 20);
  EXPECT_EQ(merged["jack"].beganUsec, 456u);
  EXPECT_EQ(merged["jack"].requester.folder, "/flags");
  EXPECT_EQ(merged["idle"].restarts, (std::deque<Seconds>{5}));
}

// Killed after the in-flight record was written and before the history was: the restart
// is charged at start-up, once, in time order.
TEST(Ledgers, ARestartCountedOnlyInFlightJoinsTheHistory) {
  std::map<std::string, TargetLedger> history;
  history["jack"].restarts = {10, 30};
  std::map<std::string, TargetLedger> inFlight;
  inFlight["jack"].inFlightSince = 20;
  inFlight["jack"].countedAt = 20;
  EXPECT_TRUE(mergeInFlight(history, inFlight));
  EXPECT_EQ(history["jack"].restarts, (std::deque<Seconds>{10, 20, 30}));
  EXPECT_FALSE(mergeInFlight(history, inFlight));
  EXPECT_EQ(history["jack"].restarts.size(), 3u);
  clearInFlight(history["jack"]);
  EXPECT_FALSE(history["jack"].inFlightSince);
  EXPECT_FALSE(history["jack"].countedAt);
  EXPECT_EQ(history["jack"].restarts.size(), 3u);
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
  const std::string valid = toJson({{"jack", TargetLedger{.restarts = {10, 20},
                                                          .pendingSince = 20,
                                                          .requester = {"/f", 1},
                                                          .inFlightSince = 20,
                                                          .beganUsec = 5,
                                                          .bootId = "b",
                                                          .startStampBefore = 0,
                                                          .countedAt = {}}}})
                                .dump();
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

}  // namespace

// So that a failed expectation names the decision.
std::ostream& operator<<(std::ostream& out, ResumeDecision d) {
  return out << toString(d);
}

namespace {

const std::string kThisBoot = "0123456789abcdef0123456789abcdef";
const std::string kOtherBoot = "fedcba9876543210fedcba9876543210";

TargetLedger interrupted(const std::string& boot, std::uint64_t stampBefore) {
  TargetLedger l;
  l.inFlightSince = 100;
  l.bootId = boot;
  l.startStampBefore = stampBefore;
  return l;
}

TEST(ResumeDecisions, InOneBootTheStartStampSaysWhetherTheRestartHappened) {
  const auto l = interrupted(kThisBoot, 5000);
  EXPECT_EQ(decideResume(l, kThisBoot, {9000, true}), ResumeDecision::DoneBeforeRestart);
  EXPECT_EQ(decideResume(l, kThisBoot, {5000, true}), ResumeDecision::RestartAgain);
  EXPECT_EQ(decideResume(interrupted(kThisBoot, 0), kThisBoot, {9000, true}),
            ResumeDecision::RestartAgain);
}

// The mark taken when the restart was decided, before RestartUnit was sent: a start stamped
// after it is the restart's (or a later one's), one before it means the restart never ran.
TEST(ResumeDecisions, AStartAfterTheRestartWasDecidedMeansItHappened) {
  auto l = interrupted(kThisBoot, 0);
  l.beganUsec = 7000;
  EXPECT_EQ(decideResume(l, kThisBoot, {9000, true}), ResumeDecision::DoneBeforeRestart);
  EXPECT_EQ(decideResume(l, kThisBoot, {6000, true}), ResumeDecision::RestartAgain);
  EXPECT_EQ(decideResume(l, kThisBoot, {7000, true}), ResumeDecision::RestartAgain);
}

// The unit ran with ProcSubset=pid, so both boot ids were read as "" and the stamps of two
// boots were compared: a unit the new boot started and that then failed had a bigger stamp,
// so the revive was reported failed and never issued.
TEST(ResumeDecisions, AcrossARebootTheStampIsNotComparedAndAFailedUnitIsRestarted) {
  const auto l = interrupted(kOtherBoot, 5000);
  EXPECT_EQ(decideResume(l, kThisBoot, {9000, false}), ResumeDecision::RestartAgain);
  EXPECT_EQ(decideResume(l, kThisBoot, {0, false}), ResumeDecision::RestartAgain);
  EXPECT_EQ(decideResume(l, kThisBoot, {3000, true}), ResumeDecision::DoneByReboot);
  EXPECT_EQ(decideResume(l, kThisBoot, {9000, true}), ResumeDecision::DoneByReboot);
}

TEST(ResumeDecisions, ABootThatCannotBeToldRedoesTheRestart) {
  // Empty ids (the kernel's boot id under ProcSubset=pid), or one of the kernel's form.
  for (const auto& [then, now] : std::vector<std::pair<std::string, std::string>>{
           {"", ""},
           {"", kThisBoot},
           {kThisBoot, ""},
           {"5e5a3a4c-0f57-4a8e-9d0b-1d2c3b4a5f60", kThisBoot}}) {
    EXPECT_EQ(decideResume(interrupted(then, 5000), now, {9000, true}),
              ResumeDecision::RestartAgain)
        << "'" << then << "' then, '" << now << "' now";
  }
}

class ABootToken : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/openclaw-boot-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(ABootToken, IsTheSameForEveryStartOfABootAndNewAfterTheRunFolderIsEmptied) {
  const std::string run = dir_ + "/run/openclaw-agents/flag-watcher";
  const auto first = bootToken(run);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_TRUE(isBootToken(*first));
  const auto again = bootToken(run);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(*again, *first);
  std::filesystem::remove_all(dir_ + "/run");  // a reboot: /run is a tmpfs
  const auto next = bootToken(run);
  ASSERT_TRUE(next.ok()) << next.error();
  EXPECT_NE(*next, *first);
}

TEST_F(ABootToken, ThatIsDamagedOrASymlinkIsReplacedNotFollowed) {
  std::ofstream(dir_ + "/boot-token") << "not a token\n";
  auto token = bootToken(dir_);
  ASSERT_TRUE(token.ok()) << token.error();
  EXPECT_TRUE(isBootToken(*token));
  std::filesystem::remove(dir_ + "/boot-token");
  std::ofstream(dir_ + "/elsewhere") << kOtherBoot << "\n";
  std::filesystem::create_symlink(dir_ + "/elsewhere", dir_ + "/boot-token");
  token = bootToken(dir_);
  ASSERT_TRUE(token.ok()) << token.error();
  EXPECT_NE(*token, kOtherBoot);
  EXPECT_FALSE(std::filesystem::is_symlink(dir_ + "/boot-token"));
}

class AFlagFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/openclaw-flags-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto fd = openFolderPath(dir_);
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
  ASSERT_TRUE(std::ofstream(at("revive-jack.flag")).good());
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
  ASSERT_TRUE(std::ofstream(at("revive-ross.flag")).good());
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

}  // namespace
}  // namespace openclaw::flagwatcher
