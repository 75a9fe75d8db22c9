#include "call_runner.h"

#include <boost/asio/post.hpp>
#include <optional>

#include "openclaw/events.h"
#include "openclaw/log.h"
#include "remote_protocol.h"

namespace openclaw::bridge {

struct CallRunner::Call {
  std::uint64_t id = 0;
  CallRequest request;
  std::vector<std::shared_ptr<AgentSlot>> chain;
  Done done;
  SteadyTime started{};
  SteadyTime deadline{};
  std::size_t index = 0;  // the agent being tried
  // Per agent, reset when the chain moves on.
  int retries = 0;
  bool badRequestRetried = false;
  Millis timeout{0};
  Admission admission = Admission::Allowed;
  std::optional<HttpClient::CallId> transfer;
  std::optional<boost::asio::steady_timer> timer;
  std::string lastProblem;
  CallResult result;
};

namespace {

Millis millisBetween(SteadyTime from, SteadyTime to) {
  return std::chrono::duration_cast<Millis>(to - from);
}

CallError classify(const HttpClientResponse& response, const AgentSlot& slot, std::string& answer,
                   std::string& problem) {
  switch (response.transport) {
    case HttpTransport::Ok:
      break;
    case HttpTransport::Timeout:
      problem = "no answer within the timeout";
      return CallError::Timeout;
    case HttpTransport::TooLarge:
      problem = "the answer is larger than the limit";
      return CallError::InvalidResponse;
    default:
      problem = response.error.empty() ? toString(response.transport) : response.error;
      return CallError::Connection;
  }
  const CallError byStatus = classifyStatus(response.status);
  if (byStatus != CallError::None) {
    problem = "HTTP " + std::to_string(response.status);
    return byStatus;
  }
  auto text = readRemoteAnswer(slot.agent.protocol, response.body);
  if (!text) {
    problem = text.error();
    return CallError::InvalidResponse;
  }
  answer = std::move(*text);
  return CallError::None;
}

// How long until the first agent of `chain` may be tried again: its breaker half-opens or
// its 429 hold ends.
Millis firstAvailable(const std::vector<std::shared_ptr<AgentSlot>>& chain, SteadyTime now) {
  std::optional<Millis> first;
  for (const auto& slot : chain) {
    Millis in = slot->breaker.reopensIn(now).value_or(Millis(0));
    if (slot->heldUntil && *slot->heldUntil > now) {
      in = std::max(in, std::chrono::duration_cast<Millis>(*slot->heldUntil - now));
    }
    if (!first || in < *first) first = in;
  }
  return first.value_or(Millis(0));
}

// The class a call's journal entry carries: its last error, or why there was none.
const char* outcomeClass(const CallResult& r) {
  if (r.success) return "ok";
  if (r.lastError != CallError::None) return toString(r.lastError);
  return r.cancelled ? "cancelled" : "short-circuit";
}

// "0.042": milliseconds with the microseconds kept, as answers and the journal show them.
std::string millisText(std::chrono::microseconds us) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(us.count()) / 1000.0);
  return text;
}

std::vector<std::string> requestHeaders(const AgentSlot& slot, const std::string& requestId) {
  std::vector<std::string> headers{"Content-Type: application/json", "Accept: application/json"};
  if (!slot.token.empty()) headers.push_back("Authorization: Bearer " + slot.token);
  if (!requestId.empty()) headers.push_back("X-Request-Id: " + requestId);
  return headers;
}

}  // namespace

CallRunner::CallRunner(boost::asio::io_context& io, HttpClient& http, RandomSource& random,
                       CallEvents events)
    : io_(io), http_(http), random_(random), events_(std::move(events)) {}

CallRunner::~CallRunner() {
  for (auto& [id, call] : calls_) {
    if (call->timer) call->timer->cancel();
  }
}

void CallRunner::start(CallRequest request, std::vector<std::shared_ptr<AgentSlot>> chain,
                       Done done) {
  auto call = std::make_shared<Call>();
  call->id = ++nextId_;
  call->request = std::move(request);
  call->chain = std::move(chain);
  call->done = std::move(done);
  call->started = std::chrono::steady_clock::now();
  call->deadline = call->started + settings_.deadline;
  calls_[call->id] = call;
  tryAgent(call);
}

