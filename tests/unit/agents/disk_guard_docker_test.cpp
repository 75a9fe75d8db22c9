// disk-guard's Docker prune: which stopped containers it may remove (the filter, the agents'
// targets), and what it asks of an engine: a local stand-in that answers like Podman's API.
#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "captured_log.h"
#include "disk_guard_config.h"
#include "disk_guard_service.h"
#include "docker_containers.h"
#include "fakes/fake_clock.h"
#include "openclaw/events.h"
#include "openclaw/notifier.h"
#include "openclaw/time_text.h"
#include "temp_folder.h"

namespace openclaw::diskguard {
namespace {

namespace fs = std::filesystem;
using boost::asio::local::stream_protocol;
constexpr std::int64_t kHour = 3600;
// The Docker prune's action line, logged once it is done.
const std::string kActionLine = testing::field(journal_key::kEvent, event::kDockerPrune) + " ";

// ---- the filter, as data ----

StoppedContainer stopped(const std::string& name, std::int64_t stoppedAt) {
  StoppedContainer c;
  c.id = "0123456789ab" + std::string(52, 'c');
  c.name = name;
  c.stoppedAt = stoppedAt;
  return c;
}

TEST(AContainerFilter, RemovesOnlyWhatStoppedLongEnoughAgo) {
  const std::int64_t now = 1'800'000'000;
  ContainerFilter filter;  // 24 h
  EXPECT_EQ(judgeContainer(stopped("old", now - 25 * kHour), filter, now),
            ContainerVerdict::Remove);
  EXPECT_EQ(judgeContainer(stopped("neighbour", now - 2 * kHour), filter, now),
            ContainerVerdict::Recent);
  EXPECT_EQ(judgeContainer(stopped("unknown", 0), filter, now), ContainerVerdict::Unknown);
  auto again = stopped("again", now - 25 * kHour);
  again.running = true;
  EXPECT_EQ(judgeContainer(again, filter, now), ContainerVerdict::Running);
}

TEST(AContainerFilter, NeverRemovesANamedContainerByNameOrId) {
  const std::int64_t now = 1'800'000'000;
  ContainerFilter filter;
  filter.keep = {"john", "0123456789ab"};
  EXPECT_EQ(judgeContainer(stopped("john", now - 100 * kHour), filter, now),
            ContainerVerdict::Named);
  EXPECT_EQ(judgeContainer(stopped("other", now - 100 * kHour), filter, now),
            ContainerVerdict::Named);  // its id starts with a kept id
  filter.keep = {"0123"};              // too short to stand for an id
  EXPECT_EQ(judgeContainer(stopped("other", now - 100 * kHour), filter, now),
            ContainerVerdict::Remove);
  filter.namesUnknown = true;
  EXPECT_EQ(judgeContainer(stopped("other", now - 100 * kHour), filter, now),
            ContainerVerdict::NamesUnknown);
}

TEST(AContainerFilter, WantsEveryLabel) {
  const std::int64_t now = 1'800'000'000;
  ContainerFilter filter;
  filter.labels = {"openclaw.expendable", "team=bots"};
  auto c = stopped("x", now - 100 * kHour);
  c.labels = {{"openclaw.expendable", ""}};
  EXPECT_EQ(judgeContainer(c, filter, now), ContainerVerdict::LabelsDiffer);
  c.labels["team"] = "other";
  EXPECT_EQ(judgeContainer(c, filter, now), ContainerVerdict::LabelsDiffer);
  c.labels["team"] = "bots";
  EXPECT_EQ(judgeContainer(c, filter, now), ContainerVerdict::Remove);
}

TEST(AnEngineTime, IsReadWithItsZoneAndWithoutDockersZeroTime) {
  EXPECT_EQ(parseEngineTime("2026-11-28T08:28:35.046675908Z"), 1795854515);
  EXPECT_EQ(parseEngineTime("2026-11-28T08:28:35Z"), 1795854515);
  EXPECT_EQ(parseEngineTime("2026-11-28T09:28:35+01:00"), 1795854515);
  EXPECT_FALSE(parseEngineTime("0001-01-01T00:00:00Z"));
  EXPECT_FALSE(parseEngineTime("2026-11-28 08:28:35"));
  EXPECT_FALSE(parseEngineTime("2026-11-28T08:28:35.Z"));
  EXPECT_FALSE(parseEngineTime(""));
}

// ---- the agents' configs ----

class AnAgentsFolder : public ::testing::Test {
 protected:
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  openclaw::testing::TempFolder temp_{"openclaw-dgn"};
  const std::string dir_ = temp_.path();
};

TEST_F(AnAgentsFolder, NamesTheFlagTargetsAndTheContainerBots) {
  write(
      "flag-watcher.json",
      R"({ "targets": { "john": { "container": "john-bot" }, "gw": { "unit": "gw.service" } } })");
  write("jack-supervisor.json", R"({ "bots": [ { "name": "ross", "container": "ross-bot" } ] })");
  auto named = containersNamedIn(dir_);
  ASSERT_TRUE(named.ok()) << named.error();
  EXPECT_EQ(*named, (std::set<std::string>{"john-bot", "ross-bot"}));
}

TEST_F(AnAgentsFolder, WithoutTheFilesNamesNoneAndAConfigThatDoesNotLoadIsAnError) {
  auto none = containersNamedIn(dir_);
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_TRUE(none->empty());
  write("jack-supervisor.json", R"({ "bots": [ { "name": "ross", "contianer": "x" } ] })");
  auto broken = containersNamedIn(dir_);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().find("jack-supervisor.json"), std::string::npos) << broken.error();
}

// ---- against a stand-in engine ----

// Answers "METHOD /v1.41/target" lines with a status and a body, and keeps every line asked;
// what it was not told answers 404, as an engine does for what it does not know.
class StandInEngine {
 public:
  struct Answer {
    std::string status;
    std::string body;
  };
  StandInEngine(boost::asio::io_context& io, std::string dir)
      : io_(io), socket_(std::move(dir) + "/engine.sock"), acceptor_(io, socket_) {
    accept();
  }
  void answer(const std::string& line, Answer a) { answers_[line] = std::move(a); }
  const std::string& socket() const { return socket_; }
  std::vector<std::string> asked;

