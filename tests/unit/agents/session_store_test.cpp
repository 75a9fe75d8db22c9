// The bridge's session store against real files in a temporary folder, with real fdatasync:
// reopening, group commit, kill -9 at a random moment, torn lines, bounds, erase, sweep and
// compaction, including a crash between a snapshot and the journal's truncation.
#include "session_store.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "session_journal.h"

namespace openclaw::bridge {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

SessionMessage said(std::string content, std::int64_t ts = 1, std::string agent = "") {
  return {agent.empty() ? "user" : "assistant", std::move(content), ts, std::move(agent)};
}

// Runs `io` until `done()` holds or ten seconds pass.
bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(100ms);
  }
  return true;
}

std::string fileText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class SessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/openclaw-sessions-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    folder_ = root_ / "sessions";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<SessionStore> openStore(std::vector<std::string>* problems = nullptr) {
    auto store =
        std::make_unique<SessionStore>(io_, folder_.string(), limits_, [this] { return nowMs_; });
    auto found = store->open();
    if (problems != nullptr) {
      *problems = found;
    } else {
      EXPECT_TRUE(found.empty()) << found.front();
    }
    return store;
  }
  // The error the append's done reported, or "" once it is durable.
  std::string append(SessionStore& store, const std::string& id, std::vector<SessionMessage> m) {
    std::optional<std::optional<std::string>> result;
    store.append(id, std::move(m), [&](std::optional<std::string> e) { result = e; });
    EXPECT_TRUE(runUntil(io_, [&] { return result.has_value(); }));
    return result && *result ? **result : "";
  }
  std::string erase(SessionStore& store, const std::string& id) {
    std::optional<std::optional<std::string>> result;
    store.erase(id, [&](std::optional<std::string> e) { result = e; });
    EXPECT_TRUE(runUntil(io_, [&] { return result.has_value(); }));
    return result && *result ? **result : "";
  }
  // Runs the loop until the writer has nothing of ours left.
  void settle(SessionStore& store, std::size_t batches, std::size_t compactions = 0) {
    EXPECT_TRUE(runUntil(io_, [&] {
      return store.stats()["batches"] >= batches && store.stats()["compactions"] >= compactions;
    }));
  }

  boost::asio::io_context io_;
  fs::path root_, folder_;
  SessionLimits limits_;
  std::int64_t nowMs_ = 1'700'000'000'000;
};

