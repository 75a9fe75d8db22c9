// ConfigJudge with a real validator command (a shell script that counts its runs and
// accepts a config holding "good"): verdicts kept by content, runs shared, a repair's
// request ahead of judging in the background, private copies per judgement, and the walk
// over restore candidates.
#include "config_judge.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw::supervisor {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ConfigJudgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/oc-judge-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    judges_.clear();
    fs::remove_all(dir_);
  }

  // A validator that logs each run, sleeps when the config says "slow", and passes a config
  // holding "good".
  ConfigJudge& judge() {
    const std::string script = "echo run >> " + dir_ + "/runs; " +
                               "grep -q slow \"$OPENCLAW_CONFIG_PATH\" && sleep 20; " +
                               "cat \"$OPENCLAW_CONFIG_PATH\" >> " + dir_ + "/seen; echo >> " +
                               dir_ + "/seen; grep -q good \"$OPENCLAW_CONFIG_PATH\"";
    JudgeRules rules{{}, {"/bin/sh", "-c", script}, dir_};
    judges_.push_back(std::make_unique<ConfigJudge>(io_, rules));
    return *judges_.back();
  }
  // For conditions the loop cannot see (a file the validator writes): run it in slices.
  bool poll(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      runUntil(
          io_, [] { return false; }, 20ms);
    }
    return true;
  }
  int runs() const {
    std::ifstream in(dir_ + "/runs");
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }
  std::optional<ConfigVerdict> judgeNow(ConfigJudge& j, const std::string& text) {
    std::optional<ConfigVerdict> v;
    j.judge(text, Urgency::Now, [&](const ConfigVerdict& r) { v = r; });
    EXPECT_TRUE(runUntil(
        io_, [&] { return v.has_value(); }, 10s));
    return v;
  }
  std::string file(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
    return dir_ + "/" + name;
  }

  boost::asio::io_context io_;
  std::string dir_;
  std::vector<std::unique_ptr<ConfigJudge>> judges_;
};

TEST_F(ConfigJudgeTest, ValidatesTheSameContentOnceAndAnswersFromMemoryAfter) {
  ConfigJudge& j = judge();
  EXPECT_TRUE(judgeNow(j, R"({"a": "good"})")->valid);
  EXPECT_FALSE(judgeNow(j, R"({"a": "bad"})")->valid);
  EXPECT_EQ(runs(), 2);
  bool answered = false;
  j.judge(R"({"a": "good"})", Urgency::Now, [&](const ConfigVerdict& v) {
    answered = true;
    EXPECT_TRUE(v.valid);
  });
  EXPECT_TRUE(answered) << "a known verdict is given at once";
  EXPECT_FALSE(judgeNow(j, R"({"a": "bad"})")->valid);
  EXPECT_EQ(runs(), 2);
  EXPECT_EQ(j.validatorRuns(), 2u);
  // One byte more is other content.
  EXPECT_TRUE(judgeNow(j, R"({"a": "good" })")->valid);
  EXPECT_EQ(runs(), 3);
}

TEST_F(ConfigJudgeTest, RequestsForTheSameContentShareOneRun) {
  ConfigJudge& j = judge();
  int answers = 0;
  for (int i = 0; i < 3; ++i) {
    j.judge(R"({"a": "good"})", i == 1 ? Urgency::Now : Urgency::Background,
            [&](const ConfigVerdict& v) { answers += v.valid ? 1 : 100; });
  }
  ASSERT_TRUE(runUntil(
      io_, [&] { return answers == 3; }, 10s))
      << answers;
  EXPECT_EQ(runs(), 1);
}

TEST_F(ConfigJudgeTest, ARepairDoesNotWaitForJudgingAheadWhichResumesAfter) {
  ConfigJudge& j = judge();
  std::optional<ConfigVerdict> ahead, repair;
  j.judge(R"({"a": "slow good"})", Urgency::Background, [&](const ConfigVerdict& v) { ahead = v; });
  ASSERT_TRUE(poll([&] { return runs() == 1; }, 10s)) << "the slow run started";
  j.judge(R"({"a": "good"})", Urgency::Now, [&](const ConfigVerdict& v) { repair = v; });
  // The slow validator sleeps 20 s: the repair's answer within 10 s proves it was not waited for.
  ASSERT_TRUE(runUntil(
      io_, [&] { return repair.has_value(); }, 10s));
  EXPECT_TRUE(repair->valid);
  EXPECT_FALSE(ahead.has_value());
  ASSERT_TRUE(poll([&] { return runs() == 3; }, 10s)) << "the stopped run is queued again";
  j.cancel();
}

TEST_F(ConfigJudgeTest, CancellingTheBackgroundDropsWhatWasQueuedForIt) {
  ConfigJudge& j = judge();
  int answers = 0;
  j.judge(R"({"a": "good 1"})", Urgency::Background, [&](const ConfigVerdict&) { ++answers; });
  j.judge(R"({"a": "good 2"})", Urgency::Background, [&](const ConfigVerdict&) { ++answers; });
  j.cancelBackground();
  ASSERT_TRUE(runUntil(
      io_, [&] { return answers == 1; }, 10s))
      << "the running one finishes";
  poll([] { return false; }, 300ms);
  EXPECT_EQ(answers, 1);
  EXPECT_EQ(runs(), 1);
}

