// Turning a config file into a plain struct, with errors an operator can act on.
//
// Every problem becomes a `ConfigIssue` that names the file, the key (as a path such as
// `directories[0].allow[1]`) and the rule it breaks; `--check-config` prints them one a line
// as "file: key: rule".  `ConfigObject` walks one JSON object: typed getters record a
// wrong type instead of throwing, and `finish()` reports keys nobody asked for, so a typo
// such as `max_per_hours` is an error rather than a silently ignored setting.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "openclaw/result.h"

namespace openclaw {

struct ConfigIssue {
  std::string file;
  std::string key;  // empty: the file as a whole
  std::string rule;
  std::string text() const;
};
using ConfigIssues = std::vector<ConfigIssue>;

// All issues, one a line.
std::string formatIssues(const ConfigIssues& issues);

// Reads and parses a config file (comments and trailing commas allowed).  A missing,
// unreadable, oversized or non-regular file is one issue with an empty key.
Expected<nlohmann::json, ConfigIssues> loadConfigJson(const std::string& path);

// Loads a file and hands the document to an agent's parser.
template <class T>
Expected<T, ConfigIssues> loadConfigWith(const std::string& path,
                                         Expected<T, ConfigIssues> (*parse)(const nlohmann::json&,
                                                                            const std::string&)) {
  auto doc = loadConfigJson(path);
  if (!doc) return Unexpected<ConfigIssues>{doc.error()};
  return parse(*doc, path);
}

class ConfigObject {
 public:
  ConfigObject(const nlohmann::json& value, std::string path, const std::string& file,
               ConfigIssues& issues);

  bool isObject() const { return object_ != nullptr; }

  // Optional keys: absent leaves `out` as it is and returns false; a wrong type is an issue.
  bool get(std::string_view key, bool& out);
  bool get(std::string_view key, std::int64_t& out);
  bool get(std::string_view key, std::string& out);
  bool get(std::string_view key, std::vector<std::string>& out);

  // Required keys: absence is an issue too.
  template <class T>
  bool require(std::string_view key, T& out) {
    if (!has(key)) {
      fail(key, "is required");
      return false;
    }
    return get(key, out);
  }

  // An integer in [min, max]; outside is an issue naming the range.
  bool getInRange(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);

  bool has(std::string_view key) const;
  // The raw value, marking the key as known; nullptr when absent.
  const nlohmann::json* raw(std::string_view key);

  // A nested object: runs fn on it (then reports its unknown keys) when the key is present.
  // Returns whether it was present and an object.
  bool withObject(std::string_view key, const std::function<void(ConfigObject&)>& fn);
  // Each element of an array of objects; `key[i]` paths in issues.
  void forEachObject(std::string_view key, const std::function<void(ConfigObject&)>& fn);
  // Each member of an object of objects, e.g. "targets": {"jack": {...}}.
  void forEachMember(std::string_view key,
                     const std::function<void(const std::string&, ConfigObject&)>& fn);

  void fail(std::string_view key, std::string rule);
  std::string keyPath(std::string_view key) const;
  const std::string& path() const { return path_; }

  // Reports keys that were never read.  Call once all getters have run.
  void finish();

 private:
  const nlohmann::json* lookup(std::string_view key);

  const nlohmann::json* object_ = nullptr;
  std::string path_;
  std::string file_;  // a copy: a caller may pass a temporary, such as a literal
  ConfigIssues& issues_;
  std::vector<std::string> known_;
};

// Runs `read` on the document's root object and a default T, then reports the root's unknown
// keys: T, or every issue found.
template <class T, class Read>
Expected<T, ConfigIssues> readConfigRoot(const nlohmann::json& doc, const std::string& file,
                                         Read read) {
  ConfigIssues issues;
  T config;
  ConfigObject root(doc, "", file, issues);
  read(root, config);
  root.finish();
  if (!issues.empty()) return Unexpected<ConfigIssues>{std::move(issues)};
  return config;
}

// Helpers for the rules that recur across agents.
bool isAbsolutePath(std::string_view path);
// A name usable in flag file names and unit names: [A-Za-z0-9_.@-]+, not starting with '.'.
bool isSafeName(std::string_view name);
bool isUnitName(std::string_view unit);

}  // namespace openclaw