TEST_F(SessionStoreTest, GivesBackIdenticalHistoryAfterReopening) {
  {
    auto store = openStore();
    EXPECT_EQ(append(*store, "chat-1", {said("hello"), said("hi there", 2, "sonnet")}), "");
    nowMs_ += 1000;
    EXPECT_EQ(append(*store, "chat-2", {said("bad \xff\xfe bytes, \xc3\xa9 and \x01", 3)}), "");
    EXPECT_EQ(append(*store, "chat-1", {said("again", 4)}), "");
    EXPECT_EQ(store->history("chat-2")[0].content,
              "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes, \xc3\xa9 and \x01");
  }
  auto before = nlohmann::json::array();
  auto reopened = openStore();
  ASSERT_EQ(reopened->history("chat-1").size(), 3u);
  EXPECT_EQ(reopened->history("chat-1")[1], said("hi there", 2, "sonnet"));
  EXPECT_EQ(reopened->describe("chat-1")["created"], 1'700'000'000'000);
  EXPECT_EQ(reopened->describe("chat-1")["updated"], 1'700'000'001'000);
  EXPECT_EQ(reopened->describe("chat-2")["messages"][0]["content"],
            "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes, \xc3\xa9 and \x01");
  EXPECT_TRUE(reopened->describe("nobody").is_null());
  EXPECT_EQ((fs::status(folder_ / "sessions.journal").permissions() & fs::perms::all),
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(reopened->stats()["sessions"], 2);
  EXPECT_EQ(reopened->stats()["messages"], 4);
}

TEST_F(SessionStoreTest, GroupsBackToBackAppendsIntoFarFewerBatchesThanAppends) {
  auto store = openStore();
  constexpr int kAppends = 1000;
  int done = 0, failed = 0;
  boost::asio::post(io_, [&] {
    for (int i = 0; i < kAppends; ++i) {
      store->append("s" + std::to_string(i % 10), {said("m" + std::to_string(i))},
                    [&](std::optional<std::string> e) { ++(e ? failed : done); });
    }
  });
  ASSERT_TRUE(runUntil(io_, [&] { return done + failed == kAppends; }));
  EXPECT_EQ(failed, 0);
  const auto stats = store->stats();
  std::cout << "[ measured ] " << stats["appends"] << " appends in " << stats["batches"]
            << " batches\n";
  EXPECT_EQ(stats["appends"], kAppends);
  EXPECT_LT(stats["batches"].get<int>(), kAppends / 10);
}

// The child appends one message at a time to seven sessions, 16 in flight, and after each
// done writes how many are acknowledged to `out`, until it is killed.
SessionLimits unboundedHistory() {
  SessionLimits limits;
  limits.maxMessages = 1'000'000;
  limits.maxBytes = 64u << 20;
  limits.compactAtBytes = 16 * 1024;  // compactions happen while the parent aims its kill
  return limits;
}

[[noreturn]] void appendUntilKilled(const std::string& folder, int out) {
  boost::asio::io_context io;
  SessionStore store(io, folder, unboundedHistory());
  if (!store.open().empty()) ::_exit(2);
  std::uint64_t next = 0, acked = 0;
  std::function<void()> issue = [&] {
    const std::uint64_t i = next++;
    store.append("s" + std::to_string(i % 7), {said("m" + std::to_string(i), i)},
                 [&](std::optional<std::string> e) {
                   if (e) ::_exit(3);
                   ++acked;
                   if (::write(out, &acked, sizeof acked) != sizeof acked) ::_exit(4);
                   issue();
                 });
  };
  for (int k = 0; k < 16; ++k) issue();
  io.run();
  ::_exit(5);
}

TEST_F(SessionStoreTest, KeepsEveryAcknowledgedMessageThroughKillNine) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (int round = 0; round < 4; ++round) {
    folder_ = root_ / ("round" + std::to_string(round));
    int pipeFds[2];
    ASSERT_EQ(::pipe2(pipeFds, O_CLOEXEC), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(pipeFds[0]);
      appendUntilKilled(folder_.string(), pipeFds[1]);
    }
    ::close(pipeFds[1]);
    const std::uint64_t killAt = std::uniform_int_distribution<std::uint64_t>(1, 4000)(rng);
    std::uint64_t acked = 0, count = 0;
    bool killed = false;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    for (;;) {
      pollfd p{pipeFds[0], POLLIN, 0};
      if (!killed && std::chrono::steady_clock::now() > deadline) break;
      if (::poll(&p, 1, 1000) <= 0) continue;
      const ssize_t n = ::read(pipeFds[0], &count, sizeof count);
      if (n != static_cast<ssize_t>(sizeof count)) break;  // the child is gone: EOF
      acked = count;
      if (!killed && acked >= killAt) killed = ::kill(child, SIGKILL) == 0;
    }
    ::close(pipeFds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(killed) << "child exited with " << status << " after " << acked;
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    limits_ = unboundedHistory();
    // SIGKILL can cut the writer's write(2) short (the kernel stops a large write at a fatal
    // signal): a torn last line is the one damage allowed, and it holds no acknowledged
    // message (those were on disk before their acknowledgement).
    std::vector<std::string> problems;
    auto store = openStore(&problems);
    for (const auto& p : problems) {
      EXPECT_NE(p.find("dropped a torn end"), std::string::npos) << "round " << round << ": " << p;
    }
    std::size_t total = 0;
    for (std::uint64_t s = 0; s < 7; ++s) {
      const auto h = store->history("s" + std::to_string(s));
      for (std::size_t k = 0; k < h.size(); ++k) {
        ASSERT_EQ(h[k].content, "m" + std::to_string(s + 7 * k)) << "round " << round;
      }
      total += h.size();
    }
    std::cout << "[ measured ] round " << round << ": killed after " << acked << " acknowledged, "
              << total << " on disk"
              << (fs::exists(folder_ / "sessions.snapshot") ? ", after a compaction\n" : "\n");
    EXPECT_GE(total, acked);
  }
}

TEST_F(SessionStoreTest, DropsATornLastLineAndSkipsADamagedEarlierOne) {
  {
    auto store = openStore();
    ASSERT_EQ(append(*store, "a", {said("one")}), "");
  }
  std::ofstream(folder_ / "sessions.journal", std::ios::app)
      << "not json\n"
      << addLine(2, "a", nowMs_, 2, {said("two")});
  std::ofstream(folder_ / "sessions.journal", std::ios::app) << R"({"seq":9,"op":"add","id")";
  std::vector<std::string> problems;
  {
    auto store = openStore(&problems);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0], "skipped 1 damaged line in the session journal");
    EXPECT_EQ(problems[1], "dropped a torn end of the session journal (1 line, a write cut short)");
    EXPECT_EQ(store->stats()["damaged_lines"], 1);
    ASSERT_EQ(append(*store, "a", {said("three")}), "");
  }
  auto store = openStore(&problems);
  EXPECT_EQ(problems, std::vector<std::string>{"skipped 1 damaged line in the session journal"});
  ASSERT_EQ(store->history("a").size(), 3u);
  EXPECT_EQ(store->history("a")[2].content, "three");
}

