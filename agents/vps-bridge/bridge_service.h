// The vps-bridge daemon's service: serves the REST surface on the socket systemd handed
// over (or on `listen` when run by hand), with the token from the systemd credential.
#pragma once

#include <memory>

#include "bridge_config.h"
#include "http_server.h"
#include "openclaw/daemon.h"

namespace openclaw::bridge {

class BridgeService : public AgentService<BridgeConfig> {
 public:
  explicit BridgeService(DaemonContext& ctx);
  void apply(const BridgeConfig& config) override;
  std::string status() const override;
  void stop() override;

 private:
  void startServing();

  DaemonContext& ctx_;
  BridgeConfig config_;
  BridgeView view_;
  HttpServer server_;
  bool serving_ = false;
  std::string where_;
};

// The token from $CREDENTIALS_DIRECTORY/vps-bridge-token, else the file the unit's
// LoadCredential= names; empty when neither is readable.
std::string loadBridgeToken();

}  // namespace openclaw::bridge
