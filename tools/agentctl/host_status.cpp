#include "host_status.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "openclaw/time_text.h"

namespace openclaw::agentctl {
namespace {

std::string percentText(double p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", p);
  return buf;
}

// "12:03:04" today, "Nov 27 12:03" before; "-" for none.
std::string whenText(std::int64_t sec, std::int64_t now) {
  if (sec <= 0) return "-";
  const bool today = now - sec < 20 * 3600;
  return formatTime(sec, today ? "%H:%M:%S" : "%b %d %H:%M", Zone::Local);
}

std::string isoOrEmpty(std::int64_t sec) {
  return sec > 0 ? isoUtc(sec) : std::string();
}

nlohmann::json actionJson(const AgentAction& a) {
  if (a.event.empty()) return nullptr;
  return {{"event", a.event},
          {"target", a.target},
          {"message", a.message},
          {"time", isoOrEmpty(a.timeSec)}};
}

// Lines no wider than `width`: a longer one is cut and ends in "...".
class Lines {
 public:
  explicit Lines(std::size_t width) : width_(std::max<std::size_t>(width, 20)) {}
  void add(const std::string& line) {
    if (line.size() <= width_) {
      out_ << line << "\n";
      return;
    }
    // Cut on a UTF-8 boundary.
    std::size_t cut = width_ - 3;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out_ << line.substr(0, cut) << "...\n";
  }
  // `text` in lines of at most the width, broken at spaces: the first line starts with
  // `first`, the others with as many spaces.  For what must be read whole (reasons, give-ups).
  void wrap(const std::string& first, const std::string& text) {
    const std::string indent(first.size(), ' ');
    std::string line = first;
    std::size_t at = 0;
    while (at < text.size()) {
      std::size_t end = text.find(' ', at);
      if (end == std::string::npos) end = text.size();
      const std::string word = text.substr(at, end - at);
      if (line.size() > first.size() && line.size() + 1 + word.size() > width_) {
        add(line);
        line = indent;
      }
      line += (line.size() > first.size() ? " " : "") + word;
      at = end + 1;
    }
    add(line);
  }
  std::string str() const { return out_.str(); }

