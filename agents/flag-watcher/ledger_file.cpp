#include "ledger_file.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace openclaw::flagwatcher {
namespace {

using nlohmann::json;

// A damaged file could name a problem per byte; the first few say what happened.
constexpr std::size_t kMaxProblems = 20;

class Problems {
 public:
  explicit Problems(std::vector<std::string>& out) : out_(out) {}
  ~Problems() {
    if (dropped_ > 0) out_.push_back("and " + std::to_string(dropped_) + " more");
  }
  Problems(const Problems&) = delete;
  Problems& operator=(const Problems&) = delete;
  void add(const std::string& where, const std::string& what) {
    if (out_.size() < kMaxProblems) {
      out_.push_back(where + ": " + what);
    } else {
      ++dropped_;
    }
  }

 private:
  std::vector<std::string>& out_;
  std::size_t dropped_ = 0;
};

// Typed reads that never throw: nlohmann's value() and get<>() throw on a wrong type, and
// get<unsigned>() of a negative number silently wraps.
std::optional<std::int64_t> asSeconds(const json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return {};
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return {};
}

std::optional<std::uint64_t> asStamp(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(v.get<std::int64_t>());
  }
  return {};
}

std::optional<std::uint32_t> asUid(const json& v) {
  const auto n = asStamp(v);
  if (!n || *n > std::numeric_limits<std::uint32_t>::max()) return {};
  return static_cast<std::uint32_t>(*n);
}

const json* member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

void readRestarts(const json& j, const std::string& where, TargetLedger& l, Problems& problems) {
  const json* list = member(j, "restarts");
  if (list == nullptr) return;
  if (!list->is_array()) return problems.add(where + ".restarts", "not a list; no history");
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (auto t = asSeconds((*list)[i])) {
      l.restarts.push_back(*t);
    } else {
      problems.add(where + ".restarts[" + std::to_string(i) + "]", "not a time; left out");
    }
  }
  // RevivePolicy forgets from the front: the list must be oldest first, whatever the file says.
  std::sort(l.restarts.begin(), l.restarts.end());
}

void readRequester(const json& j, const std::string& where, TargetLedger& l, Problems& problems) {
  const json* by = member(j, "requested_by");
  if (by == nullptr) return;
  if (!by->is_object()) return problems.add(where + ".requested_by", "not an object; left out");
  if (const json* folder = member(*by, "folder"); folder && folder->is_string()) {
    l.requester.folder = folder->get<std::string>();
  } else if (folder) {
    problems.add(where + ".requested_by.folder", "not a string; left out");
  }
  if (const json* uid = member(*by, "uid"); uid && asUid(*uid)) {
    l.requester.uid = *asUid(*uid);
  } else if (uid) {
    problems.add(where + ".requested_by.uid", "not a uid; left out");
  }
}

void readInFlight(const json& j, const std::string& where, TargetLedger& l, Problems& problems) {
  const json* since = member(j, "in_flight_since");
  if (since == nullptr) return;
  const auto t = asSeconds(*since);
  if (!t) return problems.add(where + ".in_flight_since", "not a time; nothing in flight");
  l.inFlightSince = *t;
  // Without a mark or a boot, the restart cannot be proven done: it is issued again.
  const json* began = member(j, "began_usec");
  const json* stamp = member(j, "start_stamp_before");  // older versions' mark
  if (began && asStamp(*began)) {
    l.beganUsec = *asStamp(*began);
  } else if (stamp && asStamp(*stamp)) {
    l.startStampBefore = *asStamp(*stamp);
  } else {
    problems.add(where + (stamp && !began ? ".start_stamp_before" : ".began_usec"),
                 "missing or not a stamp; the restart is redone");
  }
  if (const json* counted = member(j, "counted_at"); counted && asSeconds(*counted)) {
    l.countedAt = *asSeconds(*counted);
  } else if (counted) {
    problems.add(where + ".counted_at", "not a time; left out");
  }
  if (const json* boot = member(j, "boot_id"); boot && boot->is_string()) {
    l.bootId = boot->get<std::string>();
  } else {
    problems.add(where + ".boot_id", "missing or not a string; the restart is redone");
  }
}

}  // namespace

