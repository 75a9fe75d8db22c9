// The bridge's REST answers, driven through handle() with the real parts (agent directory
// and sessions in a temporary folder, the call runner on a loop of the test's own) and no
// network: what each endpoint says to good and bad input.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "bridge_core.h"

namespace openclaw::bridge {
namespace {

class BridgeApi : public ::testing::Test {
 protected:
  BridgeApi() {
    for (const char* name : {"pm", "sonnet"}) {
      RemoteAgent a;
      a.name = name;
      a.url = "http://127.0.0.1:9";
      config_.agents.push_back(a);
    }
    config_.agents[0].fallbackAgents = {"sonnet"};
    config_.allowRegister.push_back(*parseNetwork("127.0.0.0/8"));
    core_.apply(config_);
    core_.sessions.open();
    core_.parts.token = "t";
    core_.parts.alertLog = folder_ + "/alerts.jsonl";
  }
  ~BridgeApi() override { std::filesystem::remove_all(folder_); }

  struct Answer {
    unsigned status = 0;
    nlohmann::json body;
    std::optional<unsigned> retryAfter;
  };
  // The answer, waiting on the loop (with a bound) when it comes later.
  Answer ask(std::string_view method, std::string_view target, std::string_view body = "") {
    std::optional<HttpAnswer> got;
    handle({method, target, "Bearer t", body, "test-1"}, core_.parts,
           [&got](HttpAnswer a) { got = std::move(a); });
    for (int i = 0; !got && i < 1000 && io_.run_one_for(std::chrono::milliseconds(10)); ++i) {
    }
    io_.restart();
    if (!got) return {};
    return {got->status, nlohmann::json::parse(got->body, nullptr, false), got->retryAfterSec};
  }

  static std::string temporaryFolder() {
    char name[] = "/tmp/bridge-api-test.XXXXXX";
    return ::mkdtemp(name) != nullptr ? name : "/tmp";
  }

