// Raw bytes on a connection to vps-bridge, as its server reads them: Beast's request parser
// with the server's limits (limitRequest), fed in the chunks a socket would deliver (the
// first byte picks their size), the header first and refuseBeforeBody() asked on it, then
// the body; each complete request answered by respond() through the bridge's routes and
// serialized, and the next request read from what is left while the answer keeps the
// connection alive.  The bridge is the real one (agents, sessions in a temporary folder,
// the call runner) with a token and two agents, so seeds that carry the token reach the
// routes behind the check; its cap on calls in flight is 0, so a call is judged (its body
// parsed and checked) and then refused with 503 instead of going out on the network.
// Properties: nothing throws; every answer is JSON with a status the routes give; every
// request is answered before the next is read.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/write.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <cstdlib>

#include "bridge_core.h"
#include "fuzz_check.h"
#include "http_server.h"

namespace {

using namespace openclaw::bridge;
using openclaw::fuzz::require;

BridgeConfig twoAgents() {
  BridgeConfig config;
  for (const char* name : {"pm", "sonnet"}) {
    RemoteAgent agent;
    agent.name = name;
    agent.url = "http://127.0.0.1:1/v1";
    config.agents.push_back(agent);
  }
  return config;
}

// Puts bytes from `pending` into the parser until `done` holds, taking more from `input` in
// chunks as a socket would deliver them; false when the input ends first or the parser
// refuses it (the server then closes the connection).
template <class Done>
bool feed(RequestParser& parser, std::string& pending, std::string_view& input, std::size_t chunk,
          Done done) {
  for (;;) {
    if (!pending.empty()) {
      boost::beast::error_code ec;
      const std::size_t used = parser.put(boost::asio::buffer(pending), ec);
      pending.erase(0, used);
      if (ec && ec != boost::beast::http::error::need_more) return false;
      if (done()) return true;
    }
    if (input.empty()) return false;
    const std::size_t n = std::min(chunk, input.size());
    pending.append(input.substr(0, n));
    input.remove_prefix(n);
  }
}

// The bridge the requests are answered by, built once.
struct FuzzBridge {
  FuzzBridge() {
    config.maxCallsInFlight = 0;
    core.apply(config);
    core.sessions.open();
    core.parts.token = "fuzz-token";
    core.parts.alertLog = state + "/alerts.jsonl";
  }
  static std::string temporaryFolder() {
    char folder[] = "/tmp/openclaw-fuzz-bridge.XXXXXX";
    return ::mkdtemp(folder) != nullptr ? folder : "/tmp";
  }
  std::string state = temporaryFolder();
  boost::asio::io_context io;
  BridgeConfig config = twoAgents();
  BridgeCore core{io, state};
};

// One request as the server reads it: the header (http::async_read_header leaves the parser
// not eager), the refusal decided on it, then the body (http::async_read makes it eager).
std::optional<HttpResponse> readRequest(std::string& pending, std::string_view& input,
                                        std::size_t chunk, FuzzBridge& bridge) {
  RequestParser parser;
  limitRequest(parser);
  if (!feed(parser, pending, input, chunk, [&] { return parser.is_header_done(); })) {
    return std::nullopt;
  }
  const ServerHooks hooks{
      [&bridge](const HttpRequestView& r) { return gate(r, bridge.core.parts); }, nullptr};
  if (auto refusal = refuseBeforeBody(parser, hooks)) return refusal;
  parser.eager(true);
  if (!parser.is_done() && !feed(parser, pending, input, chunk, [&] { return parser.is_done(); })) {
    return std::nullopt;
  }
  const HttpRequest& request = parser.get();
  std::optional<HttpAnswer> answer;
  handle(viewOf(request, "fuzz"), bridge.core.parts,
         [&answer](HttpAnswer a) { answer = std::move(a); });
  // Deletions wait for the session writer: their answer comes through the loop.
  while (!answer && bridge.io.run_one()) {
  }
  bridge.io.restart();
  require(answer.has_value(), "every request is answered");
  return toResponse(std::move(*answer), request.version(), request.keep_alive(), "fuzz");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FuzzBridge bridge;
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0];
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string pending;
  for (;;) {
    const auto response = readRequest(pending, input, chunk, bridge);
    if (!response) return 0;
    const unsigned status = response->result_int();
    require(status == 200 || status == 201 || status == 400 || status == 401 || status == 403 ||
                status == 404 || status == 409 || status == 411 || status == 500 || status == 503,
            "a status the routes give");
    require(nlohmann::json::accept(response->body()), "the answer is JSON");
    std::ostringstream wire;
    wire << *response;
    if (!response->keep_alive()) return 0;
  }
}
