#include "docker_containers.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "flag_watcher_config.h"
#include "openclaw/docker_engine.h"
#include "supervisor_config.h"

namespace openclaw::diskguard {
namespace {

// {"status":["exited","created"]}, URL-encoded: every container that is not running, paused
// or restarting (Podman knows no "dead").
constexpr const char* kStoppedList =
    "/containers/json?all=true&size=true&filters="
    "%7B%22status%22%3A%5B%22exited%22%2C%22created%22%5D%7D";
// The shortest id prefix the engine takes for a container, and so the shortest a `keep`
// entry is matched against ids with.
constexpr std::size_t kShortId = 12;

bool isHexId(const std::string& id) {
  if (id.size() < kShortId || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string stringAt(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// One element of the list: what the list alone says.
StoppedContainer fromListed(const nlohmann::json& item) {
  StoppedContainer c;
  c.id = stringAt(item, "Id");
  if (item.contains("Names") && item["Names"].is_array() && !item["Names"].empty() &&
      item["Names"][0].is_string()) {
    c.name = item["Names"][0].get<std::string>();
    if (c.name.starts_with('/')) c.name.erase(0, 1);
  }
  if (item.contains("Labels") && item["Labels"].is_object()) {
    for (const auto& [key, value] : item["Labels"].items()) {
      if (value.is_string()) c.labels[key] = value.get<std::string>();
    }
  }
  if (item.contains("SizeRw") && item["SizeRw"].is_number_unsigned()) {
    c.bytes = item["SizeRw"].get<std::uint64_t>();
  }
  return c;
}

// What an inspection adds: whether it runs, and when it stopped (a container that never ran
// counts from its creation).
void addInspected(StoppedContainer& c, const nlohmann::json& j) {
  const nlohmann::json* state =
      j.contains("State") && j["State"].is_object() ? &j["State"] : nullptr;
  c.running = state && state->contains("Running") && (*state)["Running"].is_boolean() &&
              (*state)["Running"].get<bool>();
  std::optional<std::int64_t> at;
  if (state) at = parseEngineTime(stringAt(*state, "FinishedAt"));
  if (!at) at = parseEngineTime(stringAt(j, "Created"));
  c.stoppedAt = at.value_or(0);
}

bool hasLabel(const StoppedContainer& c, const std::string& label) {
  const auto eq = label.find('=');
  if (eq == std::string::npos) return c.labels.contains(label);
  auto it = c.labels.find(label.substr(0, eq));
  return it != c.labels.end() && it->second == label.substr(eq + 1);
}

bool isKept(const StoppedContainer& c, const std::set<std::string>& keep) {
  if (keep.contains(c.name) || keep.contains(c.id)) return true;
  for (const auto& k : keep) {
    if (k.size() >= kShortId && c.id.starts_with(k)) return true;
  }
  return false;
}

// Reads a number of `digits` digits at `at`, advancing it.
bool number(const std::string& text, std::size_t& at, std::size_t digits, int& out) {
  if (at + digits > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  at += digits;
  return true;
}

bool literal(const std::string& text, std::size_t& at, char c) {
  if (at >= text.size() || text[at] != c) return false;
  ++at;
  return true;
}

// A config's containers, or why it could not be read; none when the file does not exist.
template <class Config>
Expected<std::vector<std::string>, std::string> namedBy(
    const std::string& path, Expected<Config, ConfigIssues> (*load)(const std::string&),
    const std::function<std::vector<std::string>(const Config&)>& containers) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) return std::vector<std::string>{};
  auto config = load(path);
  if (!config) {
    const auto& issue = config.error().front();
    return Unexpected<std::string>{issue.text() + (config.error().size() > 1 ? " (and more)" : "")};
  }
  return containers(*config);
}

struct Survey {
  std::shared_ptr<DockerEngine> engine;
  ContainerFilter filter;
  std::chrono::seconds timeout;
  const Clock* clock;
  ContainerSurvey result;
  std::function<void(ContainerSurvey)> done;
};

void inspectFrom(const std::shared_ptr<Survey>& s, std::size_t index) {
  auto& list = s->result.containers;
  const std::int64_t now = s->clock->wallSeconds();
  while (index < list.size() && list[index].verdict != ContainerVerdict::Unknown) ++index;
  if (index == list.size()) return s->done(std::move(s->result));
  s->engine->request("GET", "/containers/" + list[index].id + "/json", s->timeout,
                     [s, index, now](const Expected<DockerReply, std::string>& reply) {
                       StoppedContainer& c = s->result.containers[index];
                       if (reply && reply->status == 200) {
                         auto j = nlohmann::json::parse(reply->body, nullptr, false);
                         if (j.is_object()) addInspected(c, j);
                       }
                       // Gone since the list (404), or unreadable: stopped at an unknown time,
                       // kept.
                       c.verdict = judgeContainer(c, s->filter, now);
                       inspectFrom(s, index + 1);
                     });
}

struct Removal {
  std::shared_ptr<DockerEngine> engine;
  std::vector<StoppedContainer> containers;
  std::chrono::seconds timeout;
  ContainerRemoval result;
  std::function<void(ContainerRemoval)> done;
};

void removeFrom(const std::shared_ptr<Removal>& r, std::size_t index) {
  if (index == r->containers.size()) return r->done(std::move(r->result));
  r->engine->request("DELETE", "/containers/" + r->containers[index].id, r->timeout,
                     [r, index](const Expected<DockerReply, std::string>& reply) {
                       StoppedContainer& c = r->containers[index];
                       if (reply && reply->status / 100 == 2) {
                         r->result.removed.push_back(std::move(c));
                       } else if (!reply || reply->status != 404) {
                         // 404: gone already, nothing to say.  Anything else: running again, or the
                         // engine refused; the container stays.
                         const auto body = reply
                                               ? nlohmann::json::parse(reply->body, nullptr, false)
                                               : nlohmann::json();
                         std::string why = !reply ? reply.error() : stringAt(body, "message");
                         if (why.empty() && reply) why = "HTTP " + std::to_string(reply->status);
                         r->result.failures.push_back(c.name + ": " + why.substr(0, 200));
                       }
                       removeFrom(r, index + 1);
                     });
}

}  // namespace

const char* verdictName(ContainerVerdict verdict) {
  switch (verdict) {
    case ContainerVerdict::Remove:
      return "remove";
    case ContainerVerdict::NamesUnknown:
      return "names-unknown";
    case ContainerVerdict::Named:
      return "named";
    case ContainerVerdict::LabelsDiffer:
      return "labels-differ";
    case ContainerVerdict::Recent:
      return "recent";
    case ContainerVerdict::Running:
      return "running";
    case ContainerVerdict::Unknown:
      return "unknown";
  }
  return "?";
}

ContainerVerdict judgeContainer(const StoppedContainer& c, const ContainerFilter& filter,
                                std::int64_t nowSec) {
  if (filter.namesUnknown) return ContainerVerdict::NamesUnknown;
  if (isKept(c, filter.keep)) return ContainerVerdict::Named;
  for (const auto& label : filter.labels) {
    if (!hasLabel(c, label)) return ContainerVerdict::LabelsDiffer;
  }
  if (c.running) return ContainerVerdict::Running;
  if (c.stoppedAt <= 0) return ContainerVerdict::Unknown;
  if (nowSec - c.stoppedAt < filter.stoppedForSec) return ContainerVerdict::Recent;
  return ContainerVerdict::Remove;
}

std::optional<std::int64_t> parseEngineTime(const std::string& text) {
  std::tm tm{};
  std::size_t at = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!number(text, at, 4, year) || !literal(text, at, '-') || !number(text, at, 2, month) ||
      !literal(text, at, '-') || !number(text, at, 2, day) || !literal(text, at, 'T') ||
      !number(text, at, 2, hour) || !literal(text, at, ':') || !number(text, at, 2, minute) ||
      !literal(text, at, ':') || !number(text, at, 2, second)) {
    return std::nullopt;
  }
  if (literal(text, at, '.')) {
    const std::size_t digits = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == digits) return std::nullopt;
  }
  int offset = 0;
  if (!literal(text, at, 'Z')) {
    if (at >= text.size() || (text[at] != '+' && text[at] != '-')) return std::nullopt;
    const int sign = text[at++] == '-' ? -1 : 1;
    int oh = 0;
    int om = 0;
    if (!number(text, at, 2, oh) || !literal(text, at, ':') || !number(text, at, 2, om)) {
      return std::nullopt;
    }
    offset = sign * (oh * 3600 + om * 60);
  }
  if (at != text.size() || year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 ||
      hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(::timegm(&tm)) - offset;
}

Expected<std::set<std::string>, std::string> containersNamedIn(const std::string& dir) {
  std::set<std::string> names;
  auto flags = namedBy<flagwatcher::FlagWatcherConfig>(
      dir + "/flag-watcher.json", flagwatcher::loadFlagWatcherConfig,
      [](const flagwatcher::FlagWatcherConfig& c) {
        std::vector<std::string> out;
        for (const auto& [name, target] : c.targets) {
          if (!target.container.empty()) out.push_back(target.container);
        }
        return out;
      });
  if (!flags) return Unexpected<std::string>{flags.error()};
  auto bots = namedBy<supervisor::SupervisorConfig>(dir + "/jack-supervisor.json",
                                                    supervisor::loadSupervisorConfig,
                                                    [](const supervisor::SupervisorConfig& c) {
                                                      std::vector<std::string> out;
                                                      for (const auto& bot : c.bots) {
                                                        if (!bot.container.empty())
                                                          out.push_back(bot.container);
                                                      }
                                                      return out;
                                                    });
  if (!bots) return Unexpected<std::string>{bots.error()};
  for (auto* list : {&*flags, &*bots}) {
    for (auto& name : *list) {
      if (name.starts_with('/')) name.erase(0, 1);
      names.insert(std::move(name));
    }
  }
  return names;
}

ContainerFilter containerFilter(const DockerContainerRule& rule,
                                const std::set<std::string>& named) {
  ContainerFilter filter;
  filter.stoppedForSec = rule.stoppedHours * 3600;
  filter.labels = rule.labels;
  filter.keep = named;
  for (auto name : rule.keep) {
    if (name.starts_with('/')) name.erase(0, 1);
    filter.keep.insert(std::move(name));
  }
  return filter;
}

std::size_t ContainerSurvey::count(ContainerVerdict verdict) const {
  std::size_t n = 0;
  for (const auto& c : containers) n += c.verdict == verdict ? 1 : 0;
  return n;
}

std::string ContainerSurvey::keptText(const ContainerFilter& filter) const {
  const std::size_t kept = containers.size() - count(ContainerVerdict::Remove);
  if (kept == 0) return "";
  std::string out = std::to_string(kept) + " kept:";
  const auto add = [&](ContainerVerdict v, const std::string& what) {
    if (const std::size_t n = count(v); n > 0) {
      out += (out.back() == ':' ? " " : ", ") + std::to_string(n) + " " + what;
    }
  };
  add(ContainerVerdict::NamesUnknown, "an agent's config does not load");
  add(ContainerVerdict::Named, "named by an agent or keep");
  add(ContainerVerdict::LabelsDiffer, "without the labels");
  add(ContainerVerdict::Recent,
      "stopped less than " + std::to_string(filter.stoppedForSec / 3600) + " h ago");
  add(ContainerVerdict::Running, "running again");
  add(ContainerVerdict::Unknown, "stopped at an unknown time");
  return out;
}

void surveyContainers(boost::asio::io_context& io, const std::string& socket,
                      const ContainerFilter& filter, std::chrono::seconds timeout,
                      const Clock& clock, std::function<void(ContainerSurvey)> done) {
  auto s = std::make_shared<Survey>(Survey{
      std::make_shared<DockerEngine>(io, socket), filter, timeout, &clock, {}, std::move(done)});
  s->engine->request(
      "GET", kStoppedList, timeout, [s](const Expected<DockerReply, std::string>& reply) {
        auto list = reply ? nlohmann::json::parse(reply->body, nullptr, false) : nlohmann::json();
        if (!reply) {
          s->result.error = reply.error();
        } else if (reply->status != 200 || !list.is_array()) {
          s->result.error = "HTTP " + std::to_string(reply->status) + " from the engine";
        }
        if (!s->result.error.empty()) return s->done(std::move(s->result));
        const std::int64_t now = s->clock->wallSeconds();
        for (const auto& item : list) {
          StoppedContainer c = fromListed(item);
          // An id is put into a request path: only the engine's own hex ids are.
          if (!isHexId(c.id)) continue;
          // What the list decides (a name, the labels) needs no inspection.
          c.verdict = judgeContainer(c, s->filter, now);
          s->result.containers.push_back(std::move(c));
        }
        inspectFrom(s, 0);
      });
}

void removeContainers(boost::asio::io_context& io, const std::string& socket,
                      std::vector<StoppedContainer> containers, std::chrono::seconds timeout,
                      std::function<void(ContainerRemoval)> done) {
  auto r = std::make_shared<Removal>(Removal{std::make_shared<DockerEngine>(io, socket),
                                             std::move(containers),
                                             timeout,
                                             {},
                                             std::move(done)});
  removeFrom(r, 0);
}

}  // namespace openclaw::diskguard
