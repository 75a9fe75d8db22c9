// Outbound HTTP POSTs on the daemon's io_context: libcurl's multi interface, no thread per call.
//
// Every call is one try: no retries, no redirects (a 3xx is returned as a status), http and
// https only, TLS peer and host verification on.  `Done` is called exactly once per `post`,
// always from the io_context and never from inside `post` (so Done may post or cancel again).
// Keep-alive connections are reused across calls through the multi handle's cache.
//
// What a failure means (`HttpTransport`):
//   Timeout     the per-try timeout (whole transfer, connect included) ran out.
//   Connection  no usable connection: refused, unresolvable, reset (before or during the
//               answer), closed with nothing or half an answer, TLS handshake failed.
//   TooLarge    the answer is longer than `maxResponseBytes`; the transfer was aborted.
//   Cancelled   `cancel`/`cancelAll` was called.
//   Other       everything else.  Notably a peer that answers but not in HTTP (curl's "weird
//               server reply" or HTTP/0.9): retrying the same peer will not help, so it is not
//               a Connection failure.  Also a failed certificate check, and a request refused
//               before sending (scheme not http/https, a header line with a line break).
// Limits: libcurl's threaded resolver uses a short-lived thread per name lookup (numeric
// addresses need none); proxies from the environment (http_proxy, ...) are honoured as curl
// does by default.  The destructor aborts every transfer and no Done runs during or after it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "openclaw/asio_curl_multi.h"
#include "openclaw/handles.h"
#include "openclaw/life_token.h"

namespace openclaw {

struct HttpClientRequest {
  std::string url;                           // http:// or https:// only
  std::string body;                          // POSTed as is
  std::vector<std::string> headers;          // "Name: value" lines, no CR or LF
  std::chrono::milliseconds timeout{30000};  // whole transfer, per try (at least 1 ms)
  std::size_t maxResponseBytes = 1 << 20;    // beyond this: TooLarge, transfer aborted
};

enum class HttpTransport { Ok, Timeout, Connection, TooLarge, Cancelled, Other };
const char* toString(HttpTransport t);

struct HttpClientResponse {
  HttpTransport transport = HttpTransport::Other;
  long status = 0;  // HTTP status when transport == Ok
  std::string body;
  std::string retryAfter;   // raw Retry-After value; empty if absent or over 128 bytes
  std::string contentType;  // raw Content-Type value; empty if absent or over 128 bytes
  std::chrono::microseconds elapsed{0};  // from post() to the end of the transfer
  std::string error;  // curl_easy_strerror text, never curl's error buffer (it may quote the URL)
  bool reusedConnection = false;  // the answer came over a connection already open
};

class HttpClient {
 public:
  using Done = std::function<void(HttpClientResponse)>;
  using CallId = std::uint64_t;

  explicit HttpClient(boost::asio::io_context& io);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  CallId post(HttpClientRequest request, Done done);
  // Done gets Cancelled (asynchronously) if the call is still in flight; otherwise nothing.
  void cancel(CallId id);
  void cancelAll();
  // Calls whose transfer is still running (their Done not yet posted).
  std::size_t inFlight() const;

 private:
  struct Transfer;

  void onFinished(CURL* easy, CURLcode code);
  void deliver(Done done, HttpClientResponse response);
  // An easy handle from the idle pool (reset) or a new one; and back to the pool.
  CurlPtr takeEasy();
  void recycle(CurlPtr easy);

  boost::asio::io_context& io_;
  AsioCurlMulti multi_;
  std::map<CallId, std::unique_ptr<Transfer>> transfers_;  // ordered: cancelAll goes by age
  CallId nextId_ = 1;
  std::vector<CurlPtr> idleEasy_;
  LifeToken life_;  // Dones posted but not yet run are dropped with the client
};

}  // namespace openclaw
