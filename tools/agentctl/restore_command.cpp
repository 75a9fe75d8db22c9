#include "restore_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "config_install.h"
#include "config_judge.h"
#include "openclaw/daemon.h"
#include "openclaw/durable_file.h"
#include "openclaw/systemd_manager_sdbus.h"
#include "openclaw/time_text.h"
#include "supervisor_config.h"

namespace openclaw::agentctl {
namespace {

using supervisor::CandidateResult;
using supervisor::ConfigVerdict;

constexpr int kExitUsage = 2;
constexpr int kExitNothingValid = 1;
// Each validator run is bounded by the judge's own timeout; this bounds the whole list.
constexpr auto kJudgeAllWithin = std::chrono::minutes(10);

std::string when(std::int64_t t) {
  return formatTime(t, "%Y-%m-%d %H:%M:%S", Zone::Local);
}

struct RestoreArgs {
  std::string bot;
  bool dryRun = false;
  bool force = false;
};

bool parse(const std::vector<std::string>& args, RestoreArgs& out) {
  for (const auto& a : args) {
    if (a == "--dry-run") {
      out.dryRun = true;
    } else if (a == "--force") {
      out.force = true;
    } else if (!a.empty() && a[0] != '-' && out.bot.empty()) {
      out.bot = a;
    } else {
      return false;
    }
  }
  return !out.bot.empty();
}

// A private folder for the copies the validator reads; removed on return.
struct ScratchDir {
  std::string path;
  ScratchDir() {
    char templ[] = "/tmp/openclaw-restore.XXXXXX";
    if (::mkdtemp(templ)) path = templ;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

// The owner and mode the supervisor saw the bot's config with while it was healthy.
std::optional<supervisor::ConfigAttrs> healthyAttrs(const std::string& bot) {
  auto state = StateFile(stateDirectory("jack-supervisor") + "/state.json").load();
  if (!state) return std::nullopt;
  const auto ledgers = supervisor::ledgersFromJson(*state);
  const auto it = ledgers.find(bot);
  return it == ledgers.end() ? std::nullopt : it->second.healthyConfig;
}

// The live config's verdict, as the supervisor would give it.
ConfigVerdict judgeLive(boost::asio::io_context& io, supervisor::ConfigJudge& judge,
                        const std::string& path) {
  auto text = supervisor::readConfigFile(path);
  if (!text) return {false, text.error()};
  ConfigVerdict live{false, "not judged"};
  bool judged = false;
  judge.judge(*text, supervisor::Urgency::Now, [&](const ConfigVerdict& v) {
    live = v;
    judged = true;
  });
  runUntil(
      io, [&] { return judged; }, kJudgeAllWithin);
  return live;
}

// Every candidate judged, in the order the supervisor tries them.
std::vector<CandidateResult> judgeCandidates(boost::asio::io_context& io,
                                             supervisor::ConfigJudge& judge,
                                             const supervisor::BotConfig& bot) {
  const std::string snapshots = stateDirectory("jack-supervisor") + "/snapshots/" + bot.name;
  const auto listed = supervisor::listCandidates(bot.backups, bot.config, snapshots,
                                                 static_cast<std::size_t>(bot.backupsPerPattern));
  if (!listed.skipped().empty()) std::cout << "skipped: " << listed.skipped() << "\n";
  std::vector<CandidateResult> results;
  bool done = false;
  judge.judgeCandidates(listed.candidates, /*stopAtFirstValid=*/false, supervisor::Urgency::Now,
                        [&](const std::vector<CandidateResult>& r) {
                          results = r;
                          done = true;
                        });
  runUntil(
      io, [&] { return done; }, kJudgeAllWithin);
  return results;
}

// Lists the candidates; the first valid one is what a restore installs.
const CandidateResult* listAndChoose(const std::vector<CandidateResult>& results) {
  const CandidateResult* chosen = nullptr;
  std::cout << results.size() << " candidate(s), in the order the supervisor tries them:\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    if (r.verdict.valid && !chosen) chosen = &r;
    std::cout << "  " << i + 1 << ". " << r.candidate.path << " [" << r.candidate.source << ", "
              << when(r.candidate.mtime)
              << "]: " << (r.verdict.valid ? "valid" : "invalid: " + r.verdict.reason)
              << (chosen == &r ? "  <- would be restored" : "") << "\n";
  }
  return chosen;
}

int install(const supervisor::BotConfig& bot, const CandidateResult& chosen) {
  auto kept = supervisor::installConfig(bot.config, chosen.content, systemClock().wallSeconds(),
                                        healthyAttrs(bot.name));
  if (!kept) {
    std::cerr << "openclaw-agentctl: restore failed: " << kept.error() << "\n";
    return kExitNothingValid;
  }
  std::cout << "restored " << bot.config << " from " << chosen.candidate.path
            << (kept->empty() ? std::string() : "; the old config is kept as " + *kept) << "\n"
            << "openclaw-jack-supervisor sees the change and restarts " << bot.name
            << " if it had given up on it; otherwise: systemctl "
            << (bot.scope.isSystem() ? "" : "--user -M " + bot.scope.user + "@ ") << "restart "
            << bot.unit << "\n";
  return 0;
}

}  // namespace

int restoreCommand(const std::vector<std::string>& args) {
  RestoreArgs a;
  if (!parse(args, a)) {
    std::cerr << "usage: openclaw-agentctl restore BOT [--dry-run] [--force]\n";
    return kExitUsage;
  }
  const std::string configPath = defaultConfigPath("jack-supervisor");
  auto config = supervisor::loadSupervisorConfig(configPath);
  if (!config) {
    std::cerr << formatIssues(config.error());
    return kExitUsage;
  }
  const supervisor::BotConfig* bot = nullptr;
  for (const auto& b : config->bots) bot = b.name == a.bot ? &b : bot;
  if (!bot || bot->config.empty()) {
    std::cerr << "openclaw-agentctl: " << configPath << " has no bot '" << a.bot
              << "' with a config file\n";
    return kExitUsage;
  }
  ScratchDir scratch;
  boost::asio::io_context io;
  auto judge = std::make_shared<supervisor::ConfigJudge>(
      io, supervisor::JudgeRules{bot->required, bot->validator, scratch.path});
  const ConfigVerdict live = judgeLive(io, *judge, bot->config);
  std::cout << "live config " << bot->config << ": " << (live.valid ? "valid" : "INVALID") << " ("
            << live.reason << ")\n";
  const auto results = judgeCandidates(io, *judge, *bot);
  const CandidateResult* chosen = listAndChoose(results);
  if (!chosen) {
    std::cout << "no valid candidate: fix " << bot->config << " by hand\n";
    return kExitNothingValid;
  }
  if (a.dryRun) return 0;
  if (live.valid && !a.force) {
    std::cout << "the live config is valid: nothing restored (--force replaces it anyway)\n";
    return 0;
  }
  return install(*bot, *chosen);
}

}  // namespace openclaw::agentctl
