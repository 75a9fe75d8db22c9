// SdBusSystemdManager against a scripted systemd: a D-Bus peer in this process, reached
// over a unix socket as a direct connection (as systemd's private socket is), that answers
// some calls at once, refuses a missing unit with NoSuchUnit, and holds others until the
// test releases them.  Proves that a destroyed manager's callbacks never run, even when
// their replies and JobRemoved signals arrive afterwards, and that errors carry their name.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "openclaw/asio_bus.h"
#include "openclaw/systemd_manager_sdbus.h"
#include "unix_listener.h"

namespace openclaw {
namespace {

using namespace std::chrono_literals;

constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManagerIface = "org.freedesktop.systemd1.Manager";
constexpr const char* kQueuedJob = "/org/freedesktop/systemd1/job/42";

// The scripted manager.  Units by name: "missing.service" does not exist; "slow.service"
// is never answered until ResetFailedUnit("release.service"), which first answers every
// held call, then signals that job 42 ("queued.service", answered at once) is done.
class ScriptedManager {
 public:
  ScriptedManager() {
    if (listener_.ready()) thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedManager() {
    stop_ = true;
    // Unblocks an accept() still waiting, then the loop sees stop_ within one wait.
    ::shutdown(listener_.fd(), SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
  }

  bool ready() const { return listener_.ready(); }
  ManagerEndpoint endpoint() const {
    return {"unix:path=" + listener_.path(), false, listener_.path()};
  }
  int held() const { return held_; }

 private:
  void serve() {
    UniqueFd conn = listener_.accept();
    if (!conn) return;
    sd_bus* raw = nullptr;
    sd_id128_t id;
    if (sd_bus_new(&raw) < 0) return;
    BusPtr bus(raw);
    const int fd = conn.release();  // the bus owns it from here
    if (sd_bus_set_fd(raw, fd, fd) < 0 || sd_id128_randomize(&id) < 0 ||
        sd_bus_set_server(raw, 1, id) < 0 || sd_bus_add_filter(raw, nullptr, onMessage, this) < 0 ||
        sd_bus_start(raw) < 0) {
      return;
    }
    while (!stop_) {
      const int r = sd_bus_process(raw, nullptr);
      if (r < 0) return;
      if (r == 0) sd_bus_wait(raw, 50'000);  // bounded, so stop_ is seen
    }
  }

  static int onMessage(sd_bus_message* m, void* userdata, sd_bus_error*) {
    if (sd_bus_message_is_method_call(m, nullptr, nullptr) <= 0) return 0;
    return static_cast<ScriptedManager*>(userdata)->answer(m);
  }

  int answer(sd_bus_message* m) {
    const std::string member = sd_bus_message_get_member(m);
    const char* unit = "";
    if (member == "RestartUnit" || member == "ResetFailedUnit") {
      if (sd_bus_message_read(m, "s", &unit) < 0) return 0;
    }
    const std::string name = unit;
    if (name == "slow.service" || member == "GetAll") return hold(m);
    if (name == "missing.service") {
      return sd_bus_reply_method_errorf(m, BusCallError::kNoSuchUnit, "Unit %s not found.", unit);
    }
    if (name == "queued.service") return sd_bus_reply_method_return(m, "o", kQueuedJob);
    if (name == "release.service") release(sd_bus_message_get_bus(m));
    return sd_bus_reply_method_return(m, nullptr);
  }

  int hold(sd_bus_message* m) {
    heldCalls_.emplace_back(sd_bus_message_ref(m));
    ++held_;
    return 1;
  }

  void release(sd_bus* bus) {
    for (BusMessagePtr& call : heldCalls_) {
      if (sd_bus_message_has_signature(call.get(), "ss") > 0) {
        const std::string job = "/org/freedesktop/systemd1/job/" + std::to_string(++lastJob_);
        sd_bus_reply_method_return(call.get(), "o", job.c_str());
      } else {
        sd_bus_reply_method_errorf(call.get(), BusCallError::kNoSuchUnit, "held, then refused");
      }
    }
    heldCalls_.clear();
    sd_bus_emit_signal(bus, kManagerPath, kManagerIface, "JobRemoved", "uoss", 42u, kQueuedJob,
                       "queued.service", "done");
  }

  UnixListener listener_;
  std::atomic<bool> stop_{false};
  std::atomic<int> held_{0};
  std::vector<BusMessagePtr> heldCalls_;  // the server thread's only
  int lastJob_ = 100;                     // likewise
  std::thread thread_;
};

// A manager on a connection to the scripted peer, and the loop that drives it.
class AnSdBusSystemdManagerOnADirectConnection : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(peer_.ready());
    auto bus = AsioBus::open(io_, peer_.endpoint());
    ASSERT_TRUE(bus.ok()) << bus.error().message();
    bus_ = std::move(bus).value();
    manager_ = newManager();
    ASSERT_TRUE(manager_);
  }

  std::unique_ptr<SdBusSystemdManager> newManager() {
    auto m = SdBusSystemdManager::create(*bus_);
    return m.ok() ? std::move(m).value() : nullptr;
  }

  bool runUntilTrue(const std::function<bool()>& done) { return runUntil(io_, done, 10s); }

  // The peer's count changes on its own thread, which wakes nothing on our loop: run the
  // loop in short turns and look between them, up to a deadline.
  bool runUntilHeld(int calls) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (peer_.held() < calls) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.run_for(2ms);
      io_.restart();
    }
    return true;
  }

