#include "doctor_checks.h"

#include <gtest/gtest.h>

namespace openclaw::agentctl {
namespace {

std::vector<std::string> kindsOf(const std::vector<Finding>& findings) {
  std::vector<std::string> kinds;
  for (const auto& f : findings) kinds.push_back(f.kind + "@" + f.where);
  return kinds;
}

TEST(DoctorCron, FindsTheSeedsAclDiskAndWatchdogJobsWithTheirLines) {
  const std::string acls =
      "# Re-apply ACLs every 10 minutes for Ross's access\n"
      "*/10 * * * * root setfacl -R -m u:101000:rwx /root/.openclaw/ 2>/dev/null\n";
  EXPECT_EQ(kindsOf(cronFindings("/etc/cron.d/openclaw-acls", acls)),
            std::vector<std::string>{"cron-acl@/etc/cron.d/openclaw-acls:2"});
  const std::string disk =
      "#!/bin/bash\n"
      "USAGE=$(df / | tail -1 | awk '{print $5}' | tr -d '%')\n"
      "if [ \"$USAGE\" -gt 85 ]; then\n"
      "    docker  system prune -f 2>/dev/null\n"
      "    journalctl --vacuum-size=100M\n"
      "    find /root/.openclaw/agents/main/sessions/ -mtime +7 -delete 2>/dev/null\n"
      "fi\n";
  const auto d = cronFindings("/etc/cron.daily/openclaw-disk-check", disk);
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].found, "docker  system prune -f 2>/dev/null");  // as written, not indented
  EXPECT_EQ(kindsOf(d),
            (std::vector<std::string>{"cron-disk@/etc/cron.daily/openclaw-disk-check:4",
                                      "cron-disk@/etc/cron.daily/openclaw-disk-check:5",
                                      "cron-disk@/etc/cron.daily/openclaw-disk-check:6"}));
  const std::string root = "*/5 * * * * /root/openclaw-watchdog/watchdog.sh >/dev/null 2>&1\n";
  const auto w = cronFindings("/var/spool/cron/crontabs/root", root);
  ASSERT_EQ(kindsOf(w), std::vector<std::string>{"cron-watchdog@/var/spool/cron/crontabs/root:1"});
  EXPECT_NE(w[0].fix.find("crontab -u root -e"), std::string::npos) << w[0].fix;
  EXPECT_NE(w[0].fights.find("jack-supervisor"), std::string::npos);
  EXPECT_EQ(w[0].found, "*/5 * * * * /root/openclaw-watchdog/watchdog.sh >/dev/null 2>&1");
}

TEST(DoctorCron, LeavesCommentsAndUnrelatedJobsAlone) {
  const std::string text =
      "SHELL=/bin/sh\n"
      "# */10 * * * * root setfacl -R -m u:101000:rwx /root/.openclaw/\n"
      "   # docker system prune -f\n"
      "17 * * * * root cd / && run-parts --report /etc/cron.hourly\n"
      "0 3 * * * root find /tmp -name '*.log' -print\n"
      "0 4 * * * root systemctl restart nginx\n";
  EXPECT_TRUE(cronFindings("/etc/crontab", text).empty());
}

TEST(DoctorCron, NamesARestartOfTheGatewayByHand) {
  const auto f = cronFindings("/etc/crontab",
                              "0 * * * * root systemctl  restart openclaw-gateway.service\n"
                              "@reboot root docker start openclaw-john\n");
  EXPECT_EQ(kindsOf(f), (std::vector<std::string>{"cron-watchdog@/etc/crontab:1",
                                                  "cron-watchdog@/etc/crontab:2"}));
}

TEST(DoctorCron, IsBoundedInFindingsAndQuotesOnlyPrintableText) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "* * * * * root setfacl -m u:1:r /x\n";
  EXPECT_EQ(cronFindings("/etc/cron.d/x", text).size(), kMaxFindingsPerFile);
  const auto f = cronFindings(
      "/etc/cron.d/y", "* * * * * root setfacl \x1b[31m\xff " + std::string(500, 'a') + "\n");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].found.find('\x1b'), std::string::npos);
  EXPECT_LE(f[0].found.size(), 160u + 3u);
  EXPECT_TRUE(f[0].found.ends_with("..."));
}

TEST(DoctorPathUnit, IsAFindingUnlessMasked) {
  const auto f = revivePathUnitFinding("openclaw-revive-jack.path", "enabled", "active");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, "revive-path-unit");
  EXPECT_EQ(f->found, "UnitFileState=enabled, ActiveState=active");
  EXPECT_NE(f->fix.find("systemctl disable --now openclaw-revive-jack.path"), std::string::npos);
  EXPECT_NE(f->fix.find("/etc/systemd/system/openclaw-revive-jack.service"), std::string::npos);
  EXPECT_TRUE(revivePathUnitFinding("openclaw-revive-john.path", "disabled", ""));
  EXPECT_FALSE(revivePathUnitFinding("openclaw-revive-jack.path", "masked", "inactive"));
  EXPECT_FALSE(revivePathUnitFinding("openclaw-revive-jack.path", "masked-runtime", ""));
}

TEST(DoctorLiveRestore, TrustsTheEngineFirst) {
  std::string note;
  LiveRestoreInput in;
  in.dockerInstalled = true;
  in.daemonJson = R"({"live-restore": true})";
  in.info = nlohmann::json{{"LiveRestoreEnabled", false}};
  in.version = nlohmann::json{{"Components", {{{"Name", "Engine"}}}}};
  auto f = liveRestoreFinding(in, note);
  ASSERT_TRUE(f);  // the file says so, but the running engine has not applied it
  EXPECT_EQ(f->where, "the Docker engine (GET /info)");
  EXPECT_NE(f->fix.find("systemctl reload docker"), std::string::npos);
  in.info = nlohmann::json{{"LiveRestoreEnabled", true}};
  EXPECT_FALSE(liveRestoreFinding(in, note));
  in.info = nlohmann::json{{"LiveRestoreEnabled", false}};
  in.version = nlohmann::json{{"Components", {{{"Name", "Podman Engine"}}}}};
  note.clear();
  EXPECT_FALSE(liveRestoreFinding(in, note));
  EXPECT_NE(note.find("Podman"), std::string::npos);
}

TEST(DoctorLiveRestore, ReadsDaemonJsonWhenTheEngineDoesNotAnswer) {
  std::string note;
  LiveRestoreInput in;
  EXPECT_FALSE(liveRestoreFinding(in, note));  // no Docker at all
  EXPECT_NE(note.find("nothing to check"), std::string::npos);
  in.dockerInstalled = true;
  auto f = liveRestoreFinding(in, note);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->found, "the file does not exist");
  in.daemonJson = R"({"userns-remap": "default"})";
  f = liveRestoreFinding(in, note);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->found, "no \"live-restore\": true");
  in.daemonJson = R"({"live-restore": "true"})";  // a string: dockerd refuses it
  EXPECT_TRUE(liveRestoreFinding(in, note));
  in.daemonJson = "{ 1e999";
  EXPECT_TRUE(liveRestoreFinding(in, note));
  in.daemonJson = R"({"userns-remap": "default", "live-restore": true})";
  EXPECT_FALSE(liveRestoreFinding(in, note));
}

}  // namespace
}  // namespace openclaw::agentctl
