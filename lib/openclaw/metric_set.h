// The suite's metrics, as an agent keeps them in memory and node_exporter's textfile
// collector reads them (Prometheus text format 0.0.4).
//
// Every metric the suite exports is named once, in the catalog below (name, type, help):
// an agent cannot invent a name, and docs/metrics.md lists the same table.  A series is a
// metric plus labels; label values come from the agents' configs (bot, mount and agent
// names) and from fixed vocabularies (results), never from what a container wrote, and at
// most `kMaxSeries` series are kept: one more is dropped and counted in
// `openclaw_metric_series_dropped_total`, so a bug cannot grow the file without bound.
//
// Counters and histograms round-trip through JSON so they keep counting across a restart
// of the agent; gauges are written too but not read back by the agent (it sets them again
// from what it sees).
// Pure: no clock, no files.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openclaw {

enum class MetricType { Counter, Gauge, Histogram };

struct MetricInfo {
  std::string_view name;
  MetricType type;
  std::string_view help;
};

// Every metric of the suite, in the order the .prom files list them.
const std::vector<MetricInfo>& metricCatalog();
const MetricInfo* findMetric(std::string_view name);

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class MetricSet {
 public:
  static constexpr std::size_t kMaxSeries = 2000;

  // Counters: add `by` (>= 0).  Gauges: set.  Histograms: one observation.  A name that is
  // not in the catalog, or of another type, is ignored (a programming error, caught by
  // the unit tests of each agent's use).
  void add(std::string_view name, const MetricLabels& labels, double by = 1);
  void set(std::string_view name, const MetricLabels& labels, double value);
  void observe(std::string_view name, const MetricLabels& labels, double value);
  // Drops every series of the gauge `name` (e.g. before setting one per configured mount,
  // so a mount removed from the config disappears).
  void clearGauge(std::string_view name);

  // The value of a counter or gauge series; 0 when absent.
  double value(std::string_view name, const MetricLabels& labels) const;
  std::size_t seriesCount() const { return seriesCount_; }

  // The text format, every line ending in '\n'; `constant` labels go first on every series
  // (e.g. agent="flag-watcher", since node_exporter merges every agent's file).
  std::string render(const MetricLabels& constant = {}) const;

  // Every series (openclaw-agentctl reads the gauges; a restart restores only the rest).
  nlohmann::json persisted() const;
  // Adds what `persisted()` wrote; anything malformed is skipped (the file is ours, but a
  // reader survives damage).  An agent restarting skips the gauges, which it sets afresh;
  // an exporter rendering another process's report keeps them.
  enum class Gauges { Skip, Keep };
  void restore(const nlohmann::json& doc, Gauges gauges = Gauges::Skip);

 private:
  struct Series {
    MetricLabels labels;
    double value = 0;                   // counters, gauges; a histogram's sum
    std::uint64_t count = 0;            // histograms
    std::vector<std::uint64_t> bucket;  // histograms: per upper bound, not cumulative
  };
  Series* series(std::string_view name, MetricType type, const MetricLabels& labels);
  static void restoreBuckets(const nlohmann::json& entry, Series& s);

  // metric name -> rendered labels ("{bot=\"jack\"}" or "") -> series
  std::map<std::string, std::map<std::string, Series>, std::less<>> metrics_;
  std::size_t seriesCount_ = 0;
  std::uint64_t dropped_ = 0;
};

// The upper bounds of the histograms' buckets, in seconds (+Inf is implied).
const std::vector<double>& latencyBuckets();
// `{a="x",b="y"}` with values escaped as the text format wants; "" for no labels.
std::string renderLabels(const MetricLabels& labels);

}  // namespace openclaw
