#include "openclaw/journal_catalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace openclaw {
namespace {

// The "-- ID" headers of the catalog the package installs.
std::set<std::string> catalogIds() {
  std::ifstream in(std::string(OPENCLAW_SOURCE_DIR) + "/units/openclaw-host-agents.catalog");
  std::set<std::string> ids;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("-- ")) ids.insert(line.substr(3));
  }
  return ids;
}

bool isId(std::string_view id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

TEST(AJournalCatalog, ExplainsEveryEventThatCarriesAnIdAndNoOther) {
  const std::set<std::string> inCatalog = catalogIds();
  std::set<std::string> used{std::string(kAlertMessageId)};
  for (const char* event : {"revive", "restore", "gave-up", "acl-fix", "prune", "journal-vacuum",
                            "docker-prune", "breaker-open"}) {
    const auto id = messageIdOf(event);
    EXPECT_TRUE(isId(id)) << event << ": '" << id << "'";
    used.insert(std::string(id));
  }
  EXPECT_EQ(inCatalog, used);
  EXPECT_EQ(inCatalog.size(), 7u);  // disk-guard's three actions share one entry
}

TEST(AJournalCatalog, GivesNoIdToOtherEvents) {
  for (const char* event : {"", "reload", "revive-failed", "REVIVE", "restore "}) {
    EXPECT_EQ(messageIdOf(event), "") << event;
  }
}

}  // namespace
}  // namespace openclaw
