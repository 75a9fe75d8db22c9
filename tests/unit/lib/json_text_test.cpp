#include "openclaw/json_text.h"

#include <gtest/gtest.h>

namespace openclaw {
namespace {

TEST(RelaxedJson, BlanksLineAndBlockCommentsKeepingPositions) {
  const std::string text = "{ // note\n  \"a\": /* x\n y */ 1 }";
  const std::string strict = relaxedJsonToStrict(text);
  EXPECT_EQ(strict.size(), text.size());
  EXPECT_EQ(strict.find("note"), std::string::npos);
  EXPECT_EQ(std::count(strict.begin(), strict.end(), '\n'), 2);
  auto parsed = parseRelaxedJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ((*parsed)["a"], 1);
}

TEST(RelaxedJson, DropsTrailingCommasInObjectsAndArrays) {
  auto parsed = parseRelaxedJson("{\"a\": [1, 2, ], \"b\": {\"c\": 3,}, }");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ((*parsed)["a"].size(), 2u);
  EXPECT_EQ((*parsed)["b"]["c"], 3);
}

TEST(RelaxedJson, LeavesCommentMarkersAndCommasInsideStringsAlone) {
  auto parsed = parseRelaxedJson(R"({"url": "http://x/*y*/", "s": "a,]", "q": "\"//"})");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ((*parsed)["url"], "http://x/*y*/");
  EXPECT_EQ((*parsed)["s"], "a,]");
  EXPECT_EQ((*parsed)["q"], "\"//");
}

TEST(RelaxedJson, ReportsLineAndColumnOfASyntaxError) {
  auto parsed = parseRelaxedJson("{\n  \"a\": 1\n  \"b\": 2\n}");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("line 3"), std::string::npos) << parsed.error();
}

TEST(RelaxedJson, RejectsAnUnterminatedBlockComment) {
  EXPECT_FALSE(parseRelaxedJson("{\"a\": 1 /* open").ok());
}

TEST(TextPositionOf, CountsLinesAndColumnsFromOne) {
  const TextPosition p = positionOfByte("ab\ncd", 4);
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.column, 2u);
}

}  // namespace
}  // namespace openclaw
