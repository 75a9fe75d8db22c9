#include "openclaw/systemd_manager_sdbus.h"

#include <boost/asio/post.hpp>
#include <cstring>

namespace openclaw {
namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManagerIface = "org.freedesktop.systemd1.Manager";
constexpr const char* kPropertiesIface = "org.freedesktop.DBus.Properties";

// Signals that come over a direct connection carry no sender: matching on the manager's
// bus name would then match nothing.
const char* signalSender(const AsioBus& bus) {
  return bus.busClient() ? kService : nullptr;
}

BusCallError fromBusError(const sd_bus_error* e) {
  return BusCallError{e->name ? e->name : "", e->message ? e->message : ""};
}

// sd-bus's own mapping: ENOENT → "System.Error.ENOENT", ENOMEM → "...DBus.Error.NoMemory".
BusCallError errnoError(int r) {
  BusError e;
  sd_bus_error_set_errno(e.get(), r < 0 ? -r : r);
  return fromBusError(e.get());
}

int readVariant(sd_bus_message* m, const char* name, UnitState& s) {
  auto str = [&](std::string& out) {
    const char* v = nullptr;
    int r = sd_bus_message_read(m, "v", "s", &v);
    if (r >= 0 && v) out = v;
    return r;
  };
  const std::string_view n(name);
  if (n == "LoadState") return str(s.loadState);
  if (n == "ActiveState") return str(s.activeState);
  if (n == "SubState") return str(s.subState);
  if (n == "Result") return str(s.result);
  if (n == "StatusText") return str(s.statusText);
  if (n == "NRestarts") return sd_bus_message_read(m, "v", "u", &s.nRestarts);
  if (n == "ExecMainStartTimestampMonotonic") {
    return sd_bus_message_read(m, "v", "t", &s.execMainStartTimestampMonotonic);
  }
  return sd_bus_message_skip(m, "v");
}

// Reads an a{sv} of properties into s, keeping what it already has for absent names.
int readProperties(sd_bus_message* m, UnitState& s) {
  int r = sd_bus_message_enter_container(m, 'a', "{sv}");
  if (r < 0) return r;
  while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
    const char* name = nullptr;
    if ((r = sd_bus_message_read(m, "s", &name)) < 0) return r;
    if ((r = readVariant(m, name, s)) < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
  }
  if (r < 0) return r;
  return sd_bus_message_exit_container(m);
}

int jobRemovedTrampoline(sd_bus_message* m, void* userdata, sd_bus_error*) {
  std::uint32_t id = 0;
  const char *job = nullptr, *unit = nullptr, *result = nullptr;
  if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0) return 0;
  static_cast<SdBusSystemdManager*>(userdata)->jobs().removed(job, parseJobResult(result));
  return 0;
}

// sd-bus hands every filter the Disconnected message it makes up when the connection
// drops; after it no JobRemoved can arrive, so callers must not be left waiting.
int disconnectFilter(sd_bus_message* m, void* userdata, sd_bus_error*) {
  if (sd_bus_message_is_signal(m, "org.freedesktop.DBus.Local", "Disconnected") > 0) {
    static_cast<SdBusSystemdManager*>(userdata)->jobs().failAll(
        BusCallError{BusCallError::kDisconnected, "the bus connection was lost"});
  }
  return 0;
}

class SdBusUnitWatch : public UnitWatch {
 public:
  SdBusUnitWatch(SystemdManager& manager, boost::asio::io_context& io, std::string unit,
                 SystemdManager::StateCallback cb)
      : manager_(manager), io_(io), unit_(std::move(unit)), changed_(std::move(cb)) {}

  // The bus daemon answered AddMatch: from now on no change is missed, so the current
  // state read next is a baseline without a gap.
  static int onInstalled(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<SdBusUnitWatch*>(userdata);
    if (const sd_bus_error* e = sd_bus_message_get_error(m)) {
      self->fail(fromBusError(e).text());
    } else {
      self->refresh();
    }
    return 0;
  }

  void installedLocally() {
    boost::asio::post(io_, life_.guard([this] { refresh(); }));
  }

  static int onChanged(sd_bus_message*, void* userdata, sd_bus_error*) {
    static_cast<SdBusUnitWatch*>(userdata)->refresh();
    return 0;
  }

  // Reported from the loop, never from inside an sd-bus callback, so the caller may drop
  // the watch in its callback.
  void fail(std::string error) {
    boost::asio::post(io_, life_.guard([this, error = std::move(error)] {
      changed_(Unexpected<std::string>{error});
    }));
  }

  BusSlotPtr slot;

