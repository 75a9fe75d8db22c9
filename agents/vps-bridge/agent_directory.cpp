#include "agent_directory.h"

#include "openclaw/durable_file.h"
#include "openclaw/json_text.h"

namespace openclaw::bridge {
namespace {

constexpr const char* kRegistryFile = "registry.json";
constexpr const char* kStateFile = "agents-state.json";
// A token is a line; a file bigger than this is not one.
constexpr std::size_t kMaxTokenBytes = 4096;
// The files hold at most a few hundred agents' worth of small objects.
constexpr std::size_t kMaxStateBytes = 4 << 20;

nlohmann::json agentJson(const RemoteAgent& a) {
  nlohmann::json j{{"name", a.name},
                   {"url", a.url},
                   {"protocol", toString(a.protocol)},
                   {"timeout_sec", a.timeoutSec},
                   {"max_retries", a.maxRetries},
                   {"fallback_agents", a.fallbackAgents}};
  if (!a.model.empty()) j["model"] = a.model;
  return j;
}

std::uint64_t counter(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

nlohmann::json countersJson(const AgentCounters& c) {
  return {{"calls", c.calls},     {"answered", c.answered}, {"failures", c.failures},
          {"retries", c.retries}, {"skipped", c.skipped},   {"as_fallback", c.asFallback}};
}

AgentCounters countersFrom(const nlohmann::json& j) {
  if (!j.is_object()) return {};
  return {counter(j, "calls"),   counter(j, "answered"), counter(j, "failures"),
          counter(j, "retries"), counter(j, "skipped"),  counter(j, "as_fallback")};
}

CallTotals totalsFrom(const nlohmann::json& j) {
  if (!j.is_object()) return {};
  return {counter(j, "calls"), counter(j, "succeeded"), counter(j, "failed"),
          counter(j, "short_circuited"), counter(j, "refused_busy")};
}

Expected<nlohmann::json, std::string> readStateDoc(const std::string& path) {
  auto text = readSmallFile(path, kMaxStateBytes, Symlinks::NoFollow);
  if (!text) return Unexpected<std::string>{path + ": " + text.error()};
  auto doc = parseRelaxedJson(*text);
  if (!doc || !doc->is_object()) {
    return Unexpected<std::string>{path + ": " + (doc ? "not a JSON object" : doc.error())};
  }
  return *doc;
}

}  // namespace

nlohmann::json totalsJson(const CallTotals& t) {
  return {{"calls", t.calls},
          {"succeeded", t.succeeded},
          {"failed", t.failed},
          {"short_circuited", t.shortCircuited},
          {"refused_busy", t.refusedBusy}};
}

Expected<std::string, std::string> readAgentToken(const std::string& file) {
  auto text = readSmallFile(file, kMaxTokenBytes);
  if (!text) return Unexpected<std::string>{file + ": " + text.error()};
  std::string t = *text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  // It goes into a header line: nothing that could end or split one.
  for (char c : t) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) {
      return Unexpected<std::string>{file + ": the token has a space or control character"};
    }
  }
  if (t.empty()) return Unexpected<std::string>{file + ": empty"};
  return t;
}

AgentDirectory::AgentDirectory(std::string stateDir) : stateDir_(std::move(stateDir)) {}

std::vector<std::string> AgentDirectory::load(SteadyTime now, WallTime wallNow) {
  std::vector<std::string> problems;
  const std::string registryPath = stateDir_ + "/" + kRegistryFile;
  if (auto doc = readStateDoc(registryPath); doc) {
    const auto agents = doc->find("agents");
    if (agents != doc->end() && agents->is_array()) {
      for (const auto& entry : *agents) {
        if (registered_.size() >= RegistryLimits{}.maxRegistered) break;
        ConfigIssues issues;
        ConfigObject obj(entry, "agents[]", registryPath, issues);
        RemoteAgent agent = readAgent(obj);
        obj.finish();
        if (!issues.empty()) {
          problems.push_back(formatIssues(issues));
          continue;
        }
        registered_[agent.name] = slotFor(agent, true);
      }
    }
  } else if (doc.error().find("No such file") == std::string::npos) {
    problems.push_back(doc.error() + ": registered agents are forgotten");
  }
  if (auto doc = readStateDoc(stateDir_ + "/" + kStateFile); doc) {
    const auto agents = doc->find("agents");
    if (agents != doc->end() && agents->is_object()) pendingState_ = *agents;
    if (auto totals = doc->find("totals"); totals != doc->end()) totals_ = totalsFrom(*totals);
  } else if (doc.error().find("No such file") == std::string::npos) {
    problems.push_back(doc.error() + ": breakers and counters start afresh");
  }
  loadedAt_ = now;
  loadedWall_ = wallNow;
  for (auto& [name, slot] : registered_) restoreState(*slot, now, wallNow);
  return problems;
}

