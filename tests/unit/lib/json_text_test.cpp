#include "openclaw/json_text.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "openclaw/durable_file.h"

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

TEST(RelaxedJson, RefusesANumberBeyondDoubleWithoutThrowing) {
  // nlohmann throws out_of_range.406 here, not a parse_error: it once escaped to the loop.
  auto parsed = parseRelaxedJson(R"({"max_per_hour": 1e999})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("not valid JSON"), std::string::npos) << parsed.error();
}

TEST(RelaxedJson, NamesTheLineAndColumnOfANumberBeyondDouble) {
  // Found by the config reader's fuzz target: out_of_range.406 carries no position, and the
  // error said only "not valid JSON: number overflow parsing '1e999'".
  auto parsed = parseRelaxedJson("{\n  // how often\n  \"max_per_hour\": 1e999\n}");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), "not valid JSON at line 3, column 23: number overflow parsing '1e999'");
}

TEST(JsonText, ReplacesBytesThatAreNotUtf8InsteadOfThrowing) {
  const nlohmann::json doc = {{"why", "cannot read /x/openclaw.json.bak.\xff\xfe"}};
  EXPECT_THROW((void)doc.dump(), nlohmann::json::type_error);
  EXPECT_EQ(toJsonText(doc),
            "{\"why\":\"cannot read /x/openclaw.json.bak.\xEF\xBF\xBD\xEF\xBF\xBD\"}");
}

TEST(AJsonString, IsWrittenAsADumpOfTheSameStringWritesIt) {
  std::string every;
  for (int c = 1; c < 0x80; ++c) every += static_cast<char>(c);
  for (const std::string& text :
       {std::string(), std::string("plain"), every, std::string("\0nul", 4),
        std::string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"),
        std::string("\"quoted\" \\ back\tslash\r\n")}) {
    std::string out = "x";
    appendJsonString(out, text);
    EXPECT_EQ(out, "x" + toJsonText(nlohmann::json(text))) << text;
  }
}

TEST(AJsonString, ReplacesEachByteThatStartsNoUtf8SequenceAndKeepsTheRest) {
  // A lone continuation byte, an overlong '/', a surrogate, past U+10FFFF, a cut sequence.
  for (const char* bad : {"\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    std::string out;
    appendJsonString(out, std::string("a") + bad + "z");
    const auto back = nlohmann::json::parse(out);  // valid JSON, valid UTF-8
    const std::string text = back.get<std::string>();
    EXPECT_EQ(text.front(), 'a');
    EXPECT_EQ(text.back(), 'z');
    EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos);
    EXPECT_EQ(text, validUtf8(std::string("a") + bad + "z"));
  }
}

TEST(AStateFile, SavesADocumentWithAnyBytesInItsStrings) {
  char templ[] = "/tmp/oc-state-XXXXXX";
  ASSERT_NE(::mkdtemp(templ), nullptr);
  const std::string dir = templ;
  StateFile state(dir + "/state.json");
  ASSERT_TRUE(state.save({{"given_up_why", "no backup in /r/\xc3("}}).ok());
  auto loaded = state.load();
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ((*loaded)["given_up_why"], "no backup in /r/\xEF\xBF\xBD(");
  std::filesystem::remove_all(dir);
}

TEST(TextPositionOf, CountsLinesAndColumnsFromOne) {
  const TextPosition p = positionOfByte("ab\ncd", 4);
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.column, 2u);
}

}  // namespace
}  // namespace openclaw
