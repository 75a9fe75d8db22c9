#include "openclaw/systemd_manager_sdbus.h"

#include <boost/asio/post.hpp>
#include <cstring>

namespace openclaw {
namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManagerIface = "org.freedesktop.systemd1.Manager";
constexpr const char* kPropertiesIface = "org.freedesktop.DBus.Properties";

using ReplyFn = std::function<void(sd_bus_message* reply, const std::string& error)>;

// Signals that come over a direct connection carry no sender: matching on the manager's
// bus name would then match nothing.
const char* signalSender(const AsioBus& bus) {
  return bus.busClient() ? kService : nullptr;
}

std::string errorText(const sd_bus_error* e, int r) {
  if (e != nullptr && sd_bus_error_is_set(e)) {
    return std::string(e->name) + ": " + (e->message ? e->message : "");
  }
  return std::string("sd-bus: ") + std::strerror(-r);
}

struct CallContext {
  ReplyFn onReply;
};

int replyTrampoline(sd_bus_message* m, void* userdata, sd_bus_error*) {
  auto* ctx = static_cast<CallContext*>(userdata);
  const sd_bus_error* e = sd_bus_message_get_error(m);
  ctx->onReply(m, e ? errorText(e, -EIO) : std::string());
  return 0;
}

void destroyContext(void* userdata) {
  delete static_cast<CallContext*>(userdata);
}

// Sends a method call; onReply runs on the loop with the reply or an error text.
void callAsync(AsioBus& bus, const std::string& path, const char* iface, const char* member,
               const std::function<int(sd_bus_message*)>& append, ReplyFn onReply) {
  auto fail = [&](int r) {
    boost::asio::post(bus.io(), [onReply, r] { onReply(nullptr, errorText(nullptr, r)); });
  };
  sd_bus_message* raw = nullptr;
  int r = sd_bus_message_new_method_call(bus.get(), &raw, kService, path.c_str(), iface, member);
  if (r < 0) return fail(r);
  BusMessagePtr msg(raw);
  if (append && (r = append(msg.get())) < 0) return fail(r);
  auto* ctx = new CallContext{std::move(onReply)};
  sd_bus_slot* slot = nullptr;
  r = sd_bus_call_async(bus.get(), &slot, msg.get(), replyTrampoline, ctx, 0);
  if (r < 0) {
    ReplyFn cb = std::move(ctx->onReply);
    delete ctx;
    boost::asio::post(bus.io(), [cb, r] { cb(nullptr, errorText(nullptr, r)); });
    return;
  }
  // The bus owns the slot from here; the context goes with it, reply or not.
  sd_bus_slot_set_destroy_callback(slot, destroyContext);
  sd_bus_slot_set_floating(slot, 1);
  sd_bus_slot_unref(slot);
  bus.arm();
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
        "org.freedesktop.DBus.Local.Disconnected: the bus connection was lost");
  }
  return 0;
}

class SdBusUnitWatch : public UnitWatch {
 public:
  SdBusUnitWatch(SystemdManager& manager, boost::asio::io_context& io, std::string unit,
                 SystemdManager::StateCallback cb)
      : manager_(manager), io_(io), unit_(std::move(unit)), changed_(std::move(cb)) {}
  ~SdBusUnitWatch() override { *alive_ = false; }

  // The bus daemon answered AddMatch: from now on no change is missed, so the current
  // state read next is a baseline without a gap.
  static int onInstalled(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* self = static_cast<SdBusUnitWatch*>(userdata);
    if (const sd_bus_error* e = sd_bus_message_get_error(m)) {
      self->fail(errorText(e, -EIO));
    } else {
      self->refresh();
    }
    return 0;
  }

  void installedLocally() {
    std::weak_ptr<bool> alive = alive_;
    boost::asio::post(io_, [this, alive] {
      if (!alive.expired()) refresh();
    });
  }

  static int onChanged(sd_bus_message*, void* userdata, sd_bus_error*) {
    static_cast<SdBusUnitWatch*>(userdata)->refresh();
    return 0;
  }

