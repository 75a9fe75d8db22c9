#include "openclaw/metric_set.h"

#include <gtest/gtest.h>

namespace openclaw {
namespace {

TEST(AMetricSet, RendersTheTextFormatWithHelpTypeAndConstantLabels) {
  MetricSet m;
  m.add("openclaw_revives_total", {{"bot", "jack"}, {"result", "restarted"}});
  m.add("openclaw_revives_total", {{"bot", "jack"}, {"result", "restarted"}}, 2);
  m.set("openclaw_disk_used_ratio", {{"mount", "/"}}, 0.25);
  const std::string text = m.render({{"agent", "flag-watcher"}});
  EXPECT_NE(text.find("# HELP openclaw_revives_total "), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE openclaw_revives_total counter\n"), std::string::npos);
  EXPECT_NE(
      text.find(
          "openclaw_revives_total{agent=\"flag-watcher\",bot=\"jack\",result=\"restarted\"} 3\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("openclaw_disk_used_ratio{agent=\"flag-watcher\",mount=\"/\"} 0.25\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("openclaw_bridge"), std::string::npos) << "only series that exist";
}

TEST(AMetricSet, EscapesLabelValues) {
  EXPECT_EQ(renderLabels({{"bot", "a\"b\\c\nd"}}), "{bot=\"a\\\"b\\\\c\\nd\"}");
  EXPECT_EQ(renderLabels({}), "");
}

TEST(AMetricSet, IgnoresNamesOutsideTheCatalogAndTypeMismatches) {
  MetricSet m;
  m.add("made_up_total", {});
  m.set("openclaw_revives_total", {}, 5);   // a counter, not a gauge
  m.add("openclaw_revives_total", {}, -1);  // counters never go down
  EXPECT_EQ(m.seriesCount(), 0u);
  EXPECT_EQ(m.render(), "");
}

TEST(AMetricSet, HistogramBucketsAreCumulativeWithSumAndCount) {
  MetricSet m;
  m.observe("openclaw_bridge_call_duration_seconds", {}, 0.0004);
  m.observe("openclaw_bridge_call_duration_seconds", {}, 0.003);
  m.observe("openclaw_bridge_call_duration_seconds", {}, 120);  // beyond the last bound
  const std::string t = m.render();
  EXPECT_NE(t.find("# TYPE openclaw_bridge_call_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(t.find("openclaw_bridge_call_duration_seconds_bucket{le=\"0.0005\"} 1\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("openclaw_bridge_call_duration_seconds_bucket{le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(t.find("openclaw_bridge_call_duration_seconds_bucket{le=\"60\"} 2\n"),
            std::string::npos);
  EXPECT_NE(t.find("openclaw_bridge_call_duration_seconds_bucket{le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(t.find("openclaw_bridge_call_duration_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(t.find("openclaw_bridge_call_duration_seconds_sum 120.0034\n"), std::string::npos) << t;
}

TEST(AMetricSet, CountersAndHistogramsSurviveARoundTripGaugesDoNot) {
  MetricSet a;
  a.add("openclaw_restores_total", {{"bot", "jack"}}, 4);
  a.observe("openclaw_bridge_call_duration_seconds", {{"agent", "x"}}, 0.2);
  a.set("openclaw_bot_healthy", {{"bot", "jack"}}, 1);
  MetricSet b;
  b.restore(a.persisted());
  EXPECT_EQ(b.value("openclaw_restores_total", {{"bot", "jack"}}), 4);
  EXPECT_EQ(b.value("openclaw_bot_healthy", {{"bot", "jack"}}), 0) << "gauges are set afresh";
  b.add("openclaw_restores_total", {{"bot", "jack"}});
  EXPECT_EQ(b.value("openclaw_restores_total", {{"bot", "jack"}}), 5);
  EXPECT_NE(b.render().find("openclaw_bridge_call_duration_seconds_count{agent=\"x\"} 1\n"),
            std::string::npos);
}

TEST(AMetricSet, SurvivesADamagedPersistedDocument) {
  MetricSet m;
  m.restore(nlohmann::json::parse(R"({
    "openclaw_restores_total": [ {"labels": [["bot","a"]], "value": -3},
                                 {"labels": [["bad name","a"]], "value": 1},
                                 {"labels": "{bot=\"x\"}", "value": 1},
                                 {"labels": [["bot","ok"]], "value": 2},
                                 7 ],
    "openclaw_bridge_call_duration_seconds": [ {"labels": [], "value": 1, "count": 1,
                                                "buckets": [1, 2]} ],
    "unknown": [ {"labels": [], "value": 1} ] })"));
  EXPECT_EQ(m.seriesCount(), 2u);
  EXPECT_EQ(m.value("openclaw_restores_total", {{"bot", "ok"}}), 2);
  m.restore(nlohmann::json::array());
  m.restore(nlohmann::json("text"));
}

TEST(AMetricSet, HoldsABoundedNumberOfSeriesAndCountsWhatItDrops) {
  MetricSet m;
  for (std::size_t i = 0; i < MetricSet::kMaxSeries + 5; ++i)
    m.add("openclaw_restores_total", {{"bot", "b" + std::to_string(i)}});
  EXPECT_EQ(m.seriesCount(), MetricSet::kMaxSeries);
  EXPECT_NE(m.render().find("openclaw_metric_series_dropped_total 5\n"), std::string::npos);
  m.set("openclaw_disk_used_ratio", {{"mount", "/"}}, 1);
  EXPECT_EQ(m.value("openclaw_disk_used_ratio", {{"mount", "/"}}), 0) << "full";
}

TEST(AMetricSet, ClearingAGaugeFreesItsSeries) {
  MetricSet m;
  m.set("openclaw_disk_used_ratio", {{"mount", "/"}}, 0.5);
  m.set("openclaw_disk_used_ratio", {{"mount", "/srv"}}, 0.5);
  m.clearGauge("openclaw_disk_used_ratio");
  EXPECT_EQ(m.seriesCount(), 0u);
  EXPECT_EQ(m.render(), "");
}

}  // namespace
}  // namespace openclaw
