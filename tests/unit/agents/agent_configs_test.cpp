// Each agent's config parser: the shipped defaults load, the contract's examples load,
// and each kind of mistake is reported with its key.
#include <gtest/gtest.h>

#include "acl_keeper_config.h"
#include "bridge_config.h"
#include "disk_guard_config.h"
#include "flag_watcher_config.h"
#include "supervisor_config.h"

namespace openclaw {
namespace {

using nlohmann::json;

std::string shipped(const std::string& agent) {
  return std::string(OPENCLAW_SOURCE_DIR) + "/config/" + agent + ".json";
}

template <class T>
std::vector<std::string> keysOf(const Expected<T, ConfigIssues>& r) {
  std::vector<std::string> keys;
  if (!r.ok()) {
    for (const auto& i : r.error()) keys.push_back(i.key);
  }
  return keys;
}

TEST(ShippedConfigs, AllLoadAndAreInertOnAFreshHost) {
  auto fw = flagwatcher::loadFlagWatcherConfig(shipped("flag-watcher"));
  ASSERT_TRUE(fw.ok()) << formatIssues(fw.error());
  EXPECT_TRUE(fw->directories.empty());
  auto js = supervisor::loadSupervisorConfig(shipped("jack-supervisor"));
  ASSERT_TRUE(js.ok()) << formatIssues(js.error());
  EXPECT_TRUE(js->bots.empty());
  auto ak = aclkeeper::loadAclKeeperConfig(shipped("acl-keeper"));
  ASSERT_TRUE(ak.ok()) << formatIssues(ak.error());
  EXPECT_TRUE(ak->rules.empty());
  auto dg = diskguard::loadDiskGuardConfig(shipped("disk-guard"));
  ASSERT_TRUE(dg.ok()) << formatIssues(dg.error());
  EXPECT_TRUE(dg->prune.empty());
  EXPECT_FALSE(dg->dockerPrune);
  auto vb = bridge::loadBridgeConfig(shipped("vps-bridge"));
  ASSERT_TRUE(vb.ok()) << formatIssues(vb.error());
  EXPECT_TRUE(vb->agents.empty());
}

TEST(FlagWatcherConfig, LoadsTheContractExample) {
  const json doc = json::parse(R"({
    "directories": [ { "path": "/root/openclaw-watchdog/flags", "allow": ["jack", "john"] } ],
    "targets": { "jack": { "unit": "openclaw-gateway.service" },
                 "john": { "container": "openclaw-john" } },
    "min_interval_sec": 10, "max_per_hour": 6, "docker_socket": "/var/run/docker.sock",
    "log_file": "/root/openclaw-watchdog/watchdog.log" })");
  auto c = flagwatcher::parseFlagWatcherConfig(doc, "f");
  ASSERT_TRUE(c.ok()) << formatIssues(c.error());
  EXPECT_EQ(c->targets.at("jack").unit, "openclaw-gateway.service");
  EXPECT_EQ(c->targets.at("john").container, "openclaw-john");
  EXPECT_EQ(c->directories[0].allow.size(), 2u);
}

TEST(FlagWatcherConfig, NamesAWrongTypedKey) {
  auto c = flagwatcher::parseFlagWatcherConfig(json::parse(R"({"min_interval_sec": "ten"})"), "f");
  EXPECT_EQ(keysOf(c), std::vector<std::string>{"min_interval_sec"});
}

TEST(FlagWatcherConfig, RejectsAllowedTargetsThatDoNotExistAndAmbiguousTargets) {
  auto c = flagwatcher::parseFlagWatcherConfig(json::parse(R"({
    "directories": [ { "path": "/f", "allow": ["ghost"] } ],
    "targets": { "both": { "unit": "a.service", "container": "b" }, "bad/name": { "unit": "c.service" } } })"),
                                               "f");
  const auto keys = keysOf(c);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "directories[0].allow[0]"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "targets.both"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "targets.bad/name"), keys.end());
}

TEST(FlagWatcherConfig, RejectsRelativeFoldersAndAZeroHourlyBudget) {
  auto c = flagwatcher::parseFlagWatcherConfig(
      json::parse(R"({"directories": [ { "path": "flags", "allow": [] } ], "max_per_hour": 0})"),
      "f");
  EXPECT_EQ(keysOf(c), (std::vector<std::string>{"directories[0].path", "max_per_hour"}));
}

TEST(SupervisorConfig, LoadsTheContractExample) {
  const json doc = json::parse(R"({
    "bots": [ { "name": "jack", "unit": "openclaw-gateway.service",
      "config": "/root/.openclaw/openclaw.json", "required": ["/gateway/mode", "/channels/telegram"],
      "validator": ["openclaw", "config", "validate", "--json"],
      "backups": ["/root/.openclaw/openclaw.json.bak", "/root/.openclaw/openclaw.json.bak.*"],
      "health": { "http": "http://127.0.0.1:18789/healthz", "interval_sec": 30, "timeout_sec": 5, "failures": 3 },
      "max_restores_per_hour": 2, "jobs_dir": "/tmp/openclaw_job_runs" },
      { "name": "ross", "container": "openclaw-ross", "restart_unhealthy": true } ],
    "docker_socket": "/var/run/docker.sock",
    "telegram": { "token_file": "/etc/openclaw-agents/telegram.token", "chat_id": "42" } })");
  auto c = supervisor::parseSupervisorConfig(doc, "f");
  ASSERT_TRUE(c.ok()) << formatIssues(c.error());
  ASSERT_EQ(c->bots.size(), 2u);
  ASSERT_TRUE(c->bots[0].health.has_value());
  EXPECT_EQ(c->bots[0].health->failures, 3);
  EXPECT_TRUE(c->bots[1].restartUnhealthy);
  ASSERT_TRUE(c->telegram.has_value());
  EXPECT_EQ(c->telegram->chatId, "42");
}