void CallRunner::tryAgent(const std::shared_ptr<Call>& call) {
  while (call->index < call->chain.size()) {
    AgentSlot& slot = *call->chain[call->index];
    const auto now = std::chrono::steady_clock::now();
    if (now >= call->deadline) return finish(call, false, "the call's deadline was spent");
    const char* passedBy = nullptr;
    if (slot.heldUntil && *slot.heldUntil > now) {
      passedBy = "held";
    } else if (call->admission = slot.breaker.admit(now); call->admission == Admission::Rejected) {
      passedBy = "breaker-open";
    }
    if (passedBy == nullptr) {
      call->retries = 0;
      call->badRequestRetried = false;
      call->timeout =
          std::min(Millis(slot.agent.timeoutSec * 1000), millisBetween(now, call->deadline));
      return attempt(call);
    }
    ++slot.counters.skipped;
    call->result.trail.push_back({{"agent", slot.agent.name}, {"passed_by", passedBy}});
    Log::info(slot.agent.name + " passed by (" + passedBy + ")",
              {{journal_key::kEvent, event::kFallback},
               {journal_key::kTarget, slot.agent.name},
               {journal_key::kClass, passedBy},
               {journal_key::kRequestId, call->request.requestId}});
    ++call->index;
  }
  if (call->result.attempts == 0) {
    call->result.shortCircuited = true;
    call->result.availableIn = firstAvailable(call->chain, std::chrono::steady_clock::now());
    return finish(call, false,
                  "no agent could be tried: every agent in the chain has its breaker open or "
                  "is held after a 429");
  }
  finish(call, false, "every agent in the chain failed; the last: " + call->lastProblem);
}

void CallRunner::attempt(const std::shared_ptr<Call>& call) {
  AgentSlot& slot = *call->chain[call->index];
  ++call->result.attempts;
  ++slot.counters.calls;
  if (call->retries > 0) ++slot.counters.retries;
  const RemoteRequest remote = buildRemoteRequest(
      slot.agent, call->request.prompt, call->request.sessionId, call->request.historyJson);
  HttpClientRequest request;
  request.url = remote.url;
  request.body = remote.body;
  request.headers = requestHeaders(slot, call->request.requestId);
  request.timeout = call->timeout;
  call->transfer = http_.post(std::move(request), [this, call](const HttpClientResponse& response) {
    call->transfer.reset();
    if (response.transport == HttpTransport::Cancelled) return;
    onResponse(call, response);
  });
}

void CallRunner::onResponse(const std::shared_ptr<Call>& call, const HttpClientResponse& response) {
  AgentSlot& slot = *call->chain[call->index];
  const auto now = std::chrono::steady_clock::now();
  const auto latency = std::chrono::duration_cast<Millis>(response.elapsed);
  std::string answer, problem;
  const CallError error = classify(response, slot, answer, problem);
  recordAttempt(*call, slot, error, response.status, latency, problem);
  if (error == CallError::None) {
    slot.budget.onSuccess();
    ++slot.counters.answered;
    if (call->index > 0) ++slot.counters.asFallback;
    call->result.response = std::move(answer);
    call->result.agentUsed = slot.agent.name;
    return finish(call, true, "");
  }
  ++slot.counters.failures;
  if (costsRetryToken(error)) slot.budget.onFailure();
  call->lastProblem = slot.agent.name + ": " + problem + " (" + toString(error) + ")";
  const AttemptFacts facts{error,
                           call->retries,
                           static_cast<int>(slot.agent.maxRetries),
                           call->badRequestRetried,
                           call->timeout,
                           parseRetryAfter(response.retryAfter, std::chrono::system_clock::now()),
                           millisBetween(now, call->deadline)};
  const RetryDecision decision = decideRetry(facts, slot.budget, settings_.backoff, random_);
  logDecision(*call, slot, error, decision, latency);
  switch (decision.action) {
    case RetryAction::Retry:
      return retryLater(call, error, decision);
    case RetryAction::NextAgent:
      if (decision.holdAgentFor) slot.heldUntil = now + *decision.holdAgentFor;
      ++call->index;
      return tryAgent(call);
    case RetryAction::GiveUp:
      return finish(call, false, call->lastProblem + "; the call's deadline was spent");
  }
}

