// UnitBot's verdicts on config files: the live one when the bot is in trouble, and, ahead of
// any trouble, the live one and the restore candidates (until the first valid one), so that
// a repair finds every verdict it needs already known; and, once the bot is back, which
// config it runs on.
#include <fnmatch.h>

#include "openclaw/durable_file.h"
#include "openclaw/events.h"
#include "openclaw/log.h"
#include "unit_bot.h"

namespace openclaw::supervisor {
namespace {

using std::chrono::milliseconds;

// OpenClaw rotates its backups in several renames: judge once they have settled.
constexpr milliseconds kFilesSettle{500};
// Within the validator's verdict lifetime (ConfigJudge::kVerdictTtl), so a healthy bot's
// candidates stay judged.
constexpr std::chrono::minutes kJudgeAheadEvery{30};

bool hasGlob(const std::string& s) {
  return s.find_first_of("*?[") != std::string::npos;
}

}  // namespace

void UnitBot::judgeLive(Urgency urgency, ConfigJudge::VerdictCallback done) {
  if (config_.config.empty()) return done({true, "no config to check"});
  auto content = readConfigFile(config_.config);
  if (!content) return done({false, config_.config + " " + content.error()});
  judge_->judge(*content, urgency, std::move(done));
}

std::vector<RestoreCandidate> UnitBot::candidates() const {
  return listCandidates(config_.backups, config_.config, snapshots_.folder(),
                        static_cast<std::size_t>(config_.backupsPerPattern))
      .candidates;
}

std::vector<std::string> UnitBot::watchedFolders() const {
  std::vector<std::string> folders;
  auto add = [&](const std::string& path) {
    const std::string folder = splitPath(path).first;
    if (hasGlob(folder)) return;  // a glob in a folder name: seen when a repair lists it
    if (std::find(folders.begin(), folders.end(), folder) == folders.end()) {
      folders.push_back(folder);
    }
  };
  if (config_.config.empty()) return folders;
  add(config_.config);
  for (const auto& pattern : config_.backups) add(pattern);
  return folders;
}

void UnitBot::filesChanged(const std::string& folder, const std::string& name) {
  const std::string path = folder + "/" + name;
  if (path == config_.config) configChanged();
  bool candidate = path == config_.config + kLastGoodSuffix;
  for (const auto& pattern : config_.backups) {
    candidate = candidate || ::fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0;
  }
  if (path == config_.config || candidate) judgeAheadSoon(kFilesSettle);
}

void UnitBot::judgeAheadSoon(milliseconds delay) {
  // Without a validator every verdict is a parse, made when needed.
  if (config_.validator.empty() || config_.config.empty()) return;
  aheadTimer_.expires_after(delay);
  aheadTimer_.async_wait(guarded([this](boost::system::error_code ec) {
    if (!ec) judgeAhead();
  }));
}

void UnitBot::judgeAheadNow() {
  if (auto live = readConfigFile(config_.config)) {
    judge_->judge(*live, Urgency::Background, guarded([this, text = *live](const ConfigVerdict& v) {
      if (v.valid || text == warnedInvalid_) return;
      warnedInvalid_ = text;
      // OpenClaw reads its config only at start: the bot runs on, and its next
      // start fails.
      Log::warning(
          config_.name + "'s config " + config_.config + " is invalid (" + v.reason +
              "); the next start of " + config_.unit + " would fail" +
              (ready_.empty() ? "" : "; " + ready_ + " is ready to restore"),
          {{journal_key::kEvent, event::kConfigInvalid}, {journal_key::kTarget, config_.name}});
    }));
  }
  judge_->judgeCandidates(candidates(), /*stopAtFirstValid=*/true, Urgency::Background,
                          guarded([this](const std::vector<CandidateResult>& results) {
                            const bool found = !results.empty() && results.back().verdict.valid;
                            ready_ = found ? results.back().candidate.path : "";
                            env_.statusChanged();
                          }));
}

void UnitBot::judgeAhead() {
  judge_->cancelBackground();
  if (!configFolderRefused()) judgeAheadNow();
  aheadTimer_.expires_after(kJudgeAheadEvery);
  aheadTimer_.async_wait(guarded([this](boost::system::error_code ec) {
    if (!ec) judgeAhead();
  }));
}

void UnitBot::logRunningConfig() {
  if (config_.config.empty()) return;
  auto live = readConfigFile(config_.config);
  std::string what;
  std::string from = config_.config;
  if (!live) {
    what = "which cannot be read now: " + live.error();
  } else if (installedFrom_.empty()) {
    what = "its own, not restored";
  } else if (*live == installed_) {
    what = "as restored from " + installedFrom_;
    from = installedFrom_;
  } else {
    // Something rewrote it since the restore: the bot itself at start (OpenClaw puts its
    // .bak back over a config it finds suspicious), or a person.
    from = "";
    for (const auto& c : candidates()) {
      auto text = readConfigFile(c.path);
      if (text && *text == *live) {
        from = c.path;
        break;
      }
    }
    what = "rewritten since the restore from " + installedFrom_ +
           (from.empty() ? ", matching no backup" : ", now the content of " + from);
  }
  Log::notice(config_.name + " runs on " + config_.config + ": " + what,
              {{journal_key::kEvent, event::kRunningConfig},
               {journal_key::kTarget, config_.name},
               {journal_key::kRunningConfig, from}});
}

}  // namespace openclaw::supervisor
