// An agent that holds a validated config and reports it, doing nothing else yet.
//
// Each daemon starts as this until its own capability lands: it proves the daemon's
// plumbing (notify, watchdog, reload, stop, logging) end to end under a real systemd.
// STATUS= says what is configured and when the config was last (re)loaded.
#pragma once

#include <chrono>
#include <ctime>
#include <functional>
#include <string>

#include "openclaw/daemon.h"
#include "openclaw/log.h"

namespace openclaw {

template <class Config>
class IdleAgent : public AgentService<Config> {
 public:
  using Describe = std::function<std::string(const Config&)>;
  explicit IdleAgent(Describe describe) : describe_(std::move(describe)) {}

  void apply(const Config& config) override {
    config_ = config;
    loads_++;
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));
    loadedAt_ = when;
  }

  std::string status() const override {
    return "idle: " + describe_(config_) + "; config " + (loads_ > 1 ? "reloaded " : "loaded ") +
           loadedAt_;
  }

 private:
  Describe describe_;
  Config config_{};
  int loads_ = 0;
  std::string loadedAt_;
};

}  // namespace openclaw
