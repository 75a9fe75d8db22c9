// What an agent has done, kept for operators: its metrics and its last actions.
//
// Each agent owns one AgentReport.  It keeps the agent's MetricSet (metric_set.h) and the
// last action it took, overall and per target ("restored jack's config from
// openclaw.json.2026-11-28T01:00:00Z", "revived jack on a flag from the container").  Two
// files come out of it:
//   - <stateDir>/report.json: counters, histograms, gauges and the last actions, so
//     `openclaw-agentctl status` shows them after any restart of the agent, and counters keep
//     counting across restarts;
//   - <textfileDir>/openclaw-<agent>.prom, only when that folder exists (node_exporter's
//     textfile collector, /var/lib/prometheus/node-exporter): the metrics in Prometheus' text
//     format, every series labelled agent="<agent>".
// An agent that cannot write to the collector's folder (the vps-bridge, a dynamic user)
// passes an empty textfileDir, and exportReportMetrics() renders its report.json there from a
// root process (openclaw-agentctl export-metrics, run by a timer).
// Both are replaced atomically (a reader sees the old file or the new one).  An action is
// written at once, since actions are few (each is a restart, a restore, a prune ... under a
// budget); plain metric changes are written at most once a second, and both files are
// rewritten every minute anyway so that `openclaw_report_time_seconds` shows the agent alive.
// A failed write is logged once per kind of failure, never raised.  Destroying the report
// writes openclaw_agent_up 0.  Use it on the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "openclaw/metric_set.h"
#include "openclaw/result.h"

namespace openclaw {

inline constexpr const char* kTextfileCollectorDir = "/var/lib/prometheus/node-exporter";

struct AgentAction {
  std::string event;    // OPENCLAW_EVENT's value: "revive", "restore", "prune", ...
  std::string target;   // the bot, mount or tree acted on; may be empty
  std::string message;  // one sentence for the operator
  std::int64_t timeSec = 0;

  bool operator==(const AgentAction&) const = default;
};

// report.json as written; what openclaw-agentctl reads.
struct AgentReportFile {
  std::string agent;
  std::int64_t writtenSec = 0;
  std::int64_t startedSec = 0;
  bool up = false;
  AgentAction last;                                   // event empty when none yet
  std::map<std::string, AgentAction> byTarget;        // the last action per target
  nlohmann::json metrics = nlohmann::json::object();  // MetricSet::persisted()

  // A counter's or gauge's value from `metrics`; 0 when absent.
  double metric(std::string_view name, const MetricLabels& labels = {}) const;
};

nlohmann::json toJson(const AgentReportFile& report);
// Never throws; anything malformed is left at its default.
AgentReportFile agentReportFromJson(const nlohmann::json& doc);
// <stateDir>/report.json; the error is a sentence ("cannot open: No such file or directory").
Expected<AgentReportFile, std::string> readAgentReport(const std::string& stateDir);

// Writes <textfileDir>/openclaw-<agent>.prom from <stateDir>/report.json, every series
// included.  False when textfileDir does not exist (nothing to do); the error is a sentence.
Expected<bool, std::string> exportReportMetrics(const std::string& stateDir,
                                                const std::string& textfileDir);

class AgentReport {
 public:
  static constexpr std::size_t kMaxTargets = 256;  // targets come from configs; a bound anyway

  AgentReport(boost::asio::io_context& io, std::string agent, const std::string& stateDir,
              std::string textfileDir = kTextfileCollectorDir);
  ~AgentReport();
  AgentReport(const AgentReport&) = delete;
  AgentReport& operator=(const AgentReport&) = delete;

  // Change the metrics, then call changed() (written within a second).
  MetricSet& metrics() { return metrics_; }
  void changed();
  // Records an action (time = now when 0) and writes both files now.
  void action(AgentAction a);
  // openclaw_last_success_timestamp_seconds{action=what} = now.
  void succeeded(std::string_view what);
  // Writes both files now.
  void flush();
  // Called before each write, to set gauges read from elsewhere (an outbox's depth).  What
  // it reads must outlive the report.
  void setGaugeSource(std::function<void(MetricSet&)> source) { gaugeSource_ = std::move(source); }

  const AgentAction& lastAction() const { return file_.last; }
  const std::string& reportPath() const { return reportPath_; }
  const std::string& promPath() const { return promPath_; }

 private:
  void arm(std::chrono::steady_clock::duration in);
  void logFailureOnce(const std::string& what, const std::string& why);

  std::string reportPath_;
  std::string textfileDir_;
  std::string promPath_;
  AgentReportFile file_;
  MetricSet metrics_;
  std::function<void(MetricSet&)> gaugeSource_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point timerDue_{};
  std::map<std::string, std::string> failuresLogged_;  // what -> why, logged once
};

}  // namespace openclaw