  // Answers every held call and signals job 42's end, all before this call's own reply,
  // which it waits for: whatever those answers trigger has run when it returns.
  void releaseHeldCalls() {
    auto other = newManager();
    ASSERT_TRUE(other);
    std::optional<BusCallError> released;
    other->resetFailedUnit("release.service", [&](const BusCallError& e) { released = e; });
    ASSERT_TRUE(runUntilTrue([&] { return released.has_value(); }));
    EXPECT_FALSE(released->failed()) << released->text();
  }

  ScriptedManager peer_;
  boost::asio::io_context io_;
  std::unique_ptr<AsioBus> bus_;
  std::unique_ptr<SdBusSystemdManager> manager_;
};

TEST_F(AnSdBusSystemdManagerOnADirectConnection, ReportsNoSuchUnitByItsErrorName) {
  std::optional<JobOutcome> outcome;
  manager_->restartUnit("missing.service", [&](const JobOutcome& o) { outcome = o; });
  ASSERT_TRUE(runUntilTrue([&] { return outcome.has_value(); }));
  EXPECT_EQ(outcome->result, JobResult::Unknown);
  EXPECT_TRUE(outcome->error.isNoSuchUnit()) << outcome->error.text();
  EXPECT_EQ(outcome->error.message, "Unit missing.service not found.");
  EXPECT_EQ(manager_->callsInFlight(), 0u) << "an answered call keeps no slot";
}

TEST_F(AnSdBusSystemdManagerOnADirectConnection,
       KeepsOneSlotPerCallInFlightAndDropsEachWhenAnswered) {
  int answered = 0;
  for (int i = 0; i < 3; ++i) {
    manager_->restartUnit("slow.service", [&](const JobOutcome&) { ++answered; });
  }
  ASSERT_TRUE(runUntilHeld(3));
  EXPECT_EQ(manager_->callsInFlight(), 3u);
  releaseHeldCalls();
  EXPECT_EQ(manager_->callsInFlight(), 0u);
  EXPECT_EQ(manager_->jobs().waiting(), 3u) << "each reply named a job, now awaited";
  EXPECT_EQ(answered, 0);
}

TEST_F(AnSdBusSystemdManagerOnADirectConnection,
       RunsNoCallbackOnceDestroyedEvenWhenRepliesArriveLater) {
  bool ran = false;
  manager_->restartUnit("slow.service", [&](const JobOutcome&) { ran = true; });
  manager_->resetFailedUnit("slow.service", [&](const BusCallError&) { ran = true; });
  manager_->getUnitState("slow.service", [&](const auto&) { ran = true; });
  // This one is answered: it waits for JobRemoved, which comes only after destruction.
  manager_->restartUnit("queued.service", [&](const JobOutcome&) { ran = true; });
  ASSERT_TRUE(runUntilHeld(3));
  ASSERT_TRUE(runUntilTrue([&] { return manager_->jobs().waiting() == 1; }));

  manager_.reset();
  releaseHeldCalls();
  EXPECT_FALSE(ran);
}

TEST_F(AnSdBusSystemdManagerOnADirectConnection,
       MayBeDestroyedFromItsOwnCallbackWithOtherCallsInFlight) {
  bool otherRan = false;
  manager_->restartUnit("slow.service", [&](const JobOutcome&) { otherRan = true; });
  std::optional<JobOutcome> refused;
  manager_->restartUnit("missing.service", [&](const JobOutcome& o) {
    refused = o;
    manager_.reset();
  });
  ASSERT_TRUE(runUntilTrue([&] { return refused.has_value(); }));
  EXPECT_FALSE(manager_);
  releaseHeldCalls();
  EXPECT_FALSE(otherRan);
}

TEST_F(AnSdBusSystemdManagerOnADirectConnection, ReportsTheEndOfAJobFromJobRemoved) {
  std::optional<JobOutcome> outcome;
  manager_->restartUnit("queued.service", [&](const JobOutcome& o) { outcome = o; });
  ASSERT_TRUE(runUntilTrue([&] { return manager_->jobs().waiting() == 1; }));
  releaseHeldCalls();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->ok()) << outcome->error.text();
}

}  // namespace
}  // namespace openclaw
