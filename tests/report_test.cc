// Tests of the report's HTML (src/report): hostile text cannot add markup
// or break the page, excerpts never split a character, the word diff marks
// what differs, the page stays small whatever it is given, and the pages of
// runs with nothing to show still say so.

#include "report/report.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "gtest/gtest.h"
#include "neardup/lsh.h"
#include "neardup/text.h"
#include "tests/test_util.h"

namespace neardup::internal {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// Text meant to break out of the page: tags, a closing script tag, an
// attribute, invalid UTF-8 (a lone continuation byte, a truncated
// sequence, an overlong encoding), right-to-left text with an override,
// and NUL.
const std::string kHostile =
    "</script><script>alert(1)</script> <img src=x onerror=alert(2)> "
    "\"><svg onload=alert(3)> '&amp; \x80 \xE2\x82 \xC0\xAF "
    "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xE2\x80\xAE evil \xE2\x80\xAC "
    "<!-- comment --> ]]> " + std::string(1, '\0') + " end";

// Checks the page's shape: valid UTF-8, no markup from the data, one
// document.
void ExpectSafePage(const std::string& page) {
  EXPECT_TRUE(IsValidUtf8(page));
  const std::string lower = Lower(page);
  EXPECT_EQ(lower.find("<script"), std::string::npos);
  EXPECT_EQ(lower.find("</script"), std::string::npos);
  EXPECT_EQ(lower.find("<img"), std::string::npos);
  EXPECT_EQ(lower.find("<svg onload"), std::string::npos);
  EXPECT_EQ(lower.find("<!-- comment"), std::string::npos);
  EXPECT_EQ(page.find('\0'), std::string::npos);
  EXPECT_EQ(Count(page, "<html"), 1u);
  EXPECT_EQ(Count(page, "</html>"), 1u);
  EXPECT_EQ(Count(page, "<mark>"), Count(page, "</mark>"));
  EXPECT_EQ(Count(page, "<bdi>"), Count(page, "</bdi>"));
  // Nothing to fetch: no address other than the SVG namespace.
  EXPECT_EQ(Count(page, "http://") + Count(page, "https://"),
            Count(page, "http://www.w3.org/2000/svg"));
}

TEST(HtmlEscapeTest, EscapesMarkupAndRepairsUtf8) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'b' & c</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;b&#39; &amp; c&lt;/a&gt;");
  const std::string repaired = HtmlEscape("a\xFF" "b\xE2\x82");
  EXPECT_TRUE(IsValidUtf8(repaired));
  EXPECT_NE(repaired.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
  EXPECT_EQ(HtmlEscape(std::string("a\0b", 3)), "a&#xFFFD;b");
}

TEST(Utf8ExcerptTest, NeverSplitsACharacter) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "\xD7\xA9\xE2\x82\xAC" "a\xF0\x9F\x98\x80";
  for (size_t begin = 0; begin < 40; ++begin) {
    for (size_t max : {1u, 2u, 3u, 5u, 17u, 100u}) {
      const std::string_view e = Utf8Excerpt(text, begin, max);
      EXPECT_LE(e.size(), max);
      EXPECT_TRUE(IsValidUtf8(e)) << begin << " " << max;
    }
  }
  EXPECT_EQ(Utf8Excerpt("abc", 10, 5), "");
}

TEST(WordDiffTest, MarksTheWordsThatDiffer) {
  auto [a, b] = WordDiffHtml("the quick brown fox jumps", "the quick red fox jumps");
  EXPECT_EQ(a, "the quick <mark>brown</mark> fox jumps");
  EXPECT_EQ(b, "the quick <mark>red</mark> fox jumps");
  auto [same_a, same_b] = WordDiffHtml("one two", "one two");
  EXPECT_EQ(same_a, "one two");
  EXPECT_EQ(same_b, "one two");
  // Consecutive differing words share one mark.
  auto [x, y] = WordDiffHtml("a b c d", "a x y d");
  EXPECT_EQ(x, "a <mark>b c</mark> d");
  EXPECT_EQ(y, "a <mark>x y</mark> d");
}

TEST(WordDiffTest, StartsNearTheFirstDifferenceAndBoundsTheExcerpt) {
  std::string common;
  for (int i = 0; i < 2000; ++i) common += "w" + std::to_string(i) + " ";
  auto [a, b] = WordDiffHtml(common + "left tail", common + "right tail");
  EXPECT_NE(a.find("<mark>left</mark>"), std::string::npos);
  EXPECT_NE(b.find("<mark>right</mark>"), std::string::npos);
  EXPECT_NE(a.find("identical bytes before"), std::string::npos);
  EXPECT_LT(a.size(), kReportMaxExcerptBytes + 400);
}

TEST(LshCurveTest, MatchesTheLibrary) {
  for (double j : {0.0, 0.3, 0.75, 0.8, 1.0}) {
    EXPECT_NEAR(LshCandidateProbability(j, 14, 8),
                CandidateProbability(j, LshParams{14, 8}), 1e-12);
  }
}

DedupExample HostileExample(int i) {
  DedupExample e;
  e.removed_id = kHostile + std::to_string(i);
  e.removed_file = "<b>file</b>.jsonl";
  e.removed_line = 7;
  e.kept_id = "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D-" + std::to_string(i);
  e.kept_file = "a\"b'.jsonl";
  e.kept_line = 3;
  e.similarity = 0.8125;
  e.cluster = i;
  e.removed_jsonl_line = static_cast<uint64_t>(i) + 1;
  // A very long line, then the hostile text.
  e.kept_text = std::string(100000, 'x') + " " + kHostile;
  e.removed_text = kHostile + " " + std::string(100000, 'y');
  return e;
}

