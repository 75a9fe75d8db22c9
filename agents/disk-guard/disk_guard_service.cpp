#include "disk_guard_service.h"

#include <sys/stat.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "docker_containers.h"
#include "docker_prunable.h"
#include "openclaw/events.h"
#include "openclaw/log.h"
#include "openclaw/time_text.h"
#include "prune.h"

namespace openclaw::diskguard {
namespace {

using Clock = std::chrono::steady_clock;
// Paths named one by one per action; the action line gives the total.
constexpr std::uint64_t kNamedPerAction = 100;
constexpr std::uint64_t kNamedPerDryRun = 1000;
constexpr auto kJournalTimeout = std::chrono::seconds(120);
constexpr auto kDockerTimeout = std::chrono::seconds(300);
// Docker's filter {"dangling":["true"]}, URL-encoded.
constexpr const char* kDangling = "%7B%22dangling%22%3A%5B%22true%22%5D%7D";

std::string percentText(double p) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", p);
  return buf;
}

std::int64_t nowNs(const openclaw::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock.wall().time_since_epoch())
      .count();
}

bool journalOn(dev_t device) {
  for (const char* dir : {"/var/log/journal", "/run/log/journal"}) {
    if (deviceOf(dir) == device) return true;
  }
  return false;
}

struct PruneResult {
  std::uint64_t freed = 0;
  std::uint64_t removed = 0;
  std::string text;
};

// A prune folder and its root, resolved by the loop, handed to the worker.
struct RootedRule {
  PruneRule rule;
  UniqueFd root;
};

// Age pruning of one mount's prune folders, run by the worker: scan, remove oldest first
// until the mount is under its target, log each file (the first ones), and say what was done.
PruneResult runPrune(const MountRule& m, std::vector<RootedRule>& rules, bool dry,
                     const std::atomic<bool>& cancel, const openclaw::Clock& clock) {
  std::vector<PrunePlan> plans;
  std::uint64_t kept = 0;
  for (auto& [rule, root] : rules) {
    auto plan = scanPrune(rule, std::move(root), nowNs(clock),
                          dry ? ScanFor::Report : ScanFor::Removal, &cancel);
    if (!plan) {
      Log::warning("prune folder " + rule.path + " cannot be read: " + plan.error().message(),
                   {{journal_key::kEvent, event::kPruneFailed}, {journal_key::kTarget, rule.path}});
      continue;
    }
    kept += plan->keptNewest;
    plans.push_back(std::move(*plan));
  }
  std::uint64_t needed = 0;
  if (auto u = diskUsage(m.path)) needed = u->bytesAbove(m.targetPercent);
  std::uint64_t named = 0;
  const std::uint64_t toName = dry ? kNamedPerDryRun : kNamedPerAction;
  const auto nowSec = clock.wallSeconds();
  auto out = removeOldest(
      plans, [needed](std::uint64_t freed) { return freed >= needed; }, dry,
      [&](const PrunePlan& plan, const PruneCandidate& c) {
        if (++named > toName) return;
        const std::string path = displayPath(plan, c.folder, c.name);
        const auto days = (nowSec - c.mtimeNs / 1000000000LL) / 86400;
        Log::info((dry ? "would remove " : "removed ") + path + " (" + std::to_string(days) +
                      " days old, " + std::to_string(c.bytes) + " bytes)",
                  {{journal_key::kEvent, dry ? event::kPruneWouldRemove : event::kPruned},
                   {journal_key::kTarget, path}});
      },
      &cancel, clock);
  PruneResult r{out.freedBytes, out.removed, {}};
  r.text = std::string(dry ? "prune (dry run) on " : "prune on ") + m.path + ": " +
           std::to_string(out.removed) + " old file(s) " +
           (dry ? "would go, freeing " : "removed, freed ") + formatBytes(out.freedBytes) + " of " +
           formatBytes(needed) + " needed";
  if (out.foldersRemoved > 0)
    r.text += ", " + std::to_string(out.foldersRemoved) + " empty folder(s) removed";
  if (out.changed > 0)
    r.text += ", " + std::to_string(out.changed) + " changed since the scan and kept";
  if (kept > 0) r.text += ", " + std::to_string(kept) + " old kept as their folder's newest";
  if (named > toName) r.text += "; the first " + std::to_string(toName) + " are named";
  if (cancel.load() || out.cancelled) r.text += "; cut short: the daemon is stopping";
  return r;
}

}  // namespace

