#include "openclaw/metric_set.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

namespace openclaw {
namespace {

using T = MetricType;

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[40];
  // Integers (counts, bytes, timestamps) print exactly; the rest with enough digits.
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.9g", v);
  }
  return buf;
}

const char* typeName(MetricType t) {
  switch (t) {
    case T::Counter:
      return "counter";
    case T::Gauge:
      return "gauge";
    case T::Histogram:
      return "histogram";
  }
  return "untyped";
}

// `{a="x"}` + `le="0.5"` -> `{a="x",le="0.5"}`.
std::string withLabel(const std::string& labels, const std::string& extra) {
  if (labels.empty()) return "{" + extra + "}";
  return labels.substr(0, labels.size() - 1) + "," + extra + "}";
}

// `{a="x"}` and `{b="y"}` -> `{a="x",b="y"}`.
std::string joined(const std::string& first, const std::string& second) {
  if (first.empty()) return second;
  if (second.empty()) return first;
  return withLabel(first, second.substr(1, second.size() - 2));
}

// A persisted label set: [["bot","jack"], ...], names as the text format allows them.
std::optional<MetricLabels> labelsFrom(const nlohmann::json& e) {
  if (!e.is_object() || !e.contains("labels") || !e["labels"].is_array()) return std::nullopt;
  const auto& pairs = e["labels"];
  if (pairs.size() > 8) return std::nullopt;
  MetricLabels labels;
  for (const auto& p : pairs) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_string() || !p[1].is_string())
      return std::nullopt;
    const auto& k = p[0].get_ref<const std::string&>();
    const auto& v = p[1].get_ref<const std::string&>();
    const bool nameOk = !k.empty() && k.size() <= 64 && std::all_of(k.begin(), k.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!nameOk || v.size() > 256) return std::nullopt;
    labels.emplace_back(k, v);
  }
  return labels;
}

}  // namespace

const std::vector<MetricInfo>& metricCatalog() {
  static const std::vector<MetricInfo> catalog = {
      {"openclaw_agent_up", T::Gauge, "1 while the agent runs; 0 after it stopped cleanly"},
      {"openclaw_agent_start_time_seconds", T::Gauge, "When the agent started (Unix time)"},
      {"openclaw_report_time_seconds", T::Gauge,
       "When the agent last wrote this file (Unix time); stale means the agent is stuck"},
      {"openclaw_last_success_timestamp_seconds", T::Gauge,
       "When the agent last did `action` successfully (Unix time)"},
      {"openclaw_alert_outbox_depth", T::Gauge, "Alerts waiting for delivery, by channel"},
      {"openclaw_revives_total", T::Counter, "Revive flags acted on, by bot and result"},
      {"openclaw_flags_rejected_total", T::Counter, "Flag files refused (names, types, links)"},
      {"openclaw_restores_total", T::Counter, "Configs restored from a backup, by bot"},
      {"openclaw_repairs_total", T::Counter, "Repairs finished, by bot and result"},
      {"openclaw_restart_budget_remaining", T::Gauge,
       "Restarts the agent may still issue for the bot this hour"},
      {"openclaw_bot_healthy", T::Gauge, "1 when the bot is up and healthy"},
      {"openclaw_bot_given_up", T::Gauge, "1 when the agent stopped acting on the bot"},
      {"openclaw_bot_paused", T::Gauge, "1 while the operator paused the bot"},
      {"openclaw_acl_fixes_total", T::Counter, "ACL entries set or repaired"},
      {"openclaw_acl_drift", T::Gauge, "Files whose ACL was wrong at the last full sweep"},
      {"openclaw_disk_used_ratio", T::Gauge, "Used fraction of the mount (0..1)"},
      {"openclaw_disk_freed_bytes_total", T::Counter, "Bytes freed by pruning, by mount"},
      {"openclaw_disk_files_removed_total", T::Counter, "Files removed by pruning, by mount"},
      {"openclaw_bridge_calls_total", T::Counter,
       "Calls answered, by the remote agent asked for and result"},
      {"openclaw_bridge_call_duration_seconds", T::Histogram, "Time to answer a call"},
      {"openclaw_bridge_breaker_state", T::Gauge,
       "Circuit breaker per remote agent: 0 closed, 1 half-open, 2 open"},
      {"openclaw_metric_series_dropped_total", T::Counter,
       "Series not kept because the file holds its maximum"},
  };
  return catalog;
}

