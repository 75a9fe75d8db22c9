#include "openclaw/call_error.h"

#include <algorithm>
#include <array>

namespace openclaw {

const char* toString(CallError error) {
  switch (error) {
    case CallError::None:
      return "ok";
    case CallError::RateLimited:
      return "rate-limited";
    case CallError::Server:
      return "server";
    case CallError::Auth:
      return "auth";
    case CallError::NotFound:
      return "not-found";
    case CallError::BadRequest:
      return "bad-request";
    case CallError::Timeout:
      return "timeout";
    case CallError::Connection:
      return "connection";
    case CallError::InvalidResponse:
      return "invalid-response";
  }
  return "invalid-response";
}

std::optional<CallError> callErrorFromString(std::string_view name) {
  for (CallError e : {CallError::None, CallError::RateLimited, CallError::Server, CallError::Auth,
                      CallError::NotFound, CallError::BadRequest, CallError::Timeout,
                      CallError::Connection, CallError::InvalidResponse})
    if (name == toString(e)) return e;
  return std::nullopt;
}

CallError classifyStatus(long httpStatus) {
  if (httpStatus >= 200 && httpStatus < 300) return CallError::None;
  if (httpStatus == 429) return CallError::RateLimited;
  if (httpStatus == 401 || httpStatus == 403) return CallError::Auth;
  if (httpStatus == 404) return CallError::NotFound;
  if (httpStatus >= 400 && httpStatus < 500) return CallError::BadRequest;
  if (httpStatus >= 500 && httpStatus < 600) return CallError::Server;
  // 1xx and 3xx are final only because curl follows no redirect here; a status outside
  // 100..599 is no HTTP at all.
  return CallError::InvalidResponse;
}

bool tripsBreaker(CallError error) {
  return error == CallError::Server || error == CallError::Timeout ||
         error == CallError::Connection || error == CallError::InvalidResponse;
}

namespace {

using std::chrono::seconds;

// Reads an HTTP-date left to right; every step fails softly so a damaged header is only
// "no Retry-After".  Names are case-sensitive, as RFC 9110 requires.
class DateCursor {
 public:
  explicit DateCursor(std::string_view text) : rest_(text) {}