DiskGuardService::DiskGuardService(DaemonContext& ctx)
    : ctx_(ctx),
      alerter_(ctx.io, ctx.name, ctx.stateDir),
      report_(ctx.io, ctx.name, ctx.stateDir),
      timer_(ctx.io) {
  publishOutboxDepth(report_, alerter_);
}

DiskGuardService::~DiskGuardService() {
  endWorker();
}

void DiskGuardService::endWorker() {
  cancel_.store(true);
  if (worker_.joinable()) worker_.join();
}

void DiskGuardService::start(const DiskGuardConfig& config) {
  // Nothing is kept from one config to the next: the first one is installed as a reload's is.
  reload(config);
}

void DiskGuardService::reload(const DiskGuardConfig& config) {
  alerter_.configureChannels(config.notify);
  if (checking_) {
    // The running check finishes on the config it started with (its steps index its mounts,
    // and a Docker request may be using its engine); the new one takes over after it.
    pending_ = config;
    return;
  }
  install(config);
  boost::asio::post(ctx_.io, life_.guard([this] { check(); }));
}

void DiskGuardService::install(const DiskGuardConfig& config) {
  config_ = config;
  refusals_.clear();  // a reload asks again: what is still refused is said again
  docker_ =
      config_.dockerPrune ? std::make_unique<DockerEngine>(ctx_.io, config_.dockerSocket) : nullptr;
}

void DiskGuardService::armTimer() {
  timer_.expires_after(std::chrono::seconds(config_.intervalSec));
  timer_.async_wait(life_.guard([this](const boost::system::error_code& ec) {
    if (!ec) check();
  }));
}

void DiskGuardService::check() {
  timer_.cancel();
  checking_ = true;
  resolveRoots();
  nextMount(0);
}

void DiskGuardService::resolveRoots() {
  roots_.clear();
  for (const auto& rule : config_.prune) {
    PruneRoot root;
    auto fd = openPruneRoot(rule);
    RefusalNotice& notice = refusals_[rule.path];
    struct stat st {};
    if (fd && ::fstat(fd->get(), &st) == 0) {
      root.fd = std::move(*fd);
      root.device = st.st_dev;
      if (notice.resolved()) {
        Log::notice(
            "prune folder " + rule.path + " resolves again: pruned as configured",
            {{journal_key::kEvent, event::kPathResolved}, {journal_key::kTarget, rule.path}});
      }
    } else if (!fd && notice.refused(fd.error())) {
      Log::warning("prune folder " + rule.path + " is refused: " + fd.error().message() +
                       "; nothing in it is pruned, tried again every " +
                       std::to_string(config_.intervalSec) + " s",
                   {{journal_key::kEvent, event::kPathRefused},
                    {journal_key::kTarget, rule.path},
                    {journal_key::kComponent, fd.error().at},
                    {journal_key::kReason, problemName(fd.error().problem)}});
    }
    roots_.push_back(std::move(root));
  }
}

