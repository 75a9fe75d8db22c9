// What `openclaw-agentctl doctor` looks for: what a host's manual set-up (the seeds' cron
// jobs, path units and Docker settings) left behind that now works against the agents, and
// what to do about it.  Pure: each check judges text or state it is given; the command
// reads the files and asks systemd and Docker.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openclaw::agentctl {

struct Finding {
  std::string kind;    // cron-acl, cron-disk, cron-watchdog, revive-path-unit, docker-live-restore
  std::string where;   // "FILE:LINE", a unit, or the Docker engine
  std::string found;   // what is there, quoted from it (printable, shortened)
  std::string fights;  // which agent it works against, and how
  std::string fix;     // what to do; a command where one does it

  nlohmann::json toJson() const;
};

// Findings in one cron file (a crontab, a file of /etc/cron.d, or a script of
// /etc/cron.daily and its siblings): lines that set ACLs, prune disks or restart the gateway
// by hand.  Comments and blank lines are skipped; at most kMaxFindingsPerFile come back.
inline constexpr std::size_t kMaxFindingsPerFile = 20;
std::vector<Finding> cronFindings(const std::string& path, std::string_view text);

// A seeds' `openclaw-revive-*.path` unit: a finding unless it is masked.  `fileState` is
// systemd's UnitFileState (enabled, disabled, masked, ...), `activeState` its ActiveState
// ("" when not loaded).
std::optional<Finding> revivePathUnitFinding(const std::string& unit, const std::string& fileState,
                                             const std::string& activeState);

// Docker's live-restore, from the engine's GET /info (when it answered) or else from
// /etc/docker/daemon.json's text.  nullopt: nothing to fix, `note` says why.
struct LiveRestoreInput {
  std::optional<nlohmann::json> info;     // GET /info's body, when the engine answered
  std::optional<nlohmann::json> version;  // GET /version's body, when the engine answered
  bool dockerInstalled = false;           // /etc/docker exists
  std::optional<std::string> daemonJson;  // /etc/docker/daemon.json's text, when it exists
};
std::optional<Finding> liveRestoreFinding(const LiveRestoreInput& in, std::string& note);

// `text` as one printable line of at most `max` bytes, for quoting a file in a report.
std::string printableQuote(std::string_view text, std::size_t max = 160);

}  // namespace openclaw::agentctl
