// AsioBus and SdBusSystemdManager when the peer goes away, against a local socket that
// accepts a connection and closes it (no D-Bus daemon needed); and the loop helper.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>

#include "openclaw/asio_bus.h"
#include "openclaw/systemd_manager_sdbus.h"
#include "unix_listener.h"

namespace openclaw {
namespace {

using namespace std::chrono_literals;

// A listening unix socket standing in for a bus daemon that hangs up.
class HangingUpPeer {
 public:
  bool ready() const { return listener_.ready(); }
  std::string address() const { return "unix:path=" + listener_.path(); }
  // Takes the client's connection off the backlog and closes it.
  bool hangUp() { return listener_.accept().valid(); }

 private:
  UnixListener listener_;
};

TEST(AnAsioBus, ReportsADisconnectOnceAndThenLeavesTheLoopIdle) {
  HangingUpPeer peer;
  ASSERT_TRUE(peer.ready());
  boost::asio::io_context io;
  auto bus = AsioBus::openAddress(io, peer.address());
  ASSERT_TRUE(bus.ok()) << bus.error().message();
  int disconnects = 0;
  (*bus)->onDisconnect([&] { ++disconnects; });
  ASSERT_TRUE(peer.hangUp());

  ASSERT_TRUE(runUntil(
      io, [&] { return disconnects > 0; }, 5s));
  EXPECT_FALSE((*bus)->connected());
  // Nothing is left armed: the loop runs out of work instead of spinning to the limit.
  io.restart();
  io.run_for(5s);
  EXPECT_TRUE(io.stopped());
  EXPECT_EQ(disconnects, 1);
}

TEST(AnAsioBus, LeavesAReplacementBusWorkingWhenTheOldOneIsDestroyed) {
  HangingUpPeer first, second;
  ASSERT_TRUE(first.ready() && second.ready());
  boost::asio::io_context io;
  auto old = AsioBus::openAddress(io, first.address());
  ASSERT_TRUE(old.ok());
  bool oldGone = false;
  (*old)->onDisconnect([&] { oldGone = true; });
  ASSERT_TRUE(first.hangUp());
  ASSERT_TRUE(runUntil(
      io, [&] { return oldGone; }, 5s));

  // The kernel hands the new connection the lowest free number: the old bus's one.
  auto replacement = AsioBus::openAddress(io, second.address());
  ASSERT_TRUE(replacement.ok());
  bool replacementGone = false;
  (*replacement)->onDisconnect([&] { replacementGone = true; });
  old->reset();
  ASSERT_TRUE(second.hangUp());
  EXPECT_TRUE(runUntil(
      io, [&] { return replacementGone; }, 5s))
      << "the replacement bus no longer hears its socket";
}

TEST(AnSdBusSystemdManager, FailsJobsInFlightWhenTheBusDrops) {
  HangingUpPeer peer;
  ASSERT_TRUE(peer.ready());
  boost::asio::io_context io;
  auto bus = AsioBus::openAddress(io, peer.address());
  ASSERT_TRUE(bus.ok()) << bus.error().message();
  auto manager = SdBusSystemdManager::create(**bus);
  ASSERT_TRUE(manager.ok()) << manager.error().message();

  std::optional<JobOutcome> unanswered;  // the call's reply never came
  (*manager)->restartUnit("a.service", [&](const JobOutcome& o) { unanswered = o; });
  std::optional<JobOutcome> queued;  // the reply came, JobRemoved never will
  (*manager)->jobs().queued("/org/freedesktop/systemd1/job/7",
                            [&](const JobOutcome& o) { queued = o; });
  ASSERT_TRUE(peer.hangUp());

  ASSERT_TRUE(runUntil(
      io, [&] { return unanswered && queued; }, 5s));
  EXPECT_FALSE(unanswered->ok());
  EXPECT_TRUE(unanswered->error.failed());
  EXPECT_EQ(queued->error.name, BusCallError::kDisconnected) << queued->error.text();
}

TEST(RunUntil, ReturnsAsSoonAsTheConditionHolds) {
  boost::asio::io_context io;
  boost::asio::steady_timer never(io, 1h);
  never.async_wait([](const boost::system::error_code&) {});
  bool done = false;
  boost::asio::post(io, [&] { done = true; });
  EXPECT_TRUE(runUntil(
      io, [&] { return done; }, 1h));
}

TEST(RunUntil, GivesUpAtTheDeadline) {
  boost::asio::io_context io;
  boost::asio::steady_timer never(io, 1h);
  never.async_wait([](const boost::system::error_code&) {});
  EXPECT_FALSE(runUntil(
      io, [] { return false; }, 20ms));
}

TEST(RunUntil, StopsWhenNothingIsLeftThatCouldMakeTheConditionTrue) {
  boost::asio::io_context io;
  EXPECT_FALSE(runUntil(
      io, [] { return false; }, 1h));
}

}  // namespace
}  // namespace openclaw
