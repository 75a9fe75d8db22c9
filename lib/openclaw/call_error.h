// What a call to a remote agent can meet, as one enum the retry policy, the circuit breaker
// and the health record all speak, plus the two facts taken from the reply itself: the HTTP
// status class and the Retry-After header.
//
// classifyStatus: 2xx None; 429 RateLimited; 5xx Server; 401/403 Auth; 404 NotFound; 400
// and every other 4xx BadRequest; 1xx, 3xx (no redirect is followed) and anything outside
// 100..599 InvalidResponse.  Timeout, Connection and InvalidResponse (a body that does not
// parse) are set by the caller, which knows why no usable reply came.
//
// tripsBreaker: only the errors that say the agent itself is in trouble (Server, Timeout,
// Connection, InvalidResponse).  A 4xx, 429 included, means the agent answered.
//
// parseRetryAfter (RFC 9110 section 10.2.3): delta-seconds or an HTTP-date in any of the
// three forms (IMF-fixdate, RFC 850, asctime).  nullopt when absent or unparseable (a sign,
// a fraction, a date that does not exist); a date in the past gives 0; everything is clamped
// to kMaxRetryAfter, so a number too long for any integer is a day, not an error.  The
// weekday name must be one but is not checked against the date.  Never throws.
//
// RandomSource is the one source of chance in the policy, so tests can script it.
// SystemRandom is a seeded PRNG for one event loop: not thread-safe, not for secrets.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace openclaw {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

enum class CallError {
  None,
  RateLimited,
  Server,
  Auth,
  NotFound,
  BadRequest,
  Timeout,
  Connection,
  InvalidResponse
};

// "ok", "rate-limited", "server", "auth", "not-found", "bad-request", "timeout",
// "connection", "invalid-response".
const char* toString(CallError error);
// The inverse of toString, for files written with it; nullopt for any other text.
std::optional<CallError> callErrorFromString(std::string_view name);

CallError classifyStatus(long httpStatus);

bool tripsBreaker(CallError error);

// A server asking for more than a day is either broken or means "not today"; a day keeps
// every later sum of durations far from overflow and is longer than any call's deadline.
inline constexpr Millis kMaxRetryAfter = std::chrono::hours(24);

std::optional<Millis> parseRetryAfter(std::string_view value, WallTime now);

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual double uniform() = 0;  // in [0, 1)
};

class SystemRandom final : public RandomSource {
 public:
  SystemRandom();  // seeded from std::random_device
  explicit SystemRandom(std::uint64_t seed) : engine_(seed) {}
  double uniform() override;

 private:
  std::mt19937_64 engine_;
};

}  // namespace openclaw
