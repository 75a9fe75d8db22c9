// One call to a remote agent, from the client's request to its answer: the fallback chain,
// each agent's retries, one deadline over all of it.
//
// The chain is the agent asked for, then its `fallback_agents` in order, each at most once.
// An agent is passed by when its breaker is open (or its half-open trial is out) or a 429
// held it; otherwise it is tried, and after each failed attempt decideRetry() says whether
// to retry it (after a full-jitter backoff, a Retry-After, or at once with the timeout
// doubled), move on, or give up.  Every attempt's timeout ends by the call's deadline, so a
// chat client never waits past `call_deadline_sec`.  Each outcome feeds the agent's health,
// breaker and retry budget; a breaker that opens or closes is told through `CallEvents`.
//
// Transfers go through one HttpClient (libcurl's multi interface on the daemon's loop):
// no thread per call.  cancelAll() ends every call at once with "the bridge is stopping";
// a breaker whose trial was out gets it back, so nothing is left half-open by a stop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent_directory.h"
#include "openclaw/call_error.h"
#include "openclaw/http_client.h"
#include "openclaw/retry_policy.h"
#include "session_store.h"

namespace openclaw::bridge {

struct CallRequest {
  std::string agentName;
  std::string prompt;
  std::string sessionId;  // empty: no session
  std::string requestId;
  std::string historyJson = "[]";  // the session's messages, as historyJsonText() writes them
};

struct CallResult {
  bool success = false;
  std::string response;
  std::string agentUsed;  // empty when no agent answered
  int attempts = 0;
  std::chrono::microseconds latency{0};  // from the request to the answer
  std::string error;                     // a sentence when !success
  CallError lastError = CallError::None;
  bool shortCircuited = false;  // no agent was tried: every breaker open or agent held
  Millis availableIn{0};        // when short-circuited: until the first agent may be tried
  bool cancelled = false;       // cut short by a stop or a reload, not failed by the agents
  nlohmann::json trail = nlohmann::json::array();  // one entry per attempt or pass-by
};

// What the runner tells the daemon: breaker transitions (alerts) and state worth saving.
struct CallEvents {
  std::function<void(const AgentSlot&, BreakerChange, const std::string& why)> breakerChanged;
  // Every call's end, answered or not, with the agent the client asked for (a known one).
  std::function<void(const std::string& agentAsked, const CallResult&)> finished;
};

struct CallSettings {
  Millis deadline{60000};
  BackoffSchedule backoff;
};

class CallRunner {
 public:
  using Done = std::function<void(CallResult)>;

  CallRunner(boost::asio::io_context& io, HttpClient& http, RandomSource& random,
             CallEvents events);
  ~CallRunner();

  void setSettings(CallSettings settings) { settings_ = settings; }
  // Starts the call; `done` runs once, on the loop, never inside start(); a cancelled call's
  // `done` runs inside cancelAll() or cancelIf().
  void start(CallRequest request, std::vector<std::shared_ptr<AgentSlot>> chain, Done done);
  void cancelAll();
  // Ends, with "the agent was changed by a reload", each call whose current agent matches.
  void cancelIf(const std::function<bool(const AgentSlot&)>& changed);
  std::size_t inFlight() const { return calls_.size(); }

  struct Call;

 private:
  void tryAgent(const std::shared_ptr<Call>& call);
  void attempt(const std::shared_ptr<Call>& call);
  void onResponse(const std::shared_ptr<Call>& call, const HttpClientResponse& response);
  // The attempt's outcome into the agent's health, breaker and the call's trail.
  void recordAttempt(Call& call, AgentSlot& slot, CallError error, long status, Millis latency,
                     const std::string& problem);
  void logDecision(const Call& call, const AgentSlot& slot, CallError error,
                   const RetryDecision& decision, Millis latency);
  void retryLater(const std::shared_ptr<Call>& call, CallError error,
                  const RetryDecision& decision);
  // `now`: `done` runs before finish returns (a cancellation: the caller may be stopping the
  // loop); otherwise it is posted.
  void finish(const std::shared_ptr<Call>& call, bool success, std::string error, bool now = false);
  void cancelWhere(const std::function<bool(const Call&)>& which, const std::string& why);

  boost::asio::io_context& io_;
  HttpClient& http_;
  RandomSource& random_;
  CallEvents events_;
  CallSettings settings_;
  std::uint64_t nextId_ = 0;
  std::map<std::uint64_t, std::shared_ptr<Call>> calls_;
};

}  // namespace openclaw::bridge
