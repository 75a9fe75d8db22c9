// Every journal field key and every event name the agents write, defined once.
//
// An agent logs `{journal_key::kEvent, event::kRevive}`; openclaw-agentctl and the tests read
// the same constants, so a name cannot drift between the writer and its readers.  The values
// are a contract with operators (`journalctl OPENCLAW_EVENT=revive`, the alert log's "event",
// status' last actions, the metrics' "action" label): never change one, add a new one.  A new
// event is added here and to the list in docs/events.md; tests/unit/lib/events_test.cpp checks
// that both agree and that every name is lower-case words joined by '-'.
//
// Not here: the names built at run time from a channel's name ("telegram-send",
// "webhook-outbox-full", ...), listed in docs/events.md as patterns.
#pragma once

#include <string_view>

namespace openclaw {

namespace journal_key {
inline constexpr std::string_view kEvent = "OPENCLAW_EVENT";    // what happened (event:: below)
inline constexpr std::string_view kTarget = "OPENCLAW_TARGET";  // the bot, path or agent acted on
inline constexpr std::string_view kResult = "OPENCLAW_RESULT";  // a revive's outcome
inline constexpr std::string_view kReason = "OPENCLAW_REASON";  // why a path was refused
inline constexpr std::string_view kComponent = "OPENCLAW_COMPONENT";  // the path up to the refusal
inline constexpr std::string_view kFolder = "OPENCLAW_FOLDER";        // a flag folder
inline constexpr std::string_view kFlagUid = "OPENCLAW_FLAG_UID";     // who dropped a flag
inline constexpr std::string_view kFlagName = "OPENCLAW_FLAG_NAME";   // a rejected entry's name
inline constexpr std::string_view kFlagType = "OPENCLAW_FLAG_TYPE";   // a rejected entry's type
inline constexpr std::string_view kSuppressed = "OPENCLAW_SUPPRESSED";  // lines folded in a window
inline constexpr std::string_view kLatencyMs = "OPENCLAW_LATENCY_MS";   // a revive's or call's time
inline constexpr std::string_view kRequestId = "OPENCLAW_REQUEST_ID";   // a bridge call's id
inline constexpr std::string_view kClass = "OPENCLAW_CLASS";        // a bridge call's error class
inline constexpr std::string_view kDecision = "OPENCLAW_DECISION";  // a retry decision's reason
inline constexpr std::string_view kAttempts = "OPENCLAW_ATTEMPTS";  // a bridge call's attempts
inline constexpr std::string_view kManagerUser = "OPENCLAW_MANAGER_USER";  // a user manager's owner
inline constexpr std::string_view kConfig = "OPENCLAW_CONFIG";  // the daemon's config file
inline constexpr std::string_view kConfigIssues = "OPENCLAW_CONFIG_ISSUES";  // why it was refused
inline constexpr std::string_view kAlertLevel = "OPENCLAW_ALERT_LEVEL";      // set on alerts only
inline constexpr std::string_view kRepeats = "OPENCLAW_REPEATS";   // an alert's folded repeats
inline constexpr std::string_view kVerdict = "OPENCLAW_VERDICT";   // an alert channel's delivery
inline constexpr std::string_view kChecked = "OPENCLAW_CHECKED";   // an ACL sweep's paths checked
inline constexpr std::string_view kFixed = "OPENCLAW_FIXED";       // ... fixed
inline constexpr std::string_view kSkipped = "OPENCLAW_SKIPPED";   // ... skipped
inline constexpr std::string_view kSweepMs = "OPENCLAW_SWEEP_MS";  // ... and its duration
inline constexpr std::string_view kFreedBytes = "OPENCLAW_FREED_BYTES";  // a disk action's bytes
inline constexpr std::string_view kRemoved = "OPENCLAW_REMOVED";         // ... and files removed
inline constexpr std::string_view kActionMs = "OPENCLAW_ACTION_MS";      // ... and its duration
inline constexpr std::string_view kDryRun = "OPENCLAW_DRY_RUN";          // ... set when dry_run
inline constexpr std::string_view kRestoredFrom = "OPENCLAW_RESTORED_FROM";    // a restore's source
inline constexpr std::string_view kBrokenKeptAs = "OPENCLAW_BROKEN_KEPT_AS";   // the broken copy
inline constexpr std::string_view kRunningConfig = "OPENCLAW_RUNNING_CONFIG";  // a bot's config
}  // namespace journal_key

namespace event {
// Every daemon (lib/openclaw/daemon.cpp and the clients in lib).
inline constexpr std::string_view kStart = "start";                   // started, config read
inline constexpr std::string_view kReload = "reload";                 // SIGHUP: new config taken
inline constexpr std::string_view kReloadRefused = "reload-refused";  // SIGHUP: old config kept
inline constexpr std::string_view kConfigInvalid = "config-invalid";  // a config that is refused
inline constexpr std::string_view kStop = "stop";                     // stopping on a signal
inline constexpr std::string_view kStopped = "stopped";               // every piece of work ended
inline constexpr std::string_view kStopForced = "stop-forced";        // work cut after 5 s
inline constexpr std::string_view kManagerConnected = "manager-connected";  // systemd bus back
inline constexpr std::string_view kManagerLost = "manager-lost";            // systemd bus gone
// A container's restart failed once it was stopped, so it was started.
inline constexpr std::string_view kDockerRestartStarted = "docker-restart-started";
inline constexpr std::string_view kReportWriteFailed = "report-write-failed";    // status/metrics
inline constexpr std::string_view kRestartClaimFailed = "restart-claim-failed";  // shared ledger
inline constexpr std::string_view kAlertLogFailed = "alert-log-failed";  // alerts.jsonl not written
inline constexpr std::string_view kTelegramKeyIgnored = "telegram-key-ignored";  // notify.json wins
inline constexpr std::string_view kHeartbeatConfigured = "heartbeat-configured";  // pings start
inline constexpr std::string_view kHeartbeatOk = "heartbeat-ok";               // pings work again
inline constexpr std::string_view kHeartbeatFailed = "heartbeat-failed";       // a ping failed
inline constexpr std::string_view kHeartbeatFailSent = "heartbeat-fail-sent";  // <url>/fail sent
inline constexpr std::string_view kAlertTest = "alert-test";  // agentctl alert-test's alert

// Several agents.
inline constexpr std::string_view kPathResolved = "path-resolved";  // a configured path reached
inline constexpr std::string_view kPathRefused = "path-refused";    // ... or refused (symlink, ...)
inline constexpr std::string_view kWatchFailed = "watch-failed";    // inotify or D-Bus watch lost
inline constexpr std::string_view kStateReset = "state-reset";      // unreadable state started anew
inline constexpr std::string_view kStateWriteFailed = "state-write-failed";  // state not saved
inline constexpr std::string_view kRestartLedgerFailed = "restart-ledger-failed";  // shared ledger

// flag-watcher.
inline constexpr std::string_view kRevive = "revive";  // a flag's restart ended (OPENCLAW_RESULT)
inline constexpr std::string_view kReviveFailed = "revive-failed";        // ... and failed (alert)
inline constexpr std::string_view kReviveCoalesced = "revive-coalesced";  // joined a recent one
inline constexpr std::string_view kReviveRefused = "revive-refused";      // hourly budget spent
inline constexpr std::string_view kReviveAbsorbed = "revive-absorbed";    // a repair is under way
inline constexpr std::string_view kRevivePaused = "revive-paused";        // the bot is paused
inline constexpr std::string_view kReviveResumed = "revive-resumed";  // an interrupted one resumed
inline constexpr std::string_view kFlagRejected = "flag-rejected";    // not a flag: removed
inline constexpr std::string_view kFolderMissing = "folder-missing";  // a flag folder is gone
inline constexpr std::string_view kScan = "scan";                     // a folder scanned
inline constexpr std::string_view kOverflow = "overflow";             // inotify queue overflowed
inline constexpr std::string_view kResetFailed = "reset-failed";      // start-limit latch cleared
inline constexpr std::string_view kLogFileRefused = "log-file-refused";      // log_file not written
inline constexpr std::string_view kBootTokenMissing = "boot-token-missing";  // no boot id

// jack-supervisor.
inline constexpr std::string_view kRepair = "repair";                   // a repair starts
inline constexpr std::string_view kRestore = "restore";                 // a backup put in place
inline constexpr std::string_view kRecovered = "recovered";             // healthy again
inline constexpr std::string_view kRepairFailed = "repair-failed";      // the repair did not heal
inline constexpr std::string_view kRepairBackoff = "repair-backoff";    // waiting before the next
inline constexpr std::string_view kRepairDeferred = "repair-deferred";  // flag-watcher restarts it
inline constexpr std::string_view kRepairResumed = "repair-resumed";  // an interrupted one resumed
inline constexpr std::string_view kGaveUp = "gave-up";                // budget spent: left alone
inline constexpr std::string_view kResumed = "resumed";  // fixed by the operator: watched again
inline constexpr std::string_view kPaused = "paused";    // paused: left alone
inline constexpr std::string_view kCrashLoop = "crash-loop";            // systemd restarts it often
inline constexpr std::string_view kUnhealthy = "unhealthy";             // a container is unhealthy
inline constexpr std::string_view kRunningConfig = "running-config";    // which config it runs on
inline constexpr std::string_view kSnapshot = "snapshot";               // a last-known-good saved
inline constexpr std::string_view kSnapshotFailed = "snapshot-failed";  // ... or not

// acl-keeper.
inline constexpr std::string_view kAclFix = "acl-fix";                // an ACL set on a path
inline constexpr std::string_view kAclSkip = "acl-skip";              // a path left alone, once
inline constexpr std::string_view kAclSweep = "acl-sweep";            // a full sweep ended
inline constexpr std::string_view kWatchLimit = "watch-limit";        // folders left to the sweep
inline constexpr std::string_view kInotifyFailed = "inotify-failed";  // no inotify at all
inline constexpr std::string_view kInotifyOverflow = "inotify-overflow";  // queue overflowed

// disk-guard.
inline constexpr std::string_view kDiskCheck = "disk-check";  // a check ran (metric action only)
inline constexpr std::string_view kDiskHigh = "disk-high";    // a mount over act_percent
inline constexpr std::string_view kDiskStillHigh = "disk-still-high";  // over target after all
inline constexpr std::string_view kDiskCritical = "disk-critical";     // over critical after all
inline constexpr std::string_view kPrune = "prune";                    // an age pruning ended
inline constexpr std::string_view kPruned = "pruned";  // a file or container removed
inline constexpr std::string_view kPruneWouldRemove = "prune-would-remove";  // dry_run
inline constexpr std::string_view kPruneFailed = "prune-failed";             // a prune rule failed
inline constexpr std::string_view kJournalVacuum = "journal-vacuum";  // journalctl --vacuum-size
inline constexpr std::string_view kJournalVacuumFailed = "journal-vacuum-failed";
inline constexpr std::string_view kDockerPrune = "docker-prune";  // the Docker prune ended
inline constexpr std::string_view kDockerPruneFailed = "docker-prune-failed";

// vps-bridge.
inline constexpr std::string_view kCall = "call";                     // a call ended
inline constexpr std::string_view kRetry = "retry";                   // an attempt failed, retried
inline constexpr std::string_view kFallback = "fallback";             // the chain moves on
inline constexpr std::string_view kBreakerOpen = "breaker-open";      // a breaker opened
inline constexpr std::string_view kBreakerClosed = "breaker-closed";  // ... and closed again
inline constexpr std::string_view kNoToken = "no-token";              // a token file unreadable
inline constexpr std::string_view kListenFailed = "listen-failed";    // the port is not open
inline constexpr std::string_view kStateDamaged = "state-damaged";  // registry/sessions unreadable
inline constexpr std::string_view kSessionSweep = "session-sweep";  // expired sessions dropped
}  // namespace event

// OPENCLAW_RESULT of a revive that worked; anything else is the error's text.
namespace revive_result {
inline constexpr std::string_view kDone = "done";
}

}  // namespace openclaw