void DiskGuardService::nextMount(std::size_t index) {
  // A mount dropped from the config drops out of the metrics at the next check.
  if (index == 0) report_.metrics().clearGauge("openclaw_disk_used_ratio");
  for (; index < config_.mounts.size(); ++index) {
    const MountRule& m = config_.mounts[index];
    auto u = diskUsage(m.path);
    if (!u) {
      usageText_[m.path] = "unreadable (" + u.error().message() + ")";
      continue;
    }
    report_.metrics().set("openclaw_disk_used_ratio", {{"mount", m.path}}, u->percent() / 100.0);
    report_.changed();
    usageText_[m.path] = percentText(u->percent()) + " (act " + std::to_string(m.actPercent) + "%)";
    if (u->percent() < static_cast<double>(m.criticalPercent)) critical_.erase(m.path);
    if (u->percent() <= static_cast<double>(m.actPercent)) continue;
    Log::warning(m.path + " is at " + percentText(u->percent()) + " (act " +
                     std::to_string(m.actPercent) + "%, target " + std::to_string(m.targetPercent) +
                     "%): " + formatBytes(u->bytesAbove(m.targetPercent)) + " to free" +
                     (config_.dryRun ? " (dry run: nothing is removed)" : ""),
                 {{journal_key::kEvent, event::kDiskHigh}, {journal_key::kTarget, m.path}});
    runStep(index, Step::Prune);
    return;
  }
  checking_ = false;
  report_.succeeded(event::kDiskCheck);
  roots_.clear();  // resolved again at the next check: a path may lead elsewhere by then
  if (pending_) {
    install(*pending_);
    pending_.reset();
    setStatus();
    check();
    return;
  }
  setStatus();
  armTimer();
}

void DiskGuardService::runStep(std::size_t mount, Step step) {
  const MountRule& m = config_.mounts[mount];
  switch (step) {
    case Step::Prune: {
      const dev_t dev = deviceOf(m.path);
      bool any = false;
      for (const auto& root : roots_) any = any || (root.fd && root.device == dev);
      if (any) return prune(mount);
      return runStep(mount, Step::Journal);
    }
    case Step::Journal:
      if (config_.journalVacuumBytes > 0 && journalOn(deviceOf(m.path))) {
        return vacuumJournal(mount);
      }
      return runStep(mount, Step::Docker);
    case Step::Docker:
      if (docker_) return config_.dryRun ? dockerDryRun(mount) : pruneDocker(mount);
      return finishMount(mount);
    case Step::Done:
      return finishMount(mount);
  }
}

void DiskGuardService::afterStep(std::size_t mount, Step step) {
  const MountRule& m = config_.mounts[mount];
  auto u = diskUsage(m.path);
  // In a dry run nothing changed: every action is shown.
  if (!config_.dryRun && u && u->percent() < static_cast<double>(m.targetPercent)) {
    return finishMount(mount);
  }
  const Step next = step == Step::Prune     ? Step::Journal
                    : step == Step::Journal ? Step::Docker
                                            : Step::Done;
  runStep(mount, next);
}

void DiskGuardService::reportAction(std::size_t mount, std::string_view what, std::uint64_t freed,
                                    std::uint64_t removed, Clock::time_point start,
                                    const std::string& text) {
  const std::string event(what);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  const std::string& path = config_.mounts[mount].path;
  std::vector<LogField> fields{{journal_key::kEvent, event},
                               {journal_key::kTarget, path},
                               {journal_key::kFreedBytes, std::to_string(freed)},
                               {journal_key::kRemoved, std::to_string(removed)},
                               {journal_key::kActionMs, std::to_string(ms)}};
  if (config_.dryRun) fields.push_back({journal_key::kDryRun, "1"});
  Log::write(LOG_NOTICE, text + " in " + std::to_string(ms) + " ms", fields);
  lastAction_ = formatTime(ctx_.clock.wallSeconds(), "%H:%M:%S", Zone::Local) + " " + event +
                " on " + path + ": " + (config_.dryRun ? "would free " : "freed ") +
                formatBytes(freed);
  if (!config_.dryRun) {
    report_.metrics().add("openclaw_disk_freed_bytes_total", {{"mount", path}},
                          static_cast<double>(freed));
    report_.metrics().add("openclaw_disk_files_removed_total", {{"mount", path}},
                          static_cast<double>(removed));
  }
  report_.action({event, path, text, 0});
}