TEST(RenderDedupReportTest, HostileTextIsEscaped) {
  DedupReport r;
  r.outdir = "out/<script>";
  r.method = "minhash";
  r.threshold = 0.8;
  r.num_perm = 112;
  r.bands = 14;
  r.rows = 8;
  r.read = 10;
  r.kept = 8;
  r.removed = 2;
  r.files = {{kHostile, "jsonl", 10, 8, 2, 0}};
  r.pairs_accepted.assign(50, 1);
  r.pairs_refused.assign(50, 2);
  r.cluster_sizes = {{2, 1}, {3, 5}};
  r.largest_clusters = {{0, 3, kHostile}};
  r.nearest = {HostileExample(0)};
  r.sample = {HostileExample(1)};
  const std::string page = RenderDedupReport(r);
  ExpectSafePage(page);
  EXPECT_NE(page.find("&lt;/script&gt;&lt;script&gt;alert(1)"), std::string::npos);
  EXPECT_NE(page.find("dir=\"auto\""), std::string::npos);
  // The 100 KB lines are cut to their excerpts.
  EXPECT_LT(page.size(), 80000u);
  EXPECT_NE(page.find("read 10 = kept 8 + removed 2 + rejected 0"),
            std::string::npos);
  EXPECT_EQ(page.find("below the threshold"), std::string::npos);
  // A removal below the threshold (joined through other members) says so.
  r.nearest[0].similarity = 0.58;
  EXPECT_NE(RenderDedupReport(r).find("below the threshold 0.80: joined "
                                      "through other members"),
            std::string::npos);
}

TEST(RenderDedupReportTest, PageSizeIsBoundedWhateverItIsGiven) {
  DedupReport r;
  r.method = "minhash";
  r.threshold = 0.8;
  r.bands = 14;
  r.rows = 8;
  r.read = 10'000'000;
  r.removed = 5'000'000;
  for (int f = 0; f < 10000; ++f) {
    r.files.push_back({"crawl/part-" + std::to_string(f) + ".jsonl.zst",
                       "jsonl", 1000, 500, 500, 0});
  }
  for (uint64_t size = 2; size < 3000; ++size) {
    r.cluster_sizes.push_back({size, 10000 / size + 1});
  }
  for (int i = 0; i < 1000; ++i) {
    r.largest_clusters.push_back({i, 5000, "id-" + std::to_string(i)});
    r.nearest.push_back(HostileExample(i));
    r.sample.push_back(HostileExample(i));
  }
  r.pairs_accepted.assign(50, 123456789);
  r.pairs_refused.assign(50, 987654321);
  const std::string page = RenderDedupReport(r);
  ExpectSafePage(page);
  EXPECT_LT(page.size(), size_t{1} << 20);
  EXPECT_NE(page.find("and 9900 more files"), std::string::npos);
}

TEST(RenderDedupReportTest, NoRemovals) {
  DedupReport r;
  r.method = "minhash";
  r.threshold = 0.8;
  r.bands = 14;
  r.rows = 8;
  r.read = 5;
  r.kept = 5;
  const std::string page = RenderDedupReport(r);
  ExpectSafePage(page);
  EXPECT_NE(page.find("read 5 = kept 5 + removed 0 + rejected 0"),
            std::string::npos);
  EXPECT_NE(page.find("No clusters"), std::string::npos);
  EXPECT_NE(page.find("nothing to show"), std::string::npos);
  EXPECT_NE(page.find("id=\"scurve\""), std::string::npos);
}

TEST(RenderCleanReportTest, HostileTextIsEscapedAndCutsMarkedInPlace) {
  CleanReport r;
  r.read = 3;
  r.kept = 3;
  r.text_bytes = 5000;
  r.cut_bytes = 40;
  r.reasons = {{"repeated_line", 1, 20}, {"boilerplate", 1, 20}};
  r.boilerplate = {{"evil.example", kHostile, 9}, {"", "Share this", 4}};
  r.largest_share = {{kHostile, "f.jsonl", 2, 100, 40}};
  CleanExample e;
  e.id = kHostile;
  e.file = "f.jsonl";
  e.line = 2;
  e.text = "Intro line.\n" + kHostile + "\nIntro line.\n" + std::string(50000, 'z');
  const uint64_t second = e.text.find("\nIntro line.") + 1;
  e.cuts = {{second, second + 12, "repeated_line", 0}};
  r.examples = {e};
  SignalHistogram h;
  h.name = "dup_line_fraction";
  h.threshold = 0.3;
  h.counts.assign(20, 3);
  r.signals = {h};
  const std::string page = RenderCleanReport(r);
  ExpectSafePage(page);
  EXPECT_NE(page.find("<del class=\"cut\""), std::string::npos);
  EXPECT_NE(page.find("repeated_line, bytes " + std::to_string(second) + "-" +
                      std::to_string(second + 12) + ", repeats bytes from 0"),
            std::string::npos);
  EXPECT_NE(page.find("id=\"signal-0\""), std::string::npos);
  EXPECT_NE(page.find("threshold 0.30"), std::string::npos);
  EXPECT_LT(page.size(), 60000u);
}

TEST(RenderCleanReportTest, NothingCut) {
  CleanReport r;
  r.read = 4;
  r.kept = 4;
  r.reasons = {{"repeated_block", 0, 0}, {"boilerplate", 0, 0}};
  const std::string page = RenderCleanReport(r);
  ExpectSafePage(page);
  EXPECT_NE(page.find("read 4 = kept 4 + removed 0 + rejected 0"),
            std::string::npos);
  EXPECT_NE(page.find("No line was cut as boilerplate"), std::string::npos);
  EXPECT_NE(page.find("No cuts: nothing to show"), std::string::npos);
}

}  // namespace
}  // namespace neardup::internal
