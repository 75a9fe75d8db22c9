// Telegram's Bot API as the outbox uses it: one sendMessage at a time on a thread of its own
// (libcurl's easy API blocks; the daemon's loop must not), and what each answer means.
//
// `TelegramCourier` performs one request at a time and hands the reply to `done` on its
// thread; the owner posts it back to its loop.  Its destructor aborts a transfer in
// progress (through libcurl's progress callback) and joins.  `judgeTelegramReply` turns a
// reply into a verdict that is logged: delivered (2xx with "ok":true), rate-limited (429,
// with parameters.retry_after), transient (network, timeout, 5xx) or refused (other 4xx).
// Error texts never come from curl's error buffer, which may quote the URL and its token.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "openclaw/result.h"

namespace openclaw {

struct TelegramReply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
};

enum class TelegramVerdict { Delivered, RateLimited, Transient, Refused };
const char* toString(TelegramVerdict v);

struct TelegramDecision {
  TelegramVerdict verdict;
  std::optional<std::chrono::seconds> retryAfter;
  std::string shortError;  // "HTTP 429", "timeout", ...
  std::string error;       // a sentence for the journal and STATUS
};

TelegramDecision judgeTelegramReply(const TelegramReply& reply);

// `text` with every occurrence of `secret` replaced by "<token>".
std::string scrubSecret(std::string text, const std::string& secret);

// The bot token from its file, trimmed; refused unless it is [A-Za-z0-9:_-]+ (it becomes
// part of the URL path).
Expected<std::string, std::string> readTelegramToken(const std::string& file);

class TelegramCourier {
 public:
  struct Job {
    std::string url;
    std::string body;
    std::chrono::milliseconds timeout;
  };
  using Done = std::function<void(TelegramReply)>;

  explicit TelegramCourier(Done done);
  ~TelegramCourier();
  TelegramCourier(const TelegramCourier&) = delete;
  TelegramCourier& operator=(const TelegramCourier&) = delete;

  void send(Job job);

 private:
  void run();
  TelegramReply perform(const Job& job);

  Done done_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Job> job_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace openclaw
