// notify.json's channels: `telegram` and `webhook`, every rule with an error naming file, key
// and rule; and withNotifyConfig(), through which every agent's loader reads it.
#include "openclaw/notify_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "temp_folder.h"

namespace openclaw {
namespace {

namespace fs = std::filesystem;

Expected<NotifyConfig, ConfigIssues> parse(const char* text) {
  return parseNotifyConfig(nlohmann::json::parse(text), "/etc/openclaw-agents/notify.json");
}

// The one issue of a config that must fail, as "file: key: rule" text.
std::string onlyIssue(const char* text) {
  const auto r = parse(text);
  if (r.ok()) return "(accepted)";
  if (r.error().size() != 1) return "(" + std::to_string(r.error().size()) + " issues)";
  return r.error()[0].text();
}

TEST(NotifyChannels, ReadTelegramAndWebhookWithTheirDefaults) {
  const auto c = parse(R"({
    "telegram": {"token_file": "/etc/openclaw-agents/telegram.token", "chat_id": "-100123"},
    "webhook": {"url": "https://hooks.example.org/T0/B0/x"}})");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->telegram);
  EXPECT_EQ(c->telegram->tokenFile, "/etc/openclaw-agents/telegram.token");
  EXPECT_EQ(c->telegram->chatId, "-100123");
  EXPECT_EQ(c->telegram->apiUrl, "https://api.telegram.org");
  ASSERT_TRUE(c->webhook);
  EXPECT_EQ(c->webhook->url, "https://hooks.example.org/T0/B0/x");
  EXPECT_EQ(c->webhook->tokenFile, "");
  EXPECT_FALSE(c->heartbeat);
}

TEST(NotifyChannels, ReadAWebhookTokenFileAndATelegramApiUrl) {
  const auto c = parse(R"({
    "telegram": {"token_file": "/t", "chat_id": "1", "api_url": "http://127.0.0.1:9"},
    "webhook": {"url": "http://127.0.0.1:8080/hook", "token_file": "/etc/hook.token"}})");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->telegram->apiUrl, "http://127.0.0.1:9");
  EXPECT_EQ(c->webhook->tokenFile, "/etc/hook.token");
}

TEST(NotifyChannels, RefuseEachBrokenRuleNamingFileKeyAndRule) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"webhook": {}})", "webhook.url"},
      {R"({"webhook": {"url": "ftp://x"}})", "http:// or https://"},
      {R"({"webhook": {"url": "hooks.example.org"}})", "webhook.url"},
      {R"({"webhook": {"url": "http://x", "token_file": "hook.token"}})", "absolute path"},
      {R"({"webhook": {"url": "http://x", "channel": "#ops"}})", "webhook.channel"},
      {R"({"webhook": "http://x"})", "webhook"},
      {R"({"telegram": {"chat_id": "1"}})", "telegram.token_file"},
      {R"({"telegram": {"token_file": "t", "chat_id": "1"}})", "absolute path"},
      {R"({"telegram": {"token_file": "/t"}})", "telegram.chat_id"},
      {R"({"telegram": {"token_file": "/t", "chat_id": ""}})", "must not be empty"},
      {R"({"telegram": {"token_file": "/t", "chat_id": "1", "api_url": "x"}})", "telegram.api_url"},
      {R"({"telegram": {"token_file": "/t", "chat_id": 5}})", "telegram.chat_id"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string issue = onlyIssue(text);
    EXPECT_NE(issue.find("/etc/openclaw-agents/notify.json"), std::string::npos) << issue;
    EXPECT_NE(issue.find(expected), std::string::npos) << text << " gave " << issue;
  }
}

class WithNotifyConfig : public ::testing::Test {
 protected:
  struct AgentConfig {
    int value = 0;
    NotifyConfig notify = {};
  };
  std::string agentPath() const { return (dir_ / "disk-guard.json").string(); }

  testing::TempFolder temp_{"openclaw-notify"};
  const fs::path dir_ = temp_.path();
};

TEST_F(WithNotifyConfig, FillsTheAgentsConfigFromTheFileBesideIt) {
  std::ofstream(dir_ / "notify.json") << R"({"webhook": {"url": "http://127.0.0.1:1/h"}})";
  const auto c = withNotifyConfig(agentPath(), Expected<AgentConfig, ConfigIssues>(AgentConfig{7}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->value, 7);
  ASSERT_TRUE(c->notify.webhook);
  EXPECT_EQ(c->notify.webhook->url, "http://127.0.0.1:1/h");
}

TEST_F(WithNotifyConfig, FailsWithTheIssuesOfBothFiles) {
  std::ofstream(dir_ / "notify.json") << R"({"webhook": {"url": "gopher://x"}})";
  const auto good =
      withNotifyConfig(agentPath(), Expected<AgentConfig, ConfigIssues>(AgentConfig{}));
  ASSERT_FALSE(good.ok());
  ASSERT_EQ(good.error().size(), 1u);
  EXPECT_EQ(good.error()[0].key, "webhook.url");
  const auto bad = withNotifyConfig(
      agentPath(), Expected<AgentConfig, ConfigIssues>(
                       Unexpected<ConfigIssues>{{{agentPath(), "x", "must be a number"}}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().size(), 2u);
}

TEST_F(WithNotifyConfig, AnAbsentNotifyJsonConfiguresNoChannel) {
  const auto c = withNotifyConfig(agentPath(), Expected<AgentConfig, ConfigIssues>(AgentConfig{}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->notify, NotifyConfig{});
}

}  // namespace
}  // namespace openclaw