 private:
  void accept() {
    auto peer = std::make_shared<stream_protocol::socket>(io_);
    acceptor_.async_accept(*peer, [this, peer](const boost::system::error_code& ec) {
      if (ec) return;
      auto in = std::make_shared<boost::asio::streambuf>();
      boost::asio::async_read_until(
          *peer, *in, "\r\n\r\n",
          [this, peer, in](const boost::system::error_code& e, std::size_t) {
            if (e) return;
            const std::string head(boost::asio::buffers_begin(in->data()),
                                   boost::asio::buffers_end(in->data()));
            const std::string line = head.substr(0, head.find(" HTTP/"));
            asked.push_back(line);
            auto it = answers_.find(line);
            const Answer a = it == answers_.end()
                                 ? Answer{"404 Not Found", R"({"message":"no such thing"})"}
                                 : it->second;
            const std::string reply = "HTTP/1.1 " + a.status +
                                      "\r\nContent-Type: application/json" +
                                      "\r\nContent-Length: " + std::to_string(a.body.size()) +
                                      "\r\nConnection: close\r\n\r\n" + a.body;
            boost::asio::write(*peer, boost::asio::buffer(reply));
          });
      accept();
    });
  }

  boost::asio::io_context& io_;
  std::string socket_;
  stream_protocol::acceptor acceptor_;
  std::map<std::string, Answer> answers_;
};

// A host with three stopped containers, as Podman lists and inspects them: an agent's bot
// stopped for days, a neighbour's stopped an hour ago, and an old one nobody names.  Their
// times are set by the daemon's fake clock, years away from the host's: judged by the host's
// clock, all three would look either long stopped or not stopped yet.
class ADockerPrune : public ::testing::Test {
 protected:
  struct Stopped {
    std::string name;
    std::string id;
    std::int64_t stoppedAgo;
  };
  void SetUp() override {
    engine_ = std::make_unique<StandInEngine>(io_, dir_);
    const auto now = clock_.wallSeconds();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : containers_) {
      list.push_back({{"Id", s.id},
                      {"Names", {"/" + s.name}},
                      {"State", "exited"},
                      {"Labels", nlohmann::json::object()},
                      {"SizeRw", 1000},
                      {"Created", now - 30 * 24 * kHour}});
      nlohmann::json inspect = {
          {"Id", s.id},
          {"Name", "/" + s.name},
          {"Created", isoUtc(now - 30 * 24 * kHour)},
          {"State",
           {{"Status", "exited"}, {"Running", false}, {"FinishedAt", isoUtc(now - s.stoppedAgo)}}}};
      engine_->answer("GET /v1.41/containers/" + s.id + "/json", {"200 OK", inspect.dump()});
      engine_->answer("DELETE /v1.41/containers/" + s.id, {"204 No Content", ""});
    }
    engine_->answer(
        "GET /v1.41/containers/json?all=true&size=true&filters="
        "%7B%22status%22%3A%5B%22exited%22%2C%22created%22%5D%7D",
        {"200 OK", list.dump()});
    engine_->answer("POST /v1.41/images/prune?filters=%7B%22dangling%22%3A%5B%22true%22%5D%7D",
                    {"200 OK", R"({"ImagesDeleted":null,"SpaceReclaimed":0})"});
    // What the engine's own prune would have done: every stopped container gone.
    nlohmann::json all = nlohmann::json::array();
    for (const auto& s : containers_) all.push_back(s.id);
    engine_->answer(
        "POST /v1.41/containers/prune",
        {"200 OK", nlohmann::json{{"ContainersDeleted", all}, {"SpaceReclaimed", 3000}}.dump()});
    std::ofstream(dir_ + "/flag-watcher.json")
        << R"({ "targets": { "john": { "container": "john-bot" } } })";
  }

