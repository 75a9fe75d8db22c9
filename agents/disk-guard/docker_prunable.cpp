#include "docker_prunable.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "disk_usage.h"

namespace openclaw::diskguard {
namespace {

// {"dangling":["true"]}, URL-encoded.
constexpr const char* kDanglingImages =
    "/images/json?filters=%7B%22dangling%22%3A%5B%22true%22%5D%7D";

std::string text(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "?";
}

// An image id as `docker images` shows it: 12 hex digits, without "sha256:".
std::string shortId(std::string id) {
  if (id.starts_with("sha256:")) id.erase(0, 7);
  return id.substr(0, 12);
}

std::uint64_t size(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<std::uint64_t>() : 0;
}

// The reply's JSON array, or an empty one with `error` set.
nlohmann::json listOf(const Expected<DockerReply, std::string>& reply, std::string& error) {
  if (!reply) {
    error = reply.error();
    return nlohmann::json::array();
  }
  auto list = nlohmann::json::parse(reply->body, nullptr, false);
  if (reply->status != 200 || !list.is_array()) {
    error = "HTTP " + std::to_string(reply->status) + " from the engine";
    return nlohmann::json::array();
  }
  return list;
}

}  // namespace

std::uint64_t DockerPrunable::bytes() const {
  std::uint64_t total = 0;
  for (const auto& c : containers) total += c.bytes;
  for (const auto& i : images) total += i.bytes;
  return total;
}

std::string DockerPrunable::summary() const {
  if (!error.empty() && containers.empty() && images.empty()) return "engine: " + error;
  std::uint64_t c = 0;
  std::uint64_t i = 0;
  for (const auto& x : containers) c += x.bytes;
  for (const auto& x : images) i += x.bytes;
  std::string out = std::to_string(containers.size()) + " stopped container(s), " + formatBytes(c) +
                    (kept.empty() ? "" : " (" + kept + ")") + "; " + std::to_string(images.size()) +
                    " dangling image(s), " + formatBytes(i);
  if (!error.empty()) out += "; engine: " + error;
  return out;
}

void listDockerPrunable(boost::asio::io_context& io, const std::string& socket,
                        const ContainerFilter& filter, std::chrono::seconds timeout,
                        const Clock& clock, std::function<void(const DockerPrunable&)> done) {
  auto result = std::make_shared<DockerPrunable>();
  auto engine = std::make_shared<DockerEngine>(io, socket);
  surveyContainers(
      io, socket, filter, timeout, clock,
      [engine, filter, timeout, result, done = std::move(done)](const ContainerSurvey& survey) {
        result->error = survey.error;
        for (const auto& c : survey.containers) {
          if (c.verdict == ContainerVerdict::Remove) {
            result->containers.push_back({c.name.empty() ? c.id.substr(0, 12) : c.name, c.bytes});
          }
        }
        result->kept = survey.keptText(filter);
        if (!result->error.empty()) return done(*result);
        engine->request("GET", kDanglingImages, timeout,
                        [engine, result, done](const Expected<DockerReply, std::string>& images) {
                          for (const auto& i : listOf(images, result->error)) {
                            result->images.push_back({shortId(text(i, "Id")), size(i, "Size")});
                          }
                          done(*result);
                        });
      });
}

}  // namespace openclaw::diskguard
