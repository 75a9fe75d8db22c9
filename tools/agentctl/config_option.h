// The `[--config PATH]` option of the commands that read an agent's config, and the way they
// say that it does not load.
#pragma once

#include <iostream>
#include <string>
#include <vector>

namespace openclaw::agentctl {

// `args` is empty or exactly "--config PATH": `path` is set and true returned; else false.
inline bool parseConfigOption(const std::vector<std::string>& args, std::string& path) {
  if (args.empty()) return true;
  if (args.size() != 2 || args[0] != "--config" || args[1].empty()) return false;
  path = args[1];
  return true;
}

// True when `loaded` (an agent's load result) holds a config; otherwise every issue is
// printed to stderr under the path, and the caller exits with kExitConfig.
template <typename Loaded>
bool configLoaded(const std::string& path, const Loaded& loaded) {
  if (loaded) return true;
  std::cerr << "openclaw-agentctl: " << path << " does not load:\n";
  for (const auto& issue : loaded.error()) std::cerr << "  " << issue.text() << "\n";
  return false;
}

}  // namespace openclaw::agentctl
