// Is a bot's config good enough to start the bot with, and which backups could replace it.
//
// A config is judged on its *content*, read once, bounded and without following a symlink
// (the folder is shared with a bot container, so any name there may be an adversary's):
// it must parse as JSON5 (OpenClaw's format: comments, trailing commas, unquoted keys,
// single quotes, ...), and every `required` JSON pointer must exist.  The optional
// validator command then runs on a private copy of that same content, so what was
// validated is exactly what gets installed.
// `listCandidates` gives the restore order: OpenClaw's own `<config>.last-good` (unless
// `backups` names it, then where it stands there), each `backups` entry in turn (a glob's
// matches newest first), then the supervisor's own last-known-good snapshots, newest first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "openclaw/result.h"

namespace openclaw::supervisor {

// Bot configs are a few KiB; anything near this is not a config.
inline constexpr std::size_t kMaxConfigBytes = 4u << 20;

struct ConfigVerdict {
  bool valid = false;
  std::string reason;  // "ok", "lacks /gateway/mode", "not valid JSON5 at line 3, column 7: ..."
};

ConfigVerdict checkConfigText(std::string_view text, const std::vector<std::string>& required);

// The file's content, refusing symlinks, FIFOs, devices and oversized files.
Expected<std::string, std::string> readConfigFile(const std::string& path);

// What OpenClaw calls the config of its last good start: `<config>.last-good`.
inline constexpr const char* kLastGoodSuffix = ".last-good";

struct RestoreCandidate {
  std::string path;
  std::string source;  // "backups[1]" or "snapshot"
  std::int64_t mtime = 0;
};

// A pattern names a folder and, in its last component only, a file name with wildcards.
bool isCandidatePattern(std::string_view pattern);

// How many candidates one pattern may give: the newest this many regular files.  OpenClaw
// keeps five backups; an operator's folder of dated copies needs no more than the newest.
inline constexpr std::size_t kDefaultCandidatesPerPattern = 20;

struct CandidateList {
  std::vector<RestoreCandidate> candidates;
  std::size_t notRegular = 0;  // symlinks, FIFOs, folders ...: never candidates
  std::size_t overLimit = 0;   // regular files older than the newest `perPattern`
  // Folders not listed because a component of their path is a symlink, not a folder, ...:
  // "/srv/bot is a symlink: not followed", each once.  (A missing folder is no refusal.)
  std::vector<std::string> refused;
  // "" or "60000 name(s) that are not regular files and 3 older file(s) past the limit"
  std::string skipped() const;
};

// The regular files the patterns match, in restore order, excluding the live config and
// kept broken copies; each path once.  Names are never followed.
CandidateList listCandidates(const std::vector<std::string>& backups, const std::string& liveConfig,
                             const std::string& snapshotDir,
                             std::size_t perPattern = kDefaultCandidatesPerPattern);

}  // namespace openclaw::supervisor