  std::string folder_ = temporaryFolder();
  boost::asio::io_context io_;
  BridgeConfig config_;
  BridgeCore core_{io_, folder_};
};

TEST_F(BridgeApi, RefusesACallWithMalformedOrMissingInputWith400AndAReason) {
  for (const char* body :
       {"", "not json", "[]", R"({"agent_name":"pm"})", R"({"agent_name":1,"prompt":"x"})",
        R"({"prompt":"x"})", R"({"agent_name":"pm","prompt":"x","session_id":"../etc"})"}) {
    const Answer a = ask("POST", "/api/vps/call", body);
    EXPECT_EQ(a.status, 400u) << body;
    EXPECT_FALSE(a.body.value("error", "").empty()) << body;
  }
  EXPECT_EQ(ask("POST", "/api/vps/call", R"({"agent_name":"nobody","prompt":"x"})").status, 404u);
}

TEST_F(BridgeApi, RefusesACallPastTheCallsInFlightWith503AndRetryAfter) {
  config_.maxCallsInFlight = 0;
  const Answer a = ask("POST", "/api/vps/call", R"({"agent_name":"pm","prompt":"x"})");
  EXPECT_EQ(a.status, 503u);
  EXPECT_EQ(a.retryAfter, 1u);
  EXPECT_EQ(ask("GET", "/api/vps/status").body["totals"]["refused_busy"], 1);
}

TEST_F(BridgeApi, RegistersAnAddressInAnAllowedNetworkAndPersistsIt) {
  const Answer a =
      ask("POST", "/api/vps/register", R"({"name":"reg","host":"127.0.0.5","port":5000})");
  ASSERT_EQ(a.status, 201u) << a.body;
  EXPECT_EQ(a.body["agent"]["url"], "http://127.0.0.5:5000");
  EXPECT_EQ(a.body["agent"]["source"], "registered");
  AgentDirectory reread(folder_);
  reread.load(std::chrono::steady_clock::now(), std::chrono::system_clock::now());
  ASSERT_NE(reread.find("reg"), nullptr);
  EXPECT_EQ(reread.find("reg")->agent.url, "http://127.0.0.5:5000");
}

TEST_F(BridgeApi, RefusesRegistrationsThatClashOrPointWhereTheyMayNot) {
  const auto status = [&](const char* body) {
    return ask("POST", "/api/vps/register", body).status;
  };
  EXPECT_EQ(status(R"({"name":"pm","host":"127.0.0.5","port":5000})"), 409u);
  EXPECT_EQ(status(R"({"name":"m","host":"169.254.169.254","port":80})"), 403u);
  EXPECT_EQ(status(R"({"name":"n","host":"10.1.2.3","port":80})"), 403u);
  EXPECT_EQ(status(R"({"name":"o","url":"http://localhost:80"})"), 403u);
  EXPECT_EQ(status(R"({"name":"p","host":"127.0.0.5","port":0})"), 400u);
  EXPECT_EQ(status(R"({"name":"q","url":"http://127.0.0.5:1","token_file":"/etc/shadow"})"), 400u);
  EXPECT_EQ(status(R"({"name":"../x","url":"http://127.0.0.5:1"})"), 400u);
  config_.allowRegister.clear();
  const Answer off =
      ask("POST", "/api/vps/register", R"({"name":"r","host":"127.0.0.5","port":1})");
  EXPECT_EQ(off.status, 403u);
  EXPECT_NE(off.body.value("error", "").find("allow_register"), std::string::npos);
}

TEST_F(BridgeApi, AnswersSessionsHealthAndBreakersOfKnownNamesAnd404ForOthers) {
  EXPECT_EQ(ask("GET", "/api/vps/sessions/none").status, 404u);
  EXPECT_EQ(ask("DELETE", "/api/vps/sessions/none").status, 404u);
  EXPECT_EQ(ask("GET", "/api/vps/sessions/a%2Fb").status, 400u);
  std::optional<std::string> appended = "not yet";
  core_.sessions.append("s1", {{"user", "hi", 1, ""}, {"assistant", "yo", 2, "pm"}},
                        [&](std::optional<std::string> e) { appended = e; });
  for (int i = 0; appended == "not yet" && i < 1000; ++i) {
    io_.run_one_for(std::chrono::milliseconds(10));
  }
  io_.restart();
  ASSERT_FALSE(appended.has_value()) << *appended;
  EXPECT_EQ(ask("GET", "/api/vps/sessions/s1").body["messages"].size(), 2u);
  EXPECT_EQ(ask("DELETE", "/api/vps/sessions/s1").status, 200u);
  EXPECT_EQ(ask("GET", "/api/vps/sessions/s1").status, 404u);
  EXPECT_EQ(ask("GET", "/api/vps/health/pm").body["status"], "unknown");
  EXPECT_EQ(ask("GET", "/api/vps/health/nobody").status, 404u);
  EXPECT_EQ(ask("POST", "/api/health/circuit-breakers/nobody/reset").status, 404u);
  const Answer reset = ask("POST", "/api/health/circuit-breakers/pm/reset");
  EXPECT_EQ(reset.status, 200u);
  EXPECT_EQ(reset.body["was"], "closed");
  EXPECT_EQ(ask("GET", "/api/health/circuit-breakers").body["breakers"]["sonnet"]["state"],
            "closed");
}

TEST_F(BridgeApi, BoundsTheAlertLimitAndReadsAMissingLogAsNoAlerts) {
  for (const char* bad : {"0", "1001", "x", "-1", "99999999999999999999"}) {
    EXPECT_EQ(ask("GET", std::string("/api/health/alerts?limit=") + bad).status, 400u) << bad;
  }
  const Answer a = ask("GET", "/api/health/alerts?limit=5");
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(a.body["count"], 0);
}

TEST_F(BridgeApi, Says404ForAnUnknownPathOrMethod) {
  EXPECT_EQ(ask("GET", "/api/vps/call").status, 404u);
  EXPECT_EQ(ask("PUT", "/api/vps/agents").status, 404u);
  EXPECT_EQ(ask("GET", "/elsewhere").status, 404u);
  EXPECT_EQ(ask("GET", "/api/vps/agents").body["agents"].size(), 2u);
}

}  // namespace
}  // namespace openclaw::bridge
