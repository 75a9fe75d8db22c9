#include "supervisor_service.h"

#include <sys/stat.h>

#include <set>

#include "openclaw/events.h"
#include "openclaw/log.h"
#include "openclaw/safe_path.h"

namespace openclaw::supervisor {
namespace {

// A config is written (closed after writing) or renamed into place; both end an edit.
// Added through /proc/self/fd/N, which must be followed: no IN_DONT_FOLLOW.
constexpr std::uint32_t kConfigFolderEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR;
// A pause written (renamed into place), or removed.  A root-owned folder: followed as named.
constexpr std::uint32_t kPauseFolderEvents =
    IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_ONLYDIR | IN_DONT_FOLLOW;

}  // namespace

SupervisorService::SupervisorService(DaemonContext& ctx)
    : ctx_(ctx),
      alerter_(ctx.io, "jack-supervisor", ctx.stateDir),
      report_(ctx.io, "jack-supervisor", ctx.stateDir),
      state_(ctx.stateDir + "/state.json"),
      heartbeat_(
          ctx.io, [this] { return everyBotHealthy(); },
          [this] { ctx_.notifier.status(status()); }) {
  publishOutboxDepth(report_, alerter_);
}

SupervisorService::~SupervisorService() = default;

void SupervisorService::start(const SupervisorConfig& config) {
  // The ledgers, the managers and the watch are made once; the bots as at every reload.
  startOnce();
  reload(config);
}

void SupervisorService::reload(const SupervisorConfig& config) {
  config_ = config;
  alerter_.configureChannels(config_.notify, config_.telegram);
  heartbeat_.configure(config_.notify.heartbeat);
  units_.clear();
  containers_.clear();
  env_->dockerSocket = config_.dockerSocket;
  for (const auto& bot : config_.bots) {
    if (!bot.unit.empty()) {
      units_.push_back(std::make_unique<UnitBot>(*env_, bot));
      units_.back()->start();
    } else {
      containers_.push_back(std::make_unique<ContainerBot>(*env_, bot));
      containers_.back()->start();
    }
  }
  std::set<ManagerScope> inUse;
  for (const auto& bot : config_.bots) {
    if (!bot.unit.empty()) inUse.insert(bot.scope);
  }
  managers_->retain(inUse);
  persist();
  watchConfigFolders();
  statusChanged();
}

void SupervisorService::startOnce() {
  auto loaded = state_.load();
  if (loaded) {
    ledgers_ = ledgersFromJson(*loaded);
  } else {
    // An unreadable ledger only loosens the budget for an hour; refusing to start would
    // leave every bot unsupervised.
    Log::error("state unreadable, starting with empty ledgers: " + loaded.error(),
               {{journal_key::kEvent, event::kStateReset}});
  }
  ::mkdir((ctx_.stateDir + "/snapshots").c_str(), 0700);
  managers_ =
      std::make_unique<SystemdManagers>(ctx_.io, [this] { ctx_.notifier.status(status()); });
  if (auto in = InotifyWatcher::create(ctx_.io, [this](const InotifyEvent& e) { onInotify(e); });
      in) {
    inotify_ = std::move(in).value();
    inotify_->start();
  }
  env_ = std::make_unique<BotEnv>(BotEnv{
      ctx_.io, ctx_.clock,
      [this](const ManagerScope& scope) -> SystemdManager& { return managers_->get(scope); },
      alerter_, report_, ctx_.stateDir, config_.dockerSocket,
      [this](const std::string& bot) -> BotLedger& { return ledgers_[bot]; }, [this] { persist(); },
      [this] { statusChanged(); }, [this](const std::string& why) { heartbeat_.fail(why); },
      [this](const std::string& bot) { return pauseOf(kPauseDir, bot, ctx_.clock.wallSeconds()); },
      restarts_});
}

void SupervisorService::watchConfigFolders() {
  if (!inotify_) return;
  for (const auto& [wd, folder] : folderOfWatch_) inotify_->remove(wd);
  folderOfWatch_.clear();
  if (pauseWatch_ >= 0) inotify_->remove(pauseWatch_);
  pauseWatch_ = -1;
  // `openclaw-agentctl pause` and `resume` write and remove files there (root's folder, made
  // by the package): a resumed bot is looked at again at once.
  if (auto wd = inotify_->add(kPauseDir, kPauseFolderEvents); wd) pauseWatch_ = *wd;
  for (const auto& bot : units_) {
    for (const std::string& folder : bot->watchedFolders()) {
      // Watched through a descriptor of the folder reached through folders only: a parent
      // swapped for a symlink gets no watch on another tree (the bot says it is refused).
      auto fd = openFolderPath(folder);
      if (!fd) {
        if (fd.error().problem == PathProblem::Missing) {
          Log::warning("cannot watch " + folder + ": " + fd.error().message() +
                           "; changes there are noticed when a repair needs them",
                       {{journal_key::kEvent, event::kWatchFailed},
                        {journal_key::kTarget, bot->config().name}});
        }
        continue;
      }
      auto wd = inotify_->add("/proc/self/fd/" + std::to_string(fd->get()), kConfigFolderEvents);
      if (!wd) {
        Log::warning("cannot watch " + folder + ": " + wd.error().message() +
                         "; changes there are noticed when a repair needs them",
                     {{journal_key::kEvent, event::kWatchFailed},
                      {journal_key::kTarget, bot->config().name}});
        continue;
      }
      folderOfWatch_[*wd] = folder;
    }
  }
}

void SupervisorService::onInotify(const InotifyEvent& event) {
  const bool overflow = (event.mask & IN_Q_OVERFLOW) != 0;
  if (overflow || (pauseWatch_ >= 0 && event.watch == pauseWatch_)) {
    for (auto& bot : units_) bot->pauseChanged();
    if (!overflow) return;
  }
  const auto it = folderOfWatch_.find(event.watch);
  if (it == folderOfWatch_.end() && !overflow) return;
  for (auto& bot : units_) {
    if (overflow) {
      // Events were lost: every file may have changed.
      const auto [folder, name] = splitPath(bot->config().config);
      if (!name.empty()) bot->filesChanged(folder, name);
    } else {
      bot->filesChanged(it->second, event.name);
    }
  }
}

bool SupervisorService::everyBotHealthy() const {
  for (const auto& b : units_) {
    if (!b->healthy()) return false;
  }
  for (const auto& b : containers_) {
    if (!b->healthy()) return false;
  }
  return true;
}

void SupervisorService::statusChanged() {
  auto& m = report_.metrics();
  for (const char* g : {"openclaw_restart_budget_remaining", "openclaw_bot_healthy",
                        "openclaw_bot_given_up", "openclaw_bot_paused"})
    m.clearGauge(g);
  const Seconds now = ctx_.clock.wallSeconds();
  auto one = [&](const BotConfig& c, bool healthy) {
    BotLedger& l = ledgers_[c.name];
    const MetricLabels bot = {{"bot", c.name}};
    m.set("openclaw_restart_budget_remaining", bot,
          static_cast<double>(RepairPolicy(c.maxRestoresPerHour)
                                  .remaining(l, now, restarts_.byOthers(restartKey(c), now))));
    m.set("openclaw_bot_healthy", bot, healthy ? 1 : 0);
    m.set("openclaw_bot_given_up", bot, l.givenUp ? 1 : 0);
    m.set("openclaw_bot_paused", bot, pauseOf(kPauseDir, c.name, now) ? 1 : 0);
  };
  for (const auto& b : units_) one(b->config(), b->healthy());
  for (const auto& b : containers_) one(b->config(), b->healthy());
  report_.changed();
  ctx_.notifier.status(status());
}

void SupervisorService::persist() {
  if (auto r = state_.save(toJson(ledgers_)); !r) {
    Log::error("cannot save state to " + state_.path() + ": " + r.error().message(),
               {{journal_key::kEvent, event::kStateWriteFailed}});
  }
}

std::string SupervisorService::status() const {
  if (units_.empty() && containers_.empty()) return "no bots configured";
  std::string s;
  for (const auto& b : units_) s += (s.empty() ? "" : "; ") + b->status();
  for (const auto& b : containers_) s += (s.empty() ? "" : "; ") + b->status();
  const std::string tg = alerter_.channelStatus();
  if (!tg.empty()) s += "; " + tg;
  const std::string hb = heartbeat_.status();
  if (!hb.empty()) s += "; " + hb;
  const std::string problems = managers_ ? managers_->problems() : "";
  return problems.empty() ? s : s + "; " + problems;
}

void SupervisorService::stop() {
  heartbeat_.configure(std::nullopt);
  units_.clear();
  containers_.clear();
  inotify_.reset();
  managers_.reset();
}

}  // namespace openclaw::supervisor