void DiskGuardService::prune(std::size_t mount) {
  const MountRule m = config_.mounts[mount];
  const dev_t dev = deviceOf(m.path);
  std::vector<RootedRule> rules;
  for (std::size_t i = 0; i < roots_.size() && i < config_.prune.size(); ++i) {
    if (!roots_[i].fd || roots_[i].device != dev) continue;
    // A descriptor of its own (its own listing offset) for the worker, on the very folder
    // resolved at the start of the check.
    auto own = openFolderBelow(roots_[i].fd.get(), "");
    if (own) rules.push_back({config_.prune[i], std::move(*own)});
  }
  const bool dry = config_.dryRun;
  const auto start = Clock::now();
  // A big tree takes a while: the loop goes on (watchdog pings, reloads, a stop) while a
  // worker scans and removes.
  pruning_ = m.path + " since " + formatTime(ctx_.clock.wallSeconds(), "%H:%M:%S", Zone::Local);
  setStatus();
  cancel_.store(false);
  worker_ = std::thread(
      [this, m, rules = std::move(rules), dry, mount, start, alive = life_.watch()]() mutable {
        auto result = std::make_shared<PruneResult>(runPrune(m, rules, dry, cancel_, ctx_.clock));
        boost::asio::post(ctx_.io, [this, mount, start, alive, result] {
          if (!alive.alive()) return;  // stop() has joined the worker
          worker_.join();
          pruning_.clear();
          reportAction(mount, event::kPrune, result->freed, result->removed, start, result->text);
          afterStep(mount, Step::Prune);
        });
      });
}

void DiskGuardService::vacuumJournal(std::size_t mount) {
  const auto start = Clock::now();
  const auto before = diskUsage(config_.mounts[mount].path);
  std::vector<std::string> argv{"journalctl"};
  argv.push_back(config_.dryRun ? "--disk-usage" : "--vacuum-size=" + config_.journalVacuumSize);
  command_ = runCommand(
      ctx_.io, argv, {}, kJournalTimeout,
      [this, mount, start, before, alive = life_.watch()](const CommandResult& r) {
        if (!alive.alive()) return;
        const auto after = diskUsage(config_.mounts[mount].path);
        std::uint64_t freed = 0;
        if (before && after && before->used > after->used) freed = before->used - after->used;
        std::string first = r.output.substr(0, r.output.find('\n'));
        if (config_.dryRun) {
          reportAction(mount, event::kJournalVacuum, 0, 0, start,
                       "journal (dry run): would vacuum to " + config_.journalVacuumSize + "; " +
                           (r.ok() ? first : r.describe()));
        } else if (!r.ok()) {
          Log::warning("journalctl --vacuum-size failed: " + r.describe(),
                       {{journal_key::kEvent, event::kJournalVacuumFailed}});
          reportAction(mount, event::kJournalVacuum, freed, 0, start, "journal vacuum failed");
        } else {
          std::uint64_t files = 0;
          for (std::size_t at = r.output.find("Deleted archived journal"); at != std::string::npos;
               at = r.output.find("Deleted archived journal", at + 1)) {
            ++files;
          }
          reportAction(mount, event::kJournalVacuum, freed, files, start,
                       "journal vacuumed to " + config_.journalVacuumSize + ": freed " +
                           formatBytes(freed) + " on " + config_.mounts[mount].path);
        }
        boost::asio::post(ctx_.io, [this, mount, alive] {
          if (alive.alive()) afterStep(mount, Step::Journal);
        });
      });
}