  // The daemon, with its config read from the folder that holds the agents' configs, over
  // act on every check; returns once its first Docker prune has been reported.
  bool prune(const std::string& extra = "") {
    const std::string text =
        R"({ "mounts": [ { "path": ")" + dir_ +
        R"(", "act_percent": 1, "target_percent": 0, "critical_percent": 100 } ],
        "interval_sec": 3600, "docker_prune": true, "docker_socket": ")" +
        engine_->socket() + "\"" + extra + " }";
    auto config = parseDiskGuardConfig(nlohmann::json::parse(text), dir_ + "/disk-guard.json");
    EXPECT_TRUE(config.ok());
    if (!config) return false;
    Notifier notifier(io_);
    DaemonContext ctx{io_, notifier, "disk-guard", dir_, clock_};
    DiskGuardService service(ctx);
    const auto reported = [&, before = log_.count(kActionLine)] {
      return log_.count(kActionLine) > before;
    };
    service.start(*config);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!reported() && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(std::chrono::milliseconds(10));
    }
    service.stop();
    return reported();
  }
  bool askedFor(const std::string& line) const {
    return std::find(engine_->asked.begin(), engine_->asked.end(), line) != engine_->asked.end();
  }
  std::string asked() const {
    std::string out;
    for (const auto& a : engine_->asked) out += a + "\n";
    return out;
  }

  const std::vector<Stopped> containers_{
      {"john-bot", std::string(64, 'a'), 72 * kHour},
      {"neighbour", std::string(64, 'b'), 1 * kHour},
      {"junk", std::string(64, 'c'), 72 * kHour},
  };
  openclaw::testing::CapturedLog log_;
  FakeClock clock_{1'000'000'000};  // 2001-09-09
  openclaw::testing::TempFolder temp_{"openclaw-dgd"};
  const std::string dir_ = temp_.path();
  boost::asio::io_context io_;
  std::unique_ptr<StandInEngine> engine_;
};

