#include "openclaw/agent_report.h"

#include <sys/stat.h>

#include <ctime>

#include "openclaw/durable_file.h"
#include "openclaw/events.h"
#include "openclaw/json_text.h"
#include "openclaw/log.h"

namespace openclaw {
namespace {

constexpr const char* kReportFile = "report.json";
// Plain metric changes are coalesced: a burst of calls or flags costs one write.
constexpr auto kCoalesce = std::chrono::seconds(1);
// Rewritten this often even when nothing changed, so a stale file means a stuck agent.
constexpr auto kRefresh = std::chrono::seconds(60);
// report.json is ours; a file larger than this is damage, not a report.
constexpr std::size_t kMaxReportBytes = 4 << 20;

std::int64_t nowSec() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

nlohmann::json actionJson(const AgentAction& a) {
  return {{"event", a.event}, {"target", a.target}, {"message", a.message}, {"time", a.timeSec}};
}

AgentAction actionFrom(const nlohmann::json& j) {
  AgentAction a;
  if (!j.is_object()) return a;
  auto text = [&](const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  a.event = text("event");
  a.target = text("target");
  a.message = text("message");
  if (const auto it = j.find("time"); it != j.end() && it->is_number_integer())
    a.timeSec = it->get<std::int64_t>();
  return a;
}

bool isDirectory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

double AgentReportFile::metric(std::string_view name, const MetricLabels& labels) const {
  const auto family = metrics.find(std::string(name));
  if (family == metrics.end() || !family->is_array()) return 0;
  nlohmann::json want = nlohmann::json::array();
  for (const auto& [k, v] : labels) want.push_back({k, v});
  for (const auto& s : *family) {
    if (s.is_object() && s.value("labels", nlohmann::json()) == want) {
      const auto v = s.value("value", nlohmann::json());
      return v.is_number() ? v.get<double>() : 0;
    }
  }
  return 0;
}

nlohmann::json toJson(const AgentReportFile& r) {
  nlohmann::json targets = nlohmann::json::object();
  for (const auto& [t, a] : r.byTarget) targets[t] = actionJson(a);
  return {{"agent", r.agent},    {"written", r.writtenSec},           {"started", r.startedSec},
          {"up", r.up},          {"last_action", actionJson(r.last)}, {"targets", targets},
          {"metrics", r.metrics}};
}

AgentReportFile agentReportFromJson(const nlohmann::json& doc) {
  AgentReportFile r;
  if (!doc.is_object()) return r;
  auto number = [&](const char* key) {
    const auto it = doc.find(key);
    return it != doc.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
  };
  if (const auto it = doc.find("agent"); it != doc.end() && it->is_string()) r.agent = *it;
  r.writtenSec = number("written");
  r.startedSec = number("started");
  if (const auto it = doc.find("up"); it != doc.end() && it->is_boolean()) r.up = *it;
  if (const auto it = doc.find("last_action"); it != doc.end()) r.last = actionFrom(*it);
  if (const auto it = doc.find("targets"); it != doc.end() && it->is_object()) {
    for (const auto& [t, a] : it->items()) {
      if (r.byTarget.size() >= AgentReport::kMaxTargets) break;
      r.byTarget[t] = actionFrom(a);
    }
  }
  if (const auto it = doc.find("metrics"); it != doc.end() && it->is_object()) r.metrics = *it;
  return r;
}

Expected<AgentReportFile, std::string> readAgentReport(const std::string& stateDir) {
  auto text = readSmallFile(stateDir + "/" + kReportFile, kMaxReportBytes);
  if (!text) return Unexpected<std::string>{text.error()};
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return Unexpected<std::string>{"is not valid JSON"};
  return agentReportFromJson(doc);
}

Expected<bool, std::string> exportReportMetrics(const std::string& stateDir,
                                                const std::string& textfileDir) {
  if (!isDirectory(textfileDir)) return false;
  auto report = readAgentReport(stateDir);
  if (!report) return Unexpected<std::string>{stateDir + "/" + kReportFile + " " + report.error()};
  // The name becomes a file name: only an agent's name will do.
  const std::string& agent = report->agent;
  const bool nameOk = !agent.empty() && agent.size() <= 32 &&
                      agent.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string::npos;
  if (!nameOk) return Unexpected<std::string>{"the report names no agent"};
  MetricSet metrics;
  metrics.restore(report->metrics, MetricSet::Gauges::Keep);
  const std::string path = textfileDir + "/openclaw-" + agent + ".prom";
  if (auto r = atomicWriteFile(path, metrics.render({{"agent", agent}}), 0644); !r) {
    return Unexpected<std::string>{"cannot write " + path + ": " + r.error().message()};
  }
  return true;
}

AgentReport::AgentReport(boost::asio::io_context& io, std::string agent,
                         const std::string& stateDir, std::string textfileDir)
    : reportPath_(stateDir + "/" + kReportFile),
      textfileDir_(std::move(textfileDir)),
      promPath_(textfileDir_ + "/openclaw-" + agent + ".prom"),
      timer_(io) {
  // What a previous run left: counters go on counting, the last actions stay shown.
  if (auto previous = readAgentReport(stateDir)) {
    file_ = std::move(*previous);
    metrics_.restore(file_.metrics);
  }
  file_.agent = std::move(agent);
  file_.startedSec = nowSec();
  file_.up = true;
  metrics_.set("openclaw_agent_start_time_seconds", {}, static_cast<double>(file_.startedSec));
  changed();
}

AgentReport::~AgentReport() {
  timer_.cancel();
  file_.up = false;
  flush();
}

void AgentReport::changed() {
  arm(kCoalesce);
}

void AgentReport::action(AgentAction a) {
  if (a.timeSec == 0) a.timeSec = nowSec();
  if (!a.target.empty()) {
    if (file_.byTarget.size() >= kMaxTargets && !file_.byTarget.contains(a.target)) {
      auto oldest = file_.byTarget.begin();
      for (auto it = file_.byTarget.begin(); it != file_.byTarget.end(); ++it) {
        if (it->second.timeSec < oldest->second.timeSec) oldest = it;
      }
      file_.byTarget.erase(oldest);
    }
    file_.byTarget[a.target] = a;
  }
  file_.last = std::move(a);
  flush();
}

void AgentReport::succeeded(std::string_view what) {
  metrics_.set("openclaw_last_success_timestamp_seconds", {{"action", std::string(what)}},
               static_cast<double>(nowSec()));
  changed();
}

void AgentReport::arm(std::chrono::steady_clock::duration in) {
  const auto due = std::chrono::steady_clock::now() + in;
  // A pending write that comes sooner already covers this one.
  if (timerDue_ != std::chrono::steady_clock::time_point{} && timerDue_ <= due) return;
  timerDue_ = due;
  timer_.expires_at(due);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: a sooner write re-armed it, or the report is going away
    timerDue_ = {};
    flush();
  });
}

void AgentReport::flush() {
  file_.writtenSec = nowSec();
  if (gaugeSource_) gaugeSource_(metrics_);
  metrics_.set("openclaw_agent_up", {}, file_.up ? 1 : 0);
  metrics_.set("openclaw_report_time_seconds", {}, static_cast<double>(file_.writtenSec));
  file_.metrics = metrics_.persisted();
  if (auto r = atomicWriteFile(reportPath_, toJsonText(toJson(file_)) + "\n", 0600); !r) {
    logFailureOnce(reportPath_, r.error().message());
  }
  if (!textfileDir_.empty() && isDirectory(textfileDir_)) {
    const std::string text = metrics_.render({{"agent", file_.agent}});
    if (auto r = atomicWriteFile(promPath_, text, 0644); !r) {
      logFailureOnce(promPath_, r.error().message());
    }
  }
  if (file_.up) arm(kRefresh);
}

void AgentReport::logFailureOnce(const std::string& what, const std::string& why) {
  auto& seen = failuresLogged_[what];
  if (seen == why) return;
  seen = why;
  Log::warning("cannot write " + what + ": " + why,
               {{journal_key::kEvent, event::kReportWriteFailed}, {journal_key::kTarget, what}});
}

}  // namespace openclaw
