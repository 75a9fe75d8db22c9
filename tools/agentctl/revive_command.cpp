#include "revive_command.h"

#include <fcntl.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iostream>

#include "flag_watcher_config.h"
#include "openclaw/daemon.h"
#include "openclaw/events.h"
#include "openclaw/handles.h"

namespace openclaw::agentctl {
namespace {

// A revive includes the bot's own stop and start; a minute covers slow gateways.
constexpr std::uint64_t kAnswerDeadlineUsec = 60'000'000;

std::string field(sd_journal* j, std::string_view name) {
  const void* data = nullptr;
  std::size_t len = 0;
  if (sd_journal_get_data(j, std::string(name).c_str(), &data, &len) < 0) return {};
  const std::string_view all(static_cast<const char*>(data), len);
  return std::string(all.substr(name.size() + 1));
}

std::uint64_t realtimeUsec() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Follows flag-watcher's journal from `since` until an outcome for `target` appears.
int awaitOutcome(const std::string& target, std::uint64_t since) {
  sd_journal* raw = nullptr;
  if (sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY) < 0) {
    std::cerr << "openclaw-agentctl: flag dropped; cannot read the journal to follow it\n";
    return 0;
  }
  std::unique_ptr<sd_journal, decltype(&sd_journal_close)> j(raw, sd_journal_close);
  const std::string ident = "SYSLOG_IDENTIFIER=openclaw-flag-watcher";
  const std::string tgt = std::string(journal_key::kTarget) + "=" + target;
  sd_journal_add_match(j.get(), ident.data(), ident.size());
  sd_journal_add_conjunction(j.get());
  sd_journal_add_match(j.get(), tgt.data(), tgt.size());
  sd_journal_seek_realtime_usec(j.get(), since);
  const std::uint64_t deadline = since + kAnswerDeadlineUsec;
  while (realtimeUsec() < deadline) {
    while (sd_journal_next(j.get()) > 0) {
      const std::string seen = field(j.get(), journal_key::kEvent);
      if (seen != event::kRevive && seen != event::kReviveCoalesced &&
          seen != event::kReviveRefused) {
        continue;
      }
      std::cout << field(j.get(), "MESSAGE") << "\n";
      const bool done =
          seen == event::kRevive && field(j.get(), journal_key::kResult) == revive_result::kDone;
      return done || seen == event::kReviveCoalesced ? 0 : 1;
    }
    sd_journal_wait(j.get(), 500000);
  }
  std::cerr << "openclaw-agentctl: no answer from openclaw-flag-watcher within 60 s "
               "(systemctl status openclaw-flag-watcher)\n";
  return 1;
}

}  // namespace

int reviveCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::cerr << "usage: openclaw-agentctl revive TARGET\n";
    return 2;
  }
  const std::string& target = args[0];
  const std::string path = defaultConfigPath("flag-watcher");
  auto config = flagwatcher::loadFlagWatcherConfig(path);
  if (!config) {
    std::cerr << formatIssues(config.error());
    return 1;
  }
  for (const auto& dir : config->directories) {
    if (std::find(dir.allow.begin(), dir.allow.end(), target) == dir.allow.end()) continue;
    UniqueFd folder(::open(dir.path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!folder) {
      std::cerr << "openclaw-agentctl: cannot open " << dir.path << ": " << std::strerror(errno)
                << "\n";
      continue;
    }
    const std::uint64_t since = realtimeUsec();
    const std::string name = "revive-" + target + ".flag";
    // O_NOFOLLOW: whatever a container left under that name, we never write through it.
    UniqueFd flag(::openat(folder.get(), name.c_str(),
                           O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600));
    if (!flag) {
      std::cerr << "openclaw-agentctl: cannot create " << dir.path << "/" << name << ": "
                << std::strerror(errno) << "\n";
      return 1;
    }
    std::cout << "requested: " << dir.path << "/" << name << "\n";
    return awaitOutcome(target, since);
  }
  std::cerr << "openclaw-agentctl: no flag folder in " << path << " allows target '" << target
            << "'\n";
  return 1;
}

}  // namespace openclaw::agentctl
