// The error classes a call can meet: HTTP status to class, which classes trip the breaker,
// Retry-After in both its forms, and the seeded random source.
#include "openclaw/call_error.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace openclaw {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

// 2026-11-28 12:00:00.250 UTC, a Saturday; the quarter second checks the rounding.
const WallTime kNow =
    WallTime(std::chrono::sys_days(std::chrono::year(2026) / std::chrono::November / 28)
                 .time_since_epoch()) +
    hours(12) + Millis(250);

TEST(AnHttpStatus, MapsToTheClassOfItsRange) {
  EXPECT_EQ(classifyStatus(200), CallError::None);
  EXPECT_EQ(classifyStatus(204), CallError::None);
  EXPECT_EQ(classifyStatus(299), CallError::None);
  EXPECT_EQ(classifyStatus(429), CallError::RateLimited);
  EXPECT_EQ(classifyStatus(500), CallError::Server);
  EXPECT_EQ(classifyStatus(503), CallError::Server);
  EXPECT_EQ(classifyStatus(599), CallError::Server);
  EXPECT_EQ(classifyStatus(401), CallError::Auth);
  EXPECT_EQ(classifyStatus(403), CallError::Auth);
  EXPECT_EQ(classifyStatus(404), CallError::NotFound);
  EXPECT_EQ(classifyStatus(400), CallError::BadRequest);
  EXPECT_EQ(classifyStatus(413), CallError::BadRequest);
  EXPECT_EQ(classifyStatus(499), CallError::BadRequest);
}

TEST(AnHttpStatus, ThatIsNotFinalOrNotHttpIsAnInvalidResponse) {
  for (long status : {0L, -1L, 100L, 101L, 199L, 301L, 302L, 304L, 399L, 600L, 99999L})
    EXPECT_EQ(classifyStatus(status), CallError::InvalidResponse) << status;
}

TEST(ACallError, TripsTheBreakerOnlyWhenTheAgentItselfIsInTrouble) {
  const std::set<CallError> tripping = {CallError::Server, CallError::Timeout,
                                        CallError::Connection, CallError::InvalidResponse};
  for (CallError e : {CallError::None, CallError::RateLimited, CallError::Server, CallError::Auth,
                      CallError::NotFound, CallError::BadRequest, CallError::Timeout,
                      CallError::Connection, CallError::InvalidResponse})
    EXPECT_EQ(tripsBreaker(e), tripping.count(e) == 1) << toString(e);
}

TEST(ACallError, HasAKebabCaseName) {
  EXPECT_STREQ(toString(CallError::None), "ok");
  EXPECT_STREQ(toString(CallError::RateLimited), "rate-limited");
  EXPECT_STREQ(toString(CallError::Server), "server");
  EXPECT_STREQ(toString(CallError::Auth), "auth");
  EXPECT_STREQ(toString(CallError::NotFound), "not-found");
  EXPECT_STREQ(toString(CallError::BadRequest), "bad-request");
  EXPECT_STREQ(toString(CallError::Timeout), "timeout");
  EXPECT_STREQ(toString(CallError::Connection), "connection");
  EXPECT_STREQ(toString(CallError::InvalidResponse), "invalid-response");
}

TEST(ACallError, IsReadBackFromItsName) {
  for (CallError e : {CallError::None, CallError::RateLimited, CallError::Server, CallError::Auth,
                      CallError::NotFound, CallError::BadRequest, CallError::Timeout,
                      CallError::Connection, CallError::InvalidResponse})
    EXPECT_EQ(callErrorFromString(toString(e)), e);
  EXPECT_EQ(callErrorFromString("Server"), std::nullopt);
  EXPECT_EQ(callErrorFromString(""), std::nullopt);
}

TEST(ARetryAfter, InDeltaSecondsIsThatManySeconds) {
  EXPECT_EQ(parseRetryAfter("120", kNow), Millis(120000));
  EXPECT_EQ(parseRetryAfter("0", kNow), Millis(0));
  EXPECT_EQ(parseRetryAfter(" 7\t", kNow), Millis(7000));
}

TEST(ARetryAfter, TooLargeForAnyIntegerIsClampedToADay) {
  EXPECT_EQ(parseRetryAfter("99999999999999999999", kNow), kMaxRetryAfter);
  EXPECT_EQ(parseRetryAfter("86401", kNow), kMaxRetryAfter);
  EXPECT_EQ(parseRetryAfter("86400", kNow), Millis(86400000));
}

TEST(ARetryAfter, ThatIsNotANumberOrADateIsAbsent) {
  for (const char* bad : {"",
                          "   ",
                          "-1",
                          "+5",
                          "abc",
                          "1.5",
                          "12abc",
                          "99999999999999999999x",
                          "0x10",
                          "Sat, 28 Nov 2026 12:00:10",
                          "Sat, 31 Feb 2026 12:00:10 GMT",
                          "Sat, 28 Nov 2026 25:00:10 GMT",
                          "Sat, 28 Nov 2026 12:61:10 GMT",
                          "Sat, 28 Foo 2026 12:00:10 GMT",
                          "Xyz, 28 Nov 2026 12:00:10 GMT",
                          "Sat, 28 Nov 26 12:00:10 GMT",
                          "Sat, 28 Nov 2026 12:00:10 GMTX",
                          "sat, 28 nov 2026 12:00:10 gmt",
                          "Sat,28 Nov 2026 12:00:10 GMT",
                          "Saturday, 28-Nov-2026 12:00:10 GMT",
                          "Sat Nov 28 12:00:10 26"})
    EXPECT_EQ(parseRetryAfter(bad, kNow), std::nullopt) << '"' << bad << '"';
}

TEST(ARetryAfter, AsAFutureImfFixdateIsTheTimeUntilThenRoundedUp) {
  // 12:00:10 is 9.75 s after kNow.
  EXPECT_EQ(parseRetryAfter("Sat, 28 Nov 2026 12:00:10 GMT", kNow), Millis(9750));
  EXPECT_EQ(parseRetryAfter("Sun, 29 Nov 2026 11:00:00 GMT", kNow), Millis(82799750));
}

TEST(ARetryAfter, AsAPastDateIsZero) {
  EXPECT_EQ(parseRetryAfter("Sat, 28 Nov 2026 11:59:59 GMT", kNow), Millis(0));
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", kNow), Millis(0));
}

TEST(ARetryAfter, AsADateBeyondADayOrBeyondTheClockIsADay) {
  EXPECT_EQ(parseRetryAfter("Mon, 30 Nov 2026 12:00:00 GMT", kNow), kMaxRetryAfter);
  EXPECT_EQ(parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", kNow), kMaxRetryAfter);
}

TEST(ARetryAfter, AcceptsTheObsoleteDateForms) {
  EXPECT_EQ(parseRetryAfter("Saturday, 28-Nov-26 12:00:10 GMT", kNow), Millis(9750));
  EXPECT_EQ(parseRetryAfter("Sat Nov 28 12:00:10 2026", kNow), Millis(9750));
  EXPECT_EQ(parseRetryAfter("Sat Nov  1 12:00:10 2026", kNow), Millis(0));
  // A two-digit year more than 50 years ahead is the last century's.
  EXPECT_EQ(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", kNow), Millis(0));
}

TEST(ASystemRandom, DrawsInTheHalfOpenUnitIntervalAndRepeatsForASeed) {
  SystemRandom a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 10000; ++i) {
    const double x = a.uniform();
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
    EXPECT_EQ(x, b.uniform());
    differs = differs || x != c.uniform();
  }
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace openclaw