const MetricInfo* findMetric(std::string_view name) {
  for (const auto& m : metricCatalog()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

const std::vector<double>& latencyBuckets() {
  static const std::vector<double> bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                             0.25,   0.5,   1,      2.5,   5,    10,    30,   60};
  return bounds;
}

std::string renderLabels(const MetricLabels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ',';
    out += k + "=\"";
    for (char c : v) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '"') {
        out += "\\\"";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return out + "}";
}

MetricSet::Series* MetricSet::series(std::string_view name, MetricType type,
                                     const MetricLabels& labels) {
  const MetricInfo* info = findMetric(name);
  if (info == nullptr || info->type != type) return nullptr;
  auto& family = metrics_[std::string(name)];
  const std::string key = renderLabels(labels);
  if (auto it = family.find(key); it != family.end()) return &it->second;
  if (seriesCount_ >= kMaxSeries) {
    ++dropped_;
    return nullptr;
  }
  ++seriesCount_;
  Series& s = family[key];
  s.labels = labels;
  if (type == T::Histogram) s.bucket.assign(latencyBuckets().size(), 0);
  return &s;
}

void MetricSet::add(std::string_view name, const MetricLabels& labels, double by) {
  if (!(by >= 0)) return;  // a counter never goes down (and NaN is no count)
  if (Series* s = series(name, T::Counter, labels)) s->value += by;
}

void MetricSet::set(std::string_view name, const MetricLabels& labels, double value) {
  if (Series* s = series(name, T::Gauge, labels)) s->value = value;
}

void MetricSet::observe(std::string_view name, const MetricLabels& labels, double value) {
  Series* s = series(name, T::Histogram, labels);
  if (s == nullptr || std::isnan(value)) return;
  const auto& bounds = latencyBuckets();
  const auto at = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  if (static_cast<std::size_t>(at) < bounds.size()) ++s->bucket[static_cast<std::size_t>(at)];
  ++s->count;
  s->value += value;
}

void MetricSet::clearGauge(std::string_view name) {
  const MetricInfo* info = findMetric(name);
  if (info == nullptr || info->type != T::Gauge) return;
  auto it = metrics_.find(name);
  if (it == metrics_.end()) return;
  seriesCount_ -= it->second.size();
  metrics_.erase(it);
}

double MetricSet::value(std::string_view name, const MetricLabels& labels) const {
  auto it = metrics_.find(name);
  if (it == metrics_.end()) return 0;
  auto s = it->second.find(renderLabels(labels));
  return s == it->second.end() ? 0 : s->second.value;
}

std::string MetricSet::render(const MetricLabels& constant) const {
  const std::string fixed = renderLabels(constant);
  std::string out;
  for (const MetricInfo& m : metricCatalog()) {
    const bool droppedLine = m.name == "openclaw_metric_series_dropped_total" && dropped_ > 0;
    auto it = metrics_.find(m.name);
    if ((it == metrics_.end() || it->second.empty()) && !droppedLine) continue;
    const std::string name(m.name);
    out += "# HELP " + name + " " + std::string(m.help) + "\n";
    out += "# TYPE " + name + " " + typeName(m.type) + "\n";
    if (droppedLine) out += name + fixed + " " + number(static_cast<double>(dropped_)) + "\n";
    if (it == metrics_.end()) continue;
    for (const auto& [labels, s] : it->second) {
      const std::string all = joined(fixed, labels);
      if (m.type != T::Histogram) {
        out += name + all + " " + number(s.value) + "\n";
        continue;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < latencyBuckets().size(); ++i) {
        cumulative += s.bucket[i];
        out += name + "_bucket" + withLabel(all, "le=\"" + number(latencyBuckets()[i]) + "\"") +
               " " + std::to_string(cumulative) + "\n";
      }
      out +=
          name + "_bucket" + withLabel(all, "le=\"+Inf\"") + " " + std::to_string(s.count) + "\n";
      out += name + "_sum" + all + " " + number(s.value) + "\n";
      out += name + "_count" + all + " " + std::to_string(s.count) + "\n";
    }
  }
  return out;
}

nlohmann::json MetricSet::persisted() const {
  nlohmann::json doc = nlohmann::json::object();
  for (const auto& [name, family] : metrics_) {
    const MetricInfo* info = findMetric(name);
    if (info == nullptr) continue;
    nlohmann::json series = nlohmann::json::array();
    for (const auto& [key, s] : family) {
      nlohmann::json pairs = nlohmann::json::array();
      for (const auto& [k, v] : s.labels) pairs.push_back({k, v});
      series.push_back({{"labels", pairs}, {"value", s.value}});
      if (info->type == T::Histogram) {
        series.back()["count"] = s.count;
        series.back()["buckets"] = s.bucket;
      }
    }
    doc[name] = std::move(series);
  }
  return doc;
}

void MetricSet::restore(const nlohmann::json& doc, Gauges gauges) {
  if (!doc.is_object()) return;
  for (const auto& [name, series] : doc.items()) {
    const MetricInfo* info = findMetric(name);
    if (info == nullptr || !series.is_array()) continue;
    if (info->type == T::Gauge && gauges == Gauges::Skip) continue;
    for (const auto& e : series) {
      const auto labels = labelsFrom(e);
      if (!labels || !e.contains("value") || !e["value"].is_number()) continue;
      const double v = e["value"].get<double>();
      if (std::isnan(v) || std::isinf(v) || (v < 0 && info->type != T::Gauge)) continue;
      Series* s = this->series(name, info->type, *labels);
      if (s == nullptr) break;
      s->value = v;
      if (info->type == T::Histogram) restoreBuckets(e, *s);
    }
  }
}

void MetricSet::restoreBuckets(const nlohmann::json& entry, Series& s) {
  const auto& b = entry.value("buckets", nlohmann::json::array());
  if (!b.is_array() || b.size() != s.bucket.size()) return;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (b[i].is_number_unsigned()) s.bucket[i] = b[i].get<std::uint64_t>();
    total += s.bucket[i];
  }
  // The count is at least what the buckets hold (+Inf takes the rest), whatever was stored.
  const auto stored = entry.value("count", nlohmann::json());
  s.count = std::max(total, stored.is_number_unsigned() ? stored.get<std::uint64_t>() : 0);
}

}  // namespace openclaw