void AgentDirectory::restoreState(AgentSlot& slot, SteadyTime now, WallTime wallNow) {
  const auto it = pendingState_.find(slot.agent.name);
  if (it == pendingState_.end() || !it->is_object()) return;
  if (auto b = it->find("breaker"); b != it->end()) {
    slot.breaker = CircuitBreaker::fromJson(*b, now, wallNow);
  }
  if (auto h = it->find("health"); h != it->end()) slot.health = AgentHealth::fromJson(*h);
  if (auto c = it->find("counters"); c != it->end()) slot.counters = countersFrom(*c);
  pendingState_.erase(it);
}

std::shared_ptr<AgentSlot> AgentDirectory::slotFor(const RemoteAgent& agent, bool registered) {
  auto slot = std::make_shared<AgentSlot>();
  slot->agent = agent;
  slot->registered = registered;
  if (!agent.tokenFile.empty()) {
    if (auto token = readAgentToken(agent.tokenFile); token) {
      slot->token = *token;
    } else {
      slot->tokenProblem = token.error();
    }
  }
  return slot;
}

void AgentDirectory::applyConfig(const BridgeConfig& config) {
  std::vector<std::shared_ptr<AgentSlot>> next;
  for (const auto& agent : config.agents) {
    auto slot = slotFor(agent, false);
    // What was learnt about an agent survives a reload that keeps its name.
    if (auto old = find(agent.name)) {
      slot->breaker = old->breaker;
      slot->health = old->health;
      slot->budget = old->budget;
      slot->heldUntil = old->heldUntil;
      slot->counters = old->counters;
    } else {
      restoreState(*slot, loadedAt_, loadedWall_);
    }
    next.push_back(std::move(slot));
  }
  configured_ = std::move(next);
}

Expected<Ok, std::string> AgentDirectory::registerAgent(RemoteAgent agent) {
  for (const auto& slot : configured_) {
    if (slot->agent.name == agent.name) {
      return Unexpected<std::string>{"\"" + agent.name + "\" is an agent of the config"};
    }
  }
  const bool replacing = registered_.contains(agent.name);
  if (!replacing && registered_.size() >= RegistryLimits{}.maxRegistered) {
    return Unexpected<std::string>{"the registry is full (" +
                                   std::to_string(RegistryLimits{}.maxRegistered) + " agents)"};
  }
  auto previous = replacing ? registered_[agent.name] : nullptr;
  auto slot = slotFor(agent, true);
  if (previous) {
    slot->breaker = previous->breaker;
    slot->health = previous->health;
    slot->counters = previous->counters;
  }
  registered_[agent.name] = slot;
  if (auto saved = saveRegistry(); !saved) {
    // Not on disk, so not acknowledged: the registry goes back to what the file says.
    if (previous) {
      registered_[agent.name] = previous;
    } else {
      registered_.erase(agent.name);
    }
    return saved;
  }
  return Ok{};
}

Expected<Ok, std::string> AgentDirectory::saveRegistry() const {
  nlohmann::json agents = nlohmann::json::array();
  for (const auto& [name, slot] : registered_) agents.push_back(agentJson(slot->agent));
  const std::string path = stateDir_ + "/" + kRegistryFile;
  if (auto r = atomicWriteFile(path, toJsonText(nlohmann::json{{"agents", agents}}, 2), 0600); !r) {
    return Unexpected<std::string>{"cannot write " + path + ": " + r.error().message()};
  }
  return Ok{};
}

std::shared_ptr<AgentSlot> AgentDirectory::find(std::string_view name) const {
  for (const auto& slot : configured_) {
    if (slot->agent.name == name) return slot;
  }
  const auto it = registered_.find(name);
  return it != registered_.end() ? it->second : nullptr;
}

std::vector<std::shared_ptr<AgentSlot>> AgentDirectory::chain(std::string_view name) const {
  std::vector<std::shared_ptr<AgentSlot>> out;
  auto first = find(name);
  if (!first) return out;
  out.push_back(first);
  for (const auto& fallback : first->agent.fallbackAgents) {
    auto slot = find(fallback);
    const bool seen = std::any_of(out.begin(), out.end(), [&](const auto& s) { return s == slot; });
    if (slot && !seen) out.push_back(slot);
  }
  return out;
}

std::vector<std::shared_ptr<AgentSlot>> AgentDirectory::all() const {
  std::vector<std::shared_ptr<AgentSlot>> out = configured_;
  for (const auto& [name, slot] : registered_) {
    if (find(name) == slot) out.push_back(slot);
  }
  return out;
}

Expected<Ok, std::string> AgentDirectory::saveState(SteadyTime now, WallTime wallNow) const {
  nlohmann::json agents = pendingState_;
  for (const auto& slot : all()) {
    agents[slot->agent.name] = {{"breaker", slot->breaker.toJson(now, wallNow)},
                                {"health", slot->health.toJson()},
                                {"counters", countersJson(slot->counters)}};
  }
  const std::string path = stateDir_ + "/" + kStateFile;
  if (auto r = atomicWriteFile(
          path, toJsonText(nlohmann::json{{"agents", agents}, {"totals", totalsJson(totals_)}}),
          0600);
      !r) {
    return Unexpected<std::string>{"cannot write " + path + ": " + r.error().message()};
  }
  dirty_ = false;
  return Ok{};
}

}  // namespace openclaw::bridge