 private:
  std::size_t width_;
  std::ostringstream out_;
};

std::string unitStateText(const UnitView& v) {
  if (!v.error.empty()) return "unknown (" + v.error + ")";
  return v.activeState + " (" + v.subState + ")";
}

std::string botStateText(const BotStatus& b) {
  if (!b.view.container.empty()) {
    if (!b.view.error.empty()) return "unknown (" + b.view.error + ")";
    return b.view.containerState +
           (b.view.containerHealth.empty() ? "" : ", " + b.view.containerHealth);
  }
  return unitStateText(b.view.state);
}

void addAgentLines(Lines& out, const AgentStatus& a, std::int64_t now) {
  std::string state = unitStateText(a.unit);
  if (a.name == "vps-bridge" && a.unit.activeState != "active" && a.socketState == "active") {
    state = "waiting on its socket";
  } else if (!a.inUse()) {
    state += ", not enabled";
  }
  char head[96];
  std::snprintf(head, sizeof head, "%s %-16s %s", a.running() ? "●" : "○", a.name.c_str(),
                state.c_str());
  out.add(head);
  if (!a.unit.statusText.empty()) out.add("    status: " + a.unit.statusText);
  if (a.report && !a.report->last.event.empty()) {
    const AgentAction& l = a.report->last;
    out.add("    last:   " + whenText(l.timeSec, now) + " " + l.event + ": " + l.message);
  }
}

void addBotLines(Lines& out, const BotStatus& b, std::int64_t now) {
  const std::string where =
      b.view.container.empty()
          ? b.view.unit + (b.view.scope.isSystem() ? "" : " in " + b.view.scope.describe())
          : "container " + b.view.container;
  out.add(std::string(botIsUp(b.view) && !b.givenUp ? "●" : "○") + " " + b.view.name + " (" +
          where + ")");
  out.add("    state:  " + botStateText(b));
  std::string budgets;
  for (const auto& x : b.budgets) {
    budgets += (budgets.empty() ? "" : "; ") + x.agent + " " + std::to_string(x.left) + "/" +
               std::to_string(x.perHour);
  }
  if (!budgets.empty()) out.add("    budget: " + budgets + " restarts left this hour");
  const char* label = "    last:   ";
  for (const auto& l : b.lastActions) {
    out.add(label + whenText(l.action.timeSec, now) + " " + l.action.event + " by " + l.agent +
            ": " + l.action.message);
    label = "            ";
  }
  if (b.pause) out.add("    paused: " + b.pause->describe());
  if (b.givenUp) out.wrap("    GIVEN UP: ", b.givenUpWhy);
}

}  // namespace

const char* toString(Verdict v) {
  switch (v) {
    case Verdict::Healthy:
      return "healthy";
    case Verdict::Degraded:
      return "degraded";
    case Verdict::Down:
      return "down";
    case Verdict::Unknown:
      return "unknown";
  }
  return "unknown";
}

bool AgentStatus::running() const {
  if (unit.activeState == "active" || unit.activeState == "reloading") return true;
  return name == "vps-bridge" && socketState == "active";
}

bool AgentStatus::inUse() const {
  return running() || unitFileState == "enabled" || unitFileState == "enabled-runtime" ||
         unit.activeState == "failed";
}

Judgement judge(const HostStatus& host) {
  Judgement j;
  std::vector<std::string> down, degraded;
  if (!host.managerError.empty()) {
    j.verdict = Verdict::Unknown;
    j.reasons.push_back("the system manager cannot be reached: " + host.managerError);
    return j;
  }
  for (const auto& b : host.bots) {
    if (b.givenUp) {
      down.push_back(b.view.name + ": given up: " + b.givenUpWhy);
    } else if (!botIsUp(b.view)) {
      (b.pause ? degraded : down).push_back(b.view.name + " is " + botStateText(b));
    }
    if (b.pause) degraded.push_back(b.view.name + " is paused " + b.pause->describe());
    for (const auto& x : b.budgets) {
      if (x.left <= 0)
        degraded.push_back(b.view.name + ": " + x.agent + "'s restart budget is spent");
    }
  }
  for (const auto& a : host.agents) {
    if (a.inUse() && !a.running()) degraded.push_back(a.name + " is " + unitStateText(a.unit));
  }
  for (const auto& d : host.disks) {
    if (!d.error.empty()) {
      degraded.push_back(d.mount + ": " + d.error);
    } else if (d.usedPercent > static_cast<double>(d.actPercent)) {
      degraded.push_back(d.mount + " is at " + percentText(d.usedPercent) + " (act " +
                         std::to_string(d.actPercent) + "%)");
    }
  }
  for (const auto& o : host.outboxes) {
    if (o.depth > 0) {
      degraded.push_back(std::to_string(o.depth) + " alert(s) of " + o.agent + " waiting for " +
                         o.channel);
    }
  }
  j.verdict = !down.empty()       ? Verdict::Down
              : !degraded.empty() ? Verdict::Degraded
                                  : Verdict::Healthy;
  j.reasons = std::move(down);
  j.reasons.insert(j.reasons.end(), degraded.begin(), degraded.end());
  return j;
}

namespace {

nlohmann::json agentStatusJson(const AgentStatus& a) {
  nlohmann::json e = unitJson(a.unit);
  e["agent"] = a.name;
  e["running"] = a.running();
  e["in_use"] = a.inUse();
  e["unit_file_state"] = a.unitFileState;
  if (a.name == "vps-bridge") e["socket_state"] = a.socketState;
  e["last_action"] = a.report ? actionJson(a.report->last) : nlohmann::json();
  e["report_written"] = a.report ? isoOrEmpty(a.report->writtenSec) : "";
  if (!a.reportError.empty()) e["report_error"] = a.reportError;
  return e;
}

nlohmann::json pauseJson(const BotPause& p) {
  return {
      {"since", isoOrEmpty(p.sinceSec)}, {"until", isoOrEmpty(p.untilSec)}, {"reason", p.reason}};
}

nlohmann::json botStatusJson(const BotStatus& b) {
  nlohmann::json e = botJson(b.view);
  e["up"] = botIsUp(b.view) && !b.givenUp;
  e["budgets"] = nlohmann::json::array();
  for (const auto& x : b.budgets) {
    e["budgets"].push_back({{"agent", x.agent}, {"per_hour", x.perHour}, {"left", x.left}});
  }
  e["given_up"] = b.givenUp;
  e["given_up_why"] = b.givenUpWhy;
  e["last_action"] = nullptr;  // the newest of last_actions
  e["last_actions"] = nlohmann::json::array();
  for (const auto& l : b.lastActions) {
    e["last_actions"].push_back(actionJson(l.action));
    e["last_actions"].back()["agent"] = l.agent;
  }
  if (!b.lastActions.empty()) e["last_action"] = e["last_actions"][0];
  e["paused"] = b.pause ? pauseJson(*b.pause) : nlohmann::json();
  return e;
}

template <class T, class F>
nlohmann::json arrayOf(const T& items, F toJson) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) out.push_back(toJson(item));
  return out;
}

}  // namespace

