#include "openclaw/bot_restarts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "openclaw/durable_file.h"
#include "openclaw/events.h"
#include "openclaw/log.h"
#include "openclaw/systemd_scope.h"
#include "openclaw/time_text.h"

namespace openclaw {
namespace {

// A claim file holds one small JSON object; a ledger at most kMaxKept records.
constexpr std::size_t kMaxClaimBytes = 4096;
constexpr std::size_t kMaxLedgerBytes = 256 * 1024;
// File names stay well under NAME_MAX with the suffixes and atomicWriteFile's temporaries.
constexpr std::size_t kMaxKeyBytes = 180;

// Letters, digits and "._-@" stay; anything else becomes %XX, so distinct names stay
// distinct and no key can hold a '/'.
std::string escapeKeyPart(const std::string& part) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : part) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '-' || c == '@';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

bool usableKey(const std::string& key) {
  return !key.empty() && key.size() <= kMaxKeyBytes && key.find('/') == std::string::npos &&
         key[0] != '.';
}

// mkdir -p for root's own folders (never below a folder a container can write).
Result<Ok> makeFolders(const std::string& path) {
  for (std::size_t at = 1; at <= path.size(); ++at) {
    if (at != path.size() && path[at] != '/') continue;
    const std::string upTo = path.substr(0, at);
    if (::mkdir(upTo.c_str(), 0700) != 0 && errno != EEXIST) return fromErrno();
  }
  return Ok{};
}

// The claim is an open-file-description lock on the whole file: released when the fd
// closes, including by a kill -9, and testable without taking it (F_OFD_GETLK).
struct flock wholeFile(short type) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  return fl;
}

std::optional<RestartOwner> ownerFromText(const std::string& text) {
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  RestartOwner owner;
  if (auto a = doc.find("agent"); a != doc.end() && a->is_string()) owner.agent = *a;
  if (auto w = doc.find("what"); w != doc.end() && w->is_string()) owner.what = *w;
  if (auto s = doc.find("since"); s != doc.end() && s->is_number_integer()) {
    owner.since = s->get<WallSeconds>();
  }
  return owner;
}

// Who holds the claim file open on `fd`, if anyone holds it.
std::optional<RestartOwner> heldBy(int fd) {
  struct flock probe = wholeFile(F_WRLCK);
  if (::fcntl(fd, F_OFD_GETLK, &probe) != 0 || probe.l_type == F_UNLCK) return std::nullopt;
  std::string text(kMaxClaimBytes, '\0');
  const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  auto parsed = ownerFromText(text);
  return parsed ? parsed : std::optional<RestartOwner>(RestartOwner{});
}

}  // namespace

std::string RestartOwner::describe() const {
  std::string out = agent.empty() ? std::string("another agent") : agent;
  if (!what.empty()) out += " (" + what + ")";
  if (since > 0) out += " since " + formatTime(since, "%H:%M:%S", Zone::Local);
  return out;
}

BotRestarts::BotRestarts(std::string agent, Folders folders)
    : agent_(std::move(agent)), folders_(std::move(folders)) {}

std::string BotRestarts::unitKey(const ManagerScope& scope, const std::string& unit) {
  return "unit@" +
         (scope.isSystem() ? std::string("system") : "user-" + escapeKeyPart(scope.user)) + "@" +
         escapeKeyPart(unit);
}

std::string BotRestarts::containerKey(const std::string& container) {
  return "container@" + escapeKeyPart(container);
}

std::string BotRestarts::claimPath(const std::string& key) const {
  return folders_.claims + "/" + key + ".lock";
}

std::string BotRestarts::ledgerPath(const std::string& key) const {
  return folders_.ledgers + "/" + key + ".json";
}

