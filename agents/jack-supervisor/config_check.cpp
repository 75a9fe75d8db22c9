#include "config_check.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "openclaw/durable_file.h"
#include "openclaw/json5_reader.h"

namespace openclaw::supervisor {
namespace {

std::vector<RestoreCandidate> matchesNewestFirst(const std::string& pattern,
                                                 const std::string& source) {
  std::vector<RestoreCandidate> out;
  glob_t g{};
  // GLOB_NOCHECK is not set: a pattern that matches nothing yields nothing.
  if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) {
      struct stat st {};
      // lstat: a symlink is listed as itself, never resolved here.
      if (::lstat(g.gl_pathv[i], &st) != 0 || S_ISDIR(st.st_mode)) continue;
      out.push_back({g.gl_pathv[i], source, static_cast<std::int64_t>(st.st_mtime)});
    }
  }
  ::globfree(&g);
  std::sort(out.begin(), out.end(), [](const RestoreCandidate& a, const RestoreCandidate& b) {
    return a.mtime != b.mtime ? a.mtime > b.mtime : a.path > b.path;
  });
  return out;
}

bool isKeptBrokenCopy(const std::string& path, const std::string& liveConfig) {
  return path.starts_with(liveConfig + ".broken-");
}

}  // namespace

ConfigVerdict checkConfigText(std::string_view text, const std::vector<std::string>& required) {
  // OpenClaw reads JSON5: anything it accepts must parse here, or a valid hand-edited
  // config would be "repaired" away.
  auto doc = parseJson5(text, Json5Limits{kMaxConfigBytes});
  if (!doc) return {false, doc.error()};
  if (!doc->is_object()) return {false, "is not a JSON object"};
  for (const auto& pointer : required) {
    try {
      if (!doc->contains(nlohmann::json::json_pointer(pointer))) {
        return {false, "lacks " + pointer};
      }
    } catch (const nlohmann::json::exception&) {
      // A pointer through a non-object (e.g. "/gateway/mode" where gateway is a string).
      return {false, "lacks " + pointer};
    }
  }
  return {true, "ok"};
}

Expected<std::string, std::string> readConfigFile(const std::string& path) {
  return readSmallFile(path, kMaxConfigBytes, Symlinks::NoFollow);
}

std::vector<RestoreCandidate> listCandidates(const std::vector<std::string>& backups,
                                             const std::string& liveConfig,
                                             const std::string& snapshotDir) {
  std::vector<RestoreCandidate> all;
  std::set<std::string> seen;
  auto add = [&](std::vector<RestoreCandidate> found) {
    for (auto& c : found) {
      if (c.path == liveConfig || isKeptBrokenCopy(c.path, liveConfig)) continue;
      if (seen.insert(c.path).second) all.push_back(std::move(c));
    }
  };
  // OpenClaw keeps the config of its last good start beside the live one: the newest config
  // known to start, and the one OpenClaw's own start-time check compares against, so a
  // restore of it is never undone by that check.  First, unless `backups` places it.
  const std::string lastGood = liveConfig + kLastGoodSuffix;
  if (std::find(backups.begin(), backups.end(), lastGood) == backups.end()) {
    add(matchesNewestFirst(lastGood, "last-good"));
  }
  for (std::size_t i = 0; i < backups.size(); ++i) {
    add(matchesNewestFirst(backups[i], "backups[" + std::to_string(i) + "]"));
  }
  if (!snapshotDir.empty()) add(matchesNewestFirst(snapshotDir + "/*.json", "snapshot"));
  return all;
}

}  // namespace openclaw::supervisor
