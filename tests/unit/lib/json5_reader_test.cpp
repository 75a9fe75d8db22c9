#include "openclaw/json5_reader.h"

#include <gtest/gtest.h>

#include <cmath>

namespace openclaw {
namespace {

nlohmann::json ok(std::string_view text) {
  auto r = parseJson5(text);
  EXPECT_TRUE(r.ok()) << text << " -> " << (r.ok() ? "" : r.error());
  return r.ok() ? r.value() : nlohmann::json();
}

std::string error(std::string_view text, const Json5Limits& limits = {}) {
  auto r = parseJson5(text, limits);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error();
}

TEST(Json5, ReadsAConfigAsPeopleWriteItForOpenClaw) {
  const auto doc = ok(R"(// OpenClaw, edited by hand
{
  gateway: {
    mode: 'local',        /* single quotes */
    port: 18789,
    auth: { mode: "token", token: 'it\'s "mine"', },
  },
  $schema_ok: true, _x1: null,
  'quoted key': [1, 2, 3,],
})");
  EXPECT_EQ(doc["gateway"]["mode"], "local");
  EXPECT_EQ(doc["gateway"]["port"], 18789);
  EXPECT_EQ(doc["gateway"]["auth"]["token"], "it's \"mine\"");
  EXPECT_EQ(doc["$schema_ok"], true);
  EXPECT_TRUE(doc["_x1"].is_null());
  EXPECT_EQ(doc["quoted key"].size(), 3u);
}

TEST(Json5, ReadsPlainJsonAsJson) {
  const auto doc = ok(R"({"a": [true, false, null, -1.5e3, "x"], "b": {}})");
  EXPECT_EQ(doc, nlohmann::json::parse(R"({"a": [true, false, null, -1.5e3, "x"], "b": {}})"));
}

TEST(Json5, UnderstandsEveryEscape) {
  EXPECT_EQ(ok(R"('\b\f\n\r\t\v\0\/\\\"\'')"), std::string("\b\f\n\r\t\v\0/\\\"'", 11));
  EXPECT_EQ(ok(R"("\x41\u00e9\u20AC")"), "A\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(ok(R"("\uD83D\uDE00")"), "\xF0\x9F\x98\x80") << "a surrogate pair is one character";
  EXPECT_EQ(ok(R"("\uD83D!")"), "\xEF\xBF\xBD!") << "a lone surrogate becomes U+FFFD";
  EXPECT_EQ(ok("'a\\\nb\\\r\nc\\\xE2\x80\xA8"
               "d'"),
            "abcd")
      << "line continuations";
  EXPECT_EQ(ok(R"("\q\é")"), "q\xC3\xA9") << "any other character stands for itself";
  EXPECT_EQ(ok("'a\xE2\x80\xA8"
               "b'"),
            "a\xE2\x80\xA8"
            "b")
      << "U+2028 may stand in a string";
  EXPECT_NE(error(R"("\1")").find("invalid escape"), std::string::npos);
  EXPECT_NE(error(R"("\01")").find("invalid escape"), std::string::npos);
  EXPECT_NE(error(R"("\xZZ")").find("hexadecimal"), std::string::npos);
}

TEST(Json5, ReadsEveryNumberFormJavaScriptDoes) {
  EXPECT_EQ(ok("0x1F"), 31);
  EXPECT_EQ(ok("-0XfF"), -255);
  EXPECT_EQ(ok("+1"), 1);
  EXPECT_EQ(ok(".5"), 0.5);
  EXPECT_EQ(ok("5."), 5.0);
  EXPECT_EQ(ok("-.5e1"), -5.0);
  EXPECT_TRUE(std::isinf(ok("Infinity").get<double>()));
  EXPECT_LT(ok("-Infinity").get<double>(), 0);
  EXPECT_TRUE(std::isinf(ok("+Infinity").get<double>()));
  EXPECT_TRUE(std::isnan(ok("NaN").get<double>()));
  EXPECT_EQ(ok("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(ok("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(ok("18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
  EXPECT_TRUE(ok("18446744073709551616").is_number_float());
  EXPECT_TRUE(ok("0x1ffffffffffffffff").is_number_float());
  EXPECT_NE(error("01").find("may not start with 0"), std::string::npos);
  EXPECT_NE(error("1e").find("exponent"), std::string::npos);
  EXPECT_NE(error("-").find("unexpected '-'"), std::string::npos);
  EXPECT_NE(error(".").find("expected a digit"), std::string::npos);
}

TEST(Json5, TakesNumbersBeyondDoubleAsInfinityWithoutThrowing) {
  // nlohmann throws out_of_range.406 on these; JavaScript reads Infinity.
  const auto doc = ok(R"({a: 1e999, b: -1e999, c: 1e-999, d: [1e400]})");
  EXPECT_TRUE(std::isinf(doc["a"].get<double>()));
  EXPECT_LT(doc["b"].get<double>(), 0);
  EXPECT_EQ(doc["c"].get<double>(), 0.0);
  EXPECT_TRUE(std::isinf(doc["d"][0].get<double>()));
}

TEST(Json5, ReplacesBytesThatAreNotUtf8InStringsSoTheResultCanBeDumped) {
  const auto doc = ok("{\"k\": \"a\xFF\xC3\x28z\", \"\xC0\xAF\": 'ok'}");
  EXPECT_EQ(doc["k"], "a\xEF\xBF\xBD\xEF\xBF\xBD(z");
  EXPECT_NO_THROW((void)doc.dump());
  EXPECT_NE(error("[1, \xFF]").find("unexpected byte 0xff"), std::string::npos)
      << "an invalid byte outside a string is an error";
  EXPECT_NE(error("{k\xFF: 2}").find("UTF-8"), std::string::npos);
}

TEST(Json5, EndsAnUnquotedKeyAtUnicodeWhiteSpace) {
  EXPECT_EQ(ok("{a\xC2\xA0: 1, b\xE3\x80\x80: 2}"), nlohmann::json::parse(R"({"a": 1, "b": 2})"));
  EXPECT_NE(error("{a\xC2\xA0"
                  "b: 1}")
                .find("expected ':' after a key"),
            std::string::npos);
}

TEST(Json5, RefusesKeyEscapesThatAreNotIdentifierCharactersSoDumpNeverThrows) {
  EXPECT_EQ(ok(R"({\u0061b\u00e9: 1})"), nlohmann::json::parse("{\"ab\xC3\xA9\": 1}"));
  EXPECT_EQ(error(R"({\uD800: 1})"),
            "not valid JSON5 at line 1, column 2: invalid escape in a key");
  EXPECT_NE(error(R"({\uD83D\uDE00: 1})").find("invalid escape in a key"), std::string::npos);
  EXPECT_NE(error(R"({a\u0020b: 1})").find("invalid escape in a key"), std::string::npos);
  EXPECT_NE(error(R"({\u0000: 1})").find("invalid escape in a key"), std::string::npos);
}

TEST(Json5, AcceptsUnicodeWhiteSpaceAndABom) {
  EXPECT_EQ(ok("\xEF\xBB\xBF{\xC2\xA0"
               "a:\xE2\x80\xA8"
               "1\xE3\x80\x80}")["a"],
            1);
}

TEST(Json5, KeepsTheLastOfDuplicateKeys) {
  EXPECT_EQ(ok("{a: 1, a: 2}")["a"], 2);
}

TEST(Json5, NamesLineAndColumnAndNeverQuotesTheInput) {
  EXPECT_EQ(error("{\n  a: 1\n  b: 2\n}"),
            "not valid JSON5 at line 3, column 3: expected ',' or '}', found 'b'");
  EXPECT_EQ(error("{a: 'x\n'}"),
            "not valid JSON5 at line 1, column 7: unterminated string (a line break in a string)");
  EXPECT_EQ(error("{ a: 'never closed }"),
            "not valid JSON5 at line 1, column 6: unterminated string");
  EXPECT_EQ(error("{a: 1} /* open"), "not valid JSON5 at line 1, column 8: unterminated comment");
  EXPECT_EQ(error(""), "not valid JSON5 at line 1, column 1: no value: the text is empty");
  EXPECT_EQ(error("  // only a comment\n"),
            "not valid JSON5 at line 2, column 1: no value: the text is empty");
  EXPECT_EQ(error("{a: 1} x"),
            "not valid JSON5 at line 1, column 8: unexpected 'x' after the value");
  EXPECT_EQ(error("{a 1}"),
            "not valid JSON5 at line 1, column 4: expected ':' after a key, found '1'");
  EXPECT_EQ(error("{1: 2}"), "not valid JSON5 at line 1, column 2: expected a key, found '1'");
  EXPECT_EQ(error("[1,,2]"), "not valid JSON5 at line 1, column 4: unexpected ','");
  EXPECT_EQ(error("truex"), "not valid JSON5 at line 1, column 5: unexpected 'x' after the value");
}

TEST(Json5, RefusesDeepNestingQuicklyAndWithoutRecursingIntoIt) {
  Json5Limits limits;
  limits.maxDepth = 4;
  EXPECT_TRUE(parseJson5("[[[[1]]]]", limits).ok());
  EXPECT_NE(error("[[[[[1]]]]]", limits).find("nesting deeper than 4"), std::string::npos);
  const std::string deep(1'000'000, '[');
  EXPECT_NE(error(deep).find("nesting deeper than 64"), std::string::npos);
  const std::string deepObjects = [] {
    std::string s;
    for (int i = 0; i < 100000; ++i) s += "{a:";
    return s;
  }();
  EXPECT_NE(error(deepObjects).find("nesting deeper than 64"), std::string::npos);
}

TEST(Json5, RefusesTextOverItsSizeLimitBeforeReadingIt) {
  Json5Limits limits;
  limits.maxBytes = 10;
  EXPECT_EQ(error("[1, 2, 3, 4, 5]", limits), "larger than 10 bytes");
}

TEST(Json5, ReadsAFourMebibyteDocument) {
  std::string big = "{\n";
  for (int i = 0; big.size() < (4u << 20) - 64; ++i) {
    big += "  key" + std::to_string(i) + ": 'value " + std::to_string(i) + "', // note\n";
  }
  big += "}";
  auto r = parseJson5(big);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_GT(r->size(), 50000u);
}

}  // namespace
}  // namespace openclaw