nlohmann::json hostStatusJson(const HostStatus& host, const Judgement& j) {
  auto disk = [](const DiskStatus& d) {
    return nlohmann::json{{"mount", d.mount},
                          {"used_percent", d.usedPercent},
                          {"act_percent", d.actPercent},
                          {"target_percent", d.targetPercent},
                          {"critical_percent", d.criticalPercent},
                          {"error", d.error}};
  };
  auto outbox = [](const OutboxStatus& o) {
    return nlohmann::json{{"agent", o.agent}, {"channel", o.channel}, {"depth", o.depth}};
  };
  nlohmann::json paused = nlohmann::json::array();
  for (const auto& [bot, p] : host.paused) {
    paused.push_back(pauseJson(p));
    paused.back()["bot"] = bot;
  }
  return {{"verdict", toString(j.verdict)},
          {"exit_code", static_cast<int>(j.verdict)},
          {"reasons", j.reasons},
          {"time", isoOrEmpty(host.nowSec)},
          {"agents", arrayOf(host.agents, agentStatusJson)},
          {"bots", arrayOf(host.bots, botStatusJson)},
          {"disks", arrayOf(host.disks, disk)},
          {"acl",
           {{"configured", host.acl.configured},
            {"trees", host.acl.trees},
            {"drift", host.acl.drift},
            {"fixes_total", host.acl.fixesTotal},
            {"last_sweep", isoOrEmpty(host.acl.lastSweepSec)}}},
          {"alert_outbox", arrayOf(host.outboxes, outbox)},
          {"paused", paused}};
}

std::string hostStatusText(const HostStatus& host, const Judgement& j, std::size_t width) {
  Lines out(width);
  out.add(std::string("Host: ") + toString(j.verdict));
  for (const auto& r : j.reasons) out.wrap("  - ", r);
  out.add("");
  out.add("Agents:");
  for (const auto& a : host.agents) addAgentLines(out, a, host.nowSec);
  if (!host.bots.empty()) {
    out.add("");
    out.add("Bots:");
    for (const auto& b : host.bots) addBotLines(out, b, host.nowSec);
  }
  if (!host.paused.empty()) {
    out.add("");
    out.add("Paused (left alone by every agent):");
    for (const auto& [bot, p] : host.paused) out.add("  " + bot + " " + p.describe());
  }
  if (!host.disks.empty()) {
    out.add("");
    out.add("Disks (disk-guard):");
    for (const auto& d : host.disks) {
      char line[160];
      if (d.error.empty()) {
        std::snprintf(line, sizeof line, "  %-24s %5s used (act %lld%%, target %lld%%)",
                      d.mount.c_str(), percentText(d.usedPercent).c_str(),
                      static_cast<long long>(d.actPercent),
                      static_cast<long long>(d.targetPercent));
      } else {
        std::snprintf(line, sizeof line, "  %-24s %s", d.mount.c_str(), d.error.c_str());
      }
      out.add(line);
    }
  }
  if (host.acl.configured) {
    out.add("");
    out.add("ACLs (acl-keeper): " + std::to_string(host.acl.trees) + " tree(s); last sweep " +
            whenText(host.acl.lastSweepSec, host.nowSec) + ": drift " +
            std::to_string(static_cast<long long>(host.acl.drift)) + " (fixed); " +
            std::to_string(static_cast<long long>(host.acl.fixesTotal)) + " fixes in all");
  }
  std::size_t waiting = 0;
  std::string where;
  for (const auto& o : host.outboxes) {
    waiting += o.depth;
    if (o.depth > 0)
      where +=
          (where.empty() ? "" : ", ") + o.agent + "/" + o.channel + " " + std::to_string(o.depth);
  }
  out.add("");
  out.add("Alert outbox: " + std::to_string(waiting) + " waiting" +
          (where.empty() ? "" : " (" + where + ")"));
  return out.str();
}

}  // namespace openclaw::agentctl