 private:
  void refresh() {
    // The signal says which properties changed; reading the whole state keeps the
    // callers' view consistent (Result and ActiveState change in separate signals).
    manager_.getUnitState(unit_, life_.guard([this](const auto& state) { changed_(state); }));
  }

  SystemdManager& manager_;
  boost::asio::io_context& io_;
  std::string unit_;
  SystemdManager::StateCallback changed_;
  LifeToken life_;
};

}  // namespace

JobResult parseJobResult(std::string_view text) {
  if (text == "done") return JobResult::Done;
  if (text == "canceled") return JobResult::Canceled;
  if (text == "timeout") return JobResult::Timeout;
  if (text == "failed") return JobResult::Failed;
  if (text == "dependency") return JobResult::Dependency;
  if (text == "skipped") return JobResult::Skipped;
  return JobResult::Unknown;
}

std::string_view toString(JobResult result) {
  switch (result) {
    case JobResult::Done:
      return "done";
    case JobResult::Canceled:
      return "canceled";
    case JobResult::Timeout:
      return "timeout";
    case JobResult::Failed:
      return "failed";
    case JobResult::Dependency:
      return "dependency";
    case JobResult::Skipped:
      return "skipped";
    case JobResult::Unknown:
      break;
  }
  return "unknown";
}

std::string BusCallError::text() const {
  if (!failed()) return {};
  return message.empty() ? name : name + ": " + message;
}

std::string unitObjectPath(const std::string& unit) {
  char* raw = nullptr;
  if (sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit.c_str(), &raw) < 0) return {};
  const CStringPtr path(raw);
  return path.get();
}

// One method call in flight: its slot (dropping it cancels the call) and what to do with
// the reply.  The slot's userdata points here; the manager owns both.
struct SdBusSystemdManager::PendingCall {
  SdBusSystemdManager* owner = nullptr;
  std::uint64_t id = 0;
  BusSlotPtr slot;
  ReplyFn onReply;
};

Result<std::unique_ptr<SdBusSystemdManager>> SdBusSystemdManager::create(AsioBus& bus) {
  auto m = std::make_unique<SdBusSystemdManager>(Key{}, bus);
  sd_bus_slot* slot = nullptr;
  // Installed before any job is issued: the bus daemon applies it before our later calls,
  // because it handles one connection's messages in order.
  int r =
      sd_bus_match_signal_async(bus.get(), &slot, signalSender(bus), kManagerPath, kManagerIface,
                                "JobRemoved", jobRemovedTrampoline, nullptr, m.get());
  if (r < 0) return fromErrno(-r);
  m->jobRemovedSlot_.reset(slot);
  if ((r = sd_bus_add_filter(bus.get(), &slot, disconnectFilter, m.get())) < 0) {
    return fromErrno(-r);
  }
  m->disconnectSlot_.reset(slot);
  // systemd signals a job to the client that queued it even without Subscribe, but unit
  // PropertiesChanged only goes out while some client is subscribed: watches need it.
  m->call(kManagerPath, kManagerIface, "Subscribe", nullptr, [](auto*, const auto&) {});
  bus.arm();
  return m;
}

SdBusSystemdManager::SdBusSystemdManager(Key, AsioBus& bus) : bus_(bus) {}

SdBusSystemdManager::~SdBusSystemdManager() {
  // Dropping a slot cancels its call: sd-bus will not run its callback any more.  Jobs
  // still waiting for JobRemoved go with jobs_, the signal slots with their members.
  calls_.clear();
}

void SdBusSystemdManager::failSoon(ReplyFn onReply, int r) {
  // Never from inside the caller's call: it may hold locks or be mid-update.
  boost::asio::post(bus_.io(), life_.guard([onReply = std::move(onReply), r] {
    onReply(nullptr, errnoError(r));
  }));
}

void SdBusSystemdManager::call(const std::string& path, const char* iface, const char* member,
                               const AppendFn& append, ReplyFn onReply) {
  sd_bus_message* raw = nullptr;
  int r = sd_bus_message_new_method_call(bus_.get(), &raw, kService, path.c_str(), iface, member);
  if (r < 0) return failSoon(std::move(onReply), r);
  const BusMessagePtr msg(raw);
  if (append && (r = append(msg.get())) < 0) return failSoon(std::move(onReply), r);
  auto pending = std::make_unique<PendingCall>();
  pending->owner = this;
  pending->id = nextCall_++;
  pending->onReply = std::move(onReply);
  sd_bus_slot* slot = nullptr;
  r = sd_bus_call_async(bus_.get(), &slot, msg.get(), &SdBusSystemdManager::onReply, pending.get(),
                        0);
  if (r < 0) return failSoon(std::move(pending->onReply), r);
  pending->slot.reset(slot);
  calls_.emplace(pending->id, std::move(pending));
  bus_.arm();
}

