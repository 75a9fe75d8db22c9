#include "openclaw/alert_delivery.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>

#include "openclaw/durable_file.h"
#include "openclaw/handles.h"

namespace openclaw {
namespace {

constexpr std::size_t kMaxReplyBytes = 64 << 10;  // receivers answer in a few hundred bytes
constexpr std::size_t kMaxTokenBytes = 4096;      // bot tokens are ~46 bytes; this is not one

size_t collectReply(char* data, size_t size, size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * n > kMaxReplyBytes) return 0;  // not a receiver's answer; stop reading
  body->append(data, size * n);
  return size * n;
}

int abortWhenStopping(void* stop, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::stop_token*>(stop)->stop_requested() ? 1 : 0;
}

// HTTP/2 carries no reason phrase; the operator reading STATUS still wants one.
std::string reasonPhrase(long status) {
  static const std::pair<long, const char*> kPhrases[] = {
      {400, " Bad Request"}, {401, " Unauthorized"},        {403, " Forbidden"},
      {404, " Not Found"},   {429, " Too Many Requests"},   {500, " Internal Server Error"},
      {502, " Bad Gateway"}, {503, " Service Unavailable"}, {504, " Gateway Timeout"}};
  for (const auto& [code, phrase] : kPhrases) {
    if (code == status) return phrase;
  }
  return "";
}

void curlReady() {
  // curl_global_init is not safe to race; do it once, before any courier thread exists.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

const char* toString(DeliveryVerdict v) {
  static constexpr const char* kNames[] = {"delivered", "rate-limited", "transient", "refused"};
  return kNames[static_cast<int>(v)];
}

DeliveryDecision judgeHttpReply(const DeliveryReply& reply, const std::string& who) {
  if (reply.code == CURLE_OPERATION_TIMEDOUT) {
    return {DeliveryVerdict::Transient, {}, "timeout", who + " did not answer in time"};
  }
  if (reply.code != CURLE_OK) {
    // curl_easy_strerror, not the error buffer: the latter may quote the URL, token and all.
    return {DeliveryVerdict::Transient,
            {},
            "unreachable",
            who + " unreachable: " + curl_easy_strerror(reply.code)};
  }
  const long status = reply.status;
  const std::string http = "HTTP " + std::to_string(status);
  const std::string full = http + reasonPhrase(status);
  if (status >= 200 && status < 300) return {DeliveryVerdict::Delivered, {}, "", ""};
  if (status == 429) {
    return {DeliveryVerdict::RateLimited, reply.retryAfter, http, who + " rate limit: " + full};
  }
  if (status >= 500 || status < 400) {
    return {DeliveryVerdict::Transient, {}, http, who + " failed: " + full};
  }
  return {DeliveryVerdict::Refused, {}, http, who + " refused: " + full};
}

DeliveryDecision judgeTelegramReply(const DeliveryReply& reply) {
  DeliveryDecision d = judgeHttpReply(reply, "Telegram");
  if (reply.code != CURLE_OK) return d;
  const auto doc = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  if (d.verdict == DeliveryVerdict::Delivered) {
    if (doc.is_object() && doc.contains("ok") && doc["ok"] == true) return d;
    const std::string http = "HTTP " + std::to_string(reply.status);
    return {DeliveryVerdict::Transient,
            {},
            http,
            "Telegram answered " + http + reasonPhrase(reply.status) + " without \"ok\":true"};
  }
  // Telegram names its wait in the body; the header, when present, says the same.
  if (d.verdict == DeliveryVerdict::RateLimited && doc.is_object() && doc.contains("parameters") &&
      doc["parameters"].is_object()) {
    const auto& p = doc["parameters"];
    if (p.contains("retry_after") && p["retry_after"].is_number_unsigned()) {
      d.retryAfter = std::chrono::seconds(p["retry_after"].get<std::uint64_t>());
    }
  }
  if (d.verdict == DeliveryVerdict::Refused && doc.is_object() && doc.contains("description") &&
      doc["description"].is_string()) {
    d.error += " (" + doc["description"].get<std::string>().substr(0, 200) + ")";
  }
  return d;
}

std::string scrubSecret(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "<token>");
  }
  return text;
}

Expected<std::string, std::string> readTokenFile(const std::string& file, const std::string& who,
                                                 bool (*allowed)(unsigned char)) {
  auto fail = [](std::string why) { return Unexpected<std::string>{std::move(why)}; };
  if (file.empty()) return fail(who + " token file is not configured");
  auto text = readSmallFile(file, kMaxTokenBytes);
  if (!text) return fail(who + " token file " + file + ": " + text.error());
  const auto first = text->find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return fail(who + " token file " + file + " is empty");
  std::string token = text->substr(first, text->find_last_not_of(" \t\r\n") - first + 1);
  if (!std::all_of(token.begin(), token.end(), allowed)) {
    return fail(who + " token file " + file + " does not hold a token");
  }
  return token;
}

Expected<std::string, std::string> readTelegramToken(const std::string& file) {
  // The token becomes part of the URL path: anything else could steer the request.
  return readTokenFile(file, "Telegram", [](unsigned char c) {
    return std::isalnum(c) != 0 || c == ':' || c == '_' || c == '-';
  });
}

PostCourier::PostCourier(Done done) : done_(std::move(done)) {
  curlReady();
  thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

void PostCourier::send(Job job) {
  {
    std::lock_guard lock(mutex_);
    job_ = std::move(job);
  }
  wake_.notify_one();
}

void PostCourier::run(const std::stop_token& stop) {
  for (;;) {
    std::unique_lock lock(mutex_);
    // A stop ends the wait; the job it finds then is dropped, as the header says.
    if (!wake_.wait(lock, stop, [this] { return job_.has_value(); }) || stop.stop_requested()) {
      return;
    }
    Job job = std::move(*job_);
    job_.reset();
    lock.unlock();
    done_(perform(job, stop));
  }
}

DeliveryReply PostCourier::postNow(const Job& job) {
  curlReady();
  return perform(job, {});  // a token no one can stop
}

DeliveryReply PostCourier::perform(const Job& job, std::stop_token stop) {
  DeliveryReply reply;
  CurlPtr curl(curl_easy_init());
  if (!curl) {
    reply.code = CURLE_FAILED_INIT;
    return reply;
  }
  // "Expect:" off: a stall waiting for 100-continue buys nothing for a small JSON body.
  CurlSlistPtr headers(curl_slist_append(nullptr, "Content-Type: application/json"));
  headers.reset(curl_slist_append(headers.release(), "Expect:"));
  for (const auto& line : job.headers) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  }
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, job.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  // Ubuntu 22.04 has libcurl 7.81: the string form came in 7.85 (and deprecated this one).
  curl_easy_setopt(c, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // signals would hit the daemon's other threads
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, job.body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(job.body.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(job.timeout.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collectReply);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, abortWhenStopping);
  // The callback runs inside curl_easy_perform, on this thread, while `stop` lives.
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &stop);
  reply.code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_off_t after = -1;
  if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &after) == CURLE_OK && after > 0) {
    reply.retryAfter = std::chrono::seconds(after);
  }
  return reply;
}

}  // namespace openclaw
