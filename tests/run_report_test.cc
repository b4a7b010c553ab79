// Tests of report.html as the jobs write it (src/pipeline/run_report.cc):
// committed with the other outputs and listed in stats.json, the counts of
// the run on the page, examples found again in the inputs, the same
// examples when WriteReport writes it again, a run with no removals, a run
// with 100,000 removals (size bound), WARC input, a clean run, hostile
// text from the inputs, and --overwrite removing an earlier report.

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/io.h"
#include "neardup/pipeline.h"
#include "neardup/text.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

namespace fs = std::filesystem;
using test::ReadFile;
using test::Rng;
using test::WriteFile;

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::string Document(Rng& rng, int words) {
  std::string text;
  for (int i = 0; i < words; ++i) {
    if (i > 0) text += (i % 50 == 0) ? "\n\n" : " ";
    text += test::Word(rng.Uniform(20000));
  }
  return text;
}

// Replaces `changes` words of `text` (the copies of a crawl: same page,
// small edits).
std::string Edit(Rng& rng, std::string text, int changes) {
  for (int c = 0; c < changes; ++c) {
    size_t at = rng.Uniform(text.size());
    at = text.rfind(' ', at);
    if (at == std::string::npos) continue;
    const size_t end = text.find(' ', at + 1);
    text.replace(at + 1, (end == std::string::npos ? text.size() : end) - at - 1,
                 test::Word(rng.Uniform(20000) + 20000));
  }
  return text;
}

// `originals` documents of 300 words and, after them, `copies` edited
// copies of the first ones.
std::string Crawl(int originals, int copies, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::string> texts;
  for (int i = 0; i < originals; ++i) texts.push_back(Document(rng, 300));
  for (int i = 0; i < copies; ++i) texts.push_back(Edit(rng, texts[i], 4));
  std::string crawl;
  for (size_t i = 0; i < texts.size(); ++i) {
    crawl += "{\"id\":\"d" + std::to_string(i) + "\",\"text\":" + Json(texts[i]) +
             "}\n";
  }
  return crawl;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

// What every page must be: one valid UTF-8 document without script.
void ExpectPage(const std::string& page) {
  ASSERT_FALSE(page.empty());
  EXPECT_TRUE(IsValidUtf8(page));
  EXPECT_EQ(Lower(page).find("<script"), std::string::npos);
  EXPECT_NE(page.find("</html>"), std::string::npos);
}

bool HasTemporaries(const fs::path& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp-") != std::string::npos) {
      return true;
    }
  }
  return false;
}

// The accounting line of a run as its page shows it.
std::string Accounting(const RecordCounts& s) {
  return "read " + std::to_string(s.read) + " = kept " + std::to_string(s.kept) +
         " + removed " + std::to_string(s.removed) + " + rejected " +
         std::to_string(s.rejected);
}

class RunReportTest : public ::testing::Test {
 protected:
  // Runs the dedup job with its report on the one input dir_/name into
  // dir_/out.
  absl::StatusOr<DedupStats> DedupWithReport(const std::string& name,
                                             DedupOptions options = {}) {
    options.report = true;
    return RunDedup({{(dir_ / name).string(), name}}, (dir_ / "out").string(),
                    options);
  }
  // dir_/out/report.html, which must be a page (ExpectPage).
  std::string Page() {
    std::string page = ReadFile(dir_ / "out" / "report.html");
    ExpectPage(page);
    return page;
  }

  test::ScratchDir scratch_;
  const fs::path dir_ = scratch_.path();
};

