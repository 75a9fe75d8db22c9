// The one shape every daemon's main() has: parse args, load config (fail fast, clearly),
// build the agent, run the loop.
//
// `runDaemon` gives each agent, for free: `--config PATH`, `--check-config`, `--version`,
// `--help`; journald logging as `openclaw-<name>`; READY=1 and STATUS= to systemd; the
// watchdog ping; SIGHUP as a reload in systemd's sense (RELOADING=1, parse the new file,
// swap only if it is valid, otherwise keep the old config and log why, READY=1); and
// SIGTERM/SIGINT as a clean stop that drains the loop (see `DaemonLoop`).  An agent supplies
// a config loader and an `AgentService`; everything it does runs on the one io_context.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "openclaw/bot_restarts.h"
#include "openclaw/clock.h"
#include "openclaw/config_reader.h"
#include "openclaw/notifier.h"
#include "openclaw/result.h"

namespace openclaw {

// Exit status for a config that does not load: sysexits' EX_CONFIG.  Units list it in
// RestartPreventExitStatus= so systemd does not restart a daemon that cannot work.
inline constexpr int kExitConfig = 78;
inline constexpr int kExitUsage = 2;

struct DaemonOptions {
  std::string configPath;
  bool checkConfig = false;
  bool version = false;
  bool help = false;
};

Expected<DaemonOptions, std::string> parseDaemonArgs(int argc, const char* const* argv,
                                                     const std::string& defaultConfigPath);
std::string daemonUsage(const std::string& binary, const std::string& summary,
                        const std::string& defaultConfigPath);
// kConfigDirectory (openclaw/paths.h): every agent's config, and what openclaw-agentctl reads.
std::string configDirectory();
std::string defaultConfigPath(const std::string& agentName);
// $STATE_DIRECTORY (first entry) when systemd set it, else /var/lib/openclaw-agents/<name>.
std::string stateDirectory(const std::string& agentName);

struct DaemonContext {
  boost::asio::io_context& io;
  Notifier& notifier;
  std::string name;  // "flag-watcher"
  std::string stateDir;
  Clock& clock;  // every service reads time here, so tests can move it
  // Where the agents share each bot's restart owner and ledger (bot_restarts.h); tests
  // point it at a folder of their own.
  BotRestarts::Folders restarts{};
};

// The life of a service: start() once with the first valid config, reload() with each
// valid config a SIGHUP brings, stop() once on SIGTERM/SIGINT.  stop() cancels every timer,
// call and watch the service holds, so that the loop ends by itself; no callback of the
// service runs after it.  The daemon bounds the wait (kStopBound) and ends the loop itself
// when something still holds it.
template <class Config>
class AgentService {
 public:
  virtual ~AgentService() = default;
  virtual void start(const Config& config) = 0;
  virtual void reload(const Config& config) = 0;
  // One line: what the agent is doing and what it last did.
  virtual std::string status() const = 0;
  virtual void stop() = 0;
};

template <class Config>
struct AgentDefinition {
  std::string name;     // "flag-watcher"
  std::string summary;  // one line for --help
  std::function<Expected<Config, ConfigIssues>(const std::string& path)> load;
  std::function<std::unique_ptr<AgentService<Config>>(DaemonContext&)> create;
};

// What runDaemon needs from an agent, with the config type erased.
struct DaemonHooks {
  // Load the config at the path; on success hand it to the service's start() (once) or
  // reload() and return no issues; otherwise the service is not called.
  std::function<ConfigIssues(const std::string& path)> loadAndStart;
  std::function<ConfigIssues(const std::string& path)> loadAndReload;
  std::function<std::string()> status;
  std::function<void()> stop;
};

struct DaemonSetup {
  std::string name;
  std::string summary;
  // Loads only (for --check-config).
  std::function<ConfigIssues(const std::string& path)> check;
  // Builds the service inside the running context and returns its hooks.
  std::function<DaemonHooks(DaemonContext&)> build;
};

// How long a stop waits for the service's work to end before it stops the loop itself.  Well
// under the units' TimeoutStopSec= (15 s), so that a daemon that cannot drain still exits on
// its own, says so in the journal, and is not killed by systemd.
inline constexpr std::chrono::milliseconds kStopBound{5000};

// The running daemon: SIGHUP reloads, SIGTERM/SIGINT stop.  A stop ends the daemon's own
// work (signals, watchdog), calls the service's stop(), and lets io.run() return once nothing
// is left; only if work is still pending after `stopBound` does it call io.stop() (from a
// thread of its own, so that the bound is not itself work that holds the loop), and logs it.
class DaemonLoop {
 public:
  DaemonLoop(DaemonContext& ctx, DaemonHooks& hooks, std::string configPath,
             std::chrono::milliseconds stopBound = kStopBound);
  DaemonLoop(const DaemonLoop&) = delete;
  DaemonLoop& operator=(const DaemonLoop&) = delete;
  ~DaemonLoop();

  // Starts listening for the signals.
  void listen();
  void reload();
  void stop(const std::string& why);
  // True once the bound ran out and the loop was stopped with work still pending.
  bool forced() const { return forced_; }

 private:
  void wait();

  DaemonContext& ctx_;
  DaemonHooks& hooks_;
  std::string configPath_;
  std::chrono::milliseconds stopBound_;
  boost::asio::signal_set signals_;
  bool stopping_ = false;
  std::atomic<bool> forced_ = false;
  std::jthread bound_;  // last: it reads the members above until it is joined
};

int runDaemonErased(const DaemonSetup& setup, int argc, const char* const* argv);

template <class Config>
int runDaemon(const AgentDefinition<Config>& def, int argc, const char* const* argv) {
  DaemonSetup setup;
  setup.name = def.name;
  setup.summary = def.summary;
  setup.check = [&def](const std::string& path) {
    auto loaded = def.load(path);
    return loaded ? ConfigIssues{} : loaded.error();
  };
  setup.build = [&def](DaemonContext& ctx) {
    std::shared_ptr<AgentService<Config>> service = def.create(ctx);
    DaemonHooks hooks;
    hooks.loadAndStart = [&def, service](const std::string& path) {
      auto loaded = def.load(path);
      if (!loaded) return loaded.error();
      service->start(*loaded);
      return ConfigIssues{};
    };
    hooks.loadAndReload = [&def, service](const std::string& path) {
      auto loaded = def.load(path);
      if (!loaded) return loaded.error();
      service->reload(*loaded);
      return ConfigIssues{};
    };
    hooks.status = [service] { return service->status(); };
    hooks.stop = [service] { service->stop(); };
    return hooks;
  };
  return runDaemonErased(setup, argc, argv);
}

}  // namespace openclaw
