// Telegram alerts that survive crashes, restarts and network outages.
//
// enqueue() writes the message as its own file in the outbox folder (atomically, named by a
// sequence number so the order survives a restart) before it returns; delivery happens in the
// background, oldest first, one request at a time.  A message file is deleted only after
// Telegram answered 2xx with "ok":true, so each message is sent once as far as the outbox can
// tell (a crash between Telegram's answer and the delete sends it again).  Failures keep the
// message and retry: HTTP 429 after the retry_after Telegram names; 5xx, timeouts and
// connection errors with exponential backoff; other 4xx and a missing token at the longest
// interval, since only the operator can fix those.  The token is read from its file for each
// request, so a rotated token is picked up; it never appears in lastError() or the log.
//
// A dedup key seen again within the window is not sent again; the keys are persisted beside
// the messages so a restart does not re-send a burst.  At most `maxPending` messages are kept:
// a long outage drops the oldest (with a log line) rather than fill the disk.
//
// libcurl's easy API blocks, so requests run on one worker thread owned by the outbox; each
// result is posted back to the io_context, where all state lives.  Construct, call and
// destroy the outbox on the io_context's thread; the io_context must outlive it.  Destroying
// it aborts a request in flight (libcurl notices within about a second) and joins the thread.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "openclaw/telegram_bot_api.h"

namespace openclaw {

struct TelegramSettings {
  std::string tokenFile;  // read for each request, whitespace trimmed
  std::string chatId;
  std::string apiUrl = "https://api.telegram.org";

  bool operator==(const TelegramSettings&) const = default;
};

// Production defaults; tests shrink them.
struct OutboxTuning {
  std::chrono::milliseconds firstRetry{2000};
  std::chrono::milliseconds maxRetry{std::chrono::minutes(10)};
  std::chrono::milliseconds requestTimeout{15000};
  std::chrono::seconds dedupWindow{600};
  std::size_t maxPending = 1000;  // a day of one alert a minute and more; bounded disk use

  bool operator==(const OutboxTuning&) const = default;
};

class TelegramOutbox {
 public:
  // Creates `folder` (mode 0700) when missing and starts delivering what a previous run left.
  TelegramOutbox(boost::asio::io_context& io, std::string folder, TelegramSettings settings,
                 OutboxTuning tuning = {});
  ~TelegramOutbox();
  TelegramOutbox(const TelegramOutbox&) = delete;
  TelegramOutbox& operator=(const TelegramOutbox&) = delete;

  // Persists the message, then delivers it in the background.  False when `dedupKey` (unless
  // empty) was enqueued within the dedup window: the message is dropped.
  bool enqueue(const std::string& text, const std::string& dedupKey);

  std::size_t pending() const { return queue_.size(); }
  std::size_t delivered() const { return delivered_; }
  // Why the last attempt failed ("Telegram refused: HTTP 401 Unauthorized"); "" after a success.
  std::string lastError() const { return lastError_; }
  // For STATUS lines: "0 pending", "2 pending (HTTP 429, retry in 30 s)".
  std::string summary() const;

 private:
  struct Message {
    std::uint64_t seq = 0;
    std::string text;
    bool onDisk = false;  // false only when the folder cannot be written
  };

  void prepareFolder();
  void loadMessages();
  void loadDedup();
  void saveDedup(long long now);
  void trimToBound();
  void forget(std::size_t index);
  std::string messagePath(std::uint64_t seq) const;

  void pump();
  void onReply(const TelegramReply& reply);
  void retryLater(std::chrono::milliseconds delay, std::string shortError, std::string error);
  std::chrono::milliseconds nextBackoff();

  boost::asio::io_context& io_;
  std::string folder_;
  TelegramSettings settings_;
  OutboxTuning tuning_;
  bool folderReady_ = false;

  std::deque<Message> queue_;
  std::uint64_t nextSeq_ = 1;
  std::map<std::string, long long> dedup_;  // key -> unix seconds of its last enqueue
  std::size_t delivered_ = 0;
  std::string lastError_;
  std::string shortError_;

  bool inFlight_ = false;
  std::uint64_t inFlightSeq_ = 0;
  std::string sentToken_;  // scrubbed out of any error text that might echo it
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  bool waiting_ = false;
  std::chrono::steady_clock::time_point retryAt_;
  std::chrono::milliseconds backoff_;
  boost::asio::steady_timer timer_;

  std::shared_ptr<int> alive_;  // handlers posted back hold a weak_ptr to it
  std::unique_ptr<TelegramCourier> courier_;
};

}  // namespace openclaw
