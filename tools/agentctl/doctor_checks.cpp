#include "doctor_checks.h"

#include <array>

#include "openclaw/json_text.h"

namespace openclaw::agentctl {
namespace {

constexpr std::string_view kCrontabDir = "/var/spool/cron/crontabs/";

// The line with every run of blanks made one space, so "docker  system prune" matches.
std::string squeezed(std::string_view line) {
  std::string out;
  bool blank = false;
  for (char c : line) {
    if (c == ' ' || c == '\t') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

bool has(const std::string& line, std::string_view what) {
  return line.find(what) != std::string::npos;
}

bool setsAcls(const std::string& line) {
  return has(line, "setfacl");
}

bool prunesDisk(const std::string& line) {
  static constexpr std::array<std::string_view, 5> kPrunes = {
      "docker system prune", "docker image prune", "docker container prune", "docker volume prune",
      "journalctl --vacuum"};
  for (auto p : kPrunes) {
    if (has(line, p)) return true;
  }
  return has(line, "find ") && has(line, "-delete");
}

bool restartsGateway(const std::string& line) {
  if (has(line, "watchdog.sh") || has(line, "openclaw gateway")) return true;
  static constexpr std::array<std::string_view, 4> kRestarts = {
      "systemctl restart", "systemctl start", "docker restart", "docker start"};
  for (auto r : kRestarts) {
    if (has(line, r) && has(line, "openclaw")) return true;
  }
  return false;
}

// How to take line `n` of `path` out: a user's crontab is edited with crontab(1).
std::string cronFix(const std::string& path, std::size_t n, std::string_view agentDoesIt) {
  std::string how;
  if (path.starts_with(kCrontabDir)) {
    how = "crontab -u " + path.substr(kCrontabDir.size()) + " -e, and delete line " +
          std::to_string(n);
  } else {
    how = "delete line " + std::to_string(n) + " of " + path + " (or rm " + path +
          " if nothing else is in it)";
  }
  return std::string(agentDoesIt) + ": " + how;
}

Finding cronFinding(const std::string& path, std::size_t n, std::string_view line,
                    std::string kind) {
  Finding f;
  f.where = path + ":" + std::to_string(n);
  f.found = printableQuote(line.substr(std::min(line.size(), line.find_first_not_of(" \t"))));
  if (kind == "cron-acl") {
    f.fights =
        "acl-keeper: re-applies ACLs on its own schedule; a recursive setfacl -m can grant "
        "more than acl-keeper's config does, and rewrites every file's ACL on each run";
    f.fix = cronFix(path, n,
                    "acl-keeper keeps these ACLs now (openclaw-agentctl acl-verify shows drift)");
  } else if (kind == "cron-disk") {
    f.fights =
        "disk-guard: prunes on thresholds of its own, without disk-guard's age rules, its "
        "refusal of symlinked folders and its report of what went";
    f.fix = cronFix(path, n,
                    "disk-guard does this now (openclaw-agentctl disk-report shows what it "
                    "would free)");
  } else {
    f.fights =
        "jack-supervisor: restarts or restores the gateway outside jack-supervisor's hourly "
        "budget and storm guard, and can undo a restore it is in the middle of";
    f.fix = cronFix(path, n, "jack-supervisor watches and repairs the gateway now");
  }
  f.kind = std::move(kind);
  return f;
}

bool isPodman(const nlohmann::json& version) {
  const auto components = version.find("Components");
  if (components == version.end() || !components->is_array()) return false;
  for (const auto& c : *components) {
    const auto name = c.is_object() ? c.find("Name") : c.end();
    if (name != c.end() && name->is_string() &&
        name->get_ref<const std::string&>().find("Podman") != std::string::npos) {
      return true;
    }
  }
  return false;
}

Finding liveRestoreOff(std::string where, std::string found) {
  return {"docker-live-restore", std::move(where), std::move(found),
          "jack-supervisor and flag-watcher: every bot container stops when dockerd restarts "
          "(an upgrade of Docker), and they all come back at once",
          "add \"live-restore\": true to /etc/docker/daemon.json, then systemctl reload docker "
          "(live-restore needs no restart)"};
}

}  // namespace

nlohmann::json Finding::toJson() const {
  return {{"kind", kind}, {"where", where}, {"found", found}, {"fights", fights}, {"fix", fix}};
}

std::string printableQuote(std::string_view text, std::size_t max) {
  std::string line = validUtf8(std::string(text.substr(0, max + 4)));
  for (char& c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '\t') c = ' ';
    if (u < 0x20 || u == 0x7F) c = '?';
  }
  if (line.size() <= max && text.size() <= max) return line;
  std::size_t cut = std::min(max, line.size());
  // Back to the start of a UTF-8 sequence, never inside one.
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  return line.substr(0, cut) + "...";
}

std::vector<Finding> cronFindings(const std::string& path, std::string_view text) {
  std::vector<Finding> out;
  std::size_t n = 0;
  std::size_t start = 0;
  while (start < text.size() && out.size() < kMaxFindingsPerFile) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++n;
    const std::string line = squeezed(raw);
    if (line.empty() || line.front() == '#') continue;
    if (setsAcls(line)) out.push_back(cronFinding(path, n, raw, "cron-acl"));
    if (prunesDisk(line)) out.push_back(cronFinding(path, n, raw, "cron-disk"));
    if (restartsGateway(line)) out.push_back(cronFinding(path, n, raw, "cron-watchdog"));
  }
  if (out.size() > kMaxFindingsPerFile) out.resize(kMaxFindingsPerFile);
  return out;
}

std::optional<Finding> revivePathUnitFinding(const std::string& unit, const std::string& fileState,
                                             const std::string& activeState) {
  if (fileState.starts_with("masked")) return std::nullopt;
  const std::string service = unit.substr(0, unit.size() - std::string_view(".path").size());
  return Finding{
      "revive-path-unit", unit,
      "UnitFileState=" + fileState + ", ActiveState=" + (activeState.empty() ? "-" : activeState),
      "flag-watcher: the path unit reacts to the same revive flag, so the bot is restarted "
      "twice, once outside flag-watcher's budget and log",
      "systemctl disable --now " + unit + "; then rm /etc/systemd/system/" + unit +
          " /etc/systemd/system/" + service + ".service and systemctl daemon-reload"};
}

std::optional<Finding> liveRestoreFinding(const LiveRestoreInput& in, std::string& note) {
  if (in.info) {
    if (in.version && isPodman(*in.version)) {
      note = "the engine is Podman: its containers do not depend on the API service";
      return std::nullopt;
    }
    const auto on = in.info->find("LiveRestoreEnabled");
    if (on != in.info->end() && on->is_boolean() && on->get<bool>()) {
      note = "Docker: live-restore is on";
      return std::nullopt;
    }
    return liveRestoreOff("the Docker engine (GET /info)", "LiveRestoreEnabled is not true");
  }
  if (!in.dockerInstalled) {
    note = "no Docker engine answered and /etc/docker does not exist: nothing to check";
    return std::nullopt;
  }
  if (!in.daemonJson) {
    return liveRestoreOff("/etc/docker/daemon.json", "the file does not exist");
  }
  const auto doc = nlohmann::json::parse(*in.daemonJson, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return liveRestoreOff("/etc/docker/daemon.json", "not a JSON object: Docker cannot read it");
  }
  const auto on = doc.find("live-restore");
  if (on != doc.end() && on->is_boolean() && on->get<bool>()) {
    note = "/etc/docker/daemon.json sets live-restore (the engine did not answer to confirm it)";
    return std::nullopt;
  }
  return liveRestoreOff("/etc/docker/daemon.json", "no \"live-restore\": true");
}

}  // namespace openclaw::agentctl
