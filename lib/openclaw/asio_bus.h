// An sd-bus connection driven by a Boost.Asio io_context.
//
// sd-bus tells us what it waits for (sd_bus_get_events: readable and/or writable) and until
// when (sd_bus_get_timeout: an absolute CLOCK_MONOTONIC time for method-call timeouts);
// this class turns both into waits on the loop and calls sd_bus_process until it has
// nothing left.  Whoever queues a message (a method call) calls `arm()` so the write is
// waited for.  The fd belongs to sd-bus: it is never closed here.  When the bus
// disconnects (dbus restarted), the disconnect callback runs once, from the loop, and the
// class stops waiting, so nothing spins; the owner may then destroy it and open a new one
// (not from inside the callback: post that).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>

#include "openclaw/handles.h"
#include "openclaw/life_token.h"
#include "openclaw/result.h"
#include "openclaw/systemd_scope.h"

namespace openclaw {

class AsioBus {
 public:
  static Result<std::unique_ptr<AsioBus>> openSystem(boost::asio::io_context& io);
  // For tests: a bus at an address such as "unix:path=/run/dbus/system_bus_socket".
  static Result<std::unique_ptr<AsioBus>> openAddress(boost::asio::io_context& io,
                                                      const std::string& address);
  // A manager's endpoint: the system bus, a user's bus, or a direct connection to a manager's
  // private socket (no bus daemon: no unique names, no server-side matches).
  static Result<std::unique_ptr<AsioBus>> open(boost::asio::io_context& io,
                                               const ManagerEndpoint& endpoint);
  ~AsioBus();
  AsioBus(const AsioBus&) = delete;
  AsioBus& operator=(const AsioBus&) = delete;

  sd_bus* get() const { return bus_.get(); }
  boost::asio::io_context& io() { return io_; }
  // Re-evaluates what sd-bus waits for; call after queuing messages.
  void arm();
  void onDisconnect(std::function<void()> callback) { onDisconnect_ = std::move(callback); }
  bool connected() const { return connected_; }
  // False for a direct connection: signals then carry no sender, and matches are local.
  bool busClient() const { return busClient_; }

 private:
  AsioBus(boost::asio::io_context& io, BusPtr bus, bool busClient);
  void onFdReady(const boost::system::error_code& ec);
  void process();
  void stopWatchingFd();

  boost::asio::io_context& io_;
  BusPtr bus_;
  boost::asio::posix::stream_descriptor fd_;
  boost::asio::steady_timer timer_;
  bool waitingRead_ = false;
  bool waitingWrite_ = false;
  bool connected_ = true;
  bool busClient_ = true;
  std::function<void()> onDisconnect_;
  // Handlers are guarded so a wait completing after destruction touches nothing.
  LifeToken life_;
};

}  // namespace openclaw
