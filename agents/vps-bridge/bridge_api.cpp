#include "bridge_api.h"

#include <charconv>

#include "bridge_views.h"
#include "openclaw/alerts.h"
#include "openclaw/json_text.h"
#include "remote_protocol.h"

namespace openclaw::bridge {
namespace {

// /api/health/alerts?limit=N: enough for a dashboard, bounded so one request costs little.
constexpr std::size_t kDefaultAlertLimit = 100;
constexpr std::size_t kMaxAlertLimit = 1000;

HttpAnswer json(unsigned status, const nlohmann::json& body) {
  return {status, toJsonText(body), std::nullopt};
}

HttpAnswer error(unsigned status, std::string message) {
  return json(status, {{"success", false}, {"error", std::move(message)}});
}

std::string_view pathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}

// "limit=20" in "?x=1&limit=20"; nothing when absent.
std::optional<std::string_view> queryValue(std::string_view target, std::string_view key) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (pair.size() > key.size() && pair.starts_with(key) && pair[key.size()] == '=') {
      return pair.substr(key.size() + 1);
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// The part of `path` after `prefix` when it is one plain segment ("/api/vps/health/" + "pm").
std::optional<std::string> segmentAfter(std::string_view path, std::string_view prefix,
                                        std::string_view suffix = "") {
  if (!path.starts_with(prefix) || !path.ends_with(suffix)) return std::nullopt;
  if (path.size() < prefix.size() + suffix.size() + 1) return std::nullopt;
  const std::string_view name =
      path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (name.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(name);
}

// A string member of a request body: nullopt when absent; a wrong type is a 400.
Expected<std::optional<std::string>, std::string> stringMember(const nlohmann::json& body,
                                                               const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Unexpected<std::string>{std::string(key) + " must be a string"};
  return std::optional<std::string>(it->get<std::string>());
}

// Whole seconds, rounded up, at least 1: Retry-After has no finer unit.
unsigned retryAfterSeconds(Millis wait) {
  const auto ms = std::max<std::int64_t>(wait.count(), 1);
  return static_cast<unsigned>((ms + 999) / 1000);
}

nlohmann::json orNull(bool present, const std::string& value) {
  return present ? nlohmann::json(value) : nlohmann::json();
}

nlohmann::json callAnswer(const CallResult& r, const std::string& sessionId,
                          std::string_view requestId) {
  nlohmann::json j{{"success", r.success},
                   {"response", orNull(r.success, r.response)},
                   {"agent_used", orNull(!r.agentUsed.empty(), r.agentUsed)},
                   {"attempts", r.attempts},
                   {"latency_ms", static_cast<double>(r.latency.count()) / 1000.0},
                   {"session_id", orNull(!sessionId.empty(), sessionId)},
                   {"error", orNull(!r.success, r.error)},
                   {"request_id", requestId},
                   {"trail", r.trail}};
  return j;
}

struct CallAsked {
  std::string agentName;
  std::string prompt;
  std::string sessionId;
};

// The body of POST /api/vps/call, checked; or the 400 that says what is wrong with it.
Expected<CallAsked, HttpAnswer> readCallBody(std::string_view text) {
  auto body = parseUntrustedJson(text);
  if (!body || !body->is_object()) {
    return Unexpected<HttpAnswer>{
        error(400, "the body must be a JSON object: " +
                       (body ? std::string("it is not an object") : body.error()))};
  }
  auto agentName = stringMember(*body, "agent_name");
  auto prompt = stringMember(*body, "prompt");
  auto session = stringMember(*body, "session_id");
  for (const auto* m : {&agentName, &prompt, &session}) {
    if (!*m) return Unexpected<HttpAnswer>{error(400, m->error())};
  }
  if (!*agentName) return Unexpected<HttpAnswer>{error(400, "agent_name is required")};
  if (!*prompt) return Unexpected<HttpAnswer>{error(400, "prompt is required")};
  CallAsked asked{**agentName, **prompt, session->value_or("")};
  if (!asked.sessionId.empty() && !isValidSessionId(asked.sessionId)) {
    return Unexpected<HttpAnswer>{
        error(400, "session_id must be 1-128 of A-Z a-z 0-9 _ . - (not starting with .)")};
  }
  return asked;
}

// What a finished call answers: 503/502 with the trail when it failed, 200 with the answer
// otherwise, after the session turn is on disk (acknowledged means durable).
void answerCall(CallResult result, const CallAsked& asked, const std::string& requestId,
                std::int64_t askedAt, AgentDirectory& agents, SessionStore& sessions,
                const Reply& reply) {
  agents.markDirty();
  CallTotals& t = agents.totals();
  const std::string& sessionId = asked.sessionId;
  if (!result.success) {
    ++t.failed;
    if (result.shortCircuited) ++t.shortCircuited;
    // 503 when no agent refused it (every breaker open, or the bridge stopping), with when
    // to come back; 502 when the agents failed it.
    const bool unavailable = result.shortCircuited || result.cancelled;
    HttpAnswer answer = json(unavailable ? 503 : 502, callAnswer(result, sessionId, requestId));
    if (result.shortCircuited) answer.retryAfterSec = retryAfterSeconds(result.availableIn);
    if (result.cancelled) answer.retryAfterSec = kBusyRetryAfterSec;
    return reply(std::move(answer));
  }
  ++t.succeeded;
  if (sessionId.empty()) return reply(json(200, callAnswer(result, sessionId, requestId)));
  std::vector<SessionMessage> turn{
      {"user", asked.prompt, askedAt, ""},
      {"assistant", result.response, systemWallClockMs(), result.agentUsed}};
  sessions.append(sessionId, std::move(turn),
                  [reply, result, sessionId, requestId](std::optional<std::string> err) {
                    nlohmann::json j = callAnswer(result, sessionId, requestId);
                    j["session_saved"] = !err.has_value();
                    if (err) j["session_error"] = *err;
                    reply(json(200, j));
                  });
}

void callAgent(const HttpRequestView& request, const BridgeParts& bridge, Reply reply) {
  auto asked = readCallBody(request.body);
  if (!asked) return reply(asked.error());
  auto chain = bridge.agents->chain(asked->agentName);
  if (chain.empty()) return reply(error(404, "no agent named \"" + asked->agentName + "\""));
  CallTotals& totals = bridge.agents->totals();
  if (bridge.runner->inFlight() >= static_cast<std::size_t>(bridge.config->maxCallsInFlight)) {
    ++totals.refusedBusy;
    HttpAnswer busy = error(503, "too many calls in flight: try again shortly");
    busy.retryAfterSec = kBusyRetryAfterSec;
    return reply(std::move(busy));
  }
  ++totals.calls;
  const std::string requestId(request.requestId);
  CallRequest call{asked->agentName, asked->prompt, asked->sessionId, requestId,
                   asked->sessionId.empty()
                       ? "[]"
                       : historyJsonText(bridge.sessions->messages(asked->sessionId))};
  const std::int64_t askedAt = systemWallClockMs();
  bridge.runner->start(std::move(call), std::move(chain),
                       [agents = bridge.agents, sessions = bridge.sessions, asked = *asked,
                        requestId, askedAt, reply](CallResult result) {
                         answerCall(std::move(result), asked, requestId, askedAt, *agents,
                                    *sessions, reply);
                       });
}

// {name, url | host + port, protocol, model, timeout_sec, max_retries, fallback_agents}
void registerAgent(const HttpRequestView& request, const BridgeParts& bridge, Reply reply) {
  auto body = parseUntrustedJson(request.body);
  if (!body || !body->is_object()) return reply(error(400, "the body must be a JSON object"));
  nlohmann::json spec = *body;
  if (!spec.contains("url")) {
    const auto host = spec.find("host");
    const auto port = spec.find("port");
    if (host == spec.end() || !host->is_string() || port == spec.end() ||
        !port->is_number_unsigned() || port->get<std::uint64_t>() == 0 ||
        port->get<std::uint64_t>() > 65535) {
      return reply(error(400, "give url, or host (an IP address) and port (1-65535)"));
    }
    std::string h = host->get<std::string>();
    if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";
    spec["url"] = "http://" + h + ":" + std::to_string(port->get<std::uint64_t>());
    spec.erase("host");
    spec.erase("port");
  }
  if (spec.contains("token_file")) {
    return reply(error(400, "token_file is for agents of the config, not registered ones"));
  }
  ConfigIssues issues;
  ConfigObject obj(spec, "", "request", issues);
  RemoteAgent agent = readAgent(obj);
  obj.finish();
  if (!issues.empty()) return reply(error(400, formatIssues(issues)));
  const auto host = urlHost(agent.url);
  if (!host) return reply(error(400, "url: " + host.error()));
  if (auto refused = refuseRegistration(*host, bridge.config->allowRegister)) {
    return reply(error(403, *refused));
  }
  if (auto r = bridge.agents->registerAgent(agent); !r) {
    const bool clash = r.error().find("of the config") != std::string::npos;
    return reply(error(clash ? 409 : 500, r.error()));
  }
  const auto now = std::chrono::steady_clock::now();
  reply(
      json(201, {{"success", true}, {"agent", agentJson(*bridge.agents->find(agent.name), now)}}));
}

HttpAnswer alerts(std::string_view target, const BridgeParts& bridge) {
  std::size_t limit = kDefaultAlertLimit;
  if (auto text = queryValue(target, "limit")) {
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc() || end != text->data() + text->size() || limit == 0 ||
        limit > kMaxAlertLimit) {
      return error(400, "limit must be 1-" + std::to_string(kMaxAlertLimit));
    }
  }
  auto lines = recentAlertLines(bridge.alertLog, limit);
  if (!lines) return error(500, "cannot read the alert log: " + lines.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& line : *lines) {
    auto doc = parseUntrustedJson(line);
    out.push_back(doc ? *doc : nlohmann::json{{"unreadable", line}});
  }
  return json(200, {{"alerts", out}, {"count", out.size()}});
}

nlohmann::json statusJson(const BridgeParts& bridge, SteadyTime now) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& slot : bridge.agents->all()) names.push_back(slot->agent.name);
  return {{"status", "ok"},
          {"version", OPENCLAW_VERSION},
          {"agents", names},
          {"health", overallHealth(*bridge.agents, now)},
          {"calls_in_flight", bridge.runner->inFlight()},
          {"connections", bridge.server ? bridge.server->connections() : 0},
          {"totals", totalsJson(bridge.agents->totals())},
          {"uptime_sec",
           std::chrono::duration_cast<std::chrono::seconds>(now - bridge.started).count()},
          {"session_ttl_hours", bridge.config->sessionTtlHours},
          {"registration", bridge.config->allowRegister.empty() ? "off" : "on"}};
}

