#include "boot_token.h"

#include <sys/random.h>

#include <cstdlib>
#include <filesystem>

#include "openclaw/durable_file.h"

namespace openclaw::flagwatcher {
namespace {

constexpr const char* kTokenFile = "boot-token";
constexpr std::size_t kTokenBytes = 16;  // 128 random bits: two boots never draw the same

Expected<std::string, std::string> newToken() {
  unsigned char raw[kTokenBytes];
  std::size_t got = 0;
  while (got < sizeof raw) {
    const ssize_t n = ::getrandom(raw + got, sizeof raw - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unexpected<std::string>{"getrandom: " + errnoCode(errno).message()};
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char c : raw) {
    token += kHex[c >> 4];
    token += kHex[c & 0xf];
  }
  return token;
}

}  // namespace

std::string runtimeDirectory() {
  const char* dirs = std::getenv("RUNTIME_DIRECTORY");
  if (dirs != nullptr && *dirs != '\0') {
    const std::string all(dirs);
    return all.substr(0, all.find(':'));
  }
  return "/run/openclaw-agents/flag-watcher";
}

bool isBootToken(std::string_view text) {
  if (text.size() != 2 * kTokenBytes) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Expected<std::string, std::string> bootToken(const std::string& runtimeDir) {
  const std::string path = runtimeDir + "/" + kTokenFile;
  // The folder is root's (systemd made it, mode 0700); the file is read without following a
  // symlink all the same, and bounded.
  if (auto text = readSmallFile(path, 64, Symlinks::NoFollow)) {
    std::string token = *text;
    while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
    if (isBootToken(token)) return token;
  }
  std::error_code ec;
  std::filesystem::create_directories(runtimeDir, ec);
  if (ec) return Unexpected<std::string>{"cannot create " + runtimeDir + ": " + ec.message()};
  auto token = newToken();
  if (!token) return token;
  if (auto written = atomicWriteFile(path, *token + "\n", 0600); !written) {
    return Unexpected<std::string>{"cannot write " + path + ": " + written.error().message()};
  }
  return token;
}

}  // namespace openclaw::flagwatcher
