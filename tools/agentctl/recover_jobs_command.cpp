#include "recover_jobs_command.h"

#include <chrono>
#include <iostream>
#include <optional>

#include "openclaw/job_recovery.h"

namespace openclaw::agentctl {
namespace {

constexpr int kExitUsage = 2;
constexpr const char* kUsage = "usage: openclaw-agentctl recover-jobs DIR [--reason TEXT]\n";
constexpr const char* kDefaultReason = "the gateway stopped while the job was running";

struct RecoverJobsArgs {
  std::string dir;
  std::string reason = kDefaultReason;
};

std::optional<RecoverJobsArgs> parseArgs(const std::vector<std::string>& args) {
  RecoverJobsArgs parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--reason") {
      if (i + 1 == args.size() || args[i + 1].empty()) return std::nullopt;
      parsed.reason = args[++i];
    } else if (args[i].starts_with("-") || args[i].empty() || !parsed.dir.empty()) {
      return std::nullopt;
    } else {
      parsed.dir = args[i];
    }
  }
  if (parsed.dir.empty()) return std::nullopt;
  return parsed;
}

// Names come from a folder a bot may write: a newline in one must not forge a journal line.
std::string printable(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = '?';
  }
  return out;
}

std::string where(const std::string& dir, const std::string& file) {
  return file.empty() ? dir : dir + "/" + printable(file);
}

}  // namespace

int recoverJobsCommand(const std::vector<std::string>& args) {
  const auto parsed = parseArgs(args);
  if (!parsed) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const JobRecoveryReport report = recoverInterruptedJobs(parsed->dir, now, parsed->reason);
  if (report.folderMissing) {
    std::cout << "recover-jobs: " << parsed->dir << " does not exist; nothing to recover\n";
    return 0;
  }
  for (const auto& file : report.recovered) {
    std::cout << "recovered " << printable(file) << ": running -> failed\n";
  }
  for (const auto& note : report.skipped) {
    std::cout << "skipped " << printable(note.file) << ": " << note.reason << "\n";
  }
  for (const auto& note : report.errors) {
    std::cerr << "openclaw-agentctl: recover-jobs: " << where(parsed->dir, note.file) << ": "
              << note.reason << "\n";
  }
  std::cout << "recover-jobs: " << report.recovered.size() << " recovered, "
            << report.untouched.size() + report.skipped.size() << " untouched, "
            << report.errors.size() << " errors in " << parsed->dir << "\n";
  return report.errors.empty() ? 0 : 1;
}

}  // namespace openclaw::agentctl
