#include "openclaw/systemd_manager_reconnecting.h"

#include <boost/asio/post.hpp>
#include <ctime>

#include "openclaw/time_text.h"

namespace openclaw {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A restarted bus or manager is back within a second or two: try soon, then less often.
constexpr milliseconds kFirstRetry{250};
constexpr milliseconds kMaxRetry{5000};
// A connection that lasted this long was a good one: the next loss starts the backoff over.
constexpr seconds kStableConnection{10};

BusCallError unreachableError(const std::string& why) {
  return BusCallError{BusCallError::kUnreachable, why};
}

}  // namespace

// A watch the caller holds; re-installed on the manager of each new connection.
class ReconnectingSystemdManager::LinkedWatch : public UnitWatch {
 public:
  LinkedWatch(std::weak_ptr<WatchSet> set, std::string unit, StateCallback changed)
      : set_(std::move(set)), unit_(std::move(unit)), changed_(std::move(changed)) {}
  ~LinkedWatch() override {
    inner_.reset();
    if (auto set = set_.lock()) set->erase(this);
  }

  void install(SystemdManager& manager) {
    inner_ = manager.watchUnit(
        unit_, life_.guard([this](const Expected<UnitState, std::string>& s) { changed_(s); }));
  }
  void drop() { inner_.reset(); }
  // The connection is gone: drop the inner watch now, tell the holder from the loop.
  void uninstall(boost::asio::io_context& io, const std::string& why) {
    inner_.reset();
    boost::asio::post(io, life_.guard([this, why] { changed_(Unexpected<std::string>{why}); }));
  }

 private:
  std::weak_ptr<WatchSet> set_;
  std::string unit_;
  StateCallback changed_;
  std::unique_ptr<UnitWatch> inner_;
  LifeToken life_;
};

ReconnectingSystemdManager::ReconnectingSystemdManager(boost::asio::io_context& io,
                                                       ManagerScope scope,
                                                       std::chrono::milliseconds callWait)
    : io_(io),
      scope_(std::move(scope)),
      retryTimer_(io),
      callTimer_(io),
      callWait_(callWait),
      backoff_(kFirstRetry),
      unreachableSince_(static_cast<std::int64_t>(std::time(nullptr))) {}

ReconnectingSystemdManager::~ReconnectingSystemdManager() {
  retryTimer_.cancel();
  callTimer_.cancel();
  // Inner watches refer to the inner manager: they go first, then the manager, then its bus.
  // The linked watches themselves may outlive this; they then hold nothing.
  for (LinkedWatch* watch : *watches_) watch->drop();
  watches_.reset();
  manager_.reset();
  bus_.reset();
}

void ReconnectingSystemdManager::start() {
  connect();
}

bool ReconnectingSystemdManager::connected() const {
  // A bus that is closing still exists until its disconnect is handled: it takes no calls.
  return manager_ && bus_ && sd_bus_is_open(bus_->get()) > 0;
}

std::string ReconnectingSystemdManager::problem() const {
  if (connected()) return {};
  return scope_.describe() + " unreachable since " +
         formatTime(unreachableSince_, "%H:%M:%S", Zone::Local) + ": " + why_;
}

void ReconnectingSystemdManager::connect() {
  auto endpoints = managerEndpoints(scope_);
  if (!endpoints) return unreachable(endpoints.error());
  std::string failures;
  for (const ManagerEndpoint& endpoint : *endpoints) {
    auto bus = AsioBus::open(io_, endpoint);
    if (!bus) {
      failures += (failures.empty() ? "" : "; ") + endpoint.label + ": " + bus.error().message();
      continue;
    }
    auto manager = SdBusSystemdManager::create(**bus);
    if (!manager) {
      failures +=
          (failures.empty() ? "" : "; ") + endpoint.label + ": " + manager.error().message();
      continue;
    }
    return connected(std::move(bus).value(), std::move(manager).value(), endpoint.label);
  }
  unreachable(failures);
}

void ReconnectingSystemdManager::connected(std::unique_ptr<AsioBus> bus,
                                           std::unique_ptr<SdBusSystemdManager> manager,
                                           const std::string& label) {
  bus_ = std::move(bus);
  manager_ = std::move(manager);
  connectedAt_ = std::chrono::steady_clock::now();
  // The disconnect is reported from inside sd_bus_process: handle it on the next turn, when
  // the bus may be destroyed.
  bus_->onDisconnect([this] {
    boost::asio::post(io_, life_.guard([this] { lost("the connection was closed"); }));
  });
  setReachable(true, "via " + label);
  for (LinkedWatch* watch : *watches_) watch->install(*manager_);
  auto calls = std::move(waiting_);
  waiting_.clear();
  callTimer_.cancel();
  for (auto& call : calls) call.run(*manager_);
}

