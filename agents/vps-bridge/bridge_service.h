// The vps-bridge daemon's service: wires the REST server, the call runner (libcurl on the
// loop), the agent directory and the session store, all on the daemon's one io_context.
//
// At start it reads back what the last run left (registered agents, breakers, counters,
// sessions); counters and breakers are saved every few seconds while they move and at stop,
// a breaker that opens is saved at once.  A reload cancels only the calls whose agent the
// new config dropped or changed; the rest go on.  Stop cancels every call (their clients get
// an answer), stops the server, and lets the session writer finish its batch.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "bridge_config.h"
#include "bridge_core.h"
#include "http_server.h"
#include "openclaw/agent_report.h"
#include "openclaw/alerter.h"
#include "openclaw/daemon.h"

namespace openclaw::bridge {

class BridgeService : public AgentService<BridgeConfig> {
 public:
  explicit BridgeService(DaemonContext& ctx);
  ~BridgeService() override;
  void start(const BridgeConfig& config) override;
  void reload(const BridgeConfig& config) override;
  std::string status() const override;
  void stop() override;

 private:
  // The config, at start as at every reload: agents, limits, token.
  void configure(const BridgeConfig& config);
  void startServing();
  void onBreakerChanged(const AgentSlot& slot, BreakerChange change, const std::string& why);
  void armSave();
  void armSweep();
  void saveState();
  void countCall(const std::string& agentAsked, const CallResult& r);
  void reportBreakers();

  DaemonContext& ctx_;
  BridgeConfig config_;
  Alerter alerter_;
  AgentReport report_;  // calls, latency and breakers, for Prometheus
  BridgeCore core_;
  HttpServer server_;
  boost::asio::steady_timer saveTimer_;
  boost::asio::steady_timer sweepTimer_;
  bool started_ = false;
  bool stopped_ = false;
  std::string where_;
};

// The token from $CREDENTIALS_DIRECTORY/vps-bridge-token, else the file the unit's
// LoadCredential= names; empty when neither is readable.
std::string loadBridgeToken();

}  // namespace openclaw::bridge
