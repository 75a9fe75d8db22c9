#include "openclaw/docker_engine.h"

#include "openclaw/handles.h"

namespace openclaw {
namespace {
// The API version both Docker 20.10+ and Podman 4 serve.
constexpr const char* kApiPrefix = "http://docker/v1.41";
// An answer larger than this is not one we asked for.
constexpr std::size_t kMaxBody = 4 << 20;

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * n > kMaxBody) return 0;  // makes curl fail the transfer
  body->append(data, size * n);
  return size * n;
}

std::string engineMessage(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    return j["message"].get<std::string>();
  }
  return body.substr(0, 200);
}
}  // namespace

Expected<DockerReply, std::string> DockerEngine::request(const std::string& method,
                                                         const std::string& path,
                                                         long timeoutSec) const {
  CurlPtr curl(curl_easy_init());
  if (!curl) return Unexpected<std::string>{"cannot create a libcurl handle"};
  DockerReply reply;
  const std::string url = kApiPrefix + path;
  curl_easy_setopt(curl.get(), CURLOPT_UNIX_SOCKET_PATH, socket_.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, timeoutSec);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    return Unexpected<std::string>{"Docker engine not reachable at " + socket_ + ": " +
                                   curl_easy_strerror(rc)};
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

Expected<Ok, std::string> DockerEngine::restartContainer(const std::string& name,
                                                         int stopTimeoutSec) const {
  // The engine waits up to t seconds for the stop, then starts: allow for both.
  auto reply =
      request("POST", "/containers/" + name + "/restart?t=" + std::to_string(stopTimeoutSec),
              stopTimeoutSec + 60);
  if (!reply) return Unexpected<std::string>{reply.error()};
  if (reply->status == 204) return Ok{};
  if (reply->status == 404) return Unexpected<std::string>{"no such container '" + name + "'"};
  return Unexpected<std::string>{"Docker engine answered " + std::to_string(reply->status) + ": " +
                                 engineMessage(reply->body)};
}

Expected<nlohmann::json, std::string> DockerEngine::inspectContainer(
    const std::string& name) const {
  auto reply = request("GET", "/containers/" + name + "/json", 30);
  if (!reply) return Unexpected<std::string>{reply.error()};
  if (reply->status == 404) return Unexpected<std::string>{"no such container '" + name + "'"};
  if (reply->status != 200) {
    return Unexpected<std::string>{"Docker engine answered " + std::to_string(reply->status) +
                                   ": " + engineMessage(reply->body)};
  }
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (j.is_discarded()) return Unexpected<std::string>{"Docker engine answered non-JSON"};
  return j;
}

}  // namespace openclaw
