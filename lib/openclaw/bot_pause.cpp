#include "openclaw/bot_pause.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "openclaw/config_reader.h"
#include "openclaw/durable_file.h"
#include "openclaw/json_text.h"
#include "openclaw/time_text.h"

namespace openclaw {
namespace {

constexpr std::size_t kMaxPauseBytes = 4096;
constexpr std::string_view kSuffix = ".json";
// More bots than any host runs; a folder holding more is not ours to list whole.
constexpr std::size_t kMaxPauses = 1000;

std::string fileOf(const std::string& dir, const std::string& bot) {
  return dir + "/" + bot + std::string(kSuffix);
}

std::optional<BotPause> parsePause(const std::string& text) {
  const auto doc = parseRelaxedJson(text);
  if (!doc || !doc->is_object()) return std::nullopt;
  BotPause p;
  const auto number = [&](const char* key, std::int64_t& out) {
    const auto it = doc->find(key);
    if (it != doc->end() && it->is_number_integer()) out = it->get<std::int64_t>();
  };
  number("since", p.sinceSec);
  number("until", p.untilSec);
  if (const auto r = doc->find("reason"); r != doc->end() && r->is_string()) {
    p.reason = r->get<std::string>();
  }
  return p;
}

}  // namespace

std::string BotPause::describe() const {
  std::string s = untilSec == 0 ? "until resumed"
                                : "until " + formatTime(untilSec, "%Y-%m-%d %H:%M:%S", Zone::Local);
  return reason.empty() ? s : s + " (" + reason + ")";
}

std::optional<BotPause> pauseOf(const std::string& dir, const std::string& bot,
                                std::int64_t nowSec) {
  if (!isSafeName(bot)) return std::nullopt;
  auto text = readSmallFile(fileOf(dir, bot), kMaxPauseBytes, Symlinks::NoFollow);
  if (!text) return std::nullopt;
  auto p = parsePause(*text);
  if (!p || (p->untilSec != 0 && p->untilSec <= nowSec)) return std::nullopt;
  return p;
}

std::vector<std::pair<std::string, BotPause>> pausesIn(const std::string& dir,
                                                       std::int64_t nowSec) {
  std::vector<std::pair<std::string, BotPause>> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  std::size_t seen = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (++seen > kMaxPauses) break;
    if (!name.ends_with(kSuffix)) continue;
    const std::string bot = name.substr(0, name.size() - kSuffix.size());
    if (auto p = pauseOf(dir, bot, nowSec)) out.emplace_back(bot, std::move(*p));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

Expected<Ok, std::string> writePause(const std::string& dir, const std::string& bot,
                                     const BotPause& pause) {
  if (!isSafeName(bot)) {
    return Unexpected<std::string>{"\"" + bot + "\" is not a bot name (A-Z a-z 0-9 _ . @ -)"};
  }
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Unexpected<std::string>{"cannot create " + dir + ": " + std::strerror(errno)};
  }
  const nlohmann::json doc = {
      {"since", pause.sinceSec}, {"until", pause.untilSec}, {"reason", pause.reason}};
  if (auto r = atomicWriteFile(fileOf(dir, bot), toJsonText(doc) + "\n", 0644); !r) {
    return Unexpected<std::string>{"cannot write " + fileOf(dir, bot) + ": " + r.error().message()};
  }
  return Ok{};
}

Expected<bool, std::string> removePause(const std::string& dir, const std::string& bot) {
  if (!isSafeName(bot)) {
    return Unexpected<std::string>{"\"" + bot + "\" is not a bot name (A-Z a-z 0-9 _ . @ -)"};
  }
  if (::unlink(fileOf(dir, bot).c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  return Unexpected<std::string>{"cannot remove " + fileOf(dir, bot) + ": " + std::strerror(errno)};
}

}  // namespace openclaw