  bool literal(std::string_view word) {
    if (rest_.substr(0, word.size()) != word) return false;
    rest_.remove_prefix(word.size());
    return true;
  }
  // Exactly `count` digits.
  std::optional<int> digits(int count) {
    int value = 0;
    for (int i = 0; i < count; ++i) {
      if (rest_.empty() || rest_[0] < '0' || rest_[0] > '9') return std::nullopt;
      value = value * 10 + (rest_[0] - '0');
      rest_.remove_prefix(1);
    }
    return value;
  }
  bool dayName(bool longForm) {
    static constexpr std::array<std::string_view, 7> kShort = {"Mon", "Tue", "Wed", "Thu",
                                                               "Fri", "Sat", "Sun"};
    static constexpr std::array<std::string_view, 7> kLong = {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    for (std::string_view name : longForm ? kLong : kShort)
      if (literal(name)) return true;
    return false;
  }
  std::optional<int> monthName() {
    static constexpr std::array<std::string_view, 12> kMonths = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; ++i)
      if (literal(kMonths[i])) return i + 1;
    return std::nullopt;
  }
  // HH:MM:SS, second 60 allowed for a leap second.
  std::optional<seconds> timeOfDay() {
    auto h = digits(2);
    if (!h || !literal(":")) return std::nullopt;
    auto m = digits(2);
    if (!m || !literal(":")) return std::nullopt;
    auto s = digits(2);
    if (!s || *h > 23 || *m > 59 || *s > 60) return std::nullopt;
    return seconds(*h * 3600 + *m * 60 + *s);
  }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// In whole seconds: year 9999 does not fit the nanoseconds of system_clock.
using DateTime = std::chrono::sys_seconds;

std::optional<DateTime> civil(int y, int m, int d, seconds timeOfDay) {
  const std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(unsigned(m)),
                                         std::chrono::day(unsigned(d))};
  if (!date.ok()) return std::nullopt;  // 31 Feb and the like
  return std::chrono::sys_days(date) + timeOfDay;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<DateTime> imfFixdate(std::string_view text) {
  DateCursor c(text);
  if (!c.dayName(false) || !c.literal(", ")) return std::nullopt;
  auto d = c.digits(2);
  if (!d || !c.literal(" ")) return std::nullopt;
  auto m = c.monthName();
  if (!m || !c.literal(" ")) return std::nullopt;
  auto y = c.digits(4);
  if (!y || !c.literal(" ")) return std::nullopt;
  auto t = c.timeOfDay();
  if (!t || !c.literal(" GMT") || !c.done()) return std::nullopt;
  return civil(*y, *m, *d, *t);
}

// "Sunday, 06-Nov-94 08:49:37 GMT"; the two-digit year is the one with those digits that
// is not more than 50 years after `now` (RFC 9110 section 5.6.7).
std::optional<DateTime> rfc850Date(std::string_view text, WallTime now) {
  DateCursor c(text);
  if (!c.dayName(true) || !c.literal(", ")) return std::nullopt;
  auto d = c.digits(2);
  if (!d || !c.literal("-")) return std::nullopt;
  auto m = c.monthName();
  if (!m || !c.literal("-")) return std::nullopt;
  auto yy = c.digits(2);
  if (!yy || !c.literal(" ")) return std::nullopt;
  auto t = c.timeOfDay();
  if (!t || !c.literal(" GMT") || !c.done()) return std::nullopt;
  const int nowYear =
      int(std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now)).year());
  int year = nowYear / 100 * 100 + *yy;
  if (year > nowYear + 50) year -= 100;
  if (year + 100 <= nowYear + 50) year += 100;
  return civil(year, *m, *d, *t);
}

// "Sun Nov  6 08:49:37 1994"
std::optional<DateTime> asctimeDate(std::string_view text) {
  DateCursor c(text);
  if (!c.dayName(false) || !c.literal(" ")) return std::nullopt;
  auto m = c.monthName();
  if (!m || !c.literal(" ")) return std::nullopt;
  std::optional<int> d = c.literal(" ") ? c.digits(1) : c.digits(2);
  if (!d || !c.literal(" ")) return std::nullopt;
  auto t = c.timeOfDay();
  if (!t || !c.literal(" ")) return std::nullopt;
  auto y = c.digits(4);
  if (!y || !c.done()) return std::nullopt;
  return civil(*y, *m, *d, *t);
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<Millis> deltaSeconds(std::string_view digits) {
  const auto limit = std::chrono::duration_cast<seconds>(kMaxRetryAfter).count();
  long long value = 0;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') return std::nullopt;
    // Keep reading past the limit: "99999x" is still garbage, not a day.
    if (value <= limit) value = value * 10 + (ch - '0');
  }
  return std::min<Millis>(seconds(value), kMaxRetryAfter);
}

}  // namespace

std::optional<Millis> parseRetryAfter(std::string_view value, WallTime now) {
  value = trimmed(value);
  if (value.empty()) return std::nullopt;
  if (value[0] >= '0' && value[0] <= '9') return deltaSeconds(value);
  std::optional<DateTime> date = imfFixdate(value);
  if (!date) date = rfc850Date(value, now);
  if (!date) date = asctimeDate(value);
  if (!date) return std::nullopt;
  // `now` floored to the millisecond rounds the wait up, so we never come back early.
  const Millis wait = std::chrono::time_point_cast<Millis>(*date).time_since_epoch() -
                      std::chrono::floor<Millis>(now.time_since_epoch());
  return std::clamp(wait, Millis(0), kMaxRetryAfter);
}

SystemRandom::SystemRandom() : engine_(std::random_device{}()) {}

double SystemRandom::uniform() {
  // The top 53 bits as a fraction: exactly [0, 1).  uniform_real_distribution can return 1.0
  // through rounding in libstdc++ (generate_canonical).
  return double(engine_() >> 11) * 0x1.0p-53;
}

}  // namespace openclaw
