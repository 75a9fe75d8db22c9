// Which boot this is, for telling after a crash whether a start stamp can be compared.
//
// The unit runs with ProcSubset=pid, which hides /proc/sys and with it the kernel's boot id
// (/proc/sys/kernel/random/boot_id reads as nothing).  Instead, the first start of each boot
// writes a random token into the daemon's runtime folder (RuntimeDirectory=, kept across
// daemon restarts by RuntimeDirectoryPreserve=yes); /run is a tmpfs, so the token is gone at
// the next boot and the first start then writes a new one.  Two starts in one boot read the
// same token; starts in two boots never do.  The token is 32 lowercase hex digits; anything
// else in the file (a crash mid-write cannot leave that: it is written atomically) is
// replaced, which only makes an interrupted restart be redone.
#pragma once

#include <string>
#include <string_view>

#include "openclaw/result.h"

namespace openclaw::flagwatcher {

// $RUNTIME_DIRECTORY when systemd set it, else /run/openclaw-agents/flag-watcher.
std::string runtimeDirectory();

// This boot's token, creating the folder and the token when missing.  An error is a sentence
// ("cannot create /run/...: Read-only file system"); the caller then runs with no token.
Expected<std::string, std::string> bootToken(const std::string& runtimeDir);

bool isBootToken(std::string_view text);

}  // namespace openclaw::flagwatcher
