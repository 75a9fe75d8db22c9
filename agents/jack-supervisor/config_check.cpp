#include "config_check.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <set>

#include "openclaw/durable_file.h"
#include "openclaw/json5_reader.h"
#include "openclaw/safe_path.h"

namespace openclaw::supervisor {
namespace {

// Newest first; on equal times the greater name first, so the order is stable.
bool newerFirst(const RestoreCandidate& a, const RestoreCandidate& b) {
  return a.mtime != b.mtime ? a.mtime > b.mtime : a.path > b.path;
}

// The regular files `pattern` matches (wildcards in its last component only), the newest
// `limit` of them.  A folder a bot can write may hold any number of names: they are read
// one at a time and only the newest `limit` are kept, so 60 000 names cost 60 000 lstat
// calls and no more memory than `limit` candidates.
void addMatches(const std::string& pattern, const std::string& source, std::size_t limit,
                CandidateList& out) {
  const auto [folder, namePattern] = splitPath(pattern);
  std::vector<RestoreCandidate> kept;  // a heap: the oldest kept on top
  auto olderOnTop = [](const RestoreCandidate& a, const RestoreCandidate& b) {
    return newerFirst(a, b);
  };
  struct CloseDir {
    void operator()(DIR* d) const { ::closedir(d); }
  };
  // The folder is reached through folders only: a bot that swaps a parent for a symlink
  // does not get another tree's files judged and restored as its own.
  auto folderFd = openFolderPath(folder);
  if (!folderFd) {
    if (folderFd.error().problem != PathProblem::Missing) {
      out.refused.push_back(folderFd.error().message());
    }
    return;
  }
  std::unique_ptr<DIR, CloseDir> dir(::fdopendir(folderFd->get()));
  if (!dir) return;
  (void)folderFd->release();  // the DIR owns it now
  while (const dirent* e = ::readdir(dir.get())) {
    const std::string name = e->d_name;
    if (name == "." || name == ".." || ::fnmatch(namePattern.c_str(), name.c_str(), 0) != 0) {
      continue;
    }
    struct stat st {};
    // lstat, relative to nothing a bot could swap mid-walk: the name is never followed.
    if (::fstatat(::dirfd(dir.get()), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(st.st_mode)) {
      ++out.notRegular;
      continue;
    }
    RestoreCandidate c{folder == "/" ? "/" + name : folder + "/" + name, source,
                       static_cast<std::int64_t>(st.st_mtime)};
    if (kept.size() == limit) {
      if (limit == 0 || !newerFirst(c, kept.front())) {
        ++out.overLimit;
        continue;
      }
      std::pop_heap(kept.begin(), kept.end(), olderOnTop);
      kept.pop_back();
      ++out.overLimit;
    }
    kept.push_back(std::move(c));
    std::push_heap(kept.begin(), kept.end(), olderOnTop);
  }
  std::sort(kept.begin(), kept.end(), newerFirst);
  for (auto& k : kept) out.candidates.push_back(std::move(k));
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
  return readSmallFile(path, kMaxConfigBytes, Symlinks::NoneInPath);
}

bool isCandidatePattern(std::string_view pattern) {
  const std::size_t slash = pattern.rfind('/');
  return slash != std::string_view::npos && slash + 1 < pattern.size() &&
         pattern.substr(0, slash).find_first_of("*?[") == std::string_view::npos;
}

CandidateList listCandidates(const std::vector<std::string>& backups, const std::string& liveConfig,
                             const std::string& snapshotDir, std::size_t perPattern) {
  CandidateList all;
  std::set<std::string> seen;
  auto add = [&](const std::string& pattern, const std::string& source) {
    CandidateList found;
    addMatches(pattern, source, perPattern, found);
    all.notRegular += found.notRegular;
    all.overLimit += found.overLimit;
    for (auto& r : found.refused) {
      if (std::find(all.refused.begin(), all.refused.end(), r) == all.refused.end()) {
        all.refused.push_back(std::move(r));
      }
    }
    for (auto& c : found.candidates) {
      if (c.path == liveConfig || isKeptBrokenCopy(c.path, liveConfig)) continue;
      if (seen.insert(c.path).second) all.candidates.push_back(std::move(c));
    }
  };
  // OpenClaw keeps the config of its last good start beside the live one: the newest config
  // known to start, and the one OpenClaw's own start-time check compares against, so a
  // restore of it is never undone by that check.  First, unless `backups` places it.
  const std::string lastGood = liveConfig + kLastGoodSuffix;
  if (std::find(backups.begin(), backups.end(), lastGood) == backups.end()) {
    add(lastGood, "last-good");
  }
  for (std::size_t i = 0; i < backups.size(); ++i) {
    add(backups[i], "backups[" + std::to_string(i) + "]");
  }
  if (!snapshotDir.empty()) add(snapshotDir + "/*.json", "snapshot");
  return all;
}

std::string CandidateList::skipped() const {
  std::string s;
  for (const auto& r : refused) s += (s.empty() ? "" : "; ") + r;
  if (notRegular != 0) {
    s += (s.empty() ? "" : " and ") + std::to_string(notRegular) +
         " name(s) that are not regular files";
  }
  if (overLimit != 0) {
    s += (s.empty() ? "" : " and ") + std::to_string(overLimit) + " older file(s) past the limit";
  }
  return s;
}

}  // namespace openclaw::supervisor