void DiskGuardService::pruneDocker(std::size_t mount) {
  // The stopped containers the filter allows, one by one (the engine's prune would take a
  // neighbour's, and an agent's own target); then dangling images and the build cache; never
  // volumes.
  const auto start = Clock::now();
  std::vector<std::string> rest{std::string("/images/prune?filters=") + kDangling, "/build/prune"};
  const ContainerFilter filter = dockerFilter();
  surveyContainers(
      ctx_.io, config_.dockerSocket, filter, kDockerTimeout, ctx_.clock,
      [this, mount, start, rest, filter, alive = life_.watch()](ContainerSurvey survey) mutable {
        if (!alive.alive()) return;
        if (!survey.error.empty()) {
          Log::warning("docker prune: the stopped containers cannot be listed: " + survey.error,
                       {{journal_key::kEvent, event::kDockerPruneFailed}});
        }
        dockerNote_ = survey.keptText(filter);
        std::vector<StoppedContainer> doomed;
        for (auto& c : survey.containers) {
          if (c.verdict == ContainerVerdict::Remove) doomed.push_back(std::move(c));
        }
        removeContainers(
            ctx_.io, config_.dockerSocket, std::move(doomed), kDockerTimeout,
            [this, mount, start, rest = std::move(rest),
             alive](const ContainerRemoval& removal) mutable {
              if (!alive.alive()) return;
              std::uint64_t freed = 0;
              std::uint64_t named = 0;
              for (const auto& c : removal.removed) {
                freed += c.bytes;
                if (++named > kNamedPerAction) continue;
                Log::info("docker prune removed stopped container " + c.name + " (" +
                              formatBytes(c.bytes) + ")",
                          {{journal_key::kEvent, event::kPruned}, {journal_key::kTarget, c.name}});
              }
              for (const auto& failure : removal.failures) {
                Log::warning("docker prune: a stopped container stays: " + failure,
                             {{journal_key::kEvent, event::kDockerPruneFailed}});
              }
              dockerCall(mount, std::move(rest), freed, removal.removed.size(), start);
            });
      });
}

ContainerFilter DiskGuardService::dockerFilter() {
  // Read at each prune: an agent's new target is spared without reloading disk-guard.
  auto named = containersNamedIn(config_.agentsConfigDir);
  if (!named) {
    Log::warning(
        "docker prune removes no container: which containers the agents' configs "
        "name cannot be told: " +
            named.error(),
        {{journal_key::kEvent, event::kDockerPruneFailed}});
    ContainerFilter none = containerFilter(config_.dockerContainers, {});
    none.namesUnknown = true;
    return none;
  }
  return containerFilter(config_.dockerContainers, *named);
}

void DiskGuardService::dockerCall(std::size_t mount, std::vector<std::string> targets,
                                  std::uint64_t reclaimed, std::uint64_t removed,
                                  Clock::time_point start) {
  if (targets.empty()) {
    reportAction(mount, event::kDockerPrune, reclaimed, removed, start,
                 "docker prune: " + std::to_string(removed) +
                     " stopped container(s) and dangling image(s) removed, " +
                     formatBytes(reclaimed) + " reclaimed (containers' SizeRw, SpaceReclaimed)" +
                     (dockerNote_.empty() ? "" : "; stopped containers " + dockerNote_));
    return afterStep(mount, Step::Docker);
  }
  const std::string target = targets.front();
  targets.erase(targets.begin());
  docker_->request(
      "POST", target, kDockerTimeout,
      [this, mount, target, targets, reclaimed, removed, start,
       alive = life_.watch()](const Expected<DockerReply, std::string>& reply) mutable {
        if (!alive.alive()) return;
        if (!reply) {
          Log::warning("docker prune " + target + ": " + reply.error(),
                       {{journal_key::kEvent, event::kDockerPruneFailed}});
        } else if (reply->status == 404 && target == "/build/prune") {
          // An engine without a build cache (Podman's API): nothing to prune there.
        } else if (reply->status / 100 != 2) {
          Log::warning("docker prune " + target + ": HTTP " + std::to_string(reply->status) + ": " +
                           reply->body.substr(0, 200),
                       {{journal_key::kEvent, event::kDockerPruneFailed}});
        } else {
          auto body = nlohmann::json::parse(reply->body, nullptr, false);
          if (body.is_object()) {
            if (body.contains("SpaceReclaimed") && body["SpaceReclaimed"].is_number_unsigned()) {
              reclaimed += body["SpaceReclaimed"].get<std::uint64_t>();
            }
            for (const char* key : {"ContainersDeleted", "ImagesDeleted"}) {
              if (body.contains(key) && body[key].is_array()) removed += body[key].size();
            }
          }
        }
        dockerCall(mount, std::move(targets), reclaimed, removed, start);
      });
}