TEST_F(RunReportTest, DedupPageIsAnOutputWithTheRunsCounts) {
  WriteFile(dir_ / "crawl.jsonl", Crawl(120, 30, 1));
  DedupOptions options;
  options.threads = 2;
  auto stats = DedupWithReport("crawl.jsonl", options);
  ASSERT_OK(stats);
  ASSERT_GT(stats->removed, 20u);
  EXPECT_TRUE(std::count(stats->outputs.begin(), stats->outputs.end(),
                         "report.html"));
  EXPECT_FALSE(HasTemporaries(dir_ / "out"));
  const std::string json = ReadFile(dir_ / "out" / "stats.json");
  EXPECT_NE(json.find("\"report.html\""), std::string::npos);
  EXPECT_NE(json.find("\"pair_similarity\":{\"bins\":50,"), std::string::npos);
  EXPECT_NE(json.find("\"report\":"), std::string::npos);  // its seconds
  const std::string page = Page();
  EXPECT_NE(page.find(Accounting(*stats)), std::string::npos);
  for (const char* id : {"id=\"scurve\"", "id=\"pairs-hist\"",
                         "id=\"cluster-sizes\"", "Removals nearest the threshold",
                         "A sample of the other removals", "<mark>"}) {
    EXPECT_NE(page.find(id), std::string::npos) << id;
  }
  EXPECT_NE(page.find("neardup explain <bdi>" + (dir_ / "out").string() +
                      "/removed.jsonl:"),
            std::string::npos);
  // Both texts of an example were found in the input.
  EXPECT_EQ(page.find("not found in the inputs"), std::string::npos);

  // WriteReport writes the same page again from the files (the page shows
  // no timing: the same run gives the same bytes).
  fs::remove(dir_ / "out" / "report.html");
  ASSERT_OK(WriteReport((dir_ / "out").string()));
  EXPECT_EQ(ReadFile(dir_ / "out" / "report.html"), page);

  // A later run without the report removes this one (it was listed).
  options.report = false;
  options.overwrite = true;
  ASSERT_OK(RunDedup({{(dir_ / "crawl.jsonl").string(), "crawl.jsonl"}},
                     (dir_ / "out").string(), options));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "report.html"));
  const std::string without = ReadFile(dir_ / "out" / "stats.json");
  EXPECT_EQ(without.find("pair_similarity"), std::string::npos);
  EXPECT_EQ(without.find("report.html"), std::string::npos);

  // WriteReport after such a run lists the page in stats.json, changing
  // nothing else, and a later run with overwrite removes it again.
  ASSERT_OK(WriteReport((dir_ / "out").string()));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "report.html"));
  std::string listed = ReadFile(dir_ / "out" / "stats.json");
  size_t at = listed.find(",\"report.html\"");  // last in the list
  if (at == std::string::npos) at = listed.find("\"report.html\",");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(listed.erase(at, 14), without);
  ASSERT_OK(RunDedup({{(dir_ / "crawl.jsonl").string(), "crawl.jsonl"}},
                     (dir_ / "out").string(), options));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "report.html"));
}

TEST_F(RunReportTest, NoRemovals) {
  WriteFile(dir_ / "crawl.jsonl", Crawl(40, 0, 2));
  auto stats = DedupWithReport("crawl.jsonl");
  ASSERT_OK(stats);
  ASSERT_EQ(stats->removed, 0u);
  const std::string page = Page();
  EXPECT_NE(page.find("read 40 = kept 40 + removed 0 + rejected 0"),
            std::string::npos);
  EXPECT_NE(page.find("No clusters"), std::string::npos);
  EXPECT_NE(page.find("No document was removed"), std::string::npos);
}

TEST_F(RunReportTest, HundredThousandRemovalsKeepThePageSmall) {
  // 20,000 short texts, each 6 times: 100,000 exact duplicates.
  std::string crawl;
  uint64_t n = 0;
  for (int copy = 0; copy < 6; ++copy) {
    for (int i = 0; i < 20000; ++i) {
      crawl += "{\"id\":\"d" + std::to_string(n++) + "\",\"text\":\"page " +
               test::Word(static_cast<uint64_t>(i)) + " of the crawl " +
               std::to_string(i) + "\"}\n";
    }
  }
  WriteFile(dir_ / "crawl.jsonl", crawl);
  DedupOptions options;
  options.method = DedupMethod::kExact;
  auto stats = DedupWithReport("crawl.jsonl", options);
  ASSERT_OK(stats);
  ASSERT_EQ(stats->removed, 100000u);
  const std::string page = Page();
  EXPECT_LT(page.size(), size_t{1} << 20);
  EXPECT_NE(page.find("read 120000 = kept 20000 + removed 100000 + rejected 0"),
            std::string::npos);
  EXPECT_NE(page.find("A sample of the other removals"), std::string::npos);
}

std::string WarcRecord(const std::string& type, const std::string& id,
                       const std::string& block) {
  return "WARC/1.0\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: <urn:uuid:" +
         id + ">\r\nWARC-Target-URI: https://example.test/" + id +
         "\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n" +
         block + "\r\n\r\n";
}

