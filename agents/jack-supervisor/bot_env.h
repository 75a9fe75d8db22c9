// What every supervised bot shares with the others: the loop, systemd, Docker, alerts and
// the persisted ledgers.  The supervisor service owns all of it; each bot holds a
// reference for as long as the service applies the config it was built from.
#pragma once

#include <boost/asio/io_context.hpp>
#include <ctime>
#include <functional>
#include <string>

#include "openclaw/alerter.h"
#include "openclaw/systemd_manager.h"
#include "repair_policy.h"

namespace openclaw::supervisor {

struct BotEnv {
  boost::asio::io_context& io;
  SystemdManager* systemd = nullptr;  // null while D-Bus is unreachable
  Alerter& alerter;
  std::string stateDir;
  std::string dockerSocket;
  std::function<BotLedger&(const std::string& bot)> ledger;
  std::function<void()> persist;
  std::function<void()> statusChanged;
};

inline Seconds wallNow() {
  return static_cast<Seconds>(std::time(nullptr));
}

}  // namespace openclaw::supervisor
