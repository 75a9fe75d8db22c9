#include "openclaw/events.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace openclaw {
namespace {

std::string sourceText(const std::string& relative) {
  std::ifstream in(std::string(OPENCLAW_SOURCE_DIR) + "/" + relative);
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

// Constant name -> value of every `inline constexpr std::string_view kX = "..."` between
// `namespace <ns> {` and its closing line, read from the header's text: the header has no
// list of its own constants to forget one in.
std::multimap<std::string, std::string> constantsOf(const std::string& ns) {
  const std::string header = sourceText("lib/openclaw/events.h");
  const auto from = header.find("namespace " + ns + " {");
  const auto to = header.find("}  // namespace " + ns, from);
  std::multimap<std::string, std::string> out;
  if (from == std::string::npos || to == std::string::npos) return out;
  const std::string body = header.substr(from, to - from);
  const std::regex constant(R"re(constexpr std::string_view (k\w+) =\s+"([^"]*)";)re");
  for (std::sregex_iterator it(body.begin(), body.end(), constant), end; it != end; ++it) {
    out.emplace((*it)[1], (*it)[2]);
  }
  return out;
}

std::set<std::string> valuesOf(const std::multimap<std::string, std::string>& constants) {
  std::set<std::string> values;
  for (const auto& [name, value] : constants) values.insert(value);
  return values;
}

// The first cells, without their backticks, of the table rows "| `name` | ..." of `text`.
std::set<std::string> tableNames(const std::string& text, const std::string& namePattern) {
  const std::regex row("(^|\n)\\| `(" + namePattern + ")` \\|");
  std::set<std::string> names;
  for (std::sregex_iterator it(text.begin(), text.end(), row), end; it != end; ++it) {
    names.insert((*it)[2]);
  }
  return names;
}

const char* const kEventPattern = "[a-z][a-z0-9-]*";

TEST(JournalEvents, AreReadFromTheHeaderTheBuildUses) {
  const auto events = constantsOf("event");
  const auto keys = constantsOf("journal_key");
  ASSERT_GT(events.size(), 50u);
  ASSERT_GT(keys.size(), 20u);
  // A few spot checks that the text read is the header compiled in.
  EXPECT_EQ(events.find("kRevive")->second, event::kRevive);
  EXPECT_EQ(events.find("kReviveCoalesced")->second, event::kReviveCoalesced);
  EXPECT_EQ(events.find("kGaveUp")->second, event::kGaveUp);
  EXPECT_EQ(keys.find("kEvent")->second, journal_key::kEvent);
  EXPECT_EQ(keys.find("kResult")->second, journal_key::kResult);
}

// Every value matches `shape`, and no two constants spell the same value.
void expectUniqueAndShaped(const std::multimap<std::string, std::string>& constants,
                           const std::regex& shape) {
  std::map<std::string, std::string> seen;
  for (const auto& [name, value] : constants) {
    EXPECT_TRUE(std::regex_match(value, shape)) << name << " = '" << value << "'";
    const auto [at, fresh] = seen.emplace(value, name);
    EXPECT_TRUE(fresh) << name << " and " << at->second << " both spell '" << value << "'";
  }
}

TEST(JournalEvents, AreUniqueLowerCaseWordsJoinedByDashes) {
  expectUniqueAndShaped(constantsOf("event"), std::regex(kEventPattern));
}

TEST(JournalFieldKeys, AreUniqueUpperCaseOpenClawNames) {
  expectUniqueAndShaped(constantsOf("journal_key"), std::regex("OPENCLAW_[A-Z][A-Z0-9_]*"));
}

TEST(JournalEvents, AreExactlyTheOnesTheEventsPageLists) {
  const std::string page = sourceText("docs/events.md");
  ASSERT_FALSE(page.empty()) << "docs/events.md not found under " << OPENCLAW_SOURCE_DIR;
  const std::set<std::string> documented = tableNames(page, kEventPattern);
  const std::set<std::string> defined = valuesOf(constantsOf("event"));
  for (const auto& name : defined) {
    EXPECT_TRUE(documented.count(name)) << "event '" << name << "' is not in docs/events.md";
  }
  for (const auto& name : documented) {
    EXPECT_TRUE(defined.count(name))
        << "docs/events.md lists '" << name << "', which lib/openclaw/events.h does not define";
  }
}

TEST(JournalFieldKeys, AreExactlyTheOnesTheEventsPageLists) {
  const std::set<std::string> documented =
      tableNames(sourceText("docs/events.md"), "OPENCLAW_[A-Z0-9_]+");
  EXPECT_EQ(documented, valuesOf(constantsOf("journal_key")));
}

// Every `OPENCLAW_EVENT=name` an operator is told to look for, in any page or man page, and
// every row of an agent page's alert table ("| event | level | when |"), names a real event.
TEST(JournalEvents, NamedAnywhereInTheDocsExist) {
  const std::set<std::string> defined = valuesOf(constantsOf("event"));
  const std::regex filter("OPENCLAW_EVENT=(" + std::string(kEventPattern) + ")");
  const std::regex alertTable("\\| event \\| level \\| when \\|\n\\|[-|]+\\|\n((\\|[^\n]*\n)+)");
  std::size_t checked = 0;
  for (const std::string folder : {"docs", "docs/man"}) {
    for (const auto& file :
         std::filesystem::directory_iterator(std::string(OPENCLAW_SOURCE_DIR) + "/" + folder)) {
      if (!file.is_regular_file()) continue;
      const std::string name = folder + "/" + file.path().filename().string();
      const std::string text = sourceText(name);
      std::set<std::string> named;
      for (std::sregex_iterator it(text.begin(), text.end(), filter), end; it != end; ++it) {
        named.insert((*it)[1]);
      }
      for (std::sregex_iterator it(text.begin(), text.end(), alertTable), end; it != end; ++it) {
        const auto rows = tableNames((*it)[1], kEventPattern);
        named.insert(rows.begin(), rows.end());
      }
      for (const auto& event : named) {
        EXPECT_TRUE(defined.count(event)) << name << " names event '" << event
                                          << "', which lib/openclaw/events.h does not define";
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 50u);
}

}  // namespace
}  // namespace openclaw