TEST(SupervisorConfig, ReportsBadPointersProbesAndDuplicateNames) {
  const json doc = json::parse(R"({ "bots": [
      { "name": "a", "unit": "a.service", "config": "/c", "required": ["no-slash"],
        "health": { "http": "ftp://x", "tcp": "h:1" } },
      { "name": "a", "container": "c" } ] })");
  const auto keys = keysOf(supervisor::parseSupervisorConfig(doc, "f"));
  for (const char* k :
       {"bots[0].required[0]", "bots[0].health", "bots[0].health.http", "bots[1].name"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  }
}

TEST(UnitsInAUsersManager, AreNamedByAUserOfThisHost) {
  auto fw = flagwatcher::parseFlagWatcherConfig(json::parse(R"({"targets": {
      "jack": { "unit": "openclaw-gateway.service", "user": "root" },
      "sys": { "unit": "x.service" } } })"),
                                                "f");
  ASSERT_TRUE(fw.ok()) << formatIssues(fw.error());
  EXPECT_EQ(fw->targets["jack"].scope.user, "root");
  EXPECT_TRUE(fw->targets["sys"].scope.isSystem());
  auto js = supervisor::parseSupervisorConfig(
      json::parse(R"({"bots": [ { "name": "jack", "unit": "g.service", "user": "root" } ]})"), "f");
  ASSERT_TRUE(js.ok()) << formatIssues(js.error());
  EXPECT_EQ(js->bots[0].scope.describe(), "root's user manager");

  EXPECT_EQ(keysOf(flagwatcher::parseFlagWatcherConfig(json::parse(R"({"targets": {
      "a": { "unit": "a.service", "user": "no-such-user-here" },
      "b": { "unit": "b.service", "user": "../etc" },
      "c": { "container": "c", "user": "root" } } })"),
                                                       "f")),
            (std::vector<std::string>{"targets.a.user", "targets.b.user", "targets.c.user"}));
  EXPECT_EQ(keysOf(supervisor::parseSupervisorConfig(
                json::parse(R"({"bots": [ { "name": "r", "container": "c", "user": "root" },
                                          { "name": "j", "unit": "j.service", "user": "" } ]})"),
                "f")),
            (std::vector<std::string>{"bots[0].user", "bots[1].user"}));
}

TEST(AclEntries, ParseSetfaclSyntax) {
  auto e = aclkeeper::parseAclEntry("u:101000:rwx");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->tag, aclkeeper::AclTag::User);
  EXPECT_EQ(e->id, 101000u);
  EXPECT_EQ(e->perms, 7u);
  auto g = aclkeeper::parseAclEntry("group:5:r-x");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->perms, 5u);
  EXPECT_TRUE(aclkeeper::parseAclEntry("m::rx").has_value());
  EXPECT_TRUE(aclkeeper::parseAclEntry("o:r").has_value());
  for (const char* bad : {"u:bob:rwx", "u:1:rwq", "x:1:r", "m:5:r", "u:rwx", "u:1:rwxr", ""}) {
    EXPECT_FALSE(aclkeeper::parseAclEntry(bad).has_value()) << bad;
  }
}

TEST(AclKeeperConfig, RejectsTheRootFolderAndBadEntries) {
  const auto keys = keysOf(aclkeeper::parseAclKeeperConfig(
      json::parse(R"({"rules": [ { "path": "/", "entries": ["u:x:rwx"] } ]})"), "f"));
  EXPECT_EQ(keys, (std::vector<std::string>{"rules[0].path", "rules[0].entries[0]"}));
}

TEST(ByteSizes, FollowJournalctlSuffixes) {
  EXPECT_EQ(diskguard::parseByteSize("100M"), 100u << 20);
  EXPECT_EQ(diskguard::parseByteSize("4096"), 4096u);
  EXPECT_EQ(diskguard::parseByteSize("1G"), 1ull << 30);
  EXPECT_FALSE(diskguard::parseByteSize("100MB").has_value());
  EXPECT_FALSE(diskguard::parseByteSize("M").has_value());
}

TEST(DiskGuardConfig, RequiresTargetBelowActBelowCritical) {
  const auto keys = keysOf(diskguard::parseDiskGuardConfig(
      json::parse(R"({"mounts": [ { "path": "/", "act_percent": 80, "target_percent": 90,
                      "critical_percent": 70 } ], "journal_vacuum_size": "lots"})"),
      "f"));
  EXPECT_EQ(keys, (std::vector<std::string>{"mounts[0].target_percent",
                                            "mounts[0].critical_percent", "journal_vacuum_size"}));
}

TEST(BridgeConfig, LoadsAgentsAndChecksFallbacksAndProtocols) {
  auto ok = bridge::parseBridgeConfig(json::parse(R"({"agents": [
      { "name": "pm", "url": "http://127.0.0.1:5000", "protocol": "openai", "fallback_agents": ["s"] },
      { "name": "s", "url": "http://127.0.0.1:5001" } ]})"),
                                      "f");
  ASSERT_TRUE(ok.ok()) << formatIssues(ok.error());
  EXPECT_EQ(ok->agents[0].protocol, bridge::AgentProtocol::OpenAi);
  const auto keys = keysOf(bridge::parseBridgeConfig(json::parse(R"({"agents": [
      { "name": "pm", "url": "x", "protocol": "soap", "fallback_agents": ["ghost"] } ]})"),
                                                     "f"));
  EXPECT_EQ(keys, (std::vector<std::string>{"agents[0].url", "agents[0].protocol",
                                            "agents[0].fallback_agents[0]"}));
}

}  // namespace
}  // namespace openclaw
