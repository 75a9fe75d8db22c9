#include "alerts_command.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "alert_filter.h"
#include "openclaw/alerts.h"
#include "openclaw/handles.h"

namespace openclaw::agentctl {
namespace {

constexpr int kExitUsage = 2;
constexpr long kDefaultLimit = 20;
constexpr long kMaxLimit = 10000;
// With a filter, the newest this many lines of every generation are searched.
constexpr std::size_t kFilterScanLines = 100000;
// A followed line longer than this is not an alert line: it is skipped, not buffered.
constexpr std::size_t kMaxLineBytes = 1 << 20;

constexpr const char* kUsage =
    "usage: openclaw-agentctl alerts [--limit N (1-10000)] [--json] [--agent AGENT]\n"
    "                                [--level info|warning|critical|recovered]\n"
    "                                [--since 30m|2h|7d|2026-11-28[T14:00[:05]]] [--follow]\n";

struct Options {
  long limit = kDefaultLimit;
  bool json = false;
  bool follow = false;
  AlertFilter filter;
};

// The value after args[i], or nullptr when there is none.
const std::string* valueOf(const std::vector<std::string>& args, std::size_t& i) {
  return i + 1 < args.size() ? &args[++i] : nullptr;
}

bool parseArgs(const std::vector<std::string>& args, Options& o, std::string& error) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const std::string* v = nullptr;
    if (a == "--json") {
      o.json = true;
    } else if (a == "--follow" || a == "-f") {
      o.follow = true;
    } else if (a == "--limit" && (v = valueOf(args, i))) {
      char* end = nullptr;
      o.limit = std::strtol(v->c_str(), &end, 10);
      if (*end != '\0' || o.limit < 1 || o.limit > kMaxLimit) return false;
    } else if (a == "--agent" && (v = valueOf(args, i))) {
      o.filter.agent = *v;
    } else if (a == "--level" && (v = valueOf(args, i))) {
      if (!isAlertLevel(*v)) return false;
      o.filter.level = *v;
    } else if (a == "--since" && (v = valueOf(args, i))) {
      auto bound = sinceBound(*v, std::time(nullptr));
      if (!bound) {
        error = bound.error();
        return false;
      }
      o.filter.since = *bound;
    } else {
      return false;
    }
  }
  return true;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::toupper);
  return s;
}

std::string field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Prints `line` when it passes the filter; returns whether it did.
bool show(const std::string& line, const Options& o) {
  const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!o.filter.matches(j)) return false;
  if (o.json || !j.is_object()) {
    std::cout << line << "\n";
  } else {
    std::cout << field(j, "ts") << "  " << upper(field(j, "level")) << "  " << field(j, "agent")
              << "  " << field(j, "target") << "  " << field(j, "event") << ": "
              << field(j, "message") << "\n";
  }
  return true;
}

// The live log's inode and size, to follow it from where the listing read it.
struct Position {
  ino_t inode = 0;
  off_t offset = 0;
};

Position positionOf(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {};
  return {st.st_ino, st.st_size};
}

// Follows the live log as agents append to it, across rotations: reads the file it holds
// to its end, and when the name is taken by a new file (a rotation), goes on in that one
// from its start.  Woken by inotify on the folder; never returns but on an error.
class Follower {
 public:
  Follower(const Options& o, Position from) : options_(o), from_(from) {}

  int run() {
    const std::string log = kAlertLog;
    const std::string folder = log.substr(0, log.rfind('/'));
    UniqueFd in(::inotify_init1(IN_CLOEXEC));
    if (!in || ::inotify_add_watch(in.get(), folder.c_str(),
                                   IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_ONLYDIR) < 0) {
      std::cerr << "openclaw-agentctl: cannot watch " << folder << ": " << std::strerror(errno)
                << "\n";
      return 1;
    }
    std::cout.flush();
    while (true) {
      drain(log);
      alignas(inotify_event) char events[4096];
      const ssize_t n = ::read(in.get(), events, sizeof events);
      if (n < 0 && errno != EINTR) return 1;
    }
  }

 private:
  // Reads what was appended to the file held, then, if the name now holds another file,
  // switches to it.
  void drain(const std::string& log) {
    if (!fd_) open(log, from_.inode, from_.offset);
    readNew();
    const Position now = positionOf(log);
    if (now.inode != 0 && now.inode != inode_) {
      open(log, now.inode, 0);
      readNew();
    }
    std::cout.flush();
  }

  void open(const std::string& log, ino_t expect, off_t offset) {
    UniqueFd fd(::open(log.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    fd_ = std::move(fd);
    inode_ = st.st_ino;
    offset_ = st.st_ino == expect ? offset : 0;
    partial_.clear();
  }

  void readNew() {
    if (!fd_) return;
    char buf[65536];
    while (true) {
      const ssize_t n = ::pread(fd_.get(), buf, sizeof buf, offset_);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      offset_ += n;
      take(std::string_view(buf, static_cast<std::size_t>(n)));
    }
  }

  void take(std::string_view bytes) {
    for (char c : bytes) {
      if (c != '\n') {
        if (partial_.size() < kMaxLineBytes) partial_ += c;
        continue;
      }
      if (!partial_.empty() && partial_.size() < kMaxLineBytes) show(partial_, options_);
      partial_.clear();
    }
  }

  const Options& options_;
  Position from_;
  UniqueFd fd_;
  ino_t inode_ = 0;
  off_t offset_ = 0;
  std::string partial_;
};

}  // namespace

int alertsCommand(const std::vector<std::string>& args) {
  Options o;
  std::string error;
  if (!parseArgs(args, o, error)) {
    if (!error.empty()) std::cerr << "openclaw-agentctl: " << error << "\n";
    std::cerr << kUsage;
    return kExitUsage;
  }
  // Where the listing ends, for --follow to go on from there.
  const Position from = positionOf(kAlertLog);
  auto lines = recentAlertLines(
      kAlertLog, o.filter.any() ? kFilterScanLines : static_cast<std::size_t>(o.limit));
  if (!lines) {
    std::cerr << "openclaw-agentctl: cannot read the alerts: " << lines.error() << "\n";
    return 1;
  }
  std::vector<std::string> shown;
  for (auto& line : *lines) {
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (o.filter.matches(j)) shown.push_back(std::move(line));
  }
  if (shown.size() > static_cast<std::size_t>(o.limit)) {
    shown.erase(shown.begin(), shown.end() - o.limit);
  }
  if (shown.empty() && !o.follow) {
    std::cout << (o.filter.any() ? "no alerts match" : "no alerts yet") << " (" << kAlertLog
              << " and its rotated generations)\n";
    return 0;
  }
  for (const auto& line : shown) show(line, o);
  if (!o.follow) return 0;
  return Follower(o, from).run();
}

}  // namespace openclaw::agentctl
