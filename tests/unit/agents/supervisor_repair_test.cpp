// jack-supervisor's decisions without systemd: the repair budget and backoff, the config
// verdicts, the restore order, and the restore itself on a real folder.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config_check.h"
#include "config_install.h"
#include "openclaw/handles.h"
#include "repair_policy.h"
#include "temp_folder.h"

namespace openclaw::supervisor {
namespace {

namespace fs = std::filesystem;

TEST(RepairPolicy, RepairsAtOnceThenBacksOffAfterFailedRepairs) {
  RepairPolicy policy(5);
  BotLedger l;
  EXPECT_EQ(policy.decide(l, 1000).decision, RepairDecision::RepairNow);
  l.repairs.push_back(1000);
  EXPECT_EQ(policy.decide(l, 1000).decision, RepairDecision::RepairNow)
      << "a repair that worked does not slow the next one";
  l.failedRepairs = 1;
  const RepairVerdict v = policy.decide(l, 1001);
  EXPECT_EQ(v.decision, RepairDecision::Backoff);
  EXPECT_EQ(v.notBefore, 1005);
  EXPECT_EQ(policy.decide(l, 1005).decision, RepairDecision::RepairNow);
}

TEST(RepairPolicy, BackoffDoublesUpToFiveMinutes) {
  EXPECT_EQ(RepairPolicy::backoff(0), 0);
  EXPECT_EQ(RepairPolicy::backoff(1), 5);
  EXPECT_EQ(RepairPolicy::backoff(2), 10);
  EXPECT_EQ(RepairPolicy::backoff(4), 40);
  EXPECT_EQ(RepairPolicy::backoff(50), 300);
}

TEST(RepairPolicy, RefusesBeyondTheHourlyBudgetAndForgetsAfterAnHour) {
  RepairPolicy policy(2);
  BotLedger l;
  l.repairs = {100, 200};
  const RepairVerdict v = policy.decide(l, 300);
  EXPECT_EQ(v.decision, RepairDecision::RefusedBudget);
  EXPECT_EQ(v.notBefore, 3700);
  EXPECT_EQ(policy.decide(l, 3700).decision, RepairDecision::RepairNow);
  EXPECT_EQ(l.repairs.size(), 1u);
}

TEST(RepairPolicy, OneRepairAtATimeAndNoneOnceGivenUp) {
  RepairPolicy policy(10);
  BotLedger l;
  l.inFlightSince = 5;
  EXPECT_EQ(policy.decide(l, 10).decision, RepairDecision::InFlight);
  l.inFlightSince.reset();
  l.givenUp = true;
  EXPECT_EQ(policy.decide(l, 10).decision, RepairDecision::GivenUp);
}

TEST(RepairLedger, SurvivesAJsonRoundTripAndToleratesDamage) {
  std::map<std::string, BotLedger> in;
  in["jack"].repairs = {10, 20};
  in["jack"].failedRepairs = 2;
  in["jack"].inFlightSince = 20;
  in["jack"].givenUp = true;
  in["jack"].givenUpWhy = "no valid backup";
  auto out = ledgersFromJson(nlohmann::json::parse(toJson(in).dump()));
  ASSERT_EQ(out.count("jack"), 1u);
  EXPECT_EQ(out["jack"].repairs, (std::deque<Seconds>{10, 20}));
  EXPECT_EQ(out["jack"].failedRepairs, 2);
  EXPECT_EQ(out["jack"].inFlightSince, 20);
  EXPECT_TRUE(out["jack"].givenUp);
  EXPECT_EQ(out["jack"].givenUpWhy, "no valid backup");
  auto damaged = ledgersFromJson(nlohmann::json::parse(
      R"({"bots": {"jack": {"repairs": [1, "x", 3], "failed_repairs": "two"}, "bad": 5}})"));
  EXPECT_EQ(damaged["jack"].repairs, (std::deque<Seconds>{1, 3}));
  EXPECT_EQ(damaged["jack"].failedRepairs, 0);
  EXPECT_EQ(damaged.count("bad"), 0u);
}

TEST(ConfigVerdict, AcceptsJson5CommentsAndTrailingCommasAndChecksPointers) {
  const std::vector<std::string> req = {"/gateway/mode", "/channels/telegram"};
  EXPECT_TRUE(checkConfigText("{ // c\n \"gateway\": {\"mode\": \"local\",},\n"
                              " \"channels\": {\"telegram\": {}}, }",
                              req)
                  .valid);
  EXPECT_EQ(checkConfigText(R"({"gateway": {}, "channels": {"telegram": 1}})", req).reason,
            "lacks /gateway/mode");
  EXPECT_EQ(checkConfigText(R"({"gateway": "x", "channels": {"telegram": 1}})", req).reason,
            "lacks /gateway/mode");
  EXPECT_NE(checkConfigText(R"({"gateway": {"mode": )", req).reason.find("line 1"),
            std::string::npos);
  EXPECT_FALSE(checkConfigText("[1, 2]", {}).valid);
}

TEST(ConfigVerdict, AcceptsEveryJson5FormOpenClawAccepts) {
  // Unquoted keys and single quotes once made a valid hand-edited config "invalid", and the
  // supervisor replaced it with an older backup.
  const std::string edited = R"(// edited by hand
{
  gateway: { mode: 'local', port: 0x4965, auth: { token: 'it\'s', }, },
  channels: { telegram: { enabled: true, limit: +1e999 } },
})";
  const ConfigVerdict v = checkConfigText(edited, {"/gateway/mode", "/channels/telegram"});
  EXPECT_TRUE(v.valid) << v.reason;
  EXPECT_EQ(checkConfigText("{gateway: {mode: 'local'}", {}).reason,
            "not valid JSON5 at line 1, column 26: expected ',' or '}', found end of text");
}

class ConfigFolder : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text, std::int64_t ageSec = 0) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    const auto t = fs::file_time_type::clock::now() - std::chrono::seconds(ageSec);
    fs::last_write_time(path, t);
    return path;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  testing::TempFolder temp_{"oc-supervisor"};
  const std::string dir_ = temp_.path();
};

