#include "alert_filter.h"

#include <gtest/gtest.h>

namespace openclaw::agentctl {
namespace {

const nlohmann::json kAlert = {{"ts", "2026-11-28T14:00:05Z"},
                               {"level", "critical"},
                               {"agent", "disk-guard"},
                               {"event", "disk-critical"}};

TEST(AnAlertFilter, PassesWhatMatchesEveryGivenField) {
  EXPECT_TRUE(AlertFilter{}.matches(kAlert));
  EXPECT_TRUE(AlertFilter{}.matches("not an object"));
  EXPECT_TRUE((AlertFilter{"disk-guard", "critical", "2026-11-28T14:00:05Z"}.matches(kAlert)));
  EXPECT_FALSE((AlertFilter{"flag-watcher", "", ""}.matches(kAlert)));
  EXPECT_FALSE((AlertFilter{"", "warning", ""}.matches(kAlert)));
  EXPECT_FALSE((AlertFilter{"", "", "2026-11-28T14:00:06Z"}.matches(kAlert)));
  EXPECT_FALSE((AlertFilter{"disk-guard", "", ""}.matches("not an object")));
  EXPECT_FALSE((AlertFilter{"", "", "2026"}.matches(nlohmann::json::object())));
}

TEST(ASinceBound, IsATimeAgoInUtc) {
  const std::time_t now = 1'764'338'405;  // 2025-11-28T14:00:05Z
  EXPECT_EQ(*sinceBound("90s", now), "2025-11-28T13:58:35Z");
  EXPECT_EQ(*sinceBound("30m", now), "2025-11-28T13:30:05Z");
  EXPECT_EQ(*sinceBound("2h", now), "2025-11-28T12:00:05Z");
  EXPECT_EQ(*sinceBound("7d", now), "2025-11-21T14:00:05Z");
  EXPECT_EQ(*sinceBound("0m", now), "2025-11-28T14:00:05Z");
}

TEST(ASinceBound, IsADateOrTimeAsWritten) {
  EXPECT_EQ(*sinceBound("2026-11-28", 0), "2026-11-28T00:00:00Z");
  EXPECT_EQ(*sinceBound("2026-11-28T14:00", 0), "2026-11-28T14:00:00Z");
  EXPECT_EQ(*sinceBound("2026-11-28 14:00:05", 0), "2026-11-28T14:00:05Z");
  EXPECT_EQ(*sinceBound("2026-11-28T14:00:05Z", 0), "2026-11-28T14:00:05Z");
}

TEST(ASinceBound, RefusesAnythingElseSayingWhatIsAccepted) {
  for (const char* bad :
       {"", "m", "5", "-5m", "5w", "5 m", "1e3s", "2026-13-01", "2026-11-28T25:00", "2026-11-28T14",
        "2026-11-28X14:00", "99999999999999999999d"}) {
    const auto r = sinceBound(bad, 1'764'338'405);
    ASSERT_FALSE(r.ok()) << bad;
  }
  EXPECT_NE(sinceBound("5w", 0).error().find("30m"), std::string::npos);
  EXPECT_FALSE(sinceBound("4000d", 1'764'338'405).ok());
}

TEST(AnAlertLevel, IsOneOfTheFour) {
  for (const char* l : {"info", "warning", "critical", "recovered"}) EXPECT_TRUE(isAlertLevel(l));
  for (const char* l : {"", "error", "CRITICAL"}) EXPECT_FALSE(isAlertLevel(l));
}

}  // namespace
}  // namespace openclaw::agentctl
