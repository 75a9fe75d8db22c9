#include "openclaw/config_reader.h"

#include <algorithm>

#include "openclaw/durable_file.h"
#include "openclaw/json_text.h"

namespace openclaw {
namespace {
// Configs are a few KiB; a bigger file is a mistake (or a log pointed at by accident).
constexpr std::size_t kMaxConfigBytes = 1 << 20;

std::string typeName(const nlohmann::json& v) {
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}
}  // namespace

std::string ConfigIssue::text() const {
  if (key.empty()) return file + ": " + rule;
  return file + ": " + key + ": " + rule;
}

std::string formatIssues(const ConfigIssues& issues) {
  std::string out;
  for (const auto& i : issues) {
    out += i.text();
    out += '\n';
  }
  return out;
}

Expected<nlohmann::json, ConfigIssues> loadConfigJson(const std::string& path) {
  auto text = readSmallFile(path, kMaxConfigBytes);
  if (!text) return Unexpected<ConfigIssues>{{{path, "", text.error()}}};
  auto parsed = parseRelaxedJson(*text);
  if (!parsed) return Unexpected<ConfigIssues>{{{path, "", parsed.error()}}};
  return std::move(parsed).value();
}

ConfigObject::ConfigObject(const nlohmann::json& value, std::string path, const std::string& file,
                           ConfigIssues& issues)
    : path_(std::move(path)), file_(file), issues_(issues) {
  if (value.is_object()) {
    object_ = &value;
  } else {
    issues_.push_back({file_, path_, "must be an object, not " + typeName(value)});
  }
}

std::string ConfigObject::keyPath(std::string_view key) const {
  if (key.empty()) return path_;
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

void ConfigObject::fail(std::string_view key, std::string rule) {
  issues_.push_back({file_, keyPath(key), std::move(rule)});
}

bool ConfigObject::has(std::string_view key) const {
  return object_ != nullptr && object_->contains(key);
}

const nlohmann::json* ConfigObject::lookup(std::string_view key) {
  if (object_ == nullptr) return nullptr;
  known_.emplace_back(key);
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &*it;
}

const nlohmann::json* ConfigObject::raw(std::string_view key) {
  return lookup(key);
}

bool ConfigObject::get(std::string_view key, bool& out) {
  const auto* v = lookup(key);
  if (v == nullptr) return false;
  if (!v->is_boolean()) {
    fail(key, "must be true or false, not " + typeName(*v));
    return false;
  }
  out = v->get<bool>();
  return true;
}

bool ConfigObject::get(std::string_view key, std::int64_t& out) {
  const auto* v = lookup(key);
  if (v == nullptr) return false;
  if (!v->is_number_integer()) {
    fail(key, "must be an integer, not " + typeName(*v));
    return false;
  }
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > INT64_MAX) {
    fail(key, "is too large");
    return false;
  }
  out = v->get<std::int64_t>();
  return true;
}

bool ConfigObject::get(std::string_view key, std::string& out) {
  const auto* v = lookup(key);
  if (v == nullptr) return false;
  if (!v->is_string()) {
    fail(key, "must be a string, not " + typeName(*v));
    return false;
  }
  out = v->get<std::string>();
  return true;
}

bool ConfigObject::get(std::string_view key, std::vector<std::string>& out) {
  const auto* v = lookup(key);
  if (v == nullptr) return false;
  if (!v->is_array()) {
    fail(key, "must be an array of strings, not " + typeName(*v));
    return false;
  }
  std::vector<std::string> items;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto& item = (*v)[i];
    if (!item.is_string()) {
      issues_.push_back({file_, keyPath(key) + "[" + std::to_string(i) + "]",
                         "must be a string, not " + typeName(item)});
      return false;
    }
    items.push_back(item.get<std::string>());
  }
  out = std::move(items);
  return true;
}

bool ConfigObject::getInRange(std::string_view key, std::int64_t& out, std::int64_t min,
                              std::int64_t max) {
  std::int64_t value = out;
  if (!get(key, value)) return false;
  if (value < min || value > max) {
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " +
                  std::to_string(value));
    return false;
  }
  out = value;
  return true;
}

bool ConfigObject::withObject(std::string_view key, const std::function<void(ConfigObject&)>& fn) {
  const auto* v = lookup(key);
  if (v == nullptr) return false;
  ConfigObject child(*v, keyPath(key), file_, issues_);
  if (!child.isObject()) return false;
  fn(child);
  child.finish();
  return true;
}

void ConfigObject::forEachObject(std::string_view key,
                                 const std::function<void(ConfigObject&)>& fn) {
  const auto* v = lookup(key);
  if (v == nullptr) return;
  if (!v->is_array()) {
    fail(key, "must be an array of objects, not " + typeName(*v));
    return;
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    ConfigObject child((*v)[i], keyPath(key) + "[" + std::to_string(i) + "]", file_, issues_);
    if (!child.isObject()) continue;
    fn(child);
    child.finish();
  }
}

void ConfigObject::forEachMember(std::string_view key,
                                 const std::function<void(const std::string&, ConfigObject&)>& fn) {
  const auto* v = lookup(key);
  if (v == nullptr) return;
  if (!v->is_object()) {
    fail(key, "must be an object, not " + typeName(*v));
    return;
  }
  for (const auto& [name, value] : v->items()) {
    ConfigObject child(value, keyPath(key) + "." + name, file_, issues_);
    if (!child.isObject()) continue;
    fn(name, child);
    child.finish();
  }
}

void ConfigObject::finish() {
  if (object_ == nullptr) return;
  for (const auto& [name, value] : object_->items()) {
    if (std::find(known_.begin(), known_.end(), name) == known_.end()) {
      fail(name, "unknown key");
    }
  }
}

bool isAbsolutePath(std::string_view path) {
  return !path.empty() && path.front() == '/';
}

bool isSafeName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '@';
  });
}

bool isUnitName(std::string_view unit) {
  static constexpr std::string_view kSuffixes[] = {".service", ".socket", ".target", ".timer",
                                                   ".path"};
  if (!isSafeName(unit)) return false;
  for (auto suffix : kSuffixes) {
    if (unit.size() > suffix.size() && unit.ends_with(suffix)) return true;
  }
  return false;
}

}  // namespace openclaw
