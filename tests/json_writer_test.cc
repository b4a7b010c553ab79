// Tests for internal::JsonWriter: commas, nesting, escaping, the number
// formats, and reuse after Clear; every line it writes parses as JSON.

#include "pipeline/json_writer.h"

#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "simdjson.h"

namespace neardup::internal {
namespace {

bool ParsesAsJson(const std::string& line) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  return parser.parse(line).get(e) == simdjson::SUCCESS;
}

TEST(JsonWriterTest, EmptyObject) {
  JsonWriter j;
  EXPECT_EQ(j.Finish(), "{}");
}

TEST(JsonWriterTest, MembersAndCommas) {
  JsonWriter j;
  j.Key("id").String("a").Key("line").Uint(3).Key("cluster").Int(-1)
      .Key("ok").Bool(true).Key("none").Null();
  EXPECT_EQ(j.Finish(), R"({"id":"a","line":3,"cluster":-1,"ok":true,"none":null})");
}

TEST(JsonWriterTest, NestedObjectsAndArrays) {
  JsonWriter j;
  j.Key("a").Array().Uint(1).Uint(2).Object().Key("x").Uint(0).End().End();
  j.Key("b").Object().End();
  j.Key("c").Array().End();
  j.Key("d").Object().Key("e").Array().String("f");  // left open
  const std::string& line = j.Finish();
  EXPECT_EQ(line, R"({"a":[1,2,{"x":0}],"b":{},"c":[],"d":{"e":["f"]}})");
  EXPECT_TRUE(ParsesAsJson(line));
}

TEST(JsonWriterTest, StringsAreEscaped) {
  JsonWriter j;
  j.Key("s").String("quote \" backslash \\ tab \t newline \n bad \xff");
  const std::string& line = j.Finish();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\t'), std::string::npos);
  EXPECT_TRUE(ParsesAsJson(line)) << line;
}

TEST(JsonWriterTest, StringOrNull) {
  JsonWriter j;
  j.Key("url").StringOrNull("").Key("date").StringOrNull("2024");
  EXPECT_EQ(j.Finish(), R"({"url":null,"date":"2024"})");
}

TEST(JsonWriterTest, FixedDecimalsAndNaN) {
  JsonWriter j;
  j.Key("a").Fixed(0.8, 4).Key("b").Fixed(1.0 / 3, 2).Key("c").Fixed(2.5, 0)
      .Key("d").Fixed(std::numeric_limits<double>::quiet_NaN(), 4);
  EXPECT_EQ(j.Finish(), R"({"a":0.8000,"b":0.33,"c":2,"d":null})");
}

TEST(JsonWriterTest, ClearStartsAgain) {
  JsonWriter j;
  j.Key("a").Array().Uint(1);
  j.Clear();
  j.Key("b").Uint(2);
  EXPECT_EQ(j.Finish(), R"({"b":2})");
}

}  // namespace
}  // namespace neardup::internal
