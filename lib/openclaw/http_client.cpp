#include "openclaw/http_client.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cctype>
#include <optional>
#include <string_view>

#include "openclaw/handles.h"

namespace openclaw {
namespace {

// A handle per call costs a curl_easy_init and its buffers each time; the calls in flight
// at once are bounded by the bridge, and beyond this many idle ones the rest are freed.
constexpr std::size_t kMaxIdleEasyHandles = 64;

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxHeaderValueBytes = 128;  // a Retry-After date is 29; a type ~50
constexpr auto kMaxConnectTimeout = std::chrono::milliseconds(10000);  // a SYN lost 3 times

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

// The trimmed value of `line` if it is header `name` (given with its colon, lower case).
std::optional<std::string_view> headerValue(std::string_view line, std::string_view name) {
  if (!startsWithNoCase(line, name)) return std::nullopt;
  std::string_view value = line.substr(name.size());
  const auto first = value.find_first_not_of(" \t");
  if (first == std::string_view::npos) return std::string_view();
  value = value.substr(first, value.find_last_not_of(" \t\r\n") + 1 - first);
  if (value.size() > kMaxHeaderValueBytes) return std::nullopt;
  return value;
}

// A refusal before anything is sent; empty if the request may go.
const char* refusal(const HttpClientRequest& request) {
  if (!startsWithNoCase(request.url, "http://") && !startsWithNoCase(request.url, "https://")) {
    return "only http:// and https:// URLs are allowed";
  }
  const auto unsafe = [](std::string_view s) { return s.find_first_of("\r\n", 0) != s.npos; };
  if (unsafe(request.url)) return "the URL contains a line break";
  for (const std::string& line : request.headers) {
    // curl sends header lines as given: a CR or LF would smuggle in a header of its own.
    if (unsafe(line) || line.find('\0') != std::string::npos) {
      return "a header line contains a line break";
    }
  }
  return "";
}

HttpTransport classify(CURLcode code, bool tooLarge) {
  switch (code) {
    case CURLE_OK:
      return HttpTransport::Ok;
    case CURLE_OPERATION_TIMEDOUT:
      return HttpTransport::Timeout;
    case CURLE_WRITE_ERROR:  // only our write callback refuses bytes
      return tooLarge ? HttpTransport::TooLarge : HttpTransport::Other;
    case CURLE_FILESIZE_EXCEEDED:  // Content-Length announced more than the limit
      return HttpTransport::TooLarge;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:         // reset, before or during the answer
    case CURLE_GOT_NOTHING:        // closed before a status line
    case CURLE_PARTIAL_FILE:       // closed before the announced body was complete
    case CURLE_SSL_CONNECT_ERROR:  // handshake broken off, not a failed verification
    case CURLE_HTTP2:              // the HTTP/2 session died
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_PROXY:
      return HttpTransport::Connection;
    default:  // weird server reply, HTTP/0.9, certificate problems, out of memory, ...
      return HttpTransport::Other;
  }
}

}  // namespace

const char* toString(HttpTransport t) {
  static constexpr const char* kNames[] = {"ok",        "timeout",   "connection",
                                           "too-large", "cancelled", "other"};
  return kNames[static_cast<int>(t)];
}

struct HttpClient::Transfer {
  CallId id = 0;
  HttpClientRequest request;
  Done done;
  Clock::time_point started = Clock::now();
  CurlPtr easy;
  CurlSlistPtr headers;
  HttpClientResponse response;  // body, retryAfter and contentType fill in as bytes arrive
  bool tooLarge = false;

  bool configure(CurlPtr pooled);
  static size_t onBody(char* data, size_t size, size_t count, void* transfer);
  static size_t onHeader(char* data, size_t size, size_t count, void* transfer);
  std::chrono::microseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
  }
};