HttpAnswer health(const BridgeParts& bridge, SteadyTime now) {
  nlohmann::json agents = nlohmann::json::object();
  for (const auto& slot : bridge.agents->all()) agents[slot->agent.name] = healthJson(*slot, now);
  return json(200, {{"status", overallHealth(*bridge.agents, now)}, {"agents", agents}});
}

HttpAnswer detailed(const BridgeParts& bridge, SteadyTime now) {
  nlohmann::json agents = nlohmann::json::object();
  for (const auto& slot : bridge.agents->all()) {
    nlohmann::json a = agentJson(*slot, now);
    a["health"] = healthJson(*slot, now);
    a["breaker"] = breakerJson(*slot, now);
    agents[slot->agent.name] = std::move(a);
  }
  nlohmann::json j = statusJson(bridge, now);
  j["status"] = overallHealth(*bridge.agents, now);
  j["agents"] = std::move(agents);
  j["sessions"] = bridge.sessions->stats();
  return json(200, j);
}

HttpAnswer breakers(const BridgeParts& bridge, SteadyTime now) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& slot : bridge.agents->all()) out[slot->agent.name] = breakerJson(*slot, now);
  return json(200, {{"breakers", out}});
}

HttpAnswer resetBreaker(const std::string& name, const BridgeParts& bridge, SteadyTime now) {
  auto slot = bridge.agents->find(name);
  if (!slot) return error(404, "no agent named \"" + name + "\"");
  const std::string was = toString(slot->breaker.state(now));
  const bool changed = slot->breaker.reset();
  slot->heldUntil.reset();
  bridge.agents->markDirty();
  if (changed && bridge.breakerReset) bridge.breakerReset(*slot);
  return json(200, {{"success", true}, {"agent", name}, {"was", was}, {"state", "closed"}});
}

