// End-to-end tests of the clean job on crawls the tests generate: pages of
// sites with navigation lines, articles whose body was captured twice, a
// caption printed twice; every cut listed, other fields byte for byte, the
// accounting, annotate / signals-only / Gopher filter, saved line counts,
// WARC conversion records and text files.

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/pipeline.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

namespace fs = std::filesystem;
using test::Lines;
using test::Rng;
using test::WriteFile;
constexpr auto ReadAll = test::ReadFile;

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::string Sentence(Rng& rng) {
  std::string s = "The";
  for (int i = 0; i < 14; ++i) s += " " + test::Word(rng.Uniform(100000));
  return s + ".";
}

// Article i of a site: navigation, a title, paragraphs; article 0 has its
// body captured twice, article 1 a caption printed twice.
struct Article {
  std::string text;
  std::string clean;  // what neardup clean should leave
};

Article MakeArticle(Rng& rng, int i) {
  const std::string nav = "Accessibility links\nBreaking News\n";
  std::string title = "Title " + test::Word(rng.Uniform(1 << 20)) + " story\n";
  std::string body;
  for (int p = 0; p < 4; ++p) body += Sentence(rng) + " " + Sentence(rng) + "\n";
  Article a;
  if (i == 1) {
    const std::string caption = "Photo: " + Sentence(rng) + "\n";
    a.text = nav + title + caption + caption + body + "Share this\n";
    a.clean = title + caption + body;
  } else {
    a.text = nav + title + body + (i == 0 ? body : "") + "Share this\n";
    a.clean = title + body;
  }
  return a;
}

class CleanTest : public ::testing::Test {
 protected:

  // Eight articles of one site and a malformed line.
  std::string MakeCrawl(std::vector<Article>* articles) {
    Rng rng(3);
    std::string crawl;
    for (int i = 0; i < 8; ++i) {
      articles->push_back(MakeArticle(rng, i));
      crawl += "{\"id\":\"a" + std::to_string(i) +
               "\",\"url\":\"https://news.example/" + std::to_string(i) +
               "\",\"meta\":{\"x\":[1,2]},\"text\":" + Json(articles->back().text) +
               ",\"lang\":\"en\"}\n";
      if (i == 4) crawl += "{\"id\":\"bad\",\"text\":\n";
    }
    return crawl;
  }

  test::ScratchDir scratch_;
  const fs::path dir_ = scratch_.path();
};

