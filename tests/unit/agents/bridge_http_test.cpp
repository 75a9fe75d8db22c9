// The bridge's REST answers: routing and auth as a pure function, and the same over a real
// loopback socket with libcurl as the client.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "bridge_routes.h"
#include "http_server.h"
#include "openclaw/handles.h"

namespace openclaw::bridge {
namespace {

BridgeConfig twoAgents() {
  BridgeConfig c;
  for (const char* name : {"pm", "sonnet"}) {
    RemoteAgent a;
    a.name = name;
    a.url = "http://127.0.0.1:1";
    c.agents.push_back(a);
  }
  return c;
}

TEST(BridgeRoutes, RefuseEveryRequestWithoutTheRightBearerToken) {
  const BridgeConfig config = twoAgents();
  const BridgeView view{&config, "s3cret"};
  EXPECT_EQ(route({"GET", "/api/vps/status", ""}, view).status, 401u);
  EXPECT_EQ(route({"GET", "/api/vps/status", "Bearer wrong!"}, view).status, 401u);
  EXPECT_EQ(route({"GET", "/api/vps/status", "Bearer s3cre"}, view).status, 401u);
  EXPECT_EQ(route({"GET", "/api/vps/status", "Basic s3cret"}, view).status, 401u);
  EXPECT_EQ(route({"GET", "/api/vps/status", "Bearer s3cret"}, view).status, 200u);
}

TEST(BridgeRoutes, RefuseEverythingWith503WhenThereIsNoToken) {
  const BridgeConfig config = twoAgents();
  const BridgeView view{&config, ""};
  EXPECT_EQ(route({"GET", "/api/vps/status", "Bearer "}, view).status, 503u);
}

TEST(BridgeRoutes, ListTheConfiguredAgentsAndSay501ForWhatIsNotBuiltYet) {
  const BridgeConfig config = twoAgents();
  const BridgeView view{&config, "t"};
  auto agents = route({"GET", "/api/vps/agents?verbose=1", "Bearer t"}, view);
  ASSERT_EQ(agents.status, 200u);
  EXPECT_EQ(nlohmann::json::parse(agents.body)["agents"][1]["name"], "sonnet");
  EXPECT_EQ(route({"POST", "/api/vps/call", "Bearer t"}, view).status, 501u);
  EXPECT_EQ(route({"GET", "/elsewhere", "Bearer t"}, view).status, 404u);
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

TEST(BridgeHttpServer, AnswersOverARealLoopbackSocket) {
  boost::asio::io_context io;
  const BridgeConfig config = twoAgents();
  const BridgeView view{&config, "tok"};
  HttpServer server(io, [&](const HttpRequestView& r) { return route(r, view); });
  ASSERT_TRUE(server.listen("127.0.0.1:0").ok());
  const unsigned short port = server.localPort();
  ASSERT_NE(port, 0);
  std::thread loop([&] { io.run(); });

  auto get = [&](const char* auth, std::string& body) {
    CurlPtr curl(curl_easy_init());
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/api/vps/status";
    CurlSlistPtr headers(auth ? curl_slist_append(nullptr, auth) : nullptr);
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 10L);
    EXPECT_EQ(curl_easy_perform(curl.get()), CURLE_OK);
    long code = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
    return code;
  };
  std::string denied, ok;
  EXPECT_EQ(get(nullptr, denied), 401);
  EXPECT_EQ(get("Authorization: Bearer tok", ok), 200);
  EXPECT_EQ(nlohmann::json::parse(ok)["agents"].size(), 2u);

  boost::asio::post(io, [&] { server.stop(); });
  io.stop();
  loop.join();
  EXPECT_EQ(server.served(), 2u);
}

}  // namespace
}  // namespace openclaw::bridge