// The engine's prune would take all three; only the old one nobody names goes, by its id.
TEST_F(ADockerPrune, RemovesOnlyTheOldContainerNobodyNames) {
  ASSERT_TRUE(prune()) << log_.text() << asked();
  EXPECT_FALSE(askedFor("POST /v1.41/containers/prune")) << asked();
  EXPECT_TRUE(askedFor("DELETE /v1.41/containers/" + std::string(64, 'c'))) << asked();
  EXPECT_FALSE(askedFor("DELETE /v1.41/containers/" + std::string(64, 'a'))) << asked();
  EXPECT_FALSE(askedFor("DELETE /v1.41/containers/" + std::string(64, 'b'))) << asked();
  EXPECT_NE(log_.text().find("2 kept: 1 named by an agent or keep, 1 stopped less than 24 h ago"),
            std::string::npos)
      << log_.text();
}

// The age is the daemon's clock's: the neighbour's container, stopped an hour ago, is removed
// once that clock has moved on by the rest of the day.
TEST_F(ADockerPrune, JudgesHowLongAgoAContainerStoppedByTheDaemonsClock) {
  const std::string neighbour = "DELETE /v1.41/containers/" + std::string(64, 'b');
  ASSERT_TRUE(prune()) << log_.text() << asked();
  EXPECT_FALSE(askedFor(neighbour)) << asked();
  clock_.advance(std::chrono::hours(23) - std::chrono::seconds(1));
  engine_->asked.clear();
  ASSERT_TRUE(prune()) << log_.text() << asked();
  EXPECT_FALSE(askedFor(neighbour)) << asked();
  clock_.advance(std::chrono::seconds(1));
  engine_->asked.clear();
  ASSERT_TRUE(prune()) << log_.text() << asked();
  EXPECT_TRUE(askedFor(neighbour)) << asked();
}

// With an agent's config that does not load, nobody knows which containers are its own:
// none is removed, and the warning says why.
TEST_F(ADockerPrune, RemovesNoContainerWhenAnAgentsConfigDoesNotLoad) {
  std::ofstream(dir_ + "/jack-supervisor.json") << "{ \"bots\": [ { \"name\": ";
  ASSERT_TRUE(prune()) << log_.text() << asked();
  for (const auto& line : engine_->asked) {
    EXPECT_FALSE(line.starts_with("DELETE") || line == "POST /v1.41/containers/prune") << line;
  }
  EXPECT_EQ(log_.count("jack-supervisor.json"), 1u) << log_.text();
}

// The config's own filter: a shorter age, a label every removed container must carry.
TEST_F(ADockerPrune, FollowsTheConfiguredAgeAndLabels) {
  ASSERT_TRUE(prune(R"(, "docker_containers": { "stopped_hours": 0, "keep": ["junk"] })"))
      << log_.text() << asked();
  EXPECT_TRUE(askedFor("DELETE /v1.41/containers/" + std::string(64, 'b'))) << asked();
  EXPECT_FALSE(askedFor("DELETE /v1.41/containers/" + std::string(64, 'c'))) << asked();
  EXPECT_FALSE(askedFor("DELETE /v1.41/containers/" + std::string(64, 'a'))) << asked();
  engine_->asked.clear();
  ASSERT_TRUE(prune(R"(, "docker_containers": { "stopped_hours": 0, "labels": ["expendable"] })"))
      << log_.text() << asked();
  for (const auto& line : engine_->asked) EXPECT_FALSE(line.starts_with("DELETE")) << line;
}

}  // namespace
}  // namespace openclaw::diskguard