void ReconnectingSystemdManager::lost(const std::string& why) {
  if (!manager_) return;
  const bool wasStable = std::chrono::steady_clock::now() - connectedAt_ >= kStableConnection;
  if (wasStable) backoff_ = kFirstRetry;
  const std::string text = "lost the connection to " + scope_.describe() + ": " + why;
  for (LinkedWatch* watch : *watches_) watch->uninstall(io_, text);
  manager_.reset();
  bus_.reset();
  unreachable(why);
}

void ReconnectingSystemdManager::unreachable(const std::string& why) {
  if (reachable_ || !reported_) {
    unreachableSince_ = static_cast<std::int64_t>(std::time(nullptr));
  }
  why_ = why;
  setReachable(false, why);
  scheduleRetry();
}

void ReconnectingSystemdManager::setReachable(bool reachable, const std::string& detail) {
  const bool changed = !reported_ || reachable != reachable_;
  reachable_ = reachable;
  reported_ = true;
  if (changed && reachableChanged_) reachableChanged_(reachable, detail);
}

void ReconnectingSystemdManager::scheduleRetry() {
  retryTimer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, kMaxRetry);
  retryTimer_.async_wait(life_.guard([this](const boost::system::error_code& ec) {
    if (ec || manager_) return;
    connect();
  }));
}

void ReconnectingSystemdManager::whenConnected(std::function<void(SystemdManager&)> run,
                                               std::function<void(const std::string&)> fail) {
  if (connected()) return run(*manager_);
  if (waiting_.size() >= kMaxWaitingCalls) {
    boost::asio::post(io_, life_.guard([fail = std::move(fail), text = problem()] { fail(text); }));
    return;
  }
  waiting_.push_back(
      {std::move(run), std::move(fail), std::chrono::steady_clock::now() + callWait_});
  if (waiting_.size() == 1) armCallDeadline();
}

void ReconnectingSystemdManager::armCallDeadline() {
  if (waiting_.empty()) return;
  // Every call waits as long as the others, so the oldest expires first.
  callTimer_.expires_at(waiting_.front().deadline);
  callTimer_.async_wait(life_.guard([this](const boost::system::error_code& ec) {
    if (!ec) failExpiredCalls();
  }));
}

void ReconnectingSystemdManager::failExpiredCalls() {
  const auto now = std::chrono::steady_clock::now();
  const std::string text = problem();
  while (!waiting_.empty() && waiting_.front().deadline <= now) {
    auto fail = std::move(waiting_.front().fail);
    waiting_.pop_front();
    fail(text);
  }
  armCallDeadline();
}

void ReconnectingSystemdManager::issueJob(JobCall call, const std::string& unit, JobCallback done) {
  auto shared = std::make_shared<JobCallback>(std::move(done));
  whenConnected([call, unit, shared](SystemdManager& m) { (m.*call)(unit, std::move(*shared)); },
                [shared](const std::string& e) {
                  (*shared)(JobOutcome{JobResult::Unknown, unreachableError(e)});
                });
}

void ReconnectingSystemdManager::restartUnit(const std::string& unit, JobCallback done) {
  issueJob(&SystemdManager::restartUnit, unit, std::move(done));
}

void ReconnectingSystemdManager::startUnit(const std::string& unit, JobCallback done) {
  issueJob(&SystemdManager::startUnit, unit, std::move(done));
}

void ReconnectingSystemdManager::stopUnit(const std::string& unit, JobCallback done) {
  issueJob(&SystemdManager::stopUnit, unit, std::move(done));
}

void ReconnectingSystemdManager::resetFailedUnit(const std::string& unit, ErrorCallback done) {
  auto shared = std::make_shared<ErrorCallback>(std::move(done));
  whenConnected([unit, shared](SystemdManager& m) { m.resetFailedUnit(unit, std::move(*shared)); },
                [shared](const std::string& e) { (*shared)(unreachableError(e)); });
}

void ReconnectingSystemdManager::daemonReload(ErrorCallback done) {
  auto shared = std::make_shared<ErrorCallback>(std::move(done));
  whenConnected([shared](SystemdManager& m) { m.daemonReload(std::move(*shared)); },
                [shared](const std::string& e) { (*shared)(unreachableError(e)); });
}

void ReconnectingSystemdManager::getUnitState(const std::string& unit, StateCallback done) {
  auto shared = std::make_shared<StateCallback>(std::move(done));
  whenConnected([unit, shared](SystemdManager& m) { m.getUnitState(unit, std::move(*shared)); },
                [shared](const std::string& e) { (*shared)(Unexpected<std::string>{e}); });
}

std::unique_ptr<UnitWatch> ReconnectingSystemdManager::watchUnit(const std::string& unit,
                                                                 StateCallback changed) {
  auto watch = std::make_unique<LinkedWatch>(watches_, unit, std::move(changed));
  watches_->insert(watch.get());
  if (connected()) watch->install(*manager_);
  return watch;
}

}  // namespace openclaw