TEST_F(ConfigFolder, CandidatesComeInPatternOrderNewestFirstWithinAGlob) {
  const std::string live = write("openclaw.json", "{}");
  write("openclaw.json.bak", "{}", 500);
  write("openclaw.json.bak.1", "{}", 100);
  write("openclaw.json.bak.2", "{}", 50);
  write("openclaw.json.broken-20260101T000000Z", "{}", 1);
  fs::create_directory(dir_ + "/snaps");
  write("snaps/20260101T000000Z.json", "{}", 10);
  const auto c =
      listCandidates({live + ".bak", live + ".bak.*", dir_ + "/none/*"}, live, dir_ + "/snaps")
          .candidates;
  std::vector<std::string> names;
  names.reserve(c.size());
  for (const auto& x : c) names.push_back(fs::path(x.path).filename());
  EXPECT_EQ(names, (std::vector<std::string>{"openclaw.json.bak", "openclaw.json.bak.2",
                                             "openclaw.json.bak.1", "20260101T000000Z.json"}));
  EXPECT_EQ(c.back().source, "snapshot");
}

TEST_F(ConfigFolder, OpenClawsLastGoodComesFirstUnlessBackupsPlaceIt) {
  const std::string live = write("openclaw.json", "{}");
  write("openclaw.json.bak", "{}", 1);
  write("openclaw.json.last-good", "{}", 500);
  auto names = [&](const CandidateList& c) {
    std::vector<std::string> out;
    for (const auto& x : c.candidates)
      out.push_back(fs::path(x.path).filename().string() + "/" + x.source);
    return out;
  };
  EXPECT_EQ(names(listCandidates({live + ".bak"}, live, "")),
            (std::vector<std::string>{"openclaw.json.last-good/last-good",
                                      "openclaw.json.bak/backups[0]"}));
  EXPECT_EQ(names(listCandidates({live + ".bak", live + ".last-good"}, live, "")),
            (std::vector<std::string>{"openclaw.json.bak/backups[0]",
                                      "openclaw.json.last-good/backups[1]"}));
}

TEST_F(ConfigFolder, OnlyRegularFilesAreCandidatesAndNoneIsFollowed) {
  const std::string secret = write("secret", R"({"gateway": {"mode": "x"}})");
  ASSERT_EQ(::symlink(secret.c_str(), (dir_ + "/openclaw.json.bak").c_str()), 0);
  ASSERT_EQ(::mkfifo((dir_ + "/openclaw.json.bak.1").c_str(), 0600), 0);
  const auto c = listCandidates({dir_ + "/openclaw.json.bak", dir_ + "/openclaw.json.bak.*"},
                                dir_ + "/openclaw.json", "");
  EXPECT_TRUE(c.candidates.empty());
  EXPECT_EQ(c.notRegular, 2u);
  EXPECT_EQ(c.skipped(), "2 name(s) that are not regular files");
  auto content = readConfigFile(dir_ + "/openclaw.json.bak");
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.error(), "is a symlink: not followed");
  EXPECT_FALSE(readConfigFile(dir_ + "/openclaw.json.bak.1").ok())
      << "a FIFO must not block or be read";
}