void sessionRoute(const HttpRequestView& request, const std::string& id, const BridgeParts& bridge,
                  Reply reply) {
  if (!isValidSessionId(id)) return reply(error(400, "not a session id: \"" + id + "\""));
  if (request.method == "GET") {
    auto doc = bridge.sessions->describe(id);
    if (doc.is_null()) return reply(error(404, "no session \"" + id + "\""));
    return reply(json(200, doc));
  }
  if (!bridge.sessions->exists(id)) return reply(error(404, "no session \"" + id + "\""));
  bridge.sessions->erase(id, [reply, id](std::optional<std::string> err) {
    if (err) return reply(error(500, "session \"" + id + "\" not deleted: " + *err));
    reply(json(200, {{"success", true}, {"session_id", id}, {"deleted", true}}));
  });
}

}  // namespace

bool tokenMatches(std::string_view header, std::string_view token) {
  constexpr std::string_view kScheme = "Bearer ";
  if (token.empty() || !header.starts_with(kScheme)) return false;
  const std::string_view given = header.substr(kScheme.size());
  // Constant time in the token's length so the answer's timing does not leak a prefix.
  unsigned diff = given.size() == token.size() ? 0 : 1;
  for (std::size_t i = 0; i < token.size(); ++i) {
    const char g = i < given.size() ? given[i] : 0;
    diff |= static_cast<unsigned>(g ^ token[i]);
  }
  return diff == 0;
}