nlohmann::json toJson(const std::map<std::string, TargetLedger>& ledgers, LedgerPart part) {
  const bool history = part != LedgerPart::InFlight;
  const bool inFlight = part != LedgerPart::History;
  json doc = json::object();
  for (const auto& [name, l] : ledgers) {
    json j = json::object();
    if (history) j["restarts"] = l.restarts;
    if (inFlight && l.pendingSince) {
      j["pending_since"] = *l.pendingSince;
      j["requested_by"] = {{"folder", l.requester.folder}, {"uid", l.requester.uid}};
    }
    if (inFlight && l.inFlightSince) {
      j["in_flight_since"] = *l.inFlightSince;
      j["boot_id"] = l.bootId;
      if (l.beganUsec != 0) j["began_usec"] = l.beganUsec;
      if (l.startStampBefore != 0) j["start_stamp_before"] = l.startStampBefore;
      if (l.countedAt) j["counted_at"] = *l.countedAt;
    }
    if (!j.empty()) doc[name] = j;
  }
  return {{"version", 1}, {"targets", doc}};
}

bool mergeInFlight(std::map<std::string, TargetLedger>& history,
                   const std::map<std::string, TargetLedger>& inFlight) {
  bool gained = false;
  for (const auto& [name, f] : inFlight) {
    if (!f.inFlightSince && !f.pendingSince) continue;
    // The history's restarts, everything else from the record (which holds no restarts).
    TargetLedger& l = history[name];
    std::deque<Seconds> restarts = std::move(l.restarts);
    l = f;
    l.restarts = std::move(restarts);
    if (f.countedAt &&
        std::find(l.restarts.begin(), l.restarts.end(), *f.countedAt) == l.restarts.end()) {
      l.restarts.insert(std::upper_bound(l.restarts.begin(), l.restarts.end(), *f.countedAt),
                        *f.countedAt);
      gained = true;
    }
  }
  return gained;
}

void clearInFlight(TargetLedger& ledger) {
  ledger.pendingSince.reset();
  ledger.inFlightSince.reset();
  ledger.beganUsec = 0;
  ledger.startStampBefore = 0;
  ledger.countedAt.reset();
}

LedgerRead readLedgers(const nlohmann::json& doc) {
  LedgerRead out;
  Problems problems(out.problems);
  const json* targets = doc.is_object() ? member(doc, "targets") : nullptr;
  if (targets == nullptr || !targets->is_object()) {
    problems.add("targets", "missing or not an object; no history");
    return out;
  }
  for (const auto& [name, j] : targets->items()) {
    const std::string where = "targets." + name;
    if (!j.is_object()) {
      problems.add(where, "not an object; skipped");
      continue;
    }
    TargetLedger l;
    readRestarts(j, where, l, problems);
    if (const json* pending = member(j, "pending_since"); pending && asSeconds(*pending)) {
      l.pendingSince = *asSeconds(*pending);
      readRequester(j, where, l, problems);
    } else if (pending) {
      problems.add(where + ".pending_since", "not a time; nothing pending");
    }
    readInFlight(j, where, l, problems);
    out.ledgers[name] = std::move(l);
  }
  return out;
}

std::map<std::string, TargetLedger> ledgersFromJson(const nlohmann::json& doc) {
  return readLedgers(doc).ledgers;
}

LedgerRead loadLedgers(const StateFile& file) {
  auto doc = file.load();
  if (!doc) return {{}, {doc.error() + "; starting with no history"}};
  // A file that does not exist yet loads as an empty object: a first start, not a problem.
  if (doc->empty()) return {};
  return readLedgers(*doc);
}

}  // namespace openclaw::flagwatcher