TEST_F(ConfigFolder, EachPatternGivesOnlyItsNewestFilesHoweverManyMatch) {
  const std::string live = write("openclaw.json", "{}");
  for (int i = 0; i < 3000; ++i) {
    const std::string link = dir_ + "/openclaw.json.bak." + std::to_string(i);
    ASSERT_EQ(::symlink("/nonexistent", link.c_str()), 0);
  }
  for (int i = 0; i < 30; ++i) write("openclaw.json.bak.f" + std::to_string(i), "{}", 100 + i);
  const auto c = listCandidates({live + ".bak.*"}, live, "", 5);
  std::vector<std::string> names;
  for (const auto& x : c.candidates) names.push_back(fs::path(x.path).filename());
  EXPECT_EQ(names, (std::vector<std::string>{"openclaw.json.bak.f0", "openclaw.json.bak.f1",
                                             "openclaw.json.bak.f2", "openclaw.json.bak.f3",
                                             "openclaw.json.bak.f4"}));
  EXPECT_EQ(c.notRegular, 3000u);
  EXPECT_EQ(c.overLimit, 25u);
}

TEST(CandidatePatterns, HaveWildcardsInTheFileNameOnly) {
  EXPECT_TRUE(isCandidatePattern("/root/.openclaw/openclaw.json.bak.*"));
  EXPECT_TRUE(isCandidatePattern("/root/backups/jack/*"));
  EXPECT_FALSE(isCandidatePattern("/root/*/openclaw.json"));
  EXPECT_FALSE(isCandidatePattern("/root/backups/"));
}

