// A libcurl multi handle driven by an Asio io_context (curl_multi_socket_action), one thread.
//
// Curl says which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to call it back
// (CURLMOPT_TIMERFUNCTION); this waits for readiness with a non-owning stream_descriptor per
// socket and a steady_timer, and hands each finished transfer to `Finished`, synchronously, right
// after the curl call that finished it (never from inside a curl callback, so `Finished` may
// remove the handle).  Asio never closes a curl socket: descriptors are released, not closed.
// Sockets are opened and closed through callbacks installed by `add` so a descriptor is
// forgotten before curl closes it, and a number curl reuses is never mistaken for the old one.
// The owner removes every easy handle before destroying this; handlers still queued on the
// io_context afterwards do nothing.
#pragma once

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

#include "openclaw/life_token.h"

namespace openclaw {

class AsioCurlMulti {
 public:
  using Finished = std::function<void(CURL* easy, CURLcode result)>;

  AsioCurlMulti(boost::asio::io_context& io, Finished finished);
  ~AsioCurlMulti();
  AsioCurlMulti(const AsioCurlMulti&) = delete;
  AsioCurlMulti& operator=(const AsioCurlMulti&) = delete;

  // Installs the socket open/close callbacks on `easy` and starts it; false if curl refused.
  bool add(CURL* easy);
  // Stops a transfer (finished or not); its connection may stay in the cache.
  void remove(CURL* easy);

 private:
  struct Watch;

  static int onSocket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static int onTimer(CURLM* multi, long timeoutMs, void* self);
  static curl_socket_t onOpenSocket(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int onCloseSocket(void* self, curl_socket_t fd);

  std::shared_ptr<Watch> watchFor(curl_socket_t fd);
  std::shared_ptr<Watch> watch(curl_socket_t fd, bool opened);
  void forget(curl_socket_t fd);
  void arm(const std::shared_ptr<Watch>& watch, bool write);
  void act(curl_socket_t fd, int events);

  boost::asio::io_context& io_;
  Finished finished_;
  boost::asio::steady_timer timer_;
  std::optional<std::chrono::steady_clock::time_point> armedFor_;  // when timer_ fires
  bool actPosted_ = false;     // a zero timeout is already queued on the loop
  std::size_t transfers_ = 0;  // easy handles added and not yet removed
  std::unordered_map<curl_socket_t, std::shared_ptr<Watch>> watches_;
  CURLM* multi_ = nullptr;
  LifeToken life_;  // handlers queued when the multi goes are dropped
};

}  // namespace openclaw
