// A name in a flag folder, which a bot container chooses: flagTarget turns it into the
// target a restart is asked for, as flag-watcher does for each directory entry before it
// looks the target up in the folder's allow list.  Properties: a name gives a target only
// when it is exactly revive-<target>.flag, and the target is a safe name (no '/', no NUL, no
// leading '.', within the length limit), so it can be neither a path nor an option.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "openclaw/config_reader.h"
#include "revive_policy.h"

using openclaw::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view name(reinterpret_cast<const char*>(data), size);
  const auto target = openclaw::flagwatcher::flagTarget(name);
  if (!target) return 0;
  require("revive-" + *target + ".flag" == name, "the target is the name's middle");
  require(openclaw::isSafeName(*target), "the target is a safe name");
  require(!target->empty() && target->front() != '.', "no empty or hidden target");
  require(target->find_first_of(std::string_view("/\0", 2)) == std::string::npos,
          "no '/' or NUL in a target");
  return 0;
}