TEST_F(ConfigFolder, InstallKeepsTheBrokenFileAndGivesTheOwnerAndModeSeenHealthy) {
  const std::string live = write("openclaw.json", "{ broken");
  ASSERT_EQ(::chmod(live.c_str(), 0640), 0);
  const auto healthy = readConfigAttrs(live);
  ASSERT_TRUE(healthy.has_value());
  auto kept = installConfig(live, "{\"good\": 1}", 1795392000, healthy);
  ASSERT_TRUE(kept.ok()) << kept.error();
  EXPECT_EQ(*kept, live + ".broken-20261123T000000Z");
  EXPECT_EQ(read(*kept), "{ broken");
  EXPECT_EQ(read(live), "{\"good\": 1}");
  struct stat st {};
  ASSERT_EQ(::stat(live.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  auto again = installConfig(live, "{\"good\": 2}", 1795392000, healthy);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, live + ".broken-20261123T000000Z-1") << "same second, new name";
}

TEST_F(ConfigFolder, APlantedSetuidWorldWritableConfigLendsNothingToTheRestoredOne) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to plant a file of another owner";
  const std::string live = write("openclaw.json", "{ broken");
  // What a container user could leave at the path: its own file, setuid, world-writable.
  ASSERT_EQ(::chown(live.c_str(), 101000, 101000), 0);
  ASSERT_EQ(::chmod(live.c_str(), 06777), 0);
  for (const auto& healthy :
       {std::optional<ConfigAttrs>{}, std::optional<ConfigAttrs>{{0, 0, 0600}}}) {
    ASSERT_TRUE(installConfig(live, "{}", 1795392000, healthy).ok());
    struct stat st {};
    ASSERT_EQ(::stat(live.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0u);
    EXPECT_EQ(st.st_gid, 0u);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(::chown(live.c_str(), 101000, 101000), 0);
    ASSERT_EQ(::chmod(live.c_str(), 06777), 0);
  }
  // Even the mode seen healthy never carries those bits.
  ASSERT_TRUE(installConfig(live, "{}", 1795392000, ConfigAttrs{101000, 101000, 06666}).ok());
  struct stat st {};
  ASSERT_EQ(::stat(live.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 101000u);
  EXPECT_EQ(st.st_mode & 07777, 0664u);
}

TEST_F(ConfigFolder, InstallCarriesTheNamedEntriesOfTheOldFilesAcl) {
  const std::string live = write("openclaw.json", "{ broken");
  ASSERT_EQ(::chmod(live.c_str(), 0640), 0);
  AclPtr acl(::acl_from_text("u::rw-,g::r--,u:101000:rw-,m::rw-,o::---"));
  ASSERT_TRUE(acl);
  ASSERT_EQ(::acl_set_file(live.c_str(), ACL_TYPE_ACCESS, acl.get()), 0);
  const auto healthy = readConfigAttrs(live);  // 0660: the mask shows as the group bits
  ASSERT_TRUE(installConfig(live, "{}", 1795392000, healthy).ok());
  AclPtr now(::acl_get_file(live.c_str(), ACL_TYPE_ACCESS));
  char* text = ::acl_to_any_text(now.get(), nullptr, ',', TEXT_ABBREVIATE | TEXT_NUMERIC_IDS);
  EXPECT_STREQ(text, "u::rw-,u:101000:rw-,g::r--,m::rw-,o::---");
  ::acl_free(text);
}

TEST(RepairLedger, KeepsTheConfigsHealthyOwnerAndModeAndRefusesImpossibleOnes) {
  std::map<std::string, BotLedger> ledgers;
  ledgers["jack"].healthyConfig = ConfigAttrs{101000, 101000, 0640};
  const auto back = ledgersFromJson(toJson(ledgers));
  ASSERT_TRUE(back.at("jack").healthyConfig.has_value());
  EXPECT_EQ(back.at("jack").healthyConfig->uid, 101000u);
  EXPECT_EQ(back.at("jack").healthyConfig->mode, 0640u);
  for (const char* bad :
       {R"({"uid": -1, "gid": 0, "mode": 384})", R"({"uid": 0, "gid": 0, "mode": 99999})",
        R"({"uid": 1e999, "gid": 0, "mode": 384})", R"({"uid": "0", "gid": 0, "mode": 384})"}) {
    nlohmann::json doc = {
        {"bots", {{"jack", {{"healthy_config", nlohmann::json::parse(bad, nullptr, false)}}}}}};
    const auto l = ledgersFromJson(doc);
    EXPECT_FALSE(l.at("jack").healthyConfig.has_value()) << bad;
  }
}

TEST_F(ConfigFolder, InstallReplacesAPlantedSymlinkWithoutWritingThroughIt) {
  const std::string target = write("target", "untouched");
  const std::string live = dir_ + "/openclaw.json";
  ASSERT_EQ(::symlink(target.c_str(), live.c_str()), 0);
  auto kept = installConfig(live, "{}", 1795392000, std::nullopt);
  ASSERT_TRUE(kept.ok()) << kept.error();
  EXPECT_EQ(read(target), "untouched");
  EXPECT_FALSE(fs::is_symlink(live));
  EXPECT_TRUE(fs::is_symlink(*kept));
  struct stat st {};
  ASSERT_EQ(::stat(live.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u) << "a planted file's mode is not copied";
}

// A bot swaps its config folder's parent for a symlink to another tree: nothing there is
// read as its config, listed as a backup, or written by a restore.
TEST_F(ConfigFolder, AParentSwappedForASymlinkIsNeitherReadNorListedNorWritten) {
  fs::create_directories(dir_ + "/elsewhere/bot");
  write("elsewhere/bot/openclaw.json", "theirs");
  write("elsewhere/bot/openclaw.json.bak", R"({"gateway": {"mode": "theirs"}})");
  ASSERT_EQ(::symlink((dir_ + "/elsewhere").c_str(), (dir_ + "/agents").c_str()), 0);
  const std::string live = dir_ + "/agents/bot/openclaw.json";

  auto content = readConfigFile(live);
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.error(), "is out of reach: " + dir_ + "/agents is a symlink: not followed");

  auto listed = listCandidates({live + ".bak*"}, live, "");
  EXPECT_TRUE(listed.candidates.empty());
  ASSERT_EQ(listed.refused, std::vector<std::string>{dir_ + "/agents is a symlink: not followed"})
      << "said once, though two patterns (the .last-good and the .bak*) name the folder";
  EXPECT_EQ(listed.skipped(), dir_ + "/agents is a symlink: not followed");

  auto kept = installConfig(live, "{}", 1795392000, std::nullopt);
  ASSERT_FALSE(kept.ok());
  EXPECT_EQ(kept.error(), "cannot reach " + dir_ + "/agents is a symlink: not followed");
  EXPECT_EQ(read(dir_ + "/elsewhere/bot/openclaw.json"), "theirs");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ + "/elsewhere/bot"), {}), 2)
      << "no broken copy and no temporary file written there";
  EXPECT_FALSE(readConfigAttrs(live).has_value());
}

// A folder that does not exist yet is no refusal: there is nothing in it to list.
TEST_F(ConfigFolder, AMissingFolderIsNoRefusal) {
  auto listed = listCandidates({dir_ + "/none/openclaw.json.bak*"}, dir_ + "/openclaw.json", "");
  EXPECT_TRUE(listed.refused.empty());
  EXPECT_EQ(listed.skipped(), "");
}

TEST_F(ConfigFolder, SnapshotsSkipRepeatsAndKeepTheNewest) {
  SnapshotStore store(dir_ + "/snaps", 2);
  auto a = store.save("{\"v\": 1}", 1000);
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_FALSE(a->empty());
  auto same = store.save("{\"v\": 1}", 2000);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->empty()) << "an unchanged config is not saved again";
  ASSERT_TRUE(store.save("{\"v\": 2}", 3000).ok());
  ASSERT_TRUE(store.save("{\"v\": 3}", 4000).ok());
  const auto all = store.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(read(all[0]), "{\"v\": 3}");
  EXPECT_EQ(read(all[1]), "{\"v\": 2}");
}

}  // namespace
}  // namespace openclaw::supervisor
