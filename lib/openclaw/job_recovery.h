// Marks jobs interrupted by a gateway crash as failed, so the job runner retries them.
//
// The gateway's job runner keeps one JSON document per job in a folder.  A job whose
// top-level `phase_status` is "running" while the gateway is down was interrupted: it gets
// `"phase_status": "failed"` and a `recovery` object saying when, why and by whom, written
// back atomically (temporary file beside it, fsync, rename, fsync of the folder) with the
// original owner and permission bits.  Every other entry is left exactly as it is.
//
// The folder may be writable by a bot container, so every entry is treated as hostile:
// everything goes through the folder's descriptor, symlinks are never followed, only
// regular files are opened (never waiting on a FIFO), reads stop at a bound (4 MiB, 64
// levels, 10 000 keys: reading is linear in the size), and the folder is not descended
// into.  A second run over the same folder changes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace openclaw {

// Job documents are a few kilobytes; a file past this is not read at all.
inline constexpr std::size_t kMaxJobFileBytes = 4u << 20;

// One folder entry and why it was left alone, or why it could not be handled.
struct JobFileNote {
  std::string file;    // the entry's name in the folder; empty for the folder itself
  std::string reason;  // e.g. "a symlink; not followed", "not valid JSON"
};

struct JobRecoveryReport {
  bool folderMissing = false;          // the folder does not exist: nothing to recover
  std::vector<std::string> recovered;  // rewritten from "running" to "failed"
  std::vector<std::string> untouched;  // jobs in any other phase, and names not ending in .json
  std::vector<JobFileNote> skipped;    // *.json entries that are not job documents we may read
  std::vector<JobFileNote> errors;     // could not be read or rewritten; may still be "running"
};

// Recovers every interrupted job directly in `dir`.  `nowUnix` becomes
// `recovery.recovered_at` (UTC, ISO 8601); `reason` becomes `recovery.reason`.  Entries are
// handled in name order.  Never throws for anything found in the folder.
JobRecoveryReport recoverInterruptedJobs(const std::string& dir, std::int64_t nowUnix,
                                         const std::string& reason);

}  // namespace openclaw
