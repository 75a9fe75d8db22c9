// The bridge's pure parts: which addresses may be registered, what goes to a remote agent
// and what is made of its answer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "network_policy.h"
#include "remote_protocol.h"

namespace openclaw::bridge {
namespace {

std::vector<Network> networks(std::initializer_list<const char*> texts) {
  std::vector<Network> out;
  for (const char* t : texts) out.push_back(*parseNetwork(t));
  return out;
}

TEST(ARegistration, IsOffUntilTheConfigListsNetworks) {
  const auto why = refuseRegistration("10.0.0.5", {});
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("allow_register"), std::string::npos) << *why;
}

TEST(ARegistration, IsAllowedOnlyInsideAListedNetwork) {
  const auto allowed = networks({"10.0.0.0/8", "127.0.0.1", "fd00::/8"});
  EXPECT_FALSE(refuseRegistration("10.200.3.4", allowed).has_value());
  EXPECT_FALSE(refuseRegistration("127.0.0.1", allowed).has_value());
  EXPECT_FALSE(refuseRegistration("[fd12::1]", allowed).has_value());
  EXPECT_TRUE(refuseRegistration("127.0.0.2", allowed).has_value());
  EXPECT_TRUE(refuseRegistration("11.0.0.1", allowed).has_value());
  EXPECT_TRUE(refuseRegistration("2001:db8::1", allowed).has_value());
}

TEST(ARegistration, RefusesMetadataAndLinkLocalAddressesWhateverTheConfigAllows) {
  const auto everything = networks({"0.0.0.0/0", "::/0"});
  for (const char* a :
       {"169.254.169.254", "169.254.1.1", "100.100.100.200", "168.63.129.16", "fd00:ec2::254",
        "fe80::1", "::ffff:169.254.169.254", "0.0.0.0", "::", "224.0.0.1", "255.255.255.255"}) {
    const auto why = refuseRegistration(a, everything);
    EXPECT_TRUE(why.has_value()) << a;
  }
  EXPECT_NE(refuseRegistration("169.254.169.254", everything)->find("metadata"), std::string::npos);
  EXPECT_FALSE(refuseRegistration("192.168.1.100", everything).has_value());
}

TEST(ARegistration, RefusesNamesBecauseTheyCouldResolveElsewhereLater) {
  const auto why = refuseRegistration("agents.example.com", networks({"0.0.0.0/0"}));
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("not an IP address"), std::string::npos) << *why;
}

TEST(ANetwork, IsParsedWithItsPrefixAndRefusedWhenMalformed) {
  EXPECT_TRUE(parseNetwork("192.168.0.0/16").ok());
  EXPECT_TRUE(parseNetwork("::1/128").ok());
  for (const char* bad : {"192.168.0.0/33", "10.0.0.0/", "10.0.0.0/x", "host/8", "", "::/129"}) {
    EXPECT_FALSE(parseNetwork(bad).ok()) << bad;
  }
}

TEST(AUrlHost, IsTheHostLibcurlWouldConnectTo) {
  EXPECT_EQ(*urlHost("http://10.0.0.1:5000/x"), "10.0.0.1");
  EXPECT_EQ(*urlHost("https://[fd00::1]:443"), "[fd00::1]");
  EXPECT_FALSE(urlHost("ftp://10.0.0.1").ok());
  EXPECT_FALSE(urlHost("not a url").ok());
}

TEST(ARemoteRequest, CarriesTheSessionHistoryInEachProtocol) {
  RemoteAgent agent;
  agent.url = "http://10.0.0.1:5000/";
  agent.model = "m1";
  const std::string history = historyJsonText(
      std::vector<SessionMessage>{{"user", "hi \"there\"\n", 1, ""}, {"assistant", "yo", 2, "a"}});
  agent.protocol = AgentProtocol::OpenAi;
  const RemoteRequest openai = buildRemoteRequest(agent, "next", "s1", history);
  EXPECT_EQ(openai.url, "http://10.0.0.1:5000/v1/chat/completions");
  const auto o = nlohmann::json::parse(openai.body);
  EXPECT_EQ(o["model"], "m1");
  ASSERT_EQ(o["messages"].size(), 3u);
  EXPECT_EQ(o["messages"][0]["content"], "hi \"there\"\n");
  EXPECT_EQ(o["messages"][1]["role"], "assistant");
  EXPECT_EQ(o["messages"][2]["content"], "next");
  agent.protocol = AgentProtocol::Json;
  const RemoteRequest json = buildRemoteRequest(agent, "next", "s1", history);
  EXPECT_EQ(json.url, "http://10.0.0.1:5000/call");
  const auto j = nlohmann::json::parse(json.body);
  EXPECT_EQ(j["prompt"], "next");
  EXPECT_EQ(j["session_id"], "s1");
  EXPECT_EQ(j["history"].size(), 2u);
  EXPECT_EQ(j["history"][1], nlohmann::json({{"role", "assistant"}, {"content", "yo"}}));
}

TEST(ARemoteRequest, WithoutHistoryCarriesThePromptAlone) {
  RemoteAgent agent;
  agent.url = "http://10.0.0.1:5000";
  const std::string none = historyJsonText(std::vector<SessionMessage>{});
  EXPECT_EQ(none, "[]");
  agent.protocol = AgentProtocol::OpenAi;
  const auto o = nlohmann::json::parse(buildRemoteRequest(agent, "solo", "", none).body);
  EXPECT_EQ(o, nlohmann::json::parse(R"({"messages":[{"role":"user","content":"solo"}]})"));
  agent.protocol = AgentProtocol::Json;
  const auto j = nlohmann::json::parse(buildRemoteRequest(agent, "solo", "", none).body);
  EXPECT_EQ(j, nlohmann::json::parse(R"({"prompt":"solo","session_id":"","history":[]})"));
}

TEST(ARemoteAnswer, IsItsTextOrAnInvalidResponseNeverAnException) {
  EXPECT_EQ(*readRemoteAnswer(AgentProtocol::Json, R"({"response":"ok"})"), "ok");
  EXPECT_EQ(*readRemoteAnswer(AgentProtocol::OpenAi,
                              R"({"choices":[{"message":{"role":"assistant","content":"ok"}}]})"),
            "ok");
  for (const char* bad :
       {"", "not json", "[]", R"({"response":1})", R"({"choices":[]})", R"({"choices":[1]})",
        R"({"choices":[{"message":"x"}]})", "1e999", "\xff\xfe"}) {
    EXPECT_FALSE(readRemoteAnswer(AgentProtocol::Json, bad).ok()) << bad;
    EXPECT_FALSE(readRemoteAnswer(AgentProtocol::OpenAi, bad).ok()) << bad;
  }
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const auto refused = parseUntrustedJson(deep);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("deeper"), std::string::npos);
}

}  // namespace
}  // namespace openclaw::bridge