TEST_F(SessionStoreTest, SkipsAnOverlongLineUnreadAndSetsADamagedSnapshotAside) {
  fs::create_directory(folder_);
  std::ofstream(folder_ / "sessions.journal") << std::string(kMinLineBound + 1, 'x') << "\n"
                                              << addLine(1, "a", nowMs_, 1, {said("after")});
  std::ofstream(folder_ / "sessions.snapshot") << "garbage\n";
  std::vector<std::string> problems;
  auto store = openStore(&problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], "the session snapshot was set aside as " +
                             (folder_ / "sessions.snapshot").string() +
                             ".damaged (its first line is not a snapshot header); sessions are "
                             "rebuilt from the journal alone");
  EXPECT_EQ(problems[1], "skipped 1 damaged line in the session journal");
  EXPECT_TRUE(fs::exists(folder_ / "sessions.snapshot.damaged"));
  EXPECT_EQ(store->history("a"), std::vector<SessionMessage>{said("after")});
}

TEST_F(SessionStoreTest, TrimsTheOldestMessagesBeyondMaxMessagesAndMaxBytes) {
  limits_.maxMessages = 3;
  limits_.maxBytes = 10;
  {
    auto store = openStore();
    ASSERT_EQ(append(*store, "n", {said("1"), said("2"), said("3"), said("4")}), "");
    ASSERT_EQ(append(*store, "n", {said("5")}), "");
    ASSERT_EQ(append(*store, "b", {said("aaaa"), said("bbbb")}), "");
    ASSERT_EQ(append(*store, "b", {said("cccc")}), "");
    EXPECT_EQ(store->describe("b")["bytes"], 8);
  }
  auto store = openStore();
  const auto n = store->history("n");
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[0].content + n[1].content + n[2].content, "345");
  const auto b = store->history("b");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].content + b[1].content, "bbbbcccc");
}

TEST_F(SessionStoreTest, RefusesAMessageLargerThanMaxBytesAndABadRole) {
  limits_.maxBytes = 10;
  auto store = openStore();
  EXPECT_EQ(append(*store, "x", {said("0123456789A")}),
            "a message of 11 bytes is larger than the session limit of 10 bytes");
  EXPECT_EQ(append(*store, "x", {{"system", "hi", 1, ""}}),
            "a message's role must be user or assistant");
  EXPECT_FALSE(store->exists("x"));
  EXPECT_EQ(append(*store, "x", {said("0123456789")}), "");
}

TEST_F(SessionStoreTest, RefusesANewSessionBeyondMaxSessionsButServesExistingOnes) {
  limits_.maxSessions = 2;
  auto store = openStore();
  ASSERT_EQ(append(*store, "a", {said("1")}), "");
  ASSERT_EQ(append(*store, "b", {said("1")}), "");
  EXPECT_EQ(append(*store, "c", {said("1")}),
            "the store holds its maximum of 2 sessions; a new one is refused");
  EXPECT_EQ(append(*store, "a", {said("2")}), "");
  EXPECT_FALSE(store->exists("c"));
  EXPECT_EQ(store->history("a").size(), 2u);
}

TEST_F(SessionStoreTest, RefusesIdsThatCouldEscapeAFolderOrAreNotPlainAscii) {
  auto store = openStore();
  for (const std::string& id :
       std::vector<std::string>{"../x", "", ".x", std::string(200, 'a'), std::string(129, 'a'),
                                "a/b", "caf\xc3\xa9", "a b", "a\n"}) {
    EXPECT_FALSE(isValidSessionId(id)) << id;
    EXPECT_EQ(append(*store, id, {said("hi")}), "invalid session id") << id;
  }
  for (const std::string& id :
       std::vector<std::string>{"a", "chat-1_x.y", std::string(128, 'Z'), "x..y"}) {
    EXPECT_TRUE(isValidSessionId(id)) << id;
  }
  EXPECT_EQ(store->stats()["sessions"], 0);
}

TEST_F(SessionStoreTest, MakesAnEraseDurableAndRefusesAnUnknownId) {
  {
    auto store = openStore();
    ASSERT_EQ(append(*store, "gone", {said("1")}), "");
    ASSERT_EQ(append(*store, "kept", {said("1")}), "");
    EXPECT_EQ(erase(*store, "gone"), "");
    EXPECT_EQ(erase(*store, "gone"), "no such session");
    EXPECT_FALSE(store->exists("gone"));
  }
  auto store = openStore();
  EXPECT_FALSE(store->exists("gone"));
  EXPECT_TRUE(store->exists("kept"));
}