Expected<RestartClaim, RestartOwner> BotRestarts::claim(const std::string& key,
                                                        const std::string& what, WallSeconds now) {
  auto alone = [&](const std::string& why) -> Expected<RestartClaim, RestartOwner> {
    Log::warning("cannot share the restarts of " + key + " with other agents: " + why,
                 {{journal_key::kEvent, event::kRestartClaimFailed}});
    return RestartClaim(key, UniqueFd());
  };
  if (!usableKey(key)) return alone("the name is too long for a claim file");
  const std::string path = claimPath(key);
  constexpr int kFlags = O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
  UniqueFd fd(::open(path.c_str(), kFlags, 0600));
  // The folder is made at the first claim only (tmpfiles makes it at boot): no mkdir on
  // every restart's path.
  if (!fd && errno == ENOENT) {
    if (auto made = makeFolders(folders_.claims); !made) return alone(made.error().message());
    fd = UniqueFd(::open(path.c_str(), kFlags, 0600));
  }
  if (!fd) return alone(path + ": " + errnoCode(errno).message());
  struct flock lock = wholeFile(F_WRLCK);
  if (::fcntl(fd.get(), F_OFD_SETLK, &lock) != 0) {
    if (errno != EAGAIN && errno != EACCES) return alone(path + ": " + errnoCode(errno).message());
    // Held: who holds it is read through the descriptor already open.
    auto holder = heldBy(fd.get());
    return Unexpected<RestartOwner>{holder ? *holder : RestartOwner{}};
  }
  const std::string text =
      nlohmann::json{{"agent", agent_}, {"what", what}, {"since", now}}.dump() + "\n";
  // Best effort: the lock is the claim, the words are for the other agent's log.
  if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), text.data(), text.size(), 0) < 0) {
    Log::info("cannot say in " + claimPath(key) + " who holds it: " + errnoCode(errno).message());
  }
  return RestartClaim(key, std::move(fd));
}

std::optional<RestartOwner> BotRestarts::owner(const std::string& key) const {
  if (!usableKey(key)) return std::nullopt;
  UniqueFd fd(::open(claimPath(key).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return std::nullopt;
  return heldBy(fd.get());
}

std::deque<RestartRecord> BotRestarts::records(const std::string& key, WallSeconds now) const {
  std::deque<RestartRecord> out;
  if (!usableKey(key)) return out;
  auto text = readSmallFile(ledgerPath(key), kMaxLedgerBytes, Symlinks::NoFollow);
  if (!text) return out;  // none yet (or unreadable: counted as none, said by count())
  const auto doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  const auto list = doc.is_object() ? doc.find("restarts") : doc.end();
  if (list == doc.end() || !list->is_array()) return out;
  for (const auto& r : *list) {
    if (!r.is_object()) continue;
    const auto at = r.find("at");
    const auto by = r.find("by");
    if (at == r.end() || !at->is_number_integer()) continue;
    const auto when = at->get<WallSeconds>();
    if (when <= now - RestartBudget::kWindow) continue;
    out.push_back({when, by != r.end() && by->is_string() ? by->get<std::string>() : ""});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  while (out.size() > RestartBudget::kMaxKept) out.pop_front();
  return out;
}

std::deque<WallSeconds> BotRestarts::lastHour(const std::string& key, WallSeconds now) const {
  std::deque<WallSeconds> out;
  for (const auto& r : records(key, now)) out.push_back(r.at);
  return out;
}

std::deque<WallSeconds> BotRestarts::byOthers(const std::string& key, WallSeconds now) const {
  std::deque<WallSeconds> out;
  for (const auto& r : records(key, now)) {
    if (r.by != agent_) out.push_back(r.at);
  }
  return out;
}

Result<Ok> BotRestarts::count(const RestartClaim& claim, WallSeconds now) {
  if (!claim.shared()) return Ok{};  // acting alone: the agent's own ledger counts it
  auto kept = records(claim.key(), now);
  kept.push_back({now, agent_});
  while (kept.size() > RestartBudget::kMaxKept) kept.pop_front();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : kept) list.push_back({{"at", r.at}, {"by", r.by}});
  const std::string text =
      nlohmann::json{{"version", 1}, {"restarts", std::move(list)}}.dump() + "\n";
  auto written = atomicWriteFile(ledgerPath(claim.key()), text, 0600);
  if (written || written.error() != std::errc::no_such_file_or_directory) return written;
  // The first count ever (tmpfiles makes the folder at boot): make it, then write.
  if (auto made = makeFolders(folders_.ledgers); !made) return made;
  return atomicWriteFile(ledgerPath(claim.key()), text, 0600);
}

}  // namespace openclaw