// Regression: threads -3 and near_similarity 1.5 used to be accepted.
TEST_F(CleanTest, RefusesBadOptionsBeforeReadingAnything) {
  WriteFile(dir_ / "c.jsonl", "{\"text\":\"a b c\"}\n");
  auto inputs = PlanInputs({(dir_ / "c.jsonl").string()});
  ASSERT_OK(inputs);
  auto message = [&](const CleanOptions& options) {
    const auto stats = RunClean(*inputs, (dir_ / "out").string(), options);
    EXPECT_EQ(stats.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_FALSE(fs::exists(dir_ / "out"));
    return std::string(stats.status().message());
  };
  CleanOptions threads;
  threads.threads = -3;
  EXPECT_EQ(message(threads),
            "threads must be at least 0 (0: one per core), got -3");
  CleanOptions near;
  near.repeat_options.near_similarity = 1.5;
  EXPECT_EQ(message(near),
            "repeat_options.near_similarity must be 0 to 1, got 1.5");
  CleanOptions min_docs;
  min_docs.boilerplate_options.min_docs = 1;
  EXPECT_NE(message(min_docs).find("min_docs"), std::string::npos);
  CleanOptions syndicated;
  syndicated.syndication.threshold = -0.5;
  EXPECT_NE(message(syndicated).find("syndication.threshold"),
            std::string::npos);
  CleanOptions gopher;
  gopher.gopher.top_ngram_char_fraction[1] = std::nan("");
  EXPECT_NE(message(gopher).find("gopher.top_ngram_char_fraction[1]"),
            std::string::npos);
  EXPECT_OK(ValidateCleanOptions({}));
}

TEST_F(CleanTest, CutsRepeatsAndBoilerplateAndKeepsOtherFields) {
  std::vector<Article> articles;
  const std::string crawl = MakeCrawl(&articles);
  WriteFile(dir_ / "c.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "c.jsonl").string()});
  ASSERT_OK(inputs);
  auto stats = RunClean(*inputs, (dir_ / "out").string(), {.threads = 2});
  ASSERT_OK(stats);
  EXPECT_EQ(stats->read, 9u);
  EXPECT_EQ(stats->rejected, 1u);
  EXPECT_EQ(stats->kept, 8u);
  EXPECT_EQ(stats->kept + stats->removed + stats->rejected, stats->read);
  EXPECT_EQ(stats->cuts[0], 1u);       // the body captured twice
  EXPECT_EQ(stats->cuts[1], 1u);       // the caption
  EXPECT_EQ(stats->cuts[2], 8u * 3);   // three navigation lines per page
  EXPECT_EQ(stats->boilerplate_lines, 3u);

  const auto out = Lines(ReadAll(dir_ / "out" / "c.jsonl"));
  const auto in = Lines(crawl);
  ASSERT_EQ(out.size(), 8u);
  for (int i = 0; i < 8; ++i) {
    const std::string& original = in[i < 5 ? i : i + 1];
    // Only the text value changed: the bytes before and after it are equal.
    const size_t text_at = original.find("\"text\":") + 7;
    EXPECT_EQ(out[i].substr(0, text_at), original.substr(0, text_at));
    EXPECT_EQ(out[i].substr(out[i].size() - 13), ",\"lang\":\"en\"}");
    EXPECT_EQ(out[i].substr(text_at, out[i].size() - 13 - text_at),
              Json(articles[i].clean))
        << i;
  }
  // edits.jsonl: byte offsets into the original text, with the source.
  const auto edits = Lines(ReadAll(dir_ / "out" / "edits.jsonl"));
  ASSERT_EQ(edits.size(), 26u);
  bool saw_block = false;
  for (const std::string& e : edits) {
    if (e.find("\"repeated_block\"") == std::string::npos) continue;
    saw_block = true;
    EXPECT_NE(e.find("\"id\":\"a0\""), std::string::npos);
    EXPECT_NE(e.find("\"source_id\":\"a0\""), std::string::npos);
    const std::string& t = articles[0].text;
    const size_t body_at = t.find("The ");
    const size_t second = t.find(t.substr(body_at, 60), body_at + 1);
    EXPECT_NE(e.find("\"start\":" + std::to_string(second) + ","), std::string::npos) << e;
    EXPECT_NE(e.find("\"source_start\":" + std::to_string(body_at) + "}"), std::string::npos) << e;
  }
  EXPECT_TRUE(saw_block);
  // The boilerplate lines, most frequent first, with their site.
  const auto counts = Lines(ReadAll(dir_ / "out" / "line_counts.jsonl"));
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_NE(counts[0].find("\"docs\":8,\"site\":\"news.example\""), std::string::npos);
  EXPECT_EQ(Lines(ReadAll(dir_ / "out" / "rejected.jsonl")).size(), 1u);
}

TEST_F(CleanTest, SameOutputForAnyThreadCountAndSavedCounts) {
  std::vector<Article> articles;
  WriteFile(dir_ / "c.jsonl", MakeCrawl(&articles));
  auto inputs = PlanInputs({(dir_ / "c.jsonl").string()});
  ASSERT_OK(inputs);
  ASSERT_OK(RunClean(*inputs, (dir_ / "one").string(), {.threads = 1}));
  ASSERT_OK(RunClean(*inputs, (dir_ / "two").string(), {.threads = 2}));
  for (const char* f : {"c.jsonl", "edits.jsonl", "line_counts.jsonl", "line_counts.bin"}) {
    EXPECT_EQ(ReadAll(dir_ / "one" / f), ReadAll(dir_ / "two" / f)) << f;
  }
  // Reusing the saved counts gives the same result in one pass.
  CleanOptions reuse;
  reuse.line_counts_file = (dir_ / "one" / "line_counts.bin").string();
  ASSERT_OK(RunClean(*inputs, (dir_ / "three").string(), reuse));
  EXPECT_EQ(ReadAll(dir_ / "one" / "c.jsonl"), ReadAll(dir_ / "three" / "c.jsonl"));
  EXPECT_EQ(Lines(ReadAll(dir_ / "three" / "rejected.jsonl")).size(), 1u);
  // A corrupted count file is a clear error naming it.
  std::string bin = ReadAll(dir_ / "one" / "line_counts.bin");
  bin[bin.size() / 2] ^= 1;
  WriteFile(dir_ / "bad.bin", bin);
  reuse.line_counts_file = (dir_ / "bad.bin").string();
  auto bad = RunClean(*inputs, (dir_ / "four").string(), reuse);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(bad.status().message().find("bad.bin"), std::string::npos);
}

TEST_F(CleanTest, AnnotateAndSignalsOnlyChangeNothing) {
  std::vector<Article> articles;
  const std::string crawl = MakeCrawl(&articles);
  WriteFile(dir_ / "c.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "c.jsonl").string()});
  ASSERT_OK(inputs);
  std::string expected;
  for (const auto& line : Lines(crawl)) {
    if (line.find("\"bad\"") == std::string::npos) expected += line + "\n";
  }
  ASSERT_OK(RunClean(*inputs, (dir_ / "a").string(), {.annotate = true}));
  EXPECT_EQ(ReadAll(dir_ / "a" / "c.jsonl"), expected);
  EXPECT_EQ(Lines(ReadAll(dir_ / "a" / "edits.jsonl")).size(), 26u);
  ASSERT_OK(RunClean(*inputs, (dir_ / "s").string(), {.signals_only = true}));
  EXPECT_EQ(ReadAll(dir_ / "s" / "c.jsonl"), expected);
  const auto signals = Lines(ReadAll(dir_ / "s" / "signals.jsonl"));
  ASSERT_EQ(signals.size(), 8u);
  // Article 0 repeats its body: over the duplicate-line threshold.
  EXPECT_NE(signals[0].find("\"exceeds\":\"dup_line_fraction\""), std::string::npos) << signals[0];
  EXPECT_NE(signals[2].find("\"exceeds\":null"), std::string::npos) << signals[2];
}

TEST_F(CleanTest, GopherFilterAndEmptyAfterClean) {
  Rng rng(9);
  const std::string line = "Subscribe to our newsletter today for updates\n";
  std::string spam;
  for (int i = 0; i < 40; ++i) spam += "buy cheap now buy cheap now " + test::Word(i) + "\n";
  std::string crawl;
  crawl += "{\"id\":\"nav1\",\"text\":" + Json(line) + "}\n";
  crawl += "{\"id\":\"nav2\",\"text\":" + Json(line) + "}\n";
  crawl += "{\"id\":\"nav3\",\"text\":" + Json(line) + "}\n";
  crawl += "{\"id\":\"spam\",\"text\":" + Json(spam) + "}\n";
  crawl += "{\"id\":\"ok\",\"text\":" + Json(Sentence(rng) + "\n" + line) + "}\n";
  crawl += "{\"id\":\"empty\",\"text\":\"\"}\n";
  WriteFile(dir_ / "g.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "g.jsonl").string()});
  ASSERT_OK(inputs);
  auto stats = RunClean(*inputs, (dir_ / "out").string(), {.gopher_filter = true});
  ASSERT_OK(stats);
  EXPECT_EQ(stats->read, 6u);
  EXPECT_EQ(stats->removed_empty, 3u);  // nothing but boilerplate left
  EXPECT_EQ(stats->removed_gopher, 1u);
  EXPECT_EQ(stats->kept, 2u);  // "ok" and the already empty document
  const auto removed = Lines(ReadAll(dir_ / "out" / "removed.jsonl"));
  ASSERT_EQ(removed.size(), 4u);
  EXPECT_NE(removed[0].find("\"reason\":\"empty_after_clean\""), std::string::npos);
  EXPECT_NE(removed[3].find("\"id\":\"spam\""), std::string::npos);
  EXPECT_NE(removed[3].find("\"reason\":\"gopher:"), std::string::npos);
  // One line of signals per document read.
  EXPECT_EQ(Lines(ReadAll(dir_ / "out" / "signals.jsonl")).size(), 6u);
}

std::string WarcRecord(const std::string& type, const std::string& id,
                       const std::string& block) {
  return "WARC/1.0\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: <urn:uuid:" + id +
         ">\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n" +
         block + "\r\n\r\n";
}

TEST_F(CleanTest, WarcConversionAndTextFilesAreRewritten) {
  Rng rng(10);
  const std::string body = Sentence(rng) + "\n" + Sentence(rng) + "\n";
  const std::string doubled = body + body;
  const std::string info = WarcRecord("warcinfo", "0", "software: test\r\n");
  WriteFile(dir_ / "p.warc.wet", info + WarcRecord("conversion", "1", doubled));
  WriteFile(dir_ / "t.txt", doubled);
  auto inputs = PlanInputs({(dir_ / "p.warc.wet").string(), (dir_ / "t.txt").string()});
  ASSERT_OK(inputs);
  auto stats = RunClean(*inputs, (dir_ / "out").string(), {.boilerplate = false});
  ASSERT_OK(stats);
  EXPECT_EQ(stats->edited, 2u);
  EXPECT_EQ(ReadAll(dir_ / "out" / "p.warc.wet"),
            info + WarcRecord("conversion", "1", body));
  EXPECT_EQ(ReadAll(dir_ / "out" / "t.txt"), body);
}

TEST_F(CleanTest, SyndicatedParagraphsAreCutFromLaterDocuments) {
  Rng rng(11);
  std::string wire;
  for (int i = 0; i < 30; ++i) wire += test::Word(rng.Uniform(1 << 20)) + " ";
  const std::string a = Sentence(rng) + "\n" + wire + "\n";
  const std::string b = Sentence(rng) + "\n" + wire + "\n";
  WriteFile(dir_ / "s.jsonl", "{\"id\":\"a\",\"text\":" + Json(a) + "}\n{\"id\":\"b\",\"text\":" +
                                  Json(b) + "}\n");
  auto inputs = PlanInputs({(dir_ / "s.jsonl").string()});
  ASSERT_OK(inputs);
  CleanOptions options;
  options.syndicated = true;
  options.syndication.bloom_bytes = 1 << 16;
  auto stats = RunClean(*inputs, (dir_ / "out").string(), options);
  ASSERT_OK(stats);
  EXPECT_EQ(stats->cuts[3], 1u);
  const auto edits = Lines(ReadAll(dir_ / "out" / "edits.jsonl"));
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_NE(edits[0].find("\"id\":\"b\""), std::string::npos);
  EXPECT_NE(edits[0].find("\"reason\":\"syndicated\",\"source_id\":null"), std::string::npos);
  // Without the option nothing is cut.
  auto plain = RunClean(*inputs, (dir_ / "plain").string(), {});
  ASSERT_OK(plain);
  EXPECT_EQ(plain->cuts[3], 0u);
}

TEST_F(CleanTest, TruncatedDocumentIsCleanedInItsFirstPartAndKeepsTheRest) {
  Rng rng(12);
  std::string body;
  for (int p = 0; p < 4; ++p) body += Sentence(rng) + "\n";
  std::string tail;
  for (int p = 0; p < 40; ++p) tail += Sentence(rng) + "\n";
  // The body captured twice, then a long tail beyond the size limit.
  const std::string text = body + body + tail;
  WriteFile(dir_ / "t.jsonl", "{\"id\":\"t\",\"text\":" + Json(text) + "}\n");
  auto inputs = PlanInputs({(dir_ / "t.jsonl").string()});
  ASSERT_OK(inputs);
  for (const int threads : {1, 2}) {
    CleanOptions options{.boilerplate = false};
    options.threads = threads;
    options.reader.max_document_bytes = 2 * body.size() + 100;
    options.reader.oversize = Oversize::kTruncate;
    const fs::path out = dir_ / ("out" + std::to_string(threads));
    auto stats = RunClean(*inputs, out.string(), options);
    ASSERT_OK(stats);
    EXPECT_EQ(stats->truncated, 1u);
    EXPECT_EQ(stats->edited, 1u);
    EXPECT_EQ(ReadAll(out / "t.jsonl"),
              "{\"id\":\"t\",\"text\":" + Json(body + tail) + "}\n");
  }
}

}  // namespace
}  // namespace neardup
