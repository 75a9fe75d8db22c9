#include "openclaw/config_reader.h"

#include <gtest/gtest.h>

namespace openclaw {
namespace {

using nlohmann::json;

TEST(AConfigObject, ReadsTypedValuesAndLeavesDefaultsForAbsentKeys) {
  ConfigIssues issues;
  const json doc = json::parse(R"({"n": 5, "s": "x", "b": true, "l": ["a", "b"]})");
  ConfigObject obj(doc, "", "f.json", issues);
  std::int64_t n = 0, absent = 7;
  std::string s;
  bool b = false;
  std::vector<std::string> l;
  EXPECT_TRUE(obj.get("n", n));
  EXPECT_TRUE(obj.get("s", s));
  EXPECT_TRUE(obj.get("b", b));
  EXPECT_TRUE(obj.get("l", l));
  EXPECT_FALSE(obj.get("absent", absent));
  obj.finish();
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(n, 5);
  EXPECT_EQ(absent, 7);
  EXPECT_EQ(l.size(), 2u);
}

TEST(AConfigObject, NamesFileKeyAndRuleForAWrongType) {
  ConfigIssues issues;
  const json doc = json::parse(R"({"min_interval_sec": "10"})");
  ConfigObject obj(doc, "", "/etc/x.json", issues);
  std::int64_t v = 0;
  EXPECT_FALSE(obj.get("min_interval_sec", v));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].text(), "/etc/x.json: min_interval_sec: must be an integer, not a string");
}

TEST(AConfigObject, RejectsFractionsWhereIntegersAreRequired) {
  ConfigIssues issues;
  const json doc = json::parse(R"({"n": 1.5})");
  ConfigObject obj(doc, "", "f", issues);
  std::int64_t v = 0;
  EXPECT_FALSE(obj.get("n", v));
  EXPECT_EQ(issues.size(), 1u);
}

TEST(AConfigObject, ReportsUnknownKeysSoTyposAreNotIgnored) {
  ConfigIssues issues;
  const json doc = json::parse(R"({"max_per_hours": 3})");
  ConfigObject obj(doc, "", "f", issues);
  std::int64_t v = 0;
  obj.get("max_per_hour", v);
  obj.finish();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].key, "max_per_hours");
  EXPECT_EQ(issues[0].rule, "unknown key");
}

TEST(AConfigObject, GivesNestedPathsForArrayElements) {
  ConfigIssues issues;
  const json doc = json::parse(R"({"dirs": [{"path": "/a"}, {"path": 3}]})");
  ConfigObject root(doc, "", "f", issues);
  root.forEachObject("dirs", [](ConfigObject& o) {
    std::string p;
    o.require("path", p);
  });
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].key, "dirs[1].path");
}

TEST(AConfigObject, ChecksRangesAndSaysWhichRange) {
  ConfigIssues issues;
  const json doc = json::parse(R"({"n": 0})");
  ConfigObject obj(doc, "", "f", issues);
  std::int64_t v = 4;
  EXPECT_FALSE(obj.getInRange("n", v, 1, 60));
  EXPECT_EQ(v, 4);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].rule, "must be between 1 and 60, not 0");
}

TEST(AConfigObject, RequiresRequiredKeys) {
  ConfigIssues issues;
  const json doc = json::object();
  ConfigObject obj(doc, "x", "f", issues);
  std::string s;
  EXPECT_FALSE(obj.require("path", s));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].key, "x.path");
  EXPECT_EQ(issues[0].rule, "is required");
}

TEST(AConfigObject, SaysWhenTheDocumentIsNotAnObject) {
  ConfigIssues issues;
  const json doc = json::array();
  ConfigObject obj(doc, "", "f", issues);
  EXPECT_FALSE(obj.isObject());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].text(), "f: must be an object, not an array");
}

TEST(LoadConfigJson, SaysWhenTheFileIsMissing) {
  auto doc = loadConfigJson("/nonexistent/openclaw.json");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().size(), 1u);
  EXPECT_NE(doc.error()[0].text().find("cannot open"), std::string::npos);
}

TEST(NameRules, AcceptUnitNamesAndRejectPathTricks) {
  EXPECT_TRUE(isUnitName("openclaw-gateway.service"));
  EXPECT_FALSE(isUnitName("gateway"));
  EXPECT_FALSE(isUnitName("../x.service"));
  EXPECT_TRUE(isSafeName("john"));
  EXPECT_FALSE(isSafeName("a/b"));
  EXPECT_FALSE(isSafeName(".hidden"));
  EXPECT_FALSE(isSafeName(""));
}

}  // namespace
}  // namespace openclaw
