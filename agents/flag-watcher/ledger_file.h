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

// The ledgers live in two files.  The history (restarts of the last hour, the budget) must
// survive a power cut: /var/lib/openclaw-agents/flag-watcher/state.json, fsync'd, written
// once a restart is on its way.  The restart in flight only needs to survive a kill -9 of
// the daemon: /run/openclaw-agents/flag-watcher/in-flight.json, written before the restart
// is issued, with no fsync on the flag's path.  A reader takes whatever fields a file has,
// so a state.json with a restart in flight from an older version is still resumed.
enum class LedgerPart { All, History, InFlight };
nlohmann::json toJson(const std::map<std::string, TargetLedger>& ledgers,
                      LedgerPart part = LedgerPart::All);
LedgerRead readLedgers(const nlohmann::json& doc);
std::map<std::string, TargetLedger> ledgersFromJson(const nlohmann::json& doc);

// The state file's ledgers; a missing file is no state and no problem.
LedgerRead loadLedgers(const StateFile& file);

// Lays the in-flight records read from the runtime file over the history: each target's
// restart in flight, requester and marks, and its budget entry when the history lacks it
// (the daemon died between the two writes).  True when the history gained an entry.
bool mergeInFlight(std::map<std::string, TargetLedger>& history,
                   const std::map<std::string, TargetLedger>& inFlight);

// Forgets the restart in flight of `ledger` (it finished, or was found done).
void clearInFlight(TargetLedger& ledger);

}  // namespace openclaw::flagwatcher
