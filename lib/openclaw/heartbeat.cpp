#include "openclaw/heartbeat.h"

#include <ctime>

#include "openclaw/events.h"
#include "openclaw/log.h"
#include "openclaw/time_text.h"

namespace openclaw {
namespace {

constexpr std::chrono::milliseconds kRequestTimeout{10000};
constexpr std::chrono::seconds kFirstTick{1};

std::string failUrl(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/fail";
}

// Why a request did not reach a 2xx, in a few words.
std::string outcome(const HttpClientResponse& r) {
  if (r.transport != HttpTransport::Ok) return toString(r.transport) + std::string(": ") + r.error;
  return "HTTP " + std::to_string(r.status);
}

bool succeeded(const HttpClientResponse& r) {
  return r.transport == HttpTransport::Ok && r.status >= 200 && r.status < 300;
}

std::string now() {
  return formatTime(std::time(nullptr), "%H:%M:%S", Zone::Local);
}

}  // namespace

Heartbeat::Heartbeat(boost::asio::io_context& io, std::function<bool()> allHealthy,
                     std::function<void()> changed)
    : allHealthy_(std::move(allHealthy)), changed_(std::move(changed)), http_(io), timer_(io) {}

Heartbeat::~Heartbeat() = default;

void Heartbeat::configure(std::optional<HeartbeatConfig> config) {
  if (config == config_) return;
  config_ = std::move(config);
  timer_.cancel();
  failing_ = false;
  kind_ = "";
  if (!config_) {
    state_.clear();
    return;
  }
  state_ = "heartbeat every " + std::to_string(config_->intervalSec) + " s, no ping yet";
  Log::info(
      "heartbeat: pinging " + config_->url + " every " + std::to_string(config_->intervalSec) +
          " s while every bot is healthy",
      {{journal_key::kEvent, event::kHeartbeatConfigured}, {journal_key::kTarget, config_->url}});
  arm(kFirstTick);
}

void Heartbeat::arm(std::chrono::seconds after) {
  timer_.expires_after(after);
  timer_.async_wait(life_.guard([this](boost::system::error_code ec) {
    if (!ec) tick();
  }));
}

void Heartbeat::tick() {
  if (!config_) return;
  arm(std::chrono::seconds(config_->intervalSec));
  if (pingInFlight_) return;
  if (!allHealthy_()) {
    setState("heartbeat held since " + now() + ": not every bot is healthy", "held");
    return;
  }
  pingInFlight_ = true;
  HttpClientRequest request;
  request.url = config_->url;
  request.timeout = kRequestTimeout;
  request.maxResponseBytes = 4096;
  http_.post(std::move(request), life_.guard([this](const HttpClientResponse& r) {
    if (r.transport == HttpTransport::Cancelled) return;
    pingInFlight_ = false;
    onPing(r);
  }));
}

void Heartbeat::onPing(const HttpClientResponse& r) {
  if (!config_) return;
  if (succeeded(r)) {
    setState("heartbeat ok since " + now(), "ok");
    if (failing_) {
      Log::notice(
          "heartbeat: pings to " + config_->url + " work again",
          {{journal_key::kEvent, event::kHeartbeatOk}, {journal_key::kTarget, config_->url}});
    }
    failing_ = false;
    return;
  }
  if (!failing_) failingSince_ = now();
  setState("heartbeat FAILING since " + failingSince_ + " (" + outcome(r) + ")", "failing");
  if (!failing_) {
    Log::warning(
        "heartbeat: a ping to " + config_->url + " failed (" + outcome(r) +
            "); the receiver will report this host as down if it goes on",
        {{journal_key::kEvent, event::kHeartbeatFailed}, {journal_key::kTarget, config_->url}});
  }
  failing_ = true;
}

void Heartbeat::fail(const std::string& why) {
  if (!config_) return;
  const std::string url = failUrl(config_->url);
  if (failsInFlight_ >= kMaxFailsInFlight) {
    Log::warning("heartbeat: not sending " + url + " for \"" + why +
                     "\": " + std::to_string(kMaxFailsInFlight) + " are still in flight",
                 {{journal_key::kEvent, event::kHeartbeatFailed}, {journal_key::kTarget, url}});
    return;
  }
  ++failsInFlight_;
  HttpClientRequest request;
  request.url = url;
  request.body = why.substr(0, kMaxReasonBytes);
  request.headers = {"Content-Type: text/plain; charset=utf-8"};
  request.timeout = kRequestTimeout;
  request.maxResponseBytes = 4096;
  http_.post(std::move(request), life_.guard([this, url](const HttpClientResponse& r) {
    if (r.transport == HttpTransport::Cancelled) return;
    --failsInFlight_;
    if (succeeded(r)) {
      Log::notice("heartbeat: told " + url + " that a bot was given up on",
                  {{journal_key::kEvent, event::kHeartbeatFailSent}, {journal_key::kTarget, url}});
    } else {
      Log::warning("heartbeat: telling " + url + " of a give-up failed (" + outcome(r) + ")",
                   {{journal_key::kEvent, event::kHeartbeatFailed}, {journal_key::kTarget, url}});
    }
  }));
}

void Heartbeat::setState(std::string text, std::string_view kind) {
  if (kind == kind_) return;  // the text of a kind keeps the time it began
  kind_ = kind;
  state_ = std::move(text);
  if (changed_) changed_();
}

std::string Heartbeat::status() const {
  return state_;
}

}  // namespace openclaw
