// Tests for AppendJsonString: escaping, UTF-8 passing through, invalid
// UTF-8 replaced by U+FFFD, and output that parses back with simdjson.

#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "neardup/io.h"
#include "simdjson.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using namespace std::string_literals;

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

// Parses a JSON string literal back (simdjson validates it on the way).
std::string ParseBack(const std::string& literal) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(literal);
  std::string_view value;
  const auto error = parser.parse(padded).get_string().get(value);
  EXPECT_EQ(error, simdjson::SUCCESS) << literal;
  return std::string(value);
}

TEST(AppendJsonString, PlainAndEmpty) {
  EXPECT_EQ(Json(""), "\"\"");
  EXPECT_EQ(Json("hello world"), "\"hello world\"");
}

TEST(AppendJsonString, AppendsToWhatIsThere) {
  std::string out = "{\"id\":";
  AppendJsonString("a", &out);
  EXPECT_EQ(out, "{\"id\":\"a\"");
}

TEST(AppendJsonString, Escapes) {
  EXPECT_EQ(Json("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(Json("C:\\path"), R"("C:\\path")");
  EXPECT_EQ(Json("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
  EXPECT_EQ(Json("\x01\x1F"s), R"("\u0001\u001f")");
  EXPECT_EQ(Json("nul\0byte"s), R"("nul\u0000byte")");
  // '/' and DEL need no escape.
  EXPECT_EQ(Json("a/b\x7F"), "\"a/b\x7F\"");
}

TEST(AppendJsonString, ValidUtf8PassesThrough) {
  const std::string s = "caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80";
  EXPECT_EQ(Json(s), "\"" + s + "\"");
  EXPECT_EQ(ParseBack(Json(s)), s);
}

TEST(AppendJsonString, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  // A lone continuation byte, a truncated 3-byte sequence before ASCII
  // (one maximal subpart: one U+FFFD), an overlong, a surrogate, and a lead
  // byte at the very end.
  EXPECT_EQ(Json("a\x80z"), "\"a" + fffd + "z\"");
  EXPECT_EQ(Json("a\xE4\xB8z"), "\"a" + fffd + "z\"");
  EXPECT_EQ(Json("\xC0\xAF"), "\"" + fffd + fffd + "\"");
  EXPECT_EQ(Json("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");
  EXPECT_EQ(Json("end\xF0"), "\"end" + fffd + "\"");
  // Mixed with escapes.
  EXPECT_EQ(Json("\"\xFF\n"), "\"\\\"" + fffd + "\\n\"");
}

TEST(AppendJsonString, EveryByteValueGivesValidJson) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string literal = Json(all);
  const std::string back = ParseBack(literal);
  // ASCII survives exactly; the 128 high bytes are each ill-formed alone
  // here (none starts a complete sequence), so each becomes one U+FFFD.
  EXPECT_EQ(back.substr(0, 128), all.substr(0, 128));
  EXPECT_EQ(back.size(), 128u + 128u * 3u);
}

}  // namespace
}  // namespace neardup