void CallRunner::recordAttempt(Call& call, AgentSlot& slot, CallError error, long status,
                               Millis latency, const std::string& problem) {
  const auto now = std::chrono::steady_clock::now();
  slot.health.record(error, latency, now, std::chrono::system_clock::now());
  const BreakerChange change = slot.breaker.record(error, now, call.admission);
  if (change != BreakerChange::None && events_.breakerChanged) {
    events_.breakerChanged(slot, change, problem);
  }
  call.result.lastError = error;
  call.result.trail.push_back({{"agent", slot.agent.name},
                               {"class", toString(error)},
                               {"status", status},
                               {"ms", latency.count()}});
}

void CallRunner::logDecision(const Call& call, const AgentSlot& slot, CallError error,
                             const RetryDecision& decision, Millis latency) {
  Log::info(
      call.lastProblem + ": " + toString(decision.action) + " (" + toString(decision.reason) + ")",
      {{journal_key::kEvent,
        decision.action == RetryAction::Retry ? event::kRetry : event::kFallback},
       {journal_key::kTarget, slot.agent.name},
       {journal_key::kClass, toString(error)},
       {journal_key::kDecision, toString(decision.reason)},
       {journal_key::kLatencyMs, std::to_string(latency.count())},
       {journal_key::kRequestId, call.request.requestId}});
}

void CallRunner::retryLater(const std::shared_ptr<Call>& call, CallError error,
                            const RetryDecision& decision) {
  ++call->retries;
  if (error == CallError::BadRequest) call->badRequestRetried = true;
  call->timeout = decision.nextTimeout;
  call->timer.emplace(io_, decision.delay);
  call->timer->async_wait([this, call](boost::system::error_code ec) {
    if (ec || !calls_.contains(call->id)) return;
    AgentSlot& again = *call->chain[call->index];
    // The failure may have opened the breaker: a retry asks it again.
    call->admission = again.breaker.admit(std::chrono::steady_clock::now());
    if (call->admission == Admission::Rejected) {
      ++call->index;
      return tryAgent(call);
    }
    attempt(call);
  });
}

void CallRunner::finish(const std::shared_ptr<Call>& call, bool success, std::string error,
                        bool now) {
  if (!calls_.erase(call->id)) return;
  if (call->timer) call->timer->cancel();
  if (call->transfer) http_.cancel(*call->transfer);
  CallResult& r = call->result;
  r.success = success;
  r.error = std::move(error);
  r.latency = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - call->started);
  const std::string& target = r.agentUsed.empty() ? call->request.agentName : r.agentUsed;
  Log::write(success ? LOG_INFO : LOG_WARNING,
             success ? "call answered by " + target
                     : "call to " + call->request.agentName + " failed: " + r.error,
             {{journal_key::kEvent, event::kCall},
              {journal_key::kTarget, target},
              {journal_key::kClass, outcomeClass(r)},
              {journal_key::kAttempts, std::to_string(r.attempts)},
              {journal_key::kLatencyMs, millisText(r.latency)},
              {journal_key::kRequestId, call->request.requestId}});
  if (events_.finished) events_.finished(call->request.agentName, r);
  if (now) return call->done(std::move(call->result));
  boost::asio::post(io_, [call]() mutable { call->done(std::move(call->result)); });
}

void CallRunner::cancelWhere(const std::function<bool(const Call&)>& which,
                             const std::string& why) {
  const auto calls = calls_;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [id, call] : calls) {
    if (!which(*call)) continue;
    // A half-open breaker whose trial is cut short gets it back, or it would wait forever.
    if (call->index < call->chain.size() && call->admission == Admission::Trial && call->transfer) {
      call->chain[call->index]->breaker.abandonTrial(now);
    }
    call->result.cancelled = true;
    finish(call, false, why, true);
  }
}

void CallRunner::cancelAll() {
  cancelWhere([](const Call&) { return true; }, "the bridge is stopping");
}

void CallRunner::cancelIf(const std::function<bool(const AgentSlot&)>& changed) {
  cancelWhere(
      [&changed](const Call& call) {
        return call.index < call.chain.size() && changed(*call.chain[call.index]);
      },
      "the agent was changed by a reload");
}

}  // namespace openclaw::bridge