TEST_F(SessionStoreTest, SweepsOnlyIdleSessionsAndTheSweepSurvivesReopening) {
  limits_.ttl = 24h;
  const std::int64_t start = nowMs_;
  {
    auto store = openStore();
    ASSERT_EQ(append(*store, "old", {said("1")}), "");
    nowMs_ += 3'600'000;
    ASSERT_EQ(append(*store, "fresh", {said("1")}), "");
    EXPECT_EQ(store->sweep(start + 24 * 3'600'000), 0u);  // exactly ttl: not idle longer
    EXPECT_EQ(store->sweep(start + 24 * 3'600'000 + 1), 1u);
    EXPECT_FALSE(store->exists("old"));
    EXPECT_TRUE(store->exists("fresh"));
    EXPECT_EQ(store->stats()["oldest_updated"], start + 3'600'000);
    settle(*store, 3);
  }
  auto store = openStore();
  EXPECT_FALSE(store->exists("old"));
  EXPECT_TRUE(store->exists("fresh"));
}

TEST_F(SessionStoreTest, CompactsTheJournalAndReopensToTheSameState) {
  limits_.compactAtBytes = 4096;
  nlohmann::json before;
  {
    auto store = openStore();
    for (int i = 0; i < 200; ++i) {
      ASSERT_EQ(append(*store, "s" + std::to_string(i % 5), {said("message " + std::to_string(i))}),
                "");
    }
    ASSERT_EQ(erase(*store, "s4"), "");
    settle(*store, 201, 1);
    EXPECT_GE(store->stats()["compactions"], 1);
    EXPECT_LT(store->stats()["journal_bytes"], 2 * 4096);
    for (int s = 0; s < 5; ++s) before.push_back(store->describe("s" + std::to_string(s)));
  }
  EXPECT_TRUE(fs::exists(folder_ / "sessions.snapshot"));
  EXPECT_EQ((fs::status(folder_ / "sessions.snapshot").permissions() & fs::perms::all),
            fs::perms::owner_read | fs::perms::owner_write);
  auto store = openStore();
  for (int s = 0; s < 5; ++s) EXPECT_EQ(store->describe("s" + std::to_string(s)), before[s]);
}

TEST_F(SessionStoreTest, NeitherLosesNorDoublesWhenAnOldJournalOutlivesItsSnapshot) {
  {
    auto store = openStore();
    for (int i = 0; i < 20; ++i) ASSERT_EQ(append(*store, "c", {said(std::to_string(i))}), "");
  }
  const std::string oldJournal = fileText(folder_ / "sessions.journal");
  {
    limits_.compactAtBytes = 1;  // open() compacts at once
    auto store = openStore();
    settle(*store, 0, 1);
  }
  ASSERT_TRUE(fs::exists(folder_ / "sessions.snapshot"));
  ASSERT_EQ(fs::file_size(folder_ / "sessions.journal"), 0u);
  // The crash: snapshot renamed into place, journal not yet truncated.
  std::ofstream(folder_ / "sessions.journal", std::ios::binary) << oldJournal;
  limits_.compactAtBytes = 1u << 20;
  {
    auto store = openStore();
    ASSERT_EQ(store->history("c").size(), 20u);
    ASSERT_EQ(append(*store, "c", {said("20")}), "");
  }
  auto store = openStore();
  const auto h = store->history("c");
  ASSERT_EQ(h.size(), 21u);
  for (std::size_t i = 0; i < h.size(); ++i) EXPECT_EQ(h[i].content, std::to_string(i));
}

TEST(SessionJournal, RefusesLinesOfTheWrongShape) {
  EXPECT_FALSE(parseJournalLine(R"({"seq":1,"op":"del","id":"../x"})"));
  EXPECT_FALSE(parseJournalLine(R"({"seq":-1,"op":"del","id":"x"})"));
  EXPECT_FALSE(parseJournalLine(R"({"seq":1,"op":"add","id":"x","t":1,"n":1,"m":[{"r":"x"}]})"));
  EXPECT_FALSE(parseJournalLine(R"([1,2])"));
  EXPECT_FALSE(parseJournalLine("\xff"));
  const auto line = addLine(3, "x", 5, 1, {said("hi")});
  const auto r = parseJournalLine(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->seq, 3u);
  EXPECT_EQ(r->messages, std::vector<SessionMessage>{said("hi")});
}

TEST(SessionJournal, AnAddLineReadsBackAsWrittenWhateverItsText) {
  const std::vector<SessionMessage> messages{
      {"user", std::string("\"q\" \\ \n\t\x01 caf\xC3\xA9", 15), -7, ""},
      {"assistant", "", std::numeric_limits<std::int64_t>::max(), "agent \"a\""}};
  const auto line = addLine(std::numeric_limits<std::uint64_t>::max(), "chat-1.x", -1, 0, messages);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line, whatever the messages hold
  const auto r = parseJournalLine(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->op, JournalOp::Add);
  EXPECT_EQ(r->seq, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(r->id, "chat-1.x");
  EXPECT_EQ(r->atMs, -1);
  EXPECT_EQ(r->keep, 0u);
  EXPECT_EQ(r->messages, messages);
}

}  // namespace
}  // namespace openclaw::bridge
