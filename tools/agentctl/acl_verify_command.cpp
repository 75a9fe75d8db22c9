#include "acl_verify_command.h"

#include <iostream>

#include "acl_keeper_config.h"
#include "acl_tree.h"
#include "config_option.h"
#include "folder_index.h"
#include "openclaw/daemon.h"

namespace openclaw::agentctl {
namespace {

constexpr int kExitUsage = 2;
constexpr int kExitDrift = 1;
constexpr const char* kUsage = "usage: openclaw-agentctl acl-verify [--config PATH]\n";

}  // namespace

int aclVerifyCommand(const std::vector<std::string>& args) {
  std::string configPath = defaultConfigPath("acl-keeper");
  if (!parseConfigOption(args, configPath)) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  auto config = aclkeeper::loadAclKeeperConfig(configPath);
  if (!configLoaded(configPath, config)) return kExitConfig;
  aclkeeper::TreeCounts total;
  std::size_t missing = 0;  // trees whose root is refused (missing, behind a symlink, ...)
  for (const auto& rule : config->rules) {
    aclkeeper::TreeListener listener;
    listener.fixed = [](const aclkeeper::Drift& d) {
      std::cout << "drift: " << d.path() << "\n  has    " << d.haveText() << "\n  wants  "
                << d.wantText() << "\n";
    };
    listener.skipped = [](const std::string& path, aclkeeper::Skip why, const std::string& detail) {
      if (why == aclkeeper::Skip::Error) std::cout << "error: " << path << ": " << detail << "\n";
    };
    aclkeeper::AclTree tree(rule, aclkeeper::TreeMode::Verify, std::move(listener));
    if (auto r = tree.openRoot(); !r) {
      std::cout << "refused: " << rule.path << ": " << r.error().message() << "\n";
      ++missing;
      continue;
    }
    aclkeeper::walkTree(tree, static_cast<unsigned>(config->maxDepth),
                        [&tree](const std::string& rel, std::error_code error) {
                          std::cout << "error: " << tree.absolute(rel)
                                    << ": listing: " << error.message() << "\n";
                          ++tree.counts().skipped[static_cast<std::size_t>(aclkeeper::Skip::Error)];
                        });
    total.add(tree.counts());
  }
  const std::uint64_t errors = total.skipped[static_cast<std::size_t>(aclkeeper::Skip::Error)];
  std::cout << config->rules.size() << " tree(s): " << total.checked << " checked, " << total.fixed
            << " drifted, " << total.skippedTotal() << " skipped";
  if (total.skippedTotal() > 0) std::cout << " (" << total.skippedText() << ")";
  if (missing > 0) std::cout << ", " << missing << " refused";
  std::cout << "\n";
  return total.fixed == 0 && errors == 0 && missing == 0 ? 0 : kExitDrift;
}

}  // namespace openclaw::agentctl
