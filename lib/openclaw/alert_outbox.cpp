#include "openclaw/alert_outbox.h"

#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "openclaw/durable_file.h"
#include "openclaw/events.h"
#include "openclaw/handles.h"
#include "openclaw/log.h"

namespace openclaw {
namespace {

// A message file holds one message, JSON-escaped: a webhook body of up to 48 KiB can take
// more than that once its quotes and control bytes are escaped.
constexpr std::size_t kMaxMessageFileBytes = 256 << 10;
constexpr std::size_t kMaxDedupFileBytes = 1 << 20;  // keys expire after the window; ample
constexpr const char* kDedupFile = "dedup.json";

// Our own folder, yet a symlink planted there must not make us read another file.
Expected<std::string, std::string> readOwnFile(const std::string& path, std::size_t maxBytes) {
  return readSmallFile(path, maxBytes, Symlinks::NoFollow);
}

std::string dumpJson(const nlohmann::json& j) {
  // Alert texts may quote file names in any encoding; never throw on invalid UTF-8.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string boundedText(const std::string& text, std::size_t maxBytes) {
  if (text.size() <= maxBytes) return text;
  std::size_t cut = maxBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + " [...]";
}

// "msg-00000000000000000042.json" -> 42; names of any other shape are not messages.
std::optional<std::uint64_t> sequenceOf(const std::string& name) {
  const bool shaped = name.size() == 29 && name.starts_with("msg-") && name.ends_with(".json") &&
                      std::all_of(name.begin() + 4, name.end() - 5, ::isdigit);
  if (!shaped) return std::nullopt;
  return std::stoull(name.substr(4, 20));
}

}  // namespace

AlertOutbox::AlertOutbox(boost::asio::io_context& io, std::string folder,
                         std::unique_ptr<AlertChannel> channel, OutboxTuning tuning)
    : io_(io),
      folder_(std::move(folder)),
      channel_(std::move(channel)),
      name_(channel_->name()),
      label_((name_ == "telegram" ? std::string("Telegram") : name_) + " outbox"),
      tuning_(tuning),
      backoff_(tuning.firstRetry),
      timer_(io) {
  tuning_.maxPending = std::max<std::size_t>(tuning_.maxPending, 1);
  courier_ = std::make_unique<PostCourier>(
      // On the courier's thread: only the watch is read there, the check is on the loop.
      [this, alive = life_.watch()](DeliveryReply reply) {
        boost::asio::post(io_, [this, alive, reply = std::move(reply)] {
          if (alive.alive()) onReply(reply);
        });
      });
  prepareFolder();
  loadDedup();
  loadMessages();
  pump();
}

AlertOutbox::~AlertOutbox() {
  life_.renew();  // what the courier posts while it winds down is dropped
  courier_.reset();
}

bool AlertOutbox::enqueue(const std::string& text, const std::string& dedupKey) {
  if (!dedupKey.empty()) {
    const long long now = tuning_.clock->wallSeconds();
    const auto seen = dedup_.find(dedupKey);
    // A time in the future means the clock was set back: do not let it silence alerts.
    if (seen != dedup_.end() && now >= seen->second &&
        now - seen->second < tuning_.dedupWindow.count()) {
      return false;
    }
    dedup_[dedupKey] = now;
    saveDedup(now);
  }
  Message message{nextSeq_++, boundedText(text, channel_->maxMessageBytes()), false};
  if (folderReady_) {
    const nlohmann::json doc = {{"seq", message.seq}, {"text", message.text}};
    auto written = atomicWriteFile(messagePath(message.seq), dumpJson(doc) + "\n", 0600);
    if (written) {
      message.onDisk = true;
    } else {
      // Still deliver it from memory; only a restart before delivery would lose it.
      lastError_ = "cannot keep the message on disk: " + written.error().message();
    }
  }
  queue_.push_back(std::move(message));
  trimToBound();
  pump();
  return true;
}

std::string AlertOutbox::summary() const {
  std::string s = std::to_string(queue_.size()) + " pending";
  if (shortError_.empty()) return s;
  s += " (" + shortError_;
  if (waiting_) {
    const auto left = std::chrono::ceil<std::chrono::seconds>(
        std::max(retryAt_ - tuning_.clock->steady(), std::chrono::steady_clock::duration{}));
    s += ", retry in " + std::to_string(left.count()) + " s";
  }
  return s + ")";
}

std::string AlertOutbox::messagePath(std::uint64_t seq) const {
  char name[40];
  std::snprintf(name, sizeof name, "msg-%020llu.json", static_cast<unsigned long long>(seq));
  return folder_ + "/" + name;
}

void AlertOutbox::prepareFolder() {
  if (::mkdir(folder_.c_str(), 0700) != 0 && errno != EEXIST) {
    lastError_ = "cannot create the outbox folder: " + std::string(std::strerror(errno));
    return;
  }
  struct stat st {};
  folderReady_ = ::lstat(folder_.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  if (!folderReady_) lastError_ = "the outbox folder is not a folder";
}

void AlertOutbox::loadMessages() {
  if (!folderReady_) return;
  std::error_code ec;
  std::vector<std::pair<std::uint64_t, std::string>> found;
  for (const auto& entry : std::filesystem::directory_iterator(folder_, ec)) {
    const std::string name = entry.path().filename().string();
    if (const auto seq = sequenceOf(name)) {
      found.emplace_back(*seq, entry.path().string());
    } else if (name.starts_with(".") && name.find(".tmp-") != std::string::npos) {
      ::unlink(entry.path().c_str());  // a write that died half-way; its message never counted
    }
  }
  std::sort(found.begin(), found.end());
  for (const auto& [seq, path] : found) {
    nextSeq_ = std::max(nextSeq_, seq + 1);
    auto text = readOwnFile(path, kMaxMessageFileBytes);
    auto doc = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
    if (!doc.is_object() || !doc.contains("text") || !doc["text"].is_string()) {
      // Set aside rather than deleted: the operator may still want to read it.
      Log::warning(
          label_ + ": setting aside an unreadable message file",
          {{journal_key::kEvent, name_ + "-outbox-unreadable"}, {journal_key::kTarget, path}});
      ::rename(path.c_str(), (path + ".unreadable").c_str());
      continue;
    }
    queue_.push_back({seq, doc["text"].get<std::string>(), true});
  }
  trimToBound();
}

void AlertOutbox::loadDedup() {
  if (!folderReady_) return;
  auto text = readOwnFile(folder_ + "/" + kDedupFile, kMaxDedupFileBytes);
  if (!text) return;  // first run, or unreadable: starting afresh only risks one repeat
  const auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (!doc.is_object()) return;
  for (const auto& [key, at] : doc.items()) {
    if (at.is_number_integer()) dedup_[key] = at.get<long long>();
  }
}

void AlertOutbox::saveDedup(long long now) {
  std::erase_if(dedup_, [&](const auto& kv) {
    return now - kv.second >= tuning_.dedupWindow.count() || kv.second > now;
  });
  if (!folderReady_) return;
  nlohmann::json doc = nlohmann::json::object();
  for (const auto& [key, at] : dedup_) doc[key] = at;
  if (!atomicWriteFile(folder_ + "/" + kDedupFile, dumpJson(doc) + "\n", 0600)) {
    Log::debug(label_ + ": cannot save the dedup state");
  }
}

void AlertOutbox::trimToBound() {
  while (queue_.size() > tuning_.maxPending) {
    const std::size_t oldest = inFlight_ && queue_.front().seq == inFlightSeq_ ? 1 : 0;
    Log::warning(label_ + " full: dropping the oldest message",
                 {{journal_key::kEvent, name_ + "-outbox-full"},
                  {journal_key::kTarget, std::to_string(queue_[oldest].seq)}});
    forget(oldest);
  }
}

void AlertOutbox::forget(std::size_t index) {
  if (queue_[index].onDisk) ::unlink(messagePath(queue_[index].seq).c_str());
  queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(index));
}

void AlertOutbox::pump() {
  if (inFlight_ || waiting_ || queue_.empty()) return;
  const Message& next = queue_.front();
  auto job = channel_->request(next.text, tuning_.requestTimeout);
  if (!job) {
    retryLater(tuning_.maxRetry, "no token", job.error());
    return;
  }
  inFlight_ = true;
  inFlightSeq_ = next.seq;
  sentToken_ = channel_->secret();
  // Keeps run() going while the only work left is the request on the courier's thread.
  work_.emplace(io_.get_executor());
  courier_->send(std::move(*job));
}

void AlertOutbox::onReply(const DeliveryReply& reply) {
  inFlight_ = false;
  work_.reset();
  const DeliveryDecision d = channel_->judge(reply);
  Log::debug(label_ + ": delivery attempt", {{journal_key::kEvent, name_ + "-send"},
                                             {journal_key::kVerdict, toString(d.verdict)}});
  if (d.verdict == DeliveryVerdict::Delivered) {
    const auto it = std::find_if(queue_.begin(), queue_.end(),
                                 [&](const Message& m) { return m.seq == inFlightSeq_; });
    if (it != queue_.end()) forget(static_cast<std::size_t>(it - queue_.begin()));
    ++delivered_;
    backoff_ = tuning_.firstRetry;
    lastError_.clear();
    shortError_.clear();
    pump();
    return;
  }
  std::chrono::milliseconds delay = tuning_.maxRetry;
  if (d.verdict == DeliveryVerdict::RateLimited && d.retryAfter) {
    delay = *d.retryAfter;  // the receiver's own figure wins, even above maxRetry
  } else if (d.verdict != DeliveryVerdict::Refused) {
    delay = nextBackoff();
  }
  retryLater(delay, d.shortError, scrubSecret(d.error, sentToken_));
}

std::chrono::milliseconds AlertOutbox::nextBackoff() {
  const auto delay = backoff_;
  backoff_ = std::min(backoff_ * 2, tuning_.maxRetry);
  return delay;
}

void AlertOutbox::retryLater(std::chrono::milliseconds delay, std::string shortError,
                             std::string error) {
  lastError_ = std::move(error);
  shortError_ = std::move(shortError);
  waiting_ = true;
  retryAt_ = tuning_.clock->steady() + delay;
  timer_.expires_after(delay);
  timer_.async_wait(life_.guard([this](boost::system::error_code ec) {
    if (ec) return;
    waiting_ = false;
    pump();
  }));
}

std::size_t pendingAlertMessages(const std::string& outboxFolder, std::size_t limit) {
  // O_NOFOLLOW on the folder itself; entries are judged by lstat-like type, never opened.
  const int fd = ::open(outboxFolder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return 0;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return 0;
  }
  std::size_t count = 0;
  // Entries scanned are bounded too: a folder stuffed with other names must not stall a reader.
  std::size_t scanned = 0;
  const std::size_t maxScanned = limit * 4 + 1024;
  while (count < limit && scanned < maxScanned) {
    const dirent* e = ::readdir(dir);
    if (e == nullptr) break;
    ++scanned;
    if (!sequenceOf(e->d_name)) continue;
    struct stat st {};
    if (::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) ++count;
  }
  ::closedir(dir);
  return count;
}

}  // namespace openclaw
