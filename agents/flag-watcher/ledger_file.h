// flag-watcher's persisted ledgers: /var/lib/openclaw-agents/flag-watcher/state.json.
//
// The file is ours (written atomically, in a folder only root can enter), but a reader must
// still survive any damage: a truncated or hand-edited file, a field of the wrong type, a
// number out of range, bytes that are not UTF-8.  Reading never throws: a file that does not
// parse is "no state"; an entry that is not an object is skipped; a field that is not what
// it should be is left at its default (no history, no requester, no start stamp, which makes
// an interrupted restart be issued again rather than assumed done).  Each such loss is named
// in `problems` for the daemon to log.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "openclaw/durable_file.h"
#include "revive_policy.h"

namespace openclaw::flagwatcher {

struct LedgerRead {
  std::map<std::string, TargetLedger> ledgers;
  std::vector<std::string> problems;  // "targets.jack.restarts[2]: not a time; left out"
};

nlohmann::json toJson(const std::map<std::string, TargetLedger>& ledgers);
LedgerRead readLedgers(const nlohmann::json& doc);
std::map<std::string, TargetLedger> ledgersFromJson(const nlohmann::json& doc);

// The state file's ledgers; a missing file is no state and no problem.
LedgerRead loadLedgers(const StateFile& file);

}  // namespace openclaw::flagwatcher
