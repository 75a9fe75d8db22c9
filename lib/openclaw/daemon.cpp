#include "openclaw/daemon.h"

#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>

#include "openclaw/events.h"
#include "openclaw/log.h"
#include "openclaw/paths.h"

namespace openclaw {
namespace {

void logIssues(int priority, const std::string& message, const ConfigIssues& issues,
               std::string_view event) {
  Log::write(priority, message + ": " + (issues.empty() ? "" : issues.front().text()),
             {{journal_key::kEvent, event}, {journal_key::kConfigIssues, formatIssues(issues)}});
  // Every issue on its own line too, so `journalctl` shows all of them without -o verbose.
  for (std::size_t i = 1; i < issues.size(); ++i) {
    Log::write(priority, issues[i].text(), {{journal_key::kEvent, event}});
  }
}

}  // namespace

DaemonLoop::DaemonLoop(DaemonContext& ctx, DaemonHooks& hooks, std::string configPath,
                       std::chrono::milliseconds stopBound)
    : ctx_(ctx),
      hooks_(hooks),
      configPath_(std::move(configPath)),
      stopBound_(stopBound),
      signals_(ctx.io) {}

DaemonLoop::~DaemonLoop() {
  bound_.request_stop();
}

void DaemonLoop::listen() {
  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.add(SIGHUP);
  wait();
}

void DaemonLoop::wait() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec || stopping_) return;
    if (signo == SIGHUP) {
      reload();
      wait();
      return;
    }
    stop(signo == SIGTERM ? "SIGTERM" : "SIGINT");
  });
}

void DaemonLoop::reload() {
  if (stopping_) return;
  ctx_.notifier.reloading();
  const ConfigIssues issues = hooks_.loadAndReload(configPath_);
  if (issues.empty()) {
    Log::info("configuration reloaded from " + configPath_,
              {{journal_key::kEvent, event::kReload}, {journal_key::kConfig, configPath_}});
  } else {
    logIssues(LOG_ERR, "reload refused, keeping the previous configuration", issues,
              event::kReloadRefused);
  }
  ctx_.notifier.ready(hooks_.status());
}

void DaemonLoop::stop(const std::string& why) {
  if (stopping_) return;
  stopping_ = true;
  Log::info("stopping on " + why, {{journal_key::kEvent, event::kStop}});
  ctx_.notifier.stopping();
  ctx_.notifier.stopWatchdog();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  signals_.clear(ignored);
  hooks_.stop();
  // The loop ends by itself once the service's work is gone.  The bound runs on its own
  // thread, so that it is not itself work that holds the loop: a service that cannot release
  // something must not hold the daemon past systemd's timeout.
  bound_ = std::jthread([this](const std::stop_token& ended) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait_for(lock, ended, stopBound_, [] { return false; });
    if (ended.stop_requested() || ctx_.io.stopped()) return;
    forced_ = true;
    Log::warning("work still pending " + std::to_string(stopBound_.count()) +
                     " ms after the stop: ending the loop anyway",
                 {{journal_key::kEvent, event::kStopForced}});
    ctx_.io.stop();
  });
}

std::string configDirectory() {
  return kConfigDirectory;
}

std::string defaultConfigPath(const std::string& agentName) {
  return configDirectory() + "/" + agentName + ".json";
}

std::string stateDirectory(const std::string& agentName) {
  if (const char* env = std::getenv("STATE_DIRECTORY"); env != nullptr && *env != '\0') {
    std::string dirs(env);
    return dirs.substr(0, dirs.find(':'));
  }
  return "/var/lib/openclaw-agents/" + agentName;
}

Expected<DaemonOptions, std::string> parseDaemonArgs(int argc, const char* const* argv,
                                                     const std::string& defaultConfig) {
  DaemonOptions opts;
  opts.configPath = defaultConfig;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config") {
      if (i + 1 >= argc) return Unexpected<std::string>{"--config needs a path"};
      opts.configPath = argv[++i];
    } else if (arg.starts_with("--config=")) {
      opts.configPath = arg.substr(9);
    } else if (arg == "--check-config") {
      opts.checkConfig = true;
    } else if (arg == "--version") {
      opts.version = true;
    } else if (arg == "--help" || arg == "-h") {
      opts.help = true;
    } else {
      return Unexpected<std::string>{"unknown argument '" + arg + "'"};
    }
  }
  if (opts.configPath.empty()) return Unexpected<std::string>{"--config needs a path"};
  return opts;
}

std::string daemonUsage(const std::string& binary, const std::string& summary,
                        const std::string& defaultConfig) {
  return "Usage: " + binary + " [--config PATH] [--check-config] [--version] [--help]\n\n" +
         summary +
         "\n\n"
         "  --config PATH    configuration file (default: " +
         defaultConfig +
         ")\n"
         "  --check-config   check the configuration, print every problem, and exit\n"
         "  --version        print the version and exit\n"
         "  --help           print this help and exit\n\n"
         "Runs under systemd as a Type=notify service; SIGHUP reloads the configuration.\n";
}

int runDaemonErased(const DaemonSetup& setup, int argc, const char* const* argv) {
  const std::string binary = "openclaw-" + setup.name;
  Log::init(binary);
  const std::string defaultConfig = defaultConfigPath(setup.name);
  auto opts = parseDaemonArgs(argc, argv, defaultConfig);
  if (!opts) {
    std::cerr << binary << ": " << opts.error() << "\nTry '" << binary << " --help'.\n";
    return kExitUsage;
  }
  if (opts->help) {
    std::cout << daemonUsage(binary, setup.summary, defaultConfig);
    return 0;
  }
  if (opts->version) {
    std::cout << binary << " " << OPENCLAW_VERSION << "\n";
    return 0;
  }
  if (opts->checkConfig) {
    const ConfigIssues issues = setup.check(opts->configPath);
    if (!issues.empty()) {
      std::cerr << formatIssues(issues);
      return kExitConfig;
    }
    std::cout << opts->configPath << ": ok\n";
    return 0;
  }

  boost::asio::io_context io;
  Notifier notifier(io);
  DaemonContext ctx{io, notifier, setup.name, stateDirectory(setup.name), systemClock()};
  DaemonHooks hooks = setup.build(ctx);
  const ConfigIssues issues = hooks.loadAndStart(opts->configPath);
  if (!issues.empty()) {
    logIssues(LOG_ERR, "cannot start: the configuration is not valid", issues,
              event::kConfigInvalid);
    return kExitConfig;
  }
  DaemonLoop loop(ctx, hooks, opts->configPath);
  loop.listen();
  notifier.startWatchdog();
  const std::string status = hooks.status();
  notifier.ready(status);
  Log::info("started " OPENCLAW_VERSION ": " + status,
            {{journal_key::kEvent, event::kStart}, {journal_key::kConfig, opts->configPath}});
  io.run();
  if (!loop.forced())
    Log::info("stopped: every piece of work ended", {{journal_key::kEvent, event::kStopped}});
  return 0;
}

}  // namespace openclaw