TEST_F(ConfigJudgeTest, TwoJudgesAtOnceEachValidateTheirOwnContent) {
  // Both validators start before either runs: a shared copy would make both see one text.
  ConfigJudge& a = judge();
  ConfigJudge& b = judge();
  std::optional<ConfigVerdict> va, vb;
  a.judge(R"({"who": "A good"})", Urgency::Now, [&](const ConfigVerdict& v) { va = v; });
  b.judge(R"({"who": "B bad"})", Urgency::Now, [&](const ConfigVerdict& v) { vb = v; });
  ASSERT_TRUE(runUntil(
      io_, [&] { return va && vb; }, 10s));
  EXPECT_TRUE(va->valid);
  EXPECT_FALSE(vb->valid);
  // No copy is left in the scratch folder.
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_FALSE(e.path().filename().string().starts_with("candidate-")) << e.path();
  }
}

TEST_F(ConfigJudgeTest, AWalkKeepsOnlyTheWinnersContentAndStopsThere) {
  ConfigJudge& j = judge();
  std::vector<RestoreCandidate> c = {{file("a", R"({"x": "bad"})"), "backups[0]", 0},
                                     {dir_ + "/missing", "backups[1]", 0},
                                     {file("b", R"({"x": "good"})"), "backups[2]", 0},
                                     {file("c", R"({"x": "good too"})"), "backups[3]", 0}};
  std::optional<std::vector<CandidateResult>> results;
  j.judgeCandidates(c, true, Urgency::Now, [&](const auto& r) { results = r; });
  ASSERT_TRUE(runUntil(
      io_, [&] { return results.has_value(); }, 10s));
  ASSERT_EQ(results->size(), 3u);
  EXPECT_FALSE((*results)[0].verdict.valid);
  EXPECT_TRUE((*results)[0].content.empty()) << "an invalid candidate's content is not kept";
  EXPECT_FALSE((*results)[1].verdict.valid);
  EXPECT_TRUE((*results)[2].verdict.valid);
  EXPECT_EQ((*results)[2].content, R"({"x": "good"})");
  EXPECT_EQ(runs(), 2);
}

TEST_F(ConfigJudgeTest, AWalkOverManyCandidatesKnownAtOnceUsesNoStackPerCandidate) {
  ConfigJudge& j = judge();
  std::vector<RestoreCandidate> c;
  for (int i = 0; i < 100000; ++i) c.push_back({dir_ + "/none-" + std::to_string(i), "b", 0});
  std::optional<std::size_t> judged;
  j.judgeCandidates(c, true, Urgency::Now, [&](const auto& r) { judged = r.size(); });
  ASSERT_TRUE(judged.has_value()) << "every verdict was known at once";
  EXPECT_EQ(*judged, c.size());
}

TEST_F(ConfigJudgeTest, AWalkStopsJudgingWhenItsTimeIsSpent) {
  JudgeRules rules{
      {}, {"/bin/sh", "-c", "sleep 0.3; grep -q good \"$OPENCLAW_CONFIG_PATH\""}, dir_};
  rules.walkBudget = std::chrono::milliseconds(500);
  ConfigJudge j(io_, rules);
  std::vector<RestoreCandidate> c;
  for (int i = 0; i < 10; ++i) {
    c.push_back(
        {file("c" + std::to_string(i), R"({"x": "bad )" + std::to_string(i) + "\"}"), "b", 0});
  }
  std::optional<std::vector<CandidateResult>> results;
  j.judgeCandidates(c, true, Urgency::Now, [&](const auto& r) { results = r; });
  ASSERT_TRUE(runUntil(
      io_, [&] { return results.has_value(); }, 10s));
  ASSERT_EQ(results->size(), 10u);
  EXPECT_EQ(results->back().verdict.reason, "not judged: judging this list took over 500 ms");
  EXPECT_LE(j.validatorRuns(), 3u);
}

TEST(AVerdictCache, ForgetsTheOldestBeyondItsBoundsAndAfterItsLifetime) {
  VerdictCache cache(std::chrono::seconds(60));
  const auto t0 = VerdictCache::Clock::now();
  for (std::size_t i = 0; i < VerdictCache::kMaxEntries + 5; ++i) {
    cache.store("config " + std::to_string(i), {true, "ok"}, t0);
  }
  EXPECT_EQ(cache.size(), VerdictCache::kMaxEntries);
  EXPECT_FALSE(cache.find("config 0", t0).has_value());
  EXPECT_TRUE(cache.find("config 30", t0).has_value());
  EXPECT_FALSE(cache.find("config 30", t0 + std::chrono::seconds(61)).has_value());
  cache.store(std::string(VerdictCache::kMaxBytes / 2 + 1, 'x'), {true, "ok"}, t0);
  cache.store(std::string(VerdictCache::kMaxBytes / 2 + 1, 'y'), {true, "ok"}, t0);
  EXPECT_FALSE(cache.find(std::string(VerdictCache::kMaxBytes / 2 + 1, 'x'), t0).has_value())
      << "bounded in bytes";
}

}  // namespace
}  // namespace openclaw::supervisor