int SdBusSystemdManager::onReply(sd_bus_message* m, void* userdata, sd_bus_error*) {
  auto* pending = static_cast<PendingCall*>(userdata);
  SdBusSystemdManager& self = *pending->owner;
  ReplyFn reply = std::move(pending->onReply);
  // The call is over: its slot goes now (sd-bus holds its own reference until this
  // returns), before the callback, which may issue calls or destroy the manager.
  self.calls_.erase(pending->id);
  const sd_bus_error* e = sd_bus_message_get_error(m);
  reply(m, e != nullptr ? fromBusError(e) : BusCallError{});
  return 0;
}

void SdBusSystemdManager::issueJob(const char* method, const std::string& unit, JobCallback done) {
  call(
      kManagerPath, kManagerIface, method,
      [unit](sd_bus_message* m) { return sd_bus_message_append(m, "ss", unit.c_str(), "replace"); },
      [this, done = std::move(done)](sd_bus_message* reply, const BusCallError& error) {
        if (error.failed()) return done(JobOutcome{JobResult::Unknown, error});
        const char* job = nullptr;
        if (int r = sd_bus_message_read(reply, "o", &job); r < 0) {
          return done(JobOutcome{JobResult::Unknown, errnoError(r)});
        }
        jobs_.queued(job, done);
      });
}

void SdBusSystemdManager::restartUnit(const std::string& unit, JobCallback done) {
  issueJob("RestartUnit", unit, std::move(done));
}
void SdBusSystemdManager::startUnit(const std::string& unit, JobCallback done) {
  issueJob("StartUnit", unit, std::move(done));
}
void SdBusSystemdManager::stopUnit(const std::string& unit, JobCallback done) {
  issueJob("StopUnit", unit, std::move(done));
}

void SdBusSystemdManager::resetFailedUnit(const std::string& unit, ErrorCallback done) {
  call(
      kManagerPath, kManagerIface, "ResetFailedUnit",
      [unit](sd_bus_message* m) { return sd_bus_message_append(m, "s", unit.c_str()); },
      [done = std::move(done)](sd_bus_message*, const BusCallError& error) { done(error); });
}

void SdBusSystemdManager::daemonReload(ErrorCallback done) {
  call(kManagerPath, kManagerIface, "Reload", nullptr,
       [done = std::move(done)](sd_bus_message*, const BusCallError& error) { done(error); });
}

void SdBusSystemdManager::getUnitState(const std::string& unit, StateCallback done) {
  // GetAll with an empty interface returns the properties of every interface the unit
  // object has (Unit and Service) in one round trip.
  call(
      unitObjectPath(unit), kPropertiesIface, "GetAll",
      [](sd_bus_message* m) { return sd_bus_message_append(m, "s", ""); },
      [done = std::move(done)](sd_bus_message* reply, const BusCallError& error) {
        if (error.failed()) return done(Unexpected<std::string>{error.text()});
        UnitState state;
        if (int r = readProperties(reply, state); r < 0) {
          return done(Unexpected<std::string>{errnoError(r).text()});
        }
        done(state);
      });
}

std::unique_ptr<UnitWatch> SdBusSystemdManager::watchUnit(const std::string& unit,
                                                          StateCallback changed) {
  auto watch = std::make_unique<SdBusUnitWatch>(*this, bus_.io(), unit, std::move(changed));
  sd_bus_slot* slot = nullptr;
  const std::string path = unitObjectPath(unit);
  const int r = sd_bus_match_signal_async(
      bus_.get(), &slot, signalSender(bus_), path.c_str(), kPropertiesIface, "PropertiesChanged",
      SdBusUnitWatch::onChanged, SdBusUnitWatch::onInstalled, watch.get());
  if (r < 0) {
    watch->fail(errnoError(r).text());
    return watch;
  }
  watch->slot.reset(slot);
  // On a direct connection the match is local and in place at once: no bus daemon answers
  // AddMatch, so the baseline read is started here.
  if (!bus_.busClient()) watch->installedLocally();
  bus_.arm();
  return watch;
}

bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done,
              std::chrono::steady_clock::duration limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  if (io.stopped()) io.restart();
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (io.run_one_until(deadline) == 0 && io.stopped()) {
      // Out of work: nothing can make `done` true any more; leave the loop usable.
      io.restart();
      return done();
    }
  }
  return true;
}

}  // namespace openclaw