TEST_F(RunReportTest, WarcInput) {
  Rng rng(5);
  const std::string a = Document(rng, 300), b = Document(rng, 300);
  WriteFile(dir_ / "c.warc.wet",
            WarcRecord("warcinfo", "0", "software: test\r\n") +
                WarcRecord("conversion", "1", a) +
                WarcRecord("conversion", "2", b) +
                WarcRecord("conversion", "3", Edit(rng, a, 3)));
  auto stats = DedupWithReport("c.warc.wet");
  ASSERT_OK(stats);
  ASSERT_EQ(stats->removed, 1u);
  const std::string page = Page();
  EXPECT_NE(page.find("read 3 = kept 2 + removed 1 + rejected 0"),
            std::string::npos);
  EXPECT_NE(page.find("<td>warc</td>"), std::string::npos);
  EXPECT_NE(page.find("&lt;urn:uuid:3&gt;"), std::string::npos);
  EXPECT_NE(page.find(a.substr(0, 40)), std::string::npos);
  EXPECT_EQ(page.find("not found in the inputs"), std::string::npos);
}

TEST_F(RunReportTest, HostileTextFromTheInputs) {
  const std::string hostile =
      "</script><script>alert(1)</script> <img src=x onerror=alert(2)> "
      "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xE2\x80\xAE";
  Rng rng(6);
  const std::string text = hostile + " " + Document(rng, 300) + " " +
                           std::string(200000, 'q');
  std::string crawl = "{\"id\":" + Json("<b>" + hostile) + ",\"text\":" +
                      Json(text) + "}\n";
  crawl += "{\"id\":\"copy\",\"text\":" + Json(Edit(rng, text, 2)) + "}\n";
  // Invalid UTF-8 in the raw line: the reader repairs it.
  crawl += "{\"id\":\"bad-utf8\",\"text\":\"a \xFF\xFE b\"}\n";
  WriteFile(dir_ / "crawl.jsonl", crawl);
  auto stats = DedupWithReport("crawl.jsonl");
  ASSERT_OK(stats);
  ASSERT_EQ(stats->removed, 1u);
  const std::string page = Page();
  EXPECT_EQ(Lower(page).find("<img"), std::string::npos);
  EXPECT_NE(page.find("&lt;/script&gt;"), std::string::npos);
  EXPECT_LT(page.size(), 200000u);
}

TEST_F(RunReportTest, CleanPage) {
  Rng rng(7);
  std::string crawl;
  for (int i = 0; i < 12; ++i) {
    const std::string body = Document(rng, 120);
    std::string text = "Home | News | Sport\n" + body + "\n" +
                       (i % 3 == 0 ? body + "\n" : "") + "Share this article\n";
    crawl += "{\"id\":\"a" + std::to_string(i) +
             "\",\"url\":\"https://news.example/" + std::to_string(i) +
             "\",\"text\":" + Json(text) + "}\n";
  }
  WriteFile(dir_ / "crawl.jsonl", crawl);
  CleanOptions options;
  options.report = true;
  options.gopher_filter = true;
  auto stats = RunClean({{(dir_ / "crawl.jsonl").string(), "crawl.jsonl"}},
                        (dir_ / "out").string(), options);
  ASSERT_OK(stats);
  ASSERT_GT(stats->cut_bytes, 0u);
  EXPECT_FALSE(HasTemporaries(dir_ / "out"));
  const std::string json = ReadFile(dir_ / "out" / "stats.json");
  EXPECT_NE(json.find("\"report.html\""), std::string::npos);
  EXPECT_NE(json.find("\"largest_share_cut\":[{"), std::string::npos);
  const std::string page = Page();
  EXPECT_NE(page.find(Accounting(*stats)), std::string::npos);
  for (const char* part :
       {"id=\"cut-reasons\"", "news.example", "Share this article",
        "<del class=\"cut\"", "Documents with the largest share cut",
        "id=\"signal-0\"", "id=\"signal-12\"", "threshold 0.30"}) {
    EXPECT_NE(page.find(part), std::string::npos) << part;
  }
  // The cut text in the page is the text that edits.jsonl names.
  EXPECT_NE(page.find("<del class=\"cut\" title=\"boilerplate"),
            std::string::npos);
}

TEST_F(RunReportTest, WriteReportNeedsAFinishedRun) {
  fs::create_directories(dir_ / "empty");
  EXPECT_EQ(WriteReport((dir_ / "empty").string()).code(),
            absl::StatusCode::kNotFound);
  WriteFile(dir_ / "empty" / "stats.json", "{\"something\":1}\n");
  EXPECT_EQ(WriteReport((dir_ / "empty").string()).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir_ / "empty" / "report.html"));
}

}  // namespace
}  // namespace neardup
