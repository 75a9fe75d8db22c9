#include "openclaw/systemd_scope.h"

#include <pwd.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace openclaw {
namespace {

// getpwnam_r's buffer: sysconf's suggestion, or this when it has none.
constexpr std::size_t kPasswdBuffer = 16384;
constexpr std::size_t kMaxUserName = 32;

bool isUserNameChar(char c, bool first) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  if (first) return letter;
  return letter || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

}  // namespace

std::string ManagerScope::describe() const {
  return isSystem() ? "the system manager" : user + "'s user manager";
}

bool isUserName(const std::string& name) {
  if (name.empty() || name.size() > kMaxUserName) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const bool lastDollar = i + 1 == name.size() && i > 0 && name[i] == '$';
    if (!lastDollar && !isUserNameChar(name[i], i == 0)) return false;
  }
  return true;
}

Expected<uid_t, std::string> lookupUserId(const std::string& name) {
  if (!isUserName(name)) return Unexpected<std::string>{"is not a user name"};
  const long suggested = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(suggested > 0 ? static_cast<std::size_t>(suggested) : kPasswdBuffer);
  passwd entry{};
  passwd* found = nullptr;
  const int r = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (r != 0) {
    return Unexpected<std::string>{"cannot look up user " + name + ": " + std::strerror(r)};
  }
  if (found == nullptr) return Unexpected<std::string>{"no user named " + name + " on this host"};
  return found->pw_uid;
}

ManagerScope readManagerScope(ConfigObject& obj) {
  ManagerScope scope;
  if (!obj.get("user", scope.user)) return scope;
  if (!isUserName(scope.user)) {
    obj.fail("user", "is not a user name such as \"root\"");
  } else if (auto uid = lookupUserId(scope.user); !uid) {
    obj.fail("user", uid.error());
  }
  return scope;
}

Result<BusPtr> connectEndpoint(const ManagerEndpoint& endpoint) {
  sd_bus* raw = nullptr;
  if (endpoint.address.empty()) {
    if (int r = sd_bus_open_system(&raw); r < 0) return fromErrno(-r);
    return BusPtr(raw);
  }
  if (int r = sd_bus_new(&raw); r < 0) return fromErrno(-r);
  BusPtr bus(raw);
  if (int r = sd_bus_set_address(raw, endpoint.address.c_str()); r < 0) return fromErrno(-r);
  if (int r = sd_bus_set_bus_client(raw, endpoint.busClient ? 1 : 0); r < 0) return fromErrno(-r);
  if (int r = sd_bus_start(raw); r < 0) return fromErrno(-r);
  return bus;
}

Expected<std::vector<ManagerEndpoint>, std::string> managerEndpoints(const ManagerScope& scope) {
  if (scope.isSystem()) return std::vector<ManagerEndpoint>{{"", true, "the system bus"}};
  auto uid = lookupUserId(scope.user);
  if (!uid) return Unexpected<std::string>{uid.error()};
  const std::string runtime = "/run/user/" + std::to_string(*uid);
  return std::vector<ManagerEndpoint>{
      {"unix:path=" + runtime + "/systemd/private", false, runtime + "/systemd/private"},
      {"unix:path=" + runtime + "/bus", true, runtime + "/bus"}};
}

}  // namespace openclaw