size_t HttpClient::Transfer::onBody(char* data, size_t size, size_t count, void* transfer) {
  auto* t = static_cast<Transfer*>(transfer);
  const size_t bytes = size * count;
  if (t->response.body.size() + bytes > t->request.maxResponseBytes) {
    t->tooLarge = true;
    return 0;  // curl aborts with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, bytes);
  return bytes;
}

size_t HttpClient::Transfer::onHeader(char* data, size_t size, size_t count, void* transfer) {
  auto* t = static_cast<Transfer*>(transfer);
  const std::string_view line(data, size * count);
  if (startsWithNoCase(line, "HTTP/")) {  // a new response (after a 1xx): forget the last one's
    t->response.retryAfter.clear();
    t->response.contentType.clear();
  } else if (auto value = headerValue(line, "retry-after:")) {
    t->response.retryAfter = *value;
  } else if (auto type = headerValue(line, "content-type:")) {
    t->response.contentType = *type;
  }
  return size * count;
}

bool HttpClient::Transfer::configure(CurlPtr pooled) {
  easy = std::move(pooled);
  if (!easy) return false;
  for (const std::string& line : request.headers) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
    if (!headers) return false;
  }
  // "Expect:" off: waiting for 100-continue costs a round trip and buys nothing here.
  headers.reset(curl_slist_append(headers.release(), "Expect:"));
  if (!headers) return false;

  const auto timeout = std::max(request.timeout, std::chrono::milliseconds(1));  // 0 = never
  const auto connectTimeout = std::min(timeout, kMaxConnectTimeout);
  CURL* c = easy.get();
  CURLcode rc = CURLE_OK;
  const auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(c, option, value);
  };
  set(CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  // Ubuntu 22.04 has libcurl 7.81: the string forms came in 7.85 (and deprecated these).
  set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  set(CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  set(CURLOPT_FOLLOWLOCATION, 0L);  // a 3xx is the caller's to judge
  set(CURLOPT_NOSIGNAL, 1L);        // signals would hit the daemon's other threads
  set(CURLOPT_TCP_NODELAY, 1L);     // one small request, one small answer: no Nagle delay
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  set(CURLOPT_POST, 1L);
  set(CURLOPT_POSTFIELDS, request.body.data());  // `request` outlives the transfer
  set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  set(CURLOPT_HTTPHEADER, headers.get());
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connectTimeout.count()));
  set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.maxResponseBytes));
  set(CURLOPT_WRITEFUNCTION, &onBody);
  set(CURLOPT_WRITEDATA, this);
  set(CURLOPT_HEADERFUNCTION, &onHeader);
  set(CURLOPT_HEADERDATA, this);
  set(CURLOPT_PRIVATE, this);
  return rc == CURLE_OK;
}

HttpClient::HttpClient(boost::asio::io_context& io)
    : io_(io), multi_(io, [this](CURL* easy, CURLcode code) { onFinished(easy, code); }) {}

HttpClient::~HttpClient() {
  for (auto& [id, transfer] : transfers_) multi_.remove(transfer->easy.get());
  transfers_.clear();
}

HttpClient::CallId HttpClient::post(HttpClientRequest request, Done done) {
  const CallId id = nextId_++;
  auto transfer = std::make_unique<Transfer>();
  transfer->id = id;
  transfer->request = std::move(request);
  transfer->done = std::move(done);
  HttpClientResponse refused;
  refused.error = refusal(transfer->request);
  if (refused.error.empty() &&
      (!transfer->configure(takeEasy()) || !multi_.add(transfer->easy.get()))) {
    refused.error = curl_easy_strerror(CURLE_FAILED_INIT);
  }
  if (!refused.error.empty()) {
    refused.elapsed = transfer->elapsed();
    deliver(std::move(transfer->done), std::move(refused));
    return id;
  }
  transfers_.emplace(id, std::move(transfer));
  return id;
}

void HttpClient::cancel(CallId id) {
  auto it = transfers_.find(id);
  if (it == transfers_.end()) return;
  std::unique_ptr<Transfer> transfer = std::move(it->second);
  transfers_.erase(it);
  multi_.remove(transfer->easy.get());
  recycle(std::move(transfer->easy));
  HttpClientResponse response;
  response.transport = HttpTransport::Cancelled;
  response.error = "cancelled";
  response.elapsed = transfer->elapsed();
  deliver(std::move(transfer->done), std::move(response));
}

void HttpClient::cancelAll() {
  while (!transfers_.empty()) cancel(transfers_.begin()->first);
}

std::size_t HttpClient::inFlight() const {
  return transfers_.size();
}

void HttpClient::onFinished(CURL* easy, CURLcode code) {
  Transfer* raw = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, &raw);
  auto it = raw ? transfers_.find(raw->id) : transfers_.end();
  if (it == transfers_.end()) {  // not ours: cannot happen, but never leave it running
    multi_.remove(easy);
    return;
  }
  std::unique_ptr<Transfer> transfer = std::move(it->second);
  transfers_.erase(it);
  HttpClientResponse response = std::move(transfer->response);
  response.transport = classify(code, transfer->tooLarge);
  if (response.transport == HttpTransport::Ok) {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
    long connects = 0;
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
    response.reusedConnection = connects == 0;
  } else {
    response.body.clear();  // half an answer is no answer
    response.error = curl_easy_strerror(code);
  }
  response.elapsed = transfer->elapsed();
  multi_.remove(easy);
  recycle(std::move(transfer->easy));
  deliver(std::move(transfer->done), std::move(response));
}

CurlPtr HttpClient::takeEasy() {
  if (idleEasy_.empty()) return CurlPtr(curl_easy_init());
  CurlPtr easy = std::move(idleEasy_.back());
  idleEasy_.pop_back();
  curl_easy_reset(easy.get());
  return easy;
}

void HttpClient::recycle(CurlPtr easy) {
  if (easy && idleEasy_.size() < kMaxIdleEasyHandles) idleEasy_.push_back(std::move(easy));
}

// Always through the loop: the caller of post/cancel, or curl's stack, is never re-entered.
void HttpClient::deliver(Done done, HttpClientResponse response) {
  boost::asio::post(io_,
                    life_.guard([done = std::move(done), response = std::move(response)]() mutable {
                      if (done) done(std::move(response));
                    }));
}

}  // namespace openclaw