void DiskGuardService::dockerDryRun(std::size_t mount) {
  const auto start = Clock::now();
  listDockerPrunable(
      ctx_.io, config_.dockerSocket, dockerFilter(), kDockerTimeout, ctx_.clock,
      [this, mount, start, alive = life_.watch()](const DockerPrunable& p) {
        if (!alive.alive()) return;
        for (const auto& c : p.containers) {
          Log::info(
              "docker prune (dry run) would remove stopped container " + c.name + " (" +
                  formatBytes(c.bytes) + ")",
              {{journal_key::kEvent, event::kPruneWouldRemove}, {journal_key::kTarget, c.name}});
        }
        for (const auto& i : p.images) {
          Log::info(
              "docker prune (dry run) would remove dangling image " + i.name + " (" +
                  formatBytes(i.bytes) + ")",
              {{journal_key::kEvent, event::kPruneWouldRemove}, {journal_key::kTarget, i.name}});
        }
        reportAction(
            mount, event::kDockerPrune, p.bytes(), p.containers.size() + p.images.size(), start,
            p.containers.empty() && p.images.empty() && !p.error.empty()
                ? "docker prune (dry run): " + p.summary()
                : "docker prune (dry run): would remove " + p.summary() + ", and the build cache");
        afterStep(mount, Step::Docker);
      });
}

void DiskGuardService::finishMount(std::size_t mount) {
  const MountRule& m = config_.mounts[mount];
  if (auto u = diskUsage(m.path)) {
    usageText_[m.path] = percentText(u->percent()) + " (act " + std::to_string(m.actPercent) + "%)";
    if (u->percent() > static_cast<double>(m.criticalPercent) && !critical_[m.path]) {
      critical_[m.path] = true;
      Alert a;
      a.level = "critical";
      a.event = event::kDiskCritical;
      a.target = m.path;
      a.message = m.path + " is at " + percentText(u->percent()) +
                  " after every action (critical " + std::to_string(m.criticalPercent) +
                  "%): " + formatBytes(u->available) + " left; last action: " + lastAction_;
      alerter_.raise(a);
    } else if (u->percent() >= static_cast<double>(m.targetPercent)) {
      Log::warning(m.path + " is still at " + percentText(u->percent()) +
                       " after every action (target " + std::to_string(m.targetPercent) + "%)",
                   {{journal_key::kEvent, event::kDiskStillHigh}, {journal_key::kTarget, m.path}});
    }
  }
  nextMount(mount + 1);
}

void DiskGuardService::setStatus() {
  ctx_.notifier.status(status());
}

std::string DiskGuardService::status() const {
  std::string s;
  for (const auto& m : config_.mounts) {
    if (!s.empty()) s += ", ";
    auto it = usageText_.find(m.path);
    s += m.path + " " + (it == usageText_.end() ? "not checked yet" : it->second);
  }
  if (s.empty()) s = "no mounts configured";
  s += "; every " + std::to_string(config_.intervalSec) + " s";
  if (config_.dryRun) s += "; DRY RUN";
  if (!pruning_.empty()) s += "; pruning " + pruning_;
  s += "; last action: " + lastAction_;
  return s;
}

void DiskGuardService::stop() {
  life_.renew();  // nothing queued before the stop runs
  endWorker();    // a prune stops at its next folder or file
  timer_.cancel();
  command_.reset();
  docker_.reset();
}

}  // namespace openclaw::diskguard