std::optional<HttpAnswer> gate(const HttpRequestView& request, const BridgeParts& bridge) {
  if (bridge.token.empty()) {
    return error(503, "the bridge has no token: the vps-bridge-token credential is missing");
  }
  if (!tokenMatches(request.authorization, bridge.token)) {
    return error(401, "missing or wrong Authorization: Bearer token");
  }
  return std::nullopt;
}

void handle(const HttpRequestView& request, const BridgeParts& bridge, Reply reply) {
  if (auto refusal = gate(request, bridge)) return reply(std::move(*refusal));
  const std::string_view path = pathOf(request.target);
  const std::string_view method = request.method;
  const auto now = std::chrono::steady_clock::now();
  if (method == "POST" && path == "/api/vps/call") return callAgent(request, bridge, reply);
  if (method == "POST" && path == "/api/vps/register") return registerAgent(request, bridge, reply);
  if (method == "GET" && path == "/api/vps/status")
    return reply(json(200, statusJson(bridge, now)));
  if (method == "GET" && path == "/api/vps/agents") {
    nlohmann::json agents = nlohmann::json::array();
    for (const auto& slot : bridge.agents->all()) agents.push_back(agentJson(*slot, now));
    return reply(json(200, {{"agents", agents}}));
  }
  if (method == "GET" && path == "/api/vps/health") return reply(health(bridge, now));
  if (auto name = segmentAfter(path, "/api/vps/health/"); name && method == "GET") {
    auto slot = bridge.agents->find(*name);
    if (!slot) return reply(error(404, "no agent named \"" + *name + "\""));
    return reply(json(200, healthJson(*slot, now)));
  }
  if (method == "GET" && path == "/api/vps/sessions/stats") {
    return reply(json(200, bridge.sessions->stats()));
  }
  if (method == "POST" && path == "/api/vps/sessions/cleanup") {
    const std::size_t removed = bridge.sessions->sweep(systemWallClockMs());
    return reply(json(200, {{"success", true}, {"removed", removed}}));
  }
  if (auto id = segmentAfter(path, "/api/vps/sessions/");
      id && (method == "GET" || method == "DELETE")) {
    return sessionRoute(request, *id, bridge, reply);
  }
  if (method == "GET" && path == "/api/health/detailed") return reply(detailed(bridge, now));
  if (method == "GET" && path == "/api/health/circuit-breakers")
    return reply(breakers(bridge, now));
  if (auto name = segmentAfter(path, "/api/health/circuit-breakers/", "/reset");
      name && method == "POST") {
    return reply(resetBreaker(*name, bridge, now));
  }
  if (method == "GET" && path == "/api/health/alerts") return reply(alerts(request.target, bridge));
  if (path.starts_with("/api/")) return reply(error(404, "no such endpoint or method"));
  reply(error(404, "no such endpoint"));
}

}  // namespace openclaw::bridge
