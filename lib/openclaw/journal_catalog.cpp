#include "openclaw/journal_catalog.h"

#include <array>
#include <utility>

#include "openclaw/events.h"

namespace openclaw {
namespace {

// Each id was drawn at random once and never changes: operators' filters and the catalog
// name it.  disk-guard's three ways of freeing space share one entry.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kIds = {{
    {event::kRevive, "a54b4c5917d244bbad57169c0fcc3d2e"},
    {event::kRestore, "b611787005be47c396bbc427ebad8c19"},
    {event::kGaveUp, "a9d1f082e91f4e189800cd4ec281842f"},
    {event::kAclFix, "76b7c98507f6445081da433bc7faadc4"},
    {event::kPrune, "9da444fae54848caabe0087ffd82a97d"},
    {event::kJournalVacuum, "9da444fae54848caabe0087ffd82a97d"},
    {event::kDockerPrune, "9da444fae54848caabe0087ffd82a97d"},
    {event::kBreakerOpen, "2c89f2ec98c84e2aac6fdd4e0057a714"},
}};

}  // namespace

std::string_view messageIdOf(std::string_view event) {
  for (const auto& [name, id] : kIds) {
    if (name == event) return id;
  }
  return {};
}

}  // namespace openclaw
