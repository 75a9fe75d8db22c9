// Alerts that survive crashes, restarts and network outages, for any channel (Telegram, a
// webhook: see alert_channels.h).  One outbox per channel, each in its own folder.
//
// enqueue() writes the message as its own file in the outbox folder (atomically, named by a
// sequence number so the order survives a restart) before it returns; delivery happens in the
// background, oldest first, one request at a time.  A message file is deleted only after the
// channel judged the answer delivered (2xx; Telegram also wants "ok":true), so each message is
// sent once as far as the outbox can tell (a crash between the answer and the delete sends it
// again).  Failures keep the message and retry: HTTP 429 after the wait the receiver names
// (Retry-After, or Telegram's retry_after); 5xx, timeouts and connection errors with
// exponential backoff; other 4xx and a missing token at the longest interval, since only the
// operator can fix those.  Tokens never appear in lastError() or the log.
//
// A dedup key seen again within the window is not sent again; the keys are persisted beside
// the messages so a restart does not re-send a burst.  At most `maxPending` messages are kept:
// a long outage drops the oldest (with a log line) rather than fill the disk.
//
// libcurl's easy API blocks, so requests run on one worker thread owned by the outbox; each
// result is posted back to the io_context, where all state lives.  Construct, call and
// destroy the outbox on the io_context's thread; the io_context must outlive it.  Destroying
// it aborts a request in flight (libcurl notices within about a second) and joins the thread.
//
// pendingAlertMessages() counts what an outbox folder holds, for readers outside the daemon
// (agentctl status, the metrics): message files by name and type, no symlink followed.
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

#include "openclaw/alert_channels.h"
#include "openclaw/clock.h"
#include "openclaw/life_token.h"

namespace openclaw {

// Production defaults; tests shrink them.
struct OutboxTuning {
  std::chrono::milliseconds firstRetry{2000};
  std::chrono::milliseconds maxRetry{std::chrono::minutes(10)};
  std::chrono::milliseconds requestTimeout{15000};
  std::chrono::seconds dedupWindow{600};
  std::size_t maxPending = 1000;  // a day of one alert a minute and more; bounded disk use
  // The dedup window and the retry times read this clock; tests give a FakeClock.
  const Clock* clock = &systemClock();

  bool operator==(const OutboxTuning&) const = default;
};

class AlertOutbox {
 public:
  // Creates `folder` (mode 0700) when missing and starts delivering what a previous run left.
  AlertOutbox(boost::asio::io_context& io, std::string folder,
              std::unique_ptr<AlertChannel> channel, OutboxTuning tuning = {});
  ~AlertOutbox();
  AlertOutbox(const AlertOutbox&) = delete;
  AlertOutbox& operator=(const AlertOutbox&) = delete;

  // Persists the message, then delivers it in the background.  False when `dedupKey` (unless
  // empty) was enqueued within the dedup window: the message is dropped.
  bool enqueue(const std::string& text, const std::string& dedupKey);

  std::size_t pending() const { return queue_.size(); }
  std::size_t delivered() const { return delivered_; }
  const std::string& channelName() const { return name_; }
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
  void onReply(const DeliveryReply& reply);
  void retryLater(std::chrono::milliseconds delay, std::string shortError, std::string error);
  std::chrono::milliseconds nextBackoff();

  boost::asio::io_context& io_;
  std::string folder_;
  std::unique_ptr<AlertChannel> channel_;
  std::string name_;   // the channel's
  std::string label_;  // "Telegram outbox", "webhook outbox": log lines
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

  LifeToken life_;  // the courier's replies posted back hold a watch of it
  std::unique_ptr<PostCourier> courier_;
};

// Message files in an outbox folder: regular files named like the outbox names them.  0 when
// the folder is missing, not a folder, or a symlink; counting stops at `limit`.
std::size_t pendingAlertMessages(const std::string& outboxFolder, std::size_t limit = 100000);

}  // namespace openclaw
