// End-to-end tests of the clean job on crawls the tests generate: pages of
// sites with navigation lines, articles whose body was captured twice, a
// caption printed twice; every cut listed, other fields byte for byte, the
// accounting, annotate / signals-only / Gopher filter, saved line counts,
// WARC conversion records and text files.

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/pipeline.h"
#include "pipeline/spill.h"
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
  // Each boilerplate cut gives its evidence: documents and families of the
  // site carrying the line, and the first of them.
  size_t boilerplate_edits = 0;
  for (const std::string& e : edits) {
    if (e.find("\"boilerplate\"") == std::string::npos) continue;
    ++boilerplate_edits;
    EXPECT_NE(e.find("\"site\":\"news.example\",\"docs\":8,\"families\":8,"
                     "\"first_id\":\"a0\"}"),
              std::string::npos)
        << e;
  }
  EXPECT_EQ(boilerplate_edits, 24u);
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

// The line counts' raw entries spilled as runs past a budget (here every
// document's, a budget of one byte) give the outputs of counting in memory,
// for one and two threads; the spill file is gone afterwards and
// stats.json says how much went to it.
TEST_F(CleanTest, LineCountsSpilledGiveTheSameOutputs) {
  std::vector<Article> articles;
  WriteFile(dir_ / "c.jsonl", MakeCrawl(&articles));
  auto inputs = PlanInputs({(dir_ / "c.jsonl").string()});
  ASSERT_OK(inputs);
  auto held = RunClean(*inputs, (dir_ / "held").string(), {.threads = 1});
  ASSERT_OK(held);
  EXPECT_EQ(held->spilled_bytes, 0u);
  EXPECT_GT(held->boilerplate_lines, 0u);
  EXPECT_EQ(ReadAll(dir_ / "held" / "stats.json").find("spilled_bytes"),
            std::string::npos);
  struct OneByteBudget {  // restored however the test ends
    OneByteBudget() { internal::line_budget_bytes_for_testing = 1; }
    ~OneByteBudget() { internal::line_budget_bytes_for_testing = 0; }
  } budget;
  for (int threads : {1, 2}) {
    const fs::path out = dir_ / ("spilled" + std::to_string(threads));
    auto spilled = RunClean(*inputs, out.string(), {.threads = threads});
    ASSERT_OK(spilled);
    EXPECT_GT(spilled->spilled_bytes, 0u);
    EXPECT_NE(ReadAll(out / "stats.json").find("\"spilled_bytes\":"),
              std::string::npos);
    for (const char* f : {"c.jsonl", "edits.jsonl", "line_counts.jsonl",
                          "line_counts.bin", "rejected.jsonl"}) {
      EXPECT_EQ(ReadAll(out / f), ReadAll(dir_ / "held" / f)) << f;
    }
    for (const auto& e : fs::directory_iterator(out)) {
      EXPECT_EQ(e.path().filename().string().rfind(".neardup", 0),
                std::string::npos)
          << e.path();
    }
  }
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
  // One site (without urls the evidence for boilerplate must be stronger
  // than four documents).
  std::string crawl;
  auto record = [&crawl](const std::string& id, const std::string& text) {
    crawl += "{\"id\":\"" + id + "\",\"url\":\"https://site.example/" + id +
             "\",\"text\":" + Json(text) + "}\n";
  };
  record("nav1", line);
  record("nav2", line);
  record("nav3", line);
  record("spam", spam);
  record("ok", Sentence(rng) + "\n" + line);
  record("empty", "");
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

// An HTML response record cannot be cut line by line: as-input output
// keeps it as read (counted in not_rewritten, not in edited); text JSONL
// output writes every WARC document's cleaned text as {id, url, date,
// text} and leaves out the records that are not documents.
TEST_F(CleanTest, WarcResponsesAreWrittenAsReadOrAsCleanedTextJsonl) {
  Rng rng(14);
  const std::string p1 = Sentence(rng), p2 = Sentence(rng);
  const std::string html = "<html><body><p>" + p1 + "</p><p>" + p2 + "</p><p>" + p1 +
                           "</p><p>" + p2 + "</p></body></html>";
  const std::string http =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html;
  const std::string body = Sentence(rng) + "\n" + Sentence(rng) + "\n";
  auto record = [](const std::string& type, const std::string& id,
                   const std::string& block) {
    return "WARC/1.0\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: <urn:uuid:" + id +
           ">\r\nWARC-Target-URI: https://a.example/" + id +
           "\r\nWARC-Date: 2026-01-02T03:04:05Z\r\nContent-Length: " +
           std::to_string(block.size()) + "\r\n\r\n" + block + "\r\n\r\n";
  };
  const std::string warc = WarcRecord("warcinfo", "0", "software: test\r\n") +
                           record("response", "1", http) +
                           record("conversion", "2", body + body);
  WriteFile(dir_ / "crawl.warc", warc);
  auto inputs = PlanInputs({(dir_ / "crawl.warc").string()});
  ASSERT_OK(inputs);
  auto as_input = RunClean(*inputs, (dir_ / "as").string(), {.boilerplate = false});
  ASSERT_OK(as_input);
  EXPECT_EQ(as_input->not_rewritten, 1u);
  EXPECT_EQ(as_input->edited, 1u);
  const std::string out = ReadAll(dir_ / "as" / "crawl.warc");
  EXPECT_NE(out.find(html), std::string::npos);  // the response as read
  EXPECT_EQ(Lines(ReadAll(dir_ / "as" / "edits.jsonl")).size(), 2u);

  CleanOptions options{.boilerplate = false};
  options.output_format = OutputFormat::kTextJsonl;
  auto jsonl = RunClean(*inputs, (dir_ / "js").string(), options);
  ASSERT_OK(jsonl);
  EXPECT_EQ(jsonl->not_rewritten, 0u);
  EXPECT_EQ(jsonl->edited, 2u);
  EXPECT_FALSE(fs::exists(dir_ / "js" / "crawl.warc"));
  const auto lines = Lines(ReadAll(dir_ / "js" / "crawl.warc.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "{\"id\":\"<urn:uuid:1>\",\"url\":\"https://a.example/1\","
                      "\"date\":\"2026-01-02T03:04:05Z\",\"text\":" +
                          Json(p1 + "\n\n" + p2 + "\n") + "}");
  EXPECT_EQ(lines[1], "{\"id\":\"<urn:uuid:2>\",\"url\":\"https://a.example/2\","
                      "\"date\":\"2026-01-02T03:04:05Z\",\"text\":" + Json(body) + "}");
  EXPECT_EQ(jsonl->files[0].output, "crawl.warc.jsonl");
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

// Regression: the syndicated cuts of earlier documents were applied again
// to every later one, cutting unrelated documents at another's offsets.
TEST_F(CleanTest, SyndicatedCutsStayInTheirOwnDocument) {
  Rng rng(13);
  auto paragraph = [&] {
    std::string p;
    for (int i = 0; i < 30; ++i) p += test::Word(rng.Uniform(1 << 20)) + " ";
    return p + "end.\n";
  };
  const std::string a = paragraph() + paragraph() + paragraph();
  const std::string c = paragraph() + paragraph();
  const std::string d = paragraph() + paragraph() + paragraph() + paragraph();
  const std::string e_par = a.substr(a.find('\n') + 1);
  const std::string e_own = paragraph();
  const std::string e = e_own + e_par.substr(0, e_par.find('\n') + 1);
  std::string crawl;
  for (const auto& [id, text] : std::vector<std::pair<std::string, std::string>>{
           {"A", a}, {"B", a}, {"C", c}, {"D", d}, {"E", e}}) {
    crawl += "{\"id\":\"" + id + "\",\"text\":" + Json(text) + "}\n";
  }
  WriteFile(dir_ / "s.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "s.jsonl").string()});
  ASSERT_OK(inputs);
  CleanOptions options{.boilerplate = false, .syndicated = true};
  options.syndication.bloom_bytes = 1 << 20;
  auto stats = RunClean(*inputs, (dir_ / "out").string(), options);
  ASSERT_OK(stats);
  const auto kept = Lines(ReadAll(dir_ / "out" / "s.jsonl"));
  // B loses all its text; C and D are untouched; E keeps its own paragraph.
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept[0], "{\"id\":\"A\",\"text\":" + Json(a) + "}");
  EXPECT_EQ(kept[1], "{\"id\":\"C\",\"text\":" + Json(c) + "}");
  EXPECT_EQ(kept[2], "{\"id\":\"D\",\"text\":" + Json(d) + "}");
  EXPECT_EQ(kept[3], "{\"id\":\"E\",\"text\":" + Json(e_own) + "}");
  EXPECT_EQ(stats->removed_empty, 1u);
  EXPECT_EQ(stats->cuts[3], 1u);
  EXPECT_LE(stats->cut_bytes, stats->text_bytes);
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


// ---------------------------------------------------------------------------
// Property: over generated collections (copies, excerpts, pages with
// repeated bodies and navigation, unrelated documents) and every clean
// option, each edit lies in its own document's text, edits of one
// document are sorted and disjoint, the rewritten text is the original
// without the edits, and the text at each span is text its rule matched.

struct Doc {
  std::string id, url, text;
};

std::vector<std::string> NormalizedWords(std::string_view text) {
  std::vector<std::string> words;
  const std::string n = Normalize(text);
  size_t at = 0;
  while (at < n.size()) {
    size_t end = n.find(' ', at);
    if (end == std::string::npos) end = n.size();
    if (end > at) words.push_back(n.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

std::unordered_set<std::string> Grams(std::string_view text, size_t n) {
  std::unordered_set<std::string> grams;
  for (const TextSpan& line : SplitLines(text)) {
    const auto w = NormalizedWords(line.In(text));
    for (size_t i = 0; i + n <= w.size(); ++i) {
      std::string g;
      for (size_t k = 0; k < n; ++k) g += w[i + k] + " ";
      grams.insert(g);
    }
  }
  return grams;
}

double Contained(std::string_view piece, size_t n,
                 const std::unordered_set<std::string>& reference) {
  const auto grams = Grams(piece, n);
  if (grams.empty()) return 0;
  size_t in = 0;
  for (const auto& g : grams) in += reference.count(g);
  return static_cast<double>(in) / grams.size();
}

std::vector<Doc> MakeCollection(uint64_t seed) {
  Rng rng(seed);
  const std::vector<std::string> sites = {"https://a.example/", "https://b.example/", ""};
  std::vector<Doc> docs;
  for (int i = 0; i < 40; ++i) {
    Doc d{"d" + std::to_string(i), sites[rng.Uniform(3)], ""};
    if (!d.url.empty()) d.url += std::to_string(i);
    const uint64_t kind = docs.empty() ? 0 : rng.Uniform(7);
    std::string body;
    for (int p = 0, n = 2 + rng.Uniform(4); p < n; ++p) {
      body += Sentence(rng) + " " + Sentence(rng) + "\n";
    }
    const std::string nav = "Home | Sections | Sign in\nMost read today\n";
    const Doc& earlier = docs.empty() ? d : docs[rng.Uniform(docs.size())];
    switch (kind) {
      case 0: d.text = body; break;                                   // unrelated
      case 1: d.text = earlier.text; break;                           // copy
      case 2: {                                                       // excerpt
        const auto lines = SplitLines(earlier.text);
        d.text = body + std::string(lines[rng.Uniform(lines.size())].In(earlier.text));
        break;
      }
      case 3: d.text = nav + body + body + "Share this story\n"; break;  // captured twice
      case 6: {  // captured twice, from a version with words changed
        std::string edited;
        for (const TextSpan& l : SplitLines(body)) {
          std::string line(l.In(body));
          for (int w = 0; w < 3; ++w) {
            size_t at = 0;
            for (uint64_t k = 1 + rng.Uniform(20); k > 0; --k) at = line.find(' ', at) + 1;
            line.insert(at, "changed" + test::Word(rng.Uniform(1000)) + " ");
          }
          edited += line + "\n";
        }
        d.text = nav + body + edited;
        break;
      }
      case 4: {                                                       // caption twice
        const std::string caption = "Photo: " + Sentence(rng) + "\n";
        d.text = nav + caption + caption + body;
        break;
      }
      default: d.text = nav + body; break;
    }
    docs.push_back(std::move(d));
  }
  return docs;
}

struct Edit {
  std::string id, reason;
  size_t start = 0, end = 0;
  std::string first_id;  // boilerplate: the first document carrying it
  size_t docs = 0;       // boilerplate: documents of the site carrying it
};

uint64_t FieldNumber(const std::string& line, const std::string& key) {
  const size_t at = line.find("\"" + key + "\":");
  return at == std::string::npos ? 0 : std::stoull(line.substr(at + key.size() + 3));
}

std::string FieldString(const std::string& line, const std::string& key) {
  const size_t at = line.find("\"" + key + "\":\"");
  if (at == std::string::npos) return "";
  const size_t begin = at + key.size() + 4;
  return line.substr(begin, line.find('"', begin) - begin);
}

TEST_F(CleanTest, EveryEditLiesInItsOwnDocumentAndIsWhatItsRuleMatched) {
  std::vector<std::pair<std::string, CleanOptions>> settings;
  settings.push_back({"defaults", {}});
  settings.push_back({"syndicated", {.syndicated = true}});
  settings.push_back({"syndicated_only", {.repeats = false, .boilerplate = false, .syndicated = true}});
  settings.push_back({"no_boilerplate", {.boilerplate = false}});
  {
    CleanOptions o{.syndicated = true, .gopher_filter = true};
    o.boilerplate_options.min_docs = 2;
    o.repeat_options.near_similarity = 0.6;
    settings.push_back({"loose", o});
  }
  {
    CleanOptions o{.syndicated = true, .annotate = true};
    o.repeat_options.near_similarity = 1.0;
    o.repeat_options.repeats_inside_lines = false;
    settings.push_back({"annotate_exact", o});
  }
  size_t checked = 0;
  size_t edited_blocks = 0;  // blocks with a line below near_similarity
  for (const uint64_t seed : {21, 22, 23}) {
    const std::vector<Doc> docs = MakeCollection(seed);
    std::string crawl;
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < docs.size(); ++i) {
      index[docs[i].id] = i;
      crawl += "{\"id\":\"" + docs[i].id + "\"";
      if (!docs[i].url.empty()) crawl += ",\"url\":\"" + docs[i].url + "\"";
      crawl += ",\"text\":" + Json(docs[i].text) + "}\n";
    }
    const fs::path in = dir_ / ("c" + std::to_string(seed) + ".jsonl");
    WriteFile(in, crawl);
    auto inputs = PlanInputs({in.string()});
    ASSERT_OK(inputs);
    for (auto [name, options] : settings) {
      SCOPED_TRACE(name + " seed " + std::to_string(seed));
      options.syndication.bloom_bytes = 1 << 22;  // no false positives here
      const fs::path out = dir_ / (name + std::to_string(seed));
      auto stats = RunClean(*inputs, out.string(), options);
      ASSERT_OK(stats);
      EXPECT_LE(stats->cut_bytes, stats->text_bytes);
      std::map<std::string, std::vector<Edit>> edits;
      for (const std::string& line : Lines(ReadAll(out / "edits.jsonl"))) {
        Edit e{FieldString(line, "id"), FieldString(line, "reason"),
               FieldNumber(line, "start"), FieldNumber(line, "end"),
               FieldString(line, "first_id"), FieldNumber(line, "docs")};
        ASSERT_TRUE(index.count(e.id)) << line;
        edits[e.id].push_back(e);
      }
      // The 5-grams of every document before the one being checked.
      std::unordered_set<std::string> earlier5;
      std::map<std::string, std::string> kept_text;
      for (const std::string& line : Lines(ReadAll(out / in.filename()))) {
        kept_text[FieldString(line, "id")] = line;
      }
      // Keyed-line indices of the boilerplate cuts of documents without url.
      std::map<std::string, std::vector<size_t>> boilerplate_at;
      for (const Doc& d : docs) {
        const std::string& text = d.text;
        std::vector<Cut> cuts;
        size_t previous_end = 0;
        for (const Edit& e : edits[d.id]) {
          SCOPED_TRACE(d.id + " " + e.reason + " [" + std::to_string(e.start) +
                       "," + std::to_string(e.end) + ")");
          ASSERT_LT(e.start, e.end);
          ASSERT_LE(e.end, text.size());
          ASSERT_GE(e.start, previous_end);
          previous_end = e.end;
          cuts.push_back({e.start, e.end});
          const std::string_view span = std::string_view(text).substr(e.start, e.end - e.start);
          const std::string_view before = std::string_view(text).substr(0, e.start);
          ++checked;
          if (e.reason == "syndicated") {
            EXPECT_GE(Contained(span, 5, earlier5), options.syndication.threshold);
          } else if (e.reason == "boilerplate") {
            // BoilerplateOptions: the line recurs in documents of its site
            // (without a url: of the documents without one), at least
            // min_docs - 1 (and 2) of them, or 2 x min_docs without a url
            // (families are never more than documents); with a url, a line
            // of two words or more stands next to a line it stands next to
            // on another page of the site; without a url, it is in the run
            // of boilerplate cuts that starts or ends its document.
            std::string_view l = span;
            while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.remove_suffix(1);
            const std::string key = Normalize(l);
            const uint32_t min_docs = std::max(options.boilerplate_options.min_docs, 2u);
            auto keys_of = [](const std::string& text) {
              std::vector<std::string> keys;
              for (const TextSpan& ol : SplitLines(text)) {
                std::string k = Normalize(ol.In(text));
                if (!k.empty()) keys.push_back(std::move(k));
              }
              return keys;
            };
            const std::vector<std::string> mine = keys_of(text);
            size_t at = 0;  // this line among the document's keyed lines
            for (const TextSpan& ol : SplitLines(text)) {
              if (ol.begin >= e.start) break;
              at += !Normalize(ol.In(text)).empty();
            }
            ASSERT_LT(at, mine.size());
            ASSERT_EQ(mine[at], key);
            size_t carriers = 0, neighbours = 0;
            std::string first_carrier;
            for (const Doc& other : docs) {
              if (UrlHost(other.url) != UrlHost(d.url)) continue;
              const std::vector<std::string> theirs = keys_of(other.text);
              if (std::find(theirs.begin(), theirs.end(), key) == theirs.end()) continue;
              ++carriers;
              if (first_carrier.empty()) first_carrier = other.id;
              if (&other == &d) continue;
              for (size_t k = 0; k + 1 < theirs.size(); ++k) {
                if ((at > 0 && theirs[k] == mine[at - 1] && theirs[k + 1] == key) ||
                    (at + 1 < mine.size() && theirs[k] == key &&
                     theirs[k + 1] == mine[at + 1])) {
                  ++neighbours;
                  break;
                }
              }
            }
            EXPECT_LE(key.size(), options.boilerplate_options.max_line_bytes);
            // The evidence in edits.jsonl: documents (near-duplicates not
            // counted) and the first carrier of the site.
            EXPECT_LE(e.docs, carriers) << key;
            EXPECT_EQ(e.first_id, first_carrier) << key;
            if (!d.url.empty()) {
              EXPECT_GE(carriers, std::max(min_docs - 1, 2u)) << key;
              // (a one-word line, or the last line, may stand alone)
              if (NormalizedWords(l).size() >= 2 && at + 1 < mine.size()) {
                EXPECT_GE(neighbours, 1u) << key;
              }
            } else {
              EXPECT_GE(carriers, 2 * min_docs) << key;
              boilerplate_at[d.id].push_back(at);
            }
          } else if (e.reason == "repeated_line") {
            // One line (or span) that repeats an earlier one on its own.
            const auto reference = Grams(before, 3);
            const std::string before_normalized = Normalize(before);
            for (const TextSpan& piece : SplitLines(span)) {
              const std::string_view p = piece.In(span);
              if (NormalizedWords(p).size() >= 3) {
                EXPECT_GE(Contained(p, 3, reference),
                          options.repeat_options.near_similarity - 1e-9) << p;
              } else if (!Normalize(p).empty()) {
                EXPECT_NE(before_normalized.find(Normalize(p)), std::string::npos) << p;
              }
            }
          } else {
            // A run of lines that repeats an earlier run, maybe from an
            // edited version (RepeatOptions::block_similarity): each line's
            // similarity to its source is at most the containment of its
            // word sets (3-grams from 8 words on, else words) in the text
            // before the run; lines below the line threshold (aligned with
            // nothing) never come two in a row, and the byte-weighted mean
            // reaches the block threshold.
            ASSERT_EQ(e.reason, "repeated_block");
            const auto reference3 = Grams(before, 3);
            const auto reference1 = Grams(before, 1);
            const std::string before_normalized = Normalize(before);
            const auto& r = options.repeat_options;
            const bool aligned_runs = r.near_similarity < 1 && r.block_similarity < 1;
            const double line_threshold =
                aligned_runs ? std::min(r.block_similarity, r.near_similarity)
                             : r.near_similarity;
            double weighted = 0, total = 0;
            int below_in_a_row = 0;
            for (const TextSpan& piece : SplitLines(span)) {
              const std::string_view p = piece.In(span);
              const std::string normalized = Normalize(p);
              if (normalized.empty()) continue;
              const size_t words = NormalizedWords(p).size();
              const double sim =
                  before_normalized.find(normalized) != std::string::npos ? 1.0
                  : words >= 8 ? Contained(p, 3, reference3)
                               : Contained(p, 1, reference1);
              weighted += sim * normalized.size();
              total += normalized.size();
              below_in_a_row = sim < line_threshold - 1e-9 ? below_in_a_row + 1 : 0;
              edited_blocks += sim < r.near_similarity - 1e-9;
              EXPECT_LE(below_in_a_row, aligned_runs ? 1 : 0) << p;
            }
            EXPECT_GE(weighted, line_threshold * total - 1e-6) << span;
          }
        }
        // Without a url, boilerplate is the header or footer run: the cut
        // lines are a prefix and a suffix of the document's lines.
        if (!boilerplate_at[d.id].empty()) {
          size_t lines = 0;
          for (const TextSpan& ol : SplitLines(text)) {
            lines += !Normalize(ol.In(text)).empty();
          }
          const std::vector<size_t>& at = boilerplate_at[d.id];
          size_t head = 0;
          while (head < at.size() && at[head] == head) ++head;
          for (size_t k = head; k < at.size(); ++k) {
            EXPECT_EQ(at[k], lines - (at.size() - k)) << d.id;
          }
        }
        // What was written is the original without the edits.
        if (kept_text.count(d.id) && !options.annotate) {
          EXPECT_EQ(kept_text[d.id], "{\"id\":\"" + d.id + "\"" +
                                         (d.url.empty() ? "" : ",\"url\":\"" + d.url + "\"") +
                                         ",\"text\":" + Json(*ApplyCuts(text, cuts)) + "}");
        }
        const auto grams = Grams(text, 5);
        earlier5.insert(grams.begin(), grams.end());
      }
    }
  }
  EXPECT_GT(checked, 300u);
  EXPECT_GT(edited_blocks, 0u);  // the edited captures were checked
}

}  // namespace
}  // namespace neardup
