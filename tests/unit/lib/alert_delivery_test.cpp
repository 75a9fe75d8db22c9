// The alert courier's thread: stopping it aborts a POST the receiver never answers, and a
// courier with nothing to send stops at once.  The receiver is a real loopback socket.
#include "openclaw/alert_delivery.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include "ends_within.h"
#include "lib/loopback_http_server.h"
#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// Far beyond the bound below: a courier that ignored its stop would wait this long.
constexpr auto kJobTimeout = 20s;
// libcurl calls the progress callback about once a second while nothing moves.
constexpr auto kStopBound = 2s;

TEST(APostCourier, StoppedDuringAPostNobodyAnswersAbortsItWithinTheBound) {
  boost::asio::io_context io;
  testing::LoopbackHttpServer server(io);
  std::mutex mutex;
  std::optional<DeliveryReply> reply;  // set on the courier's thread
  auto courier = std::make_unique<PostCourier>([&](DeliveryReply r) {
    std::lock_guard lock(mutex);
    reply = std::move(r);
  });
  courier->send({server.url("/stall"), R"({"text":"disk full"})", kJobTimeout, {}});
  // The request has arrived whole: the courier now waits for an answer that never comes.
  ASSERT_TRUE(runUntil(
      io, [&] { return server.requests() == 1; }, 10s));

  const auto start = Steady::now();
  testing::endsWithin(
      2 * kJobTimeout, [&] { courier.reset(); }, "the courier's destructor");
  const auto took = Steady::now() - start;

  EXPECT_LT(took, kStopBound) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                              << " ms";
  std::lock_guard lock(mutex);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->code, CURLE_ABORTED_BY_CALLBACK) << curl_easy_strerror(reply->code);
}

TEST(APostCourier, WithNothingToSendStopsAtOnce) {
  int replies = 0;  // written on the courier's thread, read after it is joined
  auto courier = std::make_unique<PostCourier>([&](const DeliveryReply&) { ++replies; });
  const auto start = Steady::now();
  testing::endsWithin(
      10s, [&] { courier.reset(); }, "an idle courier's destructor");
  EXPECT_LT(Steady::now() - start, kStopBound);
  EXPECT_EQ(replies, 0);
}

// A job handed over and answered: the stop token does not get in the way of a normal POST.
// The reply is posted to the loop, as the outbox does.
TEST(APostCourier, DeliversAJobAndReportsTheAnswer) {
  boost::asio::io_context io;
  testing::LoopbackHttpServer server(io);
  std::optional<DeliveryReply> reply;  // the loop's
  PostCourier courier(
      [&](DeliveryReply r) { boost::asio::post(io, [&, r = std::move(r)] { reply = r; }); });
  courier.send({server.url("/ok"), "{}", kJobTimeout, {}});
  ASSERT_TRUE(runUntil(
      io, [&] { return reply.has_value(); }, 10s));
  EXPECT_EQ(reply->code, CURLE_OK);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, R"({"ok":true})");
}

}  // namespace
}  // namespace openclaw
