// How an alert channel talks HTTP: one JSON POST at a time on a thread of its own (libcurl's
// easy API blocks; the daemon's loop must not), and what each answer means.
//
// `PostCourier` performs one request at a time and hands the reply to `done` on its thread;
// the owner posts it back to its loop.  Its destructor asks the thread to stop, which aborts a
// transfer in progress (libcurl's progress callback reads the thread's stop token, about once a
// second while the receiver is silent), and joins; a job not yet started is dropped (the outbox
// keeps it on disk).  `judgeHttpReply` turns a reply into a verdict that is logged: delivered
// (2xx), rate-limited (429, with the Retry-After header when given), transient (network,
// timeout, 5xx, 1xx/3xx) or refused (other 4xx: only the operator can fix those).
// `judgeTelegramReply` refines it with Telegram's own answer ("ok":true, the body's retry_after
// and description).  Error texts never come from curl's error buffer, which may quote the URL
// and a token in it.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "openclaw/result.h"

namespace openclaw {

struct DeliveryReply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::optional<std::chrono::seconds> retryAfter;  // the Retry-After header, when present
};

enum class DeliveryVerdict { Delivered, RateLimited, Transient, Refused };
const char* toString(DeliveryVerdict v);

struct DeliveryDecision {
  DeliveryVerdict verdict;
  std::optional<std::chrono::seconds> retryAfter;
  std::string shortError;  // "HTTP 429", "timeout", ...
  std::string error;       // a sentence for the journal and STATUS
};

// `who` names the receiver in the sentences: "Telegram", "the webhook".
DeliveryDecision judgeHttpReply(const DeliveryReply& reply, const std::string& who);
DeliveryDecision judgeTelegramReply(const DeliveryReply& reply);

// `text` with every occurrence of `secret` replaced by "<token>".
std::string scrubSecret(std::string text, const std::string& secret);

// A token from its file, trimmed; refused unless every byte passes `allowed` (the token
// becomes part of a URL path or a header line).  `who` names it in errors.
Expected<std::string, std::string> readTokenFile(const std::string& file, const std::string& who,
                                                 bool (*allowed)(unsigned char));
// The bot token: [A-Za-z0-9:_-]+.
Expected<std::string, std::string> readTelegramToken(const std::string& file);

class PostCourier {
 public:
  struct Job {
    std::string url;
    std::string body;
    std::chrono::milliseconds timeout;
    std::vector<std::string> headers;  // extra header lines ("Authorization: Bearer ...")
  };
  using Done = std::function<void(DeliveryReply)>;

  explicit PostCourier(Done done);
  PostCourier(const PostCourier&) = delete;
  PostCourier& operator=(const PostCourier&) = delete;

  void send(Job job);
  // One request on the caller's thread (agentctl alert-test); never aborted early.
  static DeliveryReply postNow(const Job& job);

 private:
  void run(const std::stop_token& stop);
  static DeliveryReply perform(const Job& job, std::stop_token stop);

  Done done_;
  std::mutex mutex_;
  std::condition_variable_any wake_;  // the _any kind: its wait also ends on a stop request
  std::optional<Job> job_;
  // Last: starts once everything above exists, and is stopped and joined before it goes.
  std::jthread thread_;
};

}  // namespace openclaw