  // Reported from the loop, never from inside an sd-bus callback, so the caller may drop
  // the watch in its callback.
  void fail(std::string error) {
    std::weak_ptr<bool> alive = alive_;
    boost::asio::post(io_, [this, alive, error = std::move(error)] {
      if (!alive.expired()) changed_(Unexpected<std::string>{error});
    });
  }

  BusSlotPtr slot;

 private:
  void refresh() {
    std::weak_ptr<bool> alive = alive_;
    // The signal says which properties changed; reading the whole state keeps the
    // callers' view consistent (Result and ActiveState change in separate signals).
    manager_.getUnitState(unit_, [this, alive](const auto& state) {
      if (!alive.expired()) changed_(state);
    });
  }

  SystemdManager& manager_;
  boost::asio::io_context& io_;
  std::string unit_;
  SystemdManager::StateCallback changed_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
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

std::string unitObjectPath(const std::string& unit) {
  char* raw = nullptr;
  if (sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit.c_str(), &raw) < 0) return {};
  std::string path(raw);
  free(raw);
  return path;
}

Result<std::unique_ptr<SdBusSystemdManager>> SdBusSystemdManager::create(AsioBus& bus) {
  std::unique_ptr<SdBusSystemdManager> m(new SdBusSystemdManager(bus));
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
  callAsync(bus, kManagerPath, kManagerIface, "Subscribe", nullptr, [](auto*, const auto&) {});
  bus.arm();
  return m;
}

SdBusSystemdManager::~SdBusSystemdManager() {
  *alive_ = false;
}

void SdBusSystemdManager::issueJob(const char* method, const std::string& unit, JobCallback done) {
  callAsync(
      bus_, kManagerPath, kManagerIface, method,
      [unit](sd_bus_message* m) { return sd_bus_message_append(m, "ss", unit.c_str(), "replace"); },
      [this, alive = std::weak_ptr<bool>(alive_), done = std::move(done)](
          sd_bus_message* reply, const std::string& error) {
        if (alive.expired()) return;
        if (!error.empty()) return done(JobOutcome{JobResult::Unknown, error});
        const char* job = nullptr;
        if (int r = sd_bus_message_read(reply, "o", &job); r < 0) {
          return done(JobOutcome{JobResult::Unknown, errorText(nullptr, r)});
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
  callAsync(
      bus_, kManagerPath, kManagerIface, "ResetFailedUnit",
      [unit](sd_bus_message* m) { return sd_bus_message_append(m, "s", unit.c_str()); },
      [alive = std::weak_ptr<bool>(alive_), done = std::move(done)](sd_bus_message*,
                                                                    const std::string& error) {
        if (!alive.expired()) done(error);
      });
}

void SdBusSystemdManager::daemonReload(ErrorCallback done) {
  callAsync(bus_, kManagerPath, kManagerIface, "Reload", nullptr,
            [alive = std::weak_ptr<bool>(alive_), done = std::move(done)](
                sd_bus_message*, const std::string& error) {
              if (!alive.expired()) done(error);
            });
}

void SdBusSystemdManager::getUnitState(const std::string& unit, StateCallback done) {
  // GetAll with an empty interface returns the properties of every interface the unit
  // object has (Unit and Service) in one round trip.
  callAsync(
      bus_, unitObjectPath(unit), kPropertiesIface, "GetAll",
      [](sd_bus_message* m) { return sd_bus_message_append(m, "s", ""); },
      [alive = std::weak_ptr<bool>(alive_), done = std::move(done)](sd_bus_message* reply,
                                                                    const std::string& error) {
        if (alive.expired()) return;
        if (!error.empty()) return done(Unexpected<std::string>{error});
        UnitState state;
        if (int r = readProperties(reply, state); r < 0) {
          return done(Unexpected<std::string>{errorText(nullptr, r)});
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
    watch->fail(errorText(nullptr, r));
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
