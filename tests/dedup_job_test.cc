// End-to-end tests of the dedup job on crawls the tests generate: the
// accounting, byte-for-byte pass-through of kept records, identical output
// for any thread count, the known duplicate pairs, keep policies, methods,
// dry runs, compressed, WARC and folder inputs, and refusals before work.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/io.h"
#include "neardup/pipeline.h"
#include "pipeline/packed_signatures.h"
#include "pipeline/spill.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

namespace fs = std::filesystem;
using test::Lines;
using test::Rng;
using test::WriteFile;
constexpr auto ReadAll = test::ReadFile;

// Returns the value of a top-level string or number field of a one-line
// JSON object written by neardup (no nesting in the fields we read).
std::string Field(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const size_t at = json.find(needle);
  if (at == std::string::npos) return "";
  size_t begin = at + needle.size();
  if (json[begin] == '"') {
    const size_t end = json.find('"', begin + 1);
    return json.substr(begin + 1, end - begin - 1);
  }
  size_t end = json.find_first_of(",}", begin);
  return json.substr(begin, end - begin);
}

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::string RandomDocument(Rng& rng, int words) {
  std::string text;
  for (int i = 0; i < words; ++i) {
    if (i > 0) text += (i % 60 == 0) ? "\n\n" : " ";
    text += test::Word(rng.Uniform(20000));
  }
  return text;
}

// Replaces `edits` random words of a document.
std::string Edit(Rng& rng, const std::string& text, int edits) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) words.push_back(w);
  for (int e = 0; e < edits; ++e) {
    words[rng.Uniform(words.size())] = "edit" + test::Word(rng.Uniform(1 << 30));
  }
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

class DedupTest : public ::testing::Test {
 protected:

  // A crawl of `originals` documents, each followed later by copies: one
  // exact, one with 2 of 400 words edited (Jaccard about 0.95), one with 60
  // edited (far below 0.8), plus extra fields that must survive, and bad
  // lines of three kinds.
  std::string MakeCrawl(int originals, std::map<std::string, std::string>* source) {
    Rng rng(7);
    std::vector<std::string> lines;
    std::vector<std::string> texts;
    for (int i = 0; i < originals; ++i) texts.push_back(RandomDocument(rng, 400));
    int id = 0;
    auto add = [&](const std::string& text, const std::string& src) {
      const std::string name = "r" + std::to_string(id++);
      lines.push_back("{\"id\":\"" + name + "\",\"meta\":{\"n\":[1,2,{\"x\":null}]},\"text\":" +
                      Json(text) + ",\"score\":" + std::to_string(id % 7) + "}");
      if (!src.empty()) (*source)[name] = src;
      return name;
    };
    std::vector<std::string> names;
    for (int i = 0; i < originals; ++i) names.push_back(add(texts[i], ""));
    for (int i = 0; i < originals; ++i) {
      add(texts[i], names[i]);
      add(Edit(rng, texts[i], 2), names[i]);
      add(Edit(rng, texts[i], 60), "");  // not a duplicate at 0.8
    }
    lines.insert(lines.begin() + 3, "{\"id\": \"broken\", \"text\": ");
    lines.insert(lines.begin() + 7, "{\"id\":\"no-text\",\"body\":\"x\"}");
    lines.insert(lines.begin() + 9, "{\"id\":\"number\",\"text\":42}");
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

  test::ScratchDir scratch_;
  const fs::path dir_ = scratch_.path();
};

TEST_F(DedupTest, AccountsForEveryRecordAndRemovesTheKnownCopies) {
  std::map<std::string, std::string> source;
  const std::string crawl = MakeCrawl(30, &source);
  WriteFile(dir_ / "crawl.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "crawl.jsonl").string()});
  ASSERT_OK(inputs);
  auto stats = RunDedup(*inputs, (dir_ / "out").string(), {.threads = 2});
  ASSERT_OK(stats);
  EXPECT_EQ(stats->read, 30u * 4 + 3);
  EXPECT_EQ(stats->rejected, 3u);
  EXPECT_EQ(stats->removed, 60u);
  EXPECT_EQ(stats->kept + stats->removed + stats->rejected, stats->read);
  EXPECT_EQ(stats->clusters, 30u);
  ASSERT_EQ(stats->files.size(), 1u);
  EXPECT_EQ(stats->files[0].kept, stats->kept);

  // removed.jsonl: exactly the known copies, each pointing at its source.
  const auto removed = Lines(ReadAll(dir_ / "out" / "removed.jsonl"));
  ASSERT_EQ(removed.size(), 60u);
  for (const std::string& line : removed) {
    const std::string id = Field(line, "id");
    ASSERT_TRUE(source.count(id)) << line;
    EXPECT_EQ(Field(line, "kept_id"), source[id]) << line;
    EXPECT_EQ(Field(line, "reason"), "near_duplicate");
    EXPECT_EQ(Field(line, "file"), (dir_ / "crawl.jsonl").string());
    EXPECT_GE(std::stod(Field(line, "similarity")), 0.8) << line;
  }
  // rejected.jsonl names file, 1-based line and reason.
  const auto rejected = Lines(ReadAll(dir_ / "out" / "rejected.jsonl"));
  ASSERT_EQ(rejected.size(), 3u);
  EXPECT_EQ(Field(rejected[0], "line"), "4");
  EXPECT_EQ(Field(rejected[1], "line"), "8");
  EXPECT_EQ(Field(rejected[2], "line"), "10");
  for (const auto& r : rejected) EXPECT_FALSE(Field(r, "reason").empty());
  // clusters.jsonl: 30 clusters of 3.
  EXPECT_EQ(Lines(ReadAll(dir_ / "out" / "clusters.jsonl")).size(), 90u);

  // Kept records are the input lines, byte for byte, in input order.
  const auto kept = Lines(ReadAll(dir_ / "out" / "crawl.jsonl"));
  EXPECT_EQ(kept.size(), stats->kept);
  std::set<std::string> removed_ids;
  for (const auto& line : removed) removed_ids.insert(Field(line, "id"));
  std::vector<std::string> expected;
  for (const auto& line : Lines(crawl)) {
    // The three bad lines are rejected, not kept.
    if (line.find("\"broken\"") != std::string::npos ||
        line.find("\"no-text\"") != std::string::npos ||
        line.find("\"number\"") != std::string::npos) {
      continue;
    }
    if (!removed_ids.count(Field(line, "id"))) expected.push_back(line);
  }
  EXPECT_EQ(kept.size(), expected.size());
  EXPECT_TRUE(kept == expected) << "kept records differ from the input lines";

  // stats.json carries the counts and the LSH parameters.
  const std::string json = ReadAll(dir_ / "out" / "stats.json");
  EXPECT_EQ(Field(json, "read"), std::to_string(stats->read));
  // Chosen for Jaccard 0.7 / 2.3 (the default containment 0.7).
  EXPECT_EQ(Field(json, "bands"), "39");
  EXPECT_EQ(Field(json, "rows"), "2");
}

// stats.json without the fields that measure the machine.
std::string StableStats(std::string json) {
  for (const char* key : {"\"seconds\":{", "\"peak_rss_bytes\":", "\"threads\":"}) {
    const size_t at = json.find(key);
    if (at == std::string::npos) continue;
    const size_t end = json.find_first_of(key[std::strlen(key) - 1] == '{' ? "}" : ",", at);
    json.erase(at, end - at + 1);
  }
  return json;
}

TEST_F(DedupTest, OutputIsIdenticalForAnyThreadCount) {
  std::map<std::string, std::string> source;
  WriteFile(dir_ / "a.jsonl", MakeCrawl(40, &source));
  auto inputs = PlanInputs({(dir_ / "a.jsonl").string()});
  ASSERT_OK(inputs);
  for (DedupMethod method : {DedupMethod::kMinHash, DedupMethod::kSimHash}) {
    std::vector<std::string> runs;
    for (int threads : {1, 2, 3, 2}) {
      const fs::path out = dir_ / ("out" + std::to_string(runs.size()) +
                                   DedupMethodName(method));
      ASSERT_OK(RunDedup(*inputs, out.string(),
                         {.method = method, .threads = threads}));
      std::string all;
      for (const char* f : {"a.jsonl", "removed.jsonl", "clusters.jsonl",
                            "rejected.jsonl"}) {
        all += ReadAll(out / f) + "\x1E";
      }
      all += StableStats(ReadAll(out / "stats.json"));
      runs.push_back(all);
    }
    for (size_t i = 1; i < runs.size(); ++i) {
      EXPECT_TRUE(runs[i] == runs[0]) << DedupMethodName(method) << " run " << i;
    }
  }
}

TEST_F(DedupTest, KeepPolicies) {
  // Three copies of one text with different lengths of padding (same
  // shingles: the padding is punctuation) and scores.
  const std::string text = RandomDocument(*std::make_unique<Rng>(3), 200);
  std::string crawl;
  crawl += "{\"id\":\"a\",\"score\":1,\"text\":" + Json(text) + "}\n";
  crawl += "{\"id\":\"b\",\"score\":9,\"text\":" + Json(text + " !!!!!!!!") + "}\n";
  crawl += "{\"id\":\"c\",\"text\":" + Json(text + " !!!!") + "}\n";
  WriteFile(dir_ / "k.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "k.jsonl").string()});
  ASSERT_OK(inputs);
  struct Case {
    KeepPolicy keep;
    std::string field;
    std::string kept;
  } cases[] = {{KeepPolicy::kFirst, "", "a"},
               {KeepPolicy::kLongest, "", "b"},
               {KeepPolicy::kField, "score", "b"}};
  int run = 0;
  for (const Case& c : cases) {
    const fs::path out = dir_ / ("out" + std::to_string(run++));
    ASSERT_OK(RunDedup(*inputs, out.string(), {.keep = c.keep, .keep_field = c.field}));
    const auto kept = Lines(ReadAll(out / "k.jsonl"));
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(Field(kept[0], "id"), c.kept);
  }
}

TEST_F(DedupTest, ExactMethodRemovesOnlyIdenticalNormalizedText) {
  std::string crawl =
      "{\"id\":\"1\",\"text\":\"The same story, told once.\"}\n"
      "{\"id\":\"2\",\"text\":\"the SAME story told once!!\"}\n"
      "{\"id\":\"3\",\"text\":\"The same story, told twice.\"}\n"
      "{\"id\":\"4\",\"text\":\"\"}\n"
      "{\"id\":\"5\",\"text\":\"  \"}\n";
  WriteFile(dir_ / "e.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "e.jsonl").string()});
  ASSERT_OK(inputs);
  auto stats = RunDedup(*inputs, (dir_ / "out").string(),
                        {.method = DedupMethod::kExact});
  ASSERT_OK(stats);
  const auto removed = Lines(ReadAll(dir_ / "out" / "removed.jsonl"));
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(Field(removed[0], "id"), "2");
  EXPECT_EQ(Field(removed[0], "kept_id"), "1");
  EXPECT_EQ(Field(removed[0], "reason"), "exact_duplicate");
  // Empty and blank documents are documents without words: duplicates of
  // the same bytes only, so "" and "  " both stay.
  EXPECT_EQ(stats->kept, 4u);
}

TEST_F(DedupTest, VerifyExactReportsExactJaccard) {
  std::map<std::string, std::string> source;
  WriteFile(dir_ / "v.jsonl", MakeCrawl(10, &source));
  auto inputs = PlanInputs({(dir_ / "v.jsonl").string()});
  ASSERT_OK(inputs);
  auto stats = RunDedup(*inputs, (dir_ / "out").string(),
                        {.verify = VerifyMode::kExact});
  ASSERT_OK(stats);
  EXPECT_EQ(stats->removed, 20u);
  int exact_copies = 0;
  for (const auto& line : Lines(ReadAll(dir_ / "out" / "removed.jsonl"))) {
    const double sim = std::stod(Field(line, "similarity"));
    EXPECT_GE(sim, 0.8);
    exact_copies += sim == 1.0;
  }
  EXPECT_EQ(exact_copies, 10);
  // The spill file is gone.
  for (const auto& entry : fs::directory_iterator(dir_ / "out")) {
    EXPECT_EQ(entry.path().filename().string().find(".neardup"), std::string::npos);
  }
}

TEST_F(DedupTest, VerifyExactFailsWhenTheSpillFileCannotBeRead) {
  // The shingle sets go to a spill file in the output folder while the
  // documents are signed, and are read back to compare candidates. A set
  // that cannot be read back once made the pair unalike (an empty set):
  // the copies were silently kept. Cut the file short after the last
  // document is signed (the sign stage's last progress event).
  std::map<std::string, std::string> source;
  WriteFile(dir_ / "v.jsonl", MakeCrawl(10, &source));
  auto inputs = PlanInputs({(dir_ / "v.jsonl").string()});
  ASSERT_OK(inputs);
  const fs::path out = dir_ / "out";
  bool cut = false;
  auto cut_spill = [&](const ProgressEvent& e) {
    if (e.stage != "sign") return;
    for (const auto& entry : fs::directory_iterator(out)) {
      if (entry.path().filename().string().starts_with(".neardup-shingles")) {
        fs::resize_file(entry.path(), 0);
        cut = true;
      }
    }
  };
  auto stats = RunDedup(*inputs, out.string(), {.verify = VerifyMode::kExact},
                        cut_spill);
  ASSERT_TRUE(cut);
  ASSERT_FALSE(stats.ok());
  EXPECT_TRUE(absl::IsDataLoss(stats.status())) << stats.status();
  EXPECT_NE(stats.status().message().find("cannot read the shingle set"),
            std::string::npos)
      << stats.status();
  EXPECT_FALSE(fs::exists(out / "removed.jsonl"));
}

TEST(DefaultShingleSizeTest, IsTheCommandsNgramPerMethod) {
  // `neardup dedup` without --ngram: word 5-grams (ShingleOptions' own
  // default) for minhash and exact, word 3-grams for simhash.
  EXPECT_EQ(DefaultShingleSize(DedupMethod::kMinHash), ShingleOptions{}.n);
  EXPECT_EQ(DefaultShingleSize(DedupMethod::kExact), ShingleOptions{}.n);
  EXPECT_EQ(DefaultShingleSize(DedupMethod::kSimHash), 3);
}

TEST(ParseDedupMethodTest, ReadsWhatDedupMethodNameWrites) {
  for (DedupMethod method :
       {DedupMethod::kMinHash, DedupMethod::kSimHash, DedupMethod::kExact}) {
    auto parsed = ParseDedupMethod(DedupMethodName(method));
    ASSERT_OK(parsed);
    EXPECT_EQ(*parsed, method);
  }
  for (const char* bad : {"", "MinHash", "minhash ", "lsh"}) {
    auto parsed = ParseDedupMethod(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()));
    EXPECT_NE(parsed.status().message().find(std::string("got \"") + bad + "\""),
              std::string::npos)
        << parsed.status();
  }
}

// Words that normalization leaves apart (no digits).
std::string Words(int first, int count) {
  std::string text;
  for (int k = first; k < first + count; ++k) {
    if (k > first) text += ' ';
    text += test::Word(static_cast<uint64_t>(k) + 1000);
  }
  return text;
}

TEST_F(DedupTest, AChainDoesNotRemoveItsFarEnd) {
  // a ~ b ~ c at exact word 5-gram Jaccard 86/106 = 0.81, but a !~ c
  // (76/116 = 0.66): c is not a copy of a, whatever joins them.
  std::string crawl;
  crawl += "{\"id\":\"a\",\"text\":" + Json(Words(0, 100)) + "}\n";
  crawl += "{\"id\":\"b\",\"text\":" + Json(Words(10, 100)) + "}\n";
  crawl += "{\"id\":\"c\",\"text\":" + Json(Words(20, 100)) + "}\n";
  WriteFile(dir_ / "chain.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "chain.jsonl").string()});
  ASSERT_OK(inputs);
  struct Case {
    KeepPolicy keep;
    VerifyMode verify;
    std::vector<std::string> removed, kept_id;
  } cases[] = {
      // In input order: b joins a; c is no duplicate of a, so it is kept.
      {KeepPolicy::kFirst, VerifyMode::kExact, {"b"}, {"a"}},
      {KeepPolicy::kFirst, VerifyMode::kSignature, {"b"}, {"a"}},
      // Longest first (all equal): the same.
      {KeepPolicy::kLongest, VerifyMode::kExact, {"b"}, {"a"}},
  };
  int run = 0;
  for (const Case& c : cases) {
    const fs::path out = dir_ / ("out" + std::to_string(run++));
    auto stats = RunDedup(*inputs, out.string(),
                          {.verify = c.verify, .keep = c.keep});
    ASSERT_OK(stats);
    const auto removed = Lines(ReadAll(out / "removed.jsonl"));
    ASSERT_EQ(removed.size(), c.removed.size()) << run;
    for (size_t i = 0; i < removed.size(); ++i) {
      EXPECT_EQ(Field(removed[i], "id"), c.removed[i]);
      EXPECT_EQ(Field(removed[i], "kept_id"), c.kept_id[i]);
      EXPECT_GE(std::stod(Field(removed[i], "similarity")), 0.8);
    }
    EXPECT_EQ(stats->clusters, 1u);
    if (c.verify == VerifyMode::kExact) {
      // One component of three (b ~ c is an LSH candidate at seed 0).
      EXPECT_EQ(stats->joined_pairs, 2u);
    }
  }
}

TEST_F(DedupTest, NoRemovedRecordIsBelowTheThresholdAgainstItsKeptRecord) {
  // Chains of small edits: each copy edits the previous one.
  Rng rng(11);
  std::string crawl;
  int id = 0;
  for (int i = 0; i < 30; ++i) {
    std::string text = RandomDocument(rng, 150);
    for (int k = 0; k < 8; ++k) {
      crawl += "{\"id\":\"d" + std::to_string(id++) + "\",\"text\":" +
               Json(text) + "}\n";
      text = Edit(rng, text, 2);
    }
  }
  WriteFile(dir_ / "chains.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "chains.jsonl").string()});
  ASSERT_OK(inputs);
  auto stats = RunDedup(*inputs, (dir_ / "out").string(),
                        {.verify = VerifyMode::kExact});
  ASSERT_OK(stats);
  const auto removed = Lines(ReadAll(dir_ / "out" / "removed.jsonl"));
  ASSERT_GT(removed.size(), 60u);
  std::set<std::string> kept_ids;
  for (const auto& line : removed) {
    EXPECT_GE(std::stod(Field(line, "similarity")), 0.8) << line;
    kept_ids.insert(Field(line, "kept_id"));
  }
  // The chains were long enough to need more than one kept record each.
  EXPECT_GT(kept_ids.size(), 30u);
  // clusters.jsonl names the same kept record as removed.jsonl.
  std::map<std::string, std::string> kept_of;
  for (const auto& line : Lines(ReadAll(dir_ / "out" / "clusters.jsonl"))) {
    kept_of[Field(line, "id")] = Field(line, "kept_id");
  }
  for (const auto& line : removed) {
    EXPECT_EQ(kept_of[Field(line, "id")], Field(line, "kept_id"));
  }
}

TEST_F(DedupTest, ContainmentRemovesAnExcerptAndSaysSo) {
  std::string crawl;
  crawl += "{\"id\":\"full\",\"text\":" + Json(Words(0, 120)) + "}\n";
  crawl += "{\"id\":\"excerpt\",\"text\":" + Json(Words(20, 70)) + "}\n";
  crawl += "{\"id\":\"other\",\"text\":" + Json(Words(500, 120)) + "}\n";
  WriteFile(dir_ / "x.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "x.jsonl").string()});
  ASSERT_OK(inputs);
  // Without containment, J = 66/116 = 0.57: both stay.
  auto plain = RunDedup(*inputs, (dir_ / "plain").string(),
                        {.verify = VerifyMode::kExact, .containment = 0});
  ASSERT_OK(plain);
  EXPECT_EQ(plain->removed, 0u);
  auto stats = RunDedup(*inputs, (dir_ / "out").string(),
                        {.verify = VerifyMode::kExact, .containment = 0.8,
                         .keep = KeepPolicy::kLongest});
  ASSERT_OK(stats);
  const auto removed = Lines(ReadAll(dir_ / "out" / "removed.jsonl"));
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(Field(removed[0], "id"), "excerpt");
  EXPECT_EQ(Field(removed[0], "kept_id"), "full");
  EXPECT_EQ(Field(removed[0], "similarity"), "0.5690");
  EXPECT_EQ(Field(removed[0], "containment"), "1.0000");
  EXPECT_NE(ReadAll(dir_ / "out" / "stats.json").find("\"containment\":0.8000"),
            std::string::npos);
  // Estimated from the signatures and the set sizes (no shingle sets):
  // the same verdict, containment near the exact 1.
  auto estimated = RunDedup(*inputs, (dir_ / "estimated").string(),
                            {.containment = 0.8, .keep = KeepPolicy::kLongest});
  ASSERT_OK(estimated);
  const auto est = Lines(ReadAll(dir_ / "estimated" / "removed.jsonl"));
  ASSERT_EQ(est.size(), 1u);
  EXPECT_EQ(Field(est[0], "id"), "excerpt");
  EXPECT_EQ(Field(est[0], "kept_id"), "full");
  EXPECT_GE(std::stod(Field(est[0], "containment")), 0.8);
  EXPECT_LT(std::stod(Field(est[0], "similarity")), 0.8);
  // Containment needs MinHash, and is at most 1.
  EXPECT_FALSE(RunDedup(*inputs, (dir_ / "bad").string(),
                        {.method = DedupMethod::kSimHash, .containment = 0.8})
                   .ok());
  EXPECT_FALSE(RunDedup(*inputs, (dir_ / "bad").string(),
                        {.verify = VerifyMode::kExact, .containment = 1.5})
                   .ok());
}

// The shape of the article-extraction benchmark: versions of one article
// that keep more or less of the page around it (a version is the article
// plus up to twice its length of its own page text), among other
// articles. Jaccard misses the longer versions; containment, estimated
// from the signatures, finds them, and joins no two different articles.
TEST_F(DedupTest, EstimatedContainmentFindsVersionsOfAnArticle) {
  constexpr int kArticles = 6, kVersions = 5, kArticleWords = 250;
  std::string crawl;
  int fresh = 100000;  // words no other text has
  for (int a = 0; a < kArticles; ++a) {
    const std::string article = Words(a * 1000, kArticleWords);
    for (int v = 0; v < kVersions; ++v) {
      // 0, 25%, 50%, ... of the article's length added around it.
      const int extra = kArticleWords * v / 2;
      std::string text = Words(fresh, extra / 2) + "\n" + article + "\n" +
                         Words(fresh + extra / 2, extra - extra / 2);
      fresh += extra + 10;
      crawl += "{\"id\":\"a" + std::to_string(a) + "-v" + std::to_string(v) +
               "\",\"text\":" + Json(text) + "}\n";
    }
  }
  WriteFile(dir_ / "versions.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "versions.jsonl").string()});
  ASSERT_OK(inputs);
  auto plain = RunDedup(*inputs, (dir_ / "plain").string(), {.containment = 0});
  ASSERT_OK(plain);
  EXPECT_LT(plain->removed, 2u * kArticles);  // v0, v1 at most
  for (const int threads : {1, 3}) {
    const fs::path out = dir_ / ("c" + std::to_string(threads));
    auto stats = RunDedup(*inputs, out.string(),
                          {.containment = 0.7, .threads = threads});
    ASSERT_OK(stats);
    EXPECT_EQ(stats->removed, static_cast<uint64_t>(kArticles * (kVersions - 1)));
    for (const auto& line : Lines(ReadAll(out / "removed.jsonl"))) {
      // Judged against a version of its own article, by its containment.
      EXPECT_EQ(Field(line, "id").substr(0, 3), Field(line, "kept_id").substr(0, 3))
          << line;
      EXPECT_TRUE(std::stod(Field(line, "similarity")) >= 0.8 ||
                  std::stod(Field(line, "containment")) >= 0.7)
          << line;
    }
    EXPECT_EQ(ReadAll(out / "removed.jsonl"), ReadAll(dir_ / "c1" / "removed.jsonl"));
    // Nothing is spilled: the sets are not kept.
    for (const auto& entry : fs::directory_iterator(out)) {
      EXPECT_EQ(entry.path().filename().string().find(".neardup"), std::string::npos);
    }
  }
}

// The shape of CleanPortalEval: on whole pages of one site, a short
// article is "contained" in a long one by the furniture they share; a copy
// on another site is contained by its text. Containment within one site
// counts only on the main text; without URLs it counts everywhere. (The
// short page's own shingles, its article's 15, are a fourteenth of the
// long page's: an excerpt by the asymmetry, whatever the estimate's error.)
TEST_F(DedupTest, ContainmentWithinOneSiteCountsOnlyOnTheMainText) {
  const std::string furniture = Words(7000, 200);
  const std::string short_article = Words(0, 15), long_article = Words(100, 200);
  auto crawl = [&](bool urls) {
    auto record = [&](const std::string& id, const std::string& url,
                      const std::string& text) {
      return "{\"id\":\"" + id + "\"," +
             (urls ? "\"url\":\"" + url + "\"," : std::string()) +
             "\"text\":" + Json(text) + "}\n";
    };
    return record("long", "https://a.example/1", furniture + "\n" + long_article) +
           record("short", "https://a.example/2", furniture + "\n" + short_article) +
           record("copy", "https://b.example/1", long_article);
  };
  for (const bool urls : {true, false}) {
    SCOPED_TRACE(urls);
    const fs::path in = dir_ / (urls ? "urls.jsonl" : "plain.jsonl");
    WriteFile(in, crawl(urls));
    auto inputs = PlanInputs({in.string()});
    ASSERT_OK(inputs);
    for (const VerifyMode verify : {VerifyMode::kSignature, VerifyMode::kExact}) {
      const fs::path out = dir_ / ("out" + std::to_string(urls) +
                                   std::to_string(static_cast<int>(verify)));
      ASSERT_OK(RunDedup(*inputs, out.string(),
                         {.verify = verify, .containment = 0.7}));
      std::set<std::string> removed;
      for (const auto& line : Lines(ReadAll(out / "removed.jsonl"))) {
        removed.insert(Field(line, "id"));
        EXPECT_EQ(Field(line, "kept_id"), "long");
      }
      const std::set<std::string> expected =
          urls ? std::set<std::string>{"copy"}
               : std::set<std::string>{"copy", "short"};
      EXPECT_EQ(removed, expected);
    }
  }
}

// The shapes that decided the containment rule (issue 13): the generated
// crawl's edited copies have words replaced throughout, so that a copy of
// one size shares about 75% of its shingles with its source at Jaccard
// 0.6 (an edit: not a duplicate at threshold 0.8), while the article
// benchmark's versions hold the article whole and add the page around it
// (an extension) or keep part of it (an excerpt). At the defaults
// (containment 0.7, asymmetry 5) the extension and the excerpt are
// removed, judged against the article, and the edit is kept; asymmetry 1
// removes the edit too; containment 0 removes nothing. FindDuplicates
// decides the same.
TEST_F(DedupTest, ContainmentCountsForAnExcerptOrAnExtensionNotForAnEdit) {
  Rng rng(13);
  std::string crawl;
  std::vector<std::string> texts;
  constexpr int kArticles = 4;
  for (int a = 0; a < kArticles; ++a) {
    const std::string article = RandomDocument(rng, 300);
    const std::string versions[4] = {
        article, Edit(rng, article, 14),
        RandomDocument(rng, 150) + "\n\n" + article + "\n\n" +
            RandomDocument(rng, 150),
        article.substr(0, article.size() / 2)};
    const char* names[4] = {"article", "edit", "extension", "excerpt"};
    for (int v = 0; v < 4; ++v) {
      crawl += "{\"id\":\"" + std::string(names[v]) + std::to_string(a) +
               "\",\"text\":" + Json(versions[v]) + "}\n";
      texts.push_back(versions[v]);
    }
  }
  WriteFile(dir_ / "versions.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "versions.jsonl").string()});
  ASSERT_OK(inputs);
  auto removed_ids = [&](const fs::path& out) {
    std::set<std::string> ids;
    for (const auto& line : Lines(ReadAll(out / "removed.jsonl"))) {
      const std::string id = Field(line, "id");
      EXPECT_EQ(Field(line, "kept_id"), "article" + id.substr(id.size() - 1))
          << line;
      EXPECT_LT(std::stod(Field(line, "similarity")), 0.8) << line;
      ids.insert(id.substr(0, id.size() - 1));
    }
    return ids;
  };
  for (const VerifyMode verify : {VerifyMode::kSignature, VerifyMode::kExact}) {
    SCOPED_TRACE(static_cast<int>(verify));
    const fs::path out = dir_ / ("d" + std::to_string(static_cast<int>(verify)));
    auto stats = RunDedup(*inputs, out.string(), {.verify = verify});
    ASSERT_OK(stats);
    EXPECT_EQ(stats->removed, 2u * kArticles);
    EXPECT_EQ(removed_ids(out), (std::set<std::string>{"excerpt", "extension"}));
    const std::string json = ReadAll(out / "stats.json");
    EXPECT_NE(json.find("\"containment\":0.7000"), std::string::npos);
    EXPECT_NE(json.find("\"containment_asymmetry\":5.0000"), std::string::npos);
    const std::vector<std::string_view> views(texts.begin(), texts.end());
    auto found = FindDuplicates(views, {.verify = verify});
    ASSERT_OK(found);
    for (size_t i = 0; i < texts.size(); ++i) {
      EXPECT_EQ(found->kept[i], i % 4 == 0 || i % 4 == 1 ? i : i - i % 4) << i;
    }
  }
  // The edits' exact containment is over 0.7: only the asymmetry keeps them.
  auto any = RunDedup(*inputs, (dir_ / "a1").string(),
                      {.verify = VerifyMode::kExact,
                       .containment_asymmetry = 1});
  ASSERT_OK(any);
  EXPECT_EQ(removed_ids(dir_ / "a1"),
            (std::set<std::string>{"edit", "excerpt", "extension"}));
  auto off = RunDedup(*inputs, (dir_ / "off").string(), {.containment = 0});
  ASSERT_OK(off);
  EXPECT_EQ(off->removed, 0u);
  EXPECT_EQ(ReadAll(dir_ / "off" / "stats.json").find("containment"),
            std::string::npos);
  // The default is MinHash's: the other methods run without containment.
  ASSERT_OK(RunDedup(*inputs, (dir_ / "simhash").string(),
                     {.method = DedupMethod::kSimHash}));
  ASSERT_OK(RunDedup(*inputs, (dir_ / "exact").string(),
                     {.method = DedupMethod::kExact}));
  EXPECT_FALSE(RunDedup(*inputs, (dir_ / "bad").string(),
                        {.containment_asymmetry = 0.5})
                   .ok());
}

TEST_F(DedupTest, DigitsKeptTellTablesOfNumbersApart) {
  auto table = [](int first) {
    std::string text = "county results";
    for (int k = 0; k < 100; ++k) text += " " + std::to_string(first + 7 * k);
    return text;
  };
  std::string crawl;
  crawl += "{\"id\":\"t1\",\"text\":" + Json(table(1000)) + "}\n";
  crawl += "{\"id\":\"t2\",\"text\":" + Json(table(5000)) + "}\n";
  WriteFile(dir_ / "t.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "t.jsonl").string()});
  ASSERT_OK(inputs);
  auto zero = RunDedup(*inputs, (dir_ / "zero").string(), {});
  ASSERT_OK(zero);
  EXPECT_EQ(zero->removed, 1u);  // every number is 0000
  DedupOptions keep;
  keep.shingles.normalize.digits_to_zero = false;
  auto kept = RunDedup(*inputs, (dir_ / "keep").string(), keep);
  ASSERT_OK(kept);
  EXPECT_EQ(kept->removed, 0u);
  EXPECT_NE(ReadAll(dir_ / "keep" / "stats.json").find("\"digits\":\"keep\""),
            std::string::npos);
}

// Five articles of one site under 100 lines of its furniture, and a copy of
// the third on another site without it.
std::string FurnishedSite() {
  std::string furniture;
  for (int line = 0; line < 100; ++line) {
    furniture += Words(5000 + 6 * line, 6) + "\n";
  }
  std::string crawl;
  for (int i = 0; i < 5; ++i) {
    crawl += "{\"id\":\"a" + std::to_string(i) +
             "\",\"url\":\"https://a.example/" + std::to_string(i) +
             "\",\"text\":" + Json(furniture + Words(100 * i, 60)) + "}\n";
  }
  crawl += "{\"id\":\"copy\",\"url\":\"https://b.example/x\",\"text\":" +
           Json(Words(200, 60)) + "}\n";
  return crawl;
}

TEST_F(DedupTest, MainTextComparesPagesWithoutTheirSitesFurniture) {
  WriteFile(dir_ / "site.jsonl", FurnishedSite());
  auto inputs = PlanInputs({(dir_ / "site.jsonl").string()});
  ASSERT_OK(inputs);
  // On the whole text, furniture makes the different articles alike
  // (J about 0.83) and hides the copy (J about 0.1).
  auto whole = RunDedup(*inputs, (dir_ / "whole").string(),
                        {.verify = VerifyMode::kExact});
  ASSERT_OK(whole);
  EXPECT_EQ(whole->removed, 4u);
  const std::string whole_removed = ReadAll(dir_ / "whole" / "removed.jsonl");
  EXPECT_EQ(whole_removed.find("\"copy\""), std::string::npos);
  // On the main text: only the copy goes, judged against a2.
  DedupOptions main_text{.verify = VerifyMode::kExact};
  main_text.main_text = true;
  auto stats = RunDedup(*inputs, (dir_ / "main").string(), main_text);
  ASSERT_OK(stats);
  const auto removed = Lines(ReadAll(dir_ / "main" / "removed.jsonl"));
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(Field(removed[0], "id"), "copy");
  EXPECT_EQ(Field(removed[0], "kept_id"), "a2");
  // Not 1: the boilerplate rule (issue 12) leaves the lines it has no
  // furniture evidence for, and those stay in both main texts.
  EXPECT_GE(std::stod(Field(removed[0], "similarity")), 0.8);
  // The records written are the bytes read.
  EXPECT_EQ(Lines(ReadAll(dir_ / "main" / "site.jsonl")).size(), 5u);
  EXPECT_EQ(ReadAll(dir_ / "main" / "site.jsonl"),
            FurnishedSite().substr(0, FurnishedSite().find("{\"id\":\"copy")));
  const std::string json = ReadAll(dir_ / "main" / "stats.json");
  EXPECT_NE(json.find("\"main_text\":true"), std::string::npos);
  EXPECT_NE(json.find("\"count\":"), std::string::npos);

  // The same from saved line counts (a clean run's line_counts.bin).
  LineCounter counts;
  for (int i = 0; i < 5; ++i) {
    std::string furniture;
    for (int line = 0; line < 100; ++line) {
      furniture += Words(5000 + 6 * line, 6) + "\n";
    }
    counts.AddDocument(furniture + Words(100 * i, 60), "a.example");
  }
  counts.Finish(3);
  WriteFile(dir_ / "counts.bin", counts.Serialize());
  main_text.line_counts_file = (dir_ / "counts.bin").string();
  ASSERT_OK(RunDedup(*inputs, (dir_ / "saved").string(), main_text));
  EXPECT_EQ(ReadAll(dir_ / "saved" / "removed.jsonl"),
            ReadAll(dir_ / "main" / "removed.jsonl"));
  // A bad file is an error before anything is written.
  WriteFile(dir_ / "bad.bin", "not counts");
  main_text.line_counts_file = (dir_ / "bad.bin").string();
  EXPECT_FALSE(RunDedup(*inputs, (dir_ / "bad").string(), main_text).ok());
  // line_counts_file without main_text is refused.
  EXPECT_FALSE(RunDedup(*inputs, (dir_ / "bad2").string(),
                        {.line_counts_file = "x"})
                   .ok());
}

// The generated crawl against CleanPortalEval (issue 13 part 5): with main
// text, containment within one site counts only where the site's furniture
// was left out. On a site without furniture (the generated crawl) main
// texts are whole pages, so a copy shortened by three of its six
// paragraphs (contained, Jaccard about 0.5) stays, as without main text;
// on a furnished site the shortened article is removed against its source
// by containment of the main texts.
TEST_F(DedupTest, MainTextContainmentWithinOneSiteOnlyWhereFurnitureWasMasked) {
  std::string article, shortened;
  for (int p = 0; p < 6; ++p) {
    article += Words(20000 + 40 * p, 40) + "\n";
    if (p < 3) shortened += Words(20000 + 40 * p, 40) + "\n";
  }
  std::string furniture;
  for (int line = 0; line < 100; ++line) {
    furniture += Words(5000 + 6 * line, 6) + "\n";
  }
  std::string crawl;
  LineCounter counts;  // as a clean run saves them (line_counts.bin)
  auto add = [&](const std::string& id, const std::string& host,
                 const std::string& path, const std::string& text) {
    crawl += "{\"id\":\"" + id + "\",\"url\":\"https://" + host + "/" + path +
             "\",\"text\":" + Json(text) + "}\n";
    counts.AddDocument(text, host);
  };
  add("n-full", "n.example", "1", article);
  add("n-short", "n.example", "2", shortened);
  for (int i = 0; i < 5; ++i) {
    add("a" + std::to_string(i), "a.example", std::to_string(i),
        furniture + Words(100 * i, 60));
  }
  add("a-short", "a.example", "s", furniture + Words(200, 30));
  counts.Finish(3);
  WriteFile(dir_ / "counts.bin", counts.Serialize());
  WriteFile(dir_ / "sites.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "sites.jsonl").string()});
  ASSERT_OK(inputs);
  for (const VerifyMode verify : {VerifyMode::kSignature, VerifyMode::kExact}) {
    SCOPED_TRACE(static_cast<int>(verify));
    DedupOptions main_text{.verify = verify};
    main_text.main_text = true;
    const fs::path out =
        dir_ / ("mt" + std::to_string(static_cast<int>(verify)));
    auto stats = RunDedup(*inputs, out.string(), main_text);
    ASSERT_OK(stats);
    const auto removed = Lines(ReadAll(out / "removed.jsonl"));
    ASSERT_EQ(removed.size(), 1u) << ReadAll(out / "removed.jsonl");
    EXPECT_EQ(Field(removed[0], "id"), "a-short");
    EXPECT_EQ(Field(removed[0], "kept_id"), "a2");
    EXPECT_LT(std::stod(Field(removed[0], "similarity")), 0.8);
    EXPECT_GE(std::stod(Field(removed[0], "containment")), 0.7);
    // The same with the line counts read from a file (the sign pass signs
    // main texts at once).
    main_text.line_counts_file = (dir_ / "counts.bin").string();
    const fs::path saved = out.string() + "-saved";
    ASSERT_OK(RunDedup(*inputs, saved.string(), main_text));
    EXPECT_EQ(ReadAll(saved / "removed.jsonl"), ReadAll(out / "removed.jsonl"));
  }
}

TEST_F(DedupTest, MainTextLeavesRecordsWithoutUrlWhole) {
  // Without a URL, lines recurring across the collection are as often
  // copies as furniture: nothing is masked, so the run is the plain one.
  std::string crawl;
  for (int i = 0; i < 4; ++i) {
    crawl += "{\"id\":\"n" + std::to_string(i) + "\",\"text\":" +
             Json(Words(0, 40) + "\n" + Words(100 * i + 1000, 40)) + "}\n";
  }
  WriteFile(dir_ / "nourl.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "nourl.jsonl").string()});
  ASSERT_OK(inputs);
  DedupOptions main_text;
  main_text.main_text = true;
  ASSERT_OK(RunDedup(*inputs, (dir_ / "main").string(), main_text));
  ASSERT_OK(RunDedup(*inputs, (dir_ / "plain").string(), {}));
  EXPECT_EQ(ReadAll(dir_ / "main" / "removed.jsonl"),
            ReadAll(dir_ / "plain" / "removed.jsonl"));
}

TEST_F(DedupTest, DryRunWritesDecisionsOnly) {
  std::map<std::string, std::string> source;
  WriteFile(dir_ / "d.jsonl", MakeCrawl(5, &source));
  auto inputs = PlanInputs({(dir_ / "d.jsonl").string()});
  ASSERT_OK(inputs);
  auto stats = RunDedup(*inputs, (dir_ / "out").string(), {.dry_run = true});
  ASSERT_OK(stats);
  EXPECT_EQ(stats->removed, 10u);
  EXPECT_FALSE(fs::exists(dir_ / "out" / "d.jsonl"));
  EXPECT_EQ(Lines(ReadAll(dir_ / "out" / "removed.jsonl")).size(), 10u);
  EXPECT_NE(ReadAll(dir_ / "out" / "stats.json").find("\"dry_run\":true"),
            std::string::npos);
}

TEST_F(DedupTest, RefusesBeforeAnyWork) {
  WriteFile(dir_ / "ok.jsonl", "{\"text\":\"a b c\"}\n");
  // A missing input: no output folder is created.
  auto missing = PlanInputs({(dir_ / "ok.jsonl").string(), (dir_ / "nope.jsonl").string()});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.jsonl"), std::string::npos);
  // An output folder that is not empty, unless overwrite.
  fs::create_directories(dir_ / "busy");
  WriteFile(dir_ / "busy" / "something", "x");
  auto inputs = PlanInputs({(dir_ / "ok.jsonl").string()});
  ASSERT_OK(inputs);
  auto busy = RunDedup(*inputs, (dir_ / "busy").string(), {});
  EXPECT_EQ(busy.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(fs::exists(dir_ / "busy" / "ok.jsonl"));
  EXPECT_OK(RunDedup(*inputs, (dir_ / "busy").string(), {.overwrite = true}));
  EXPECT_TRUE(fs::exists(dir_ / "busy" / "ok.jsonl"));
  // Two inputs with the same output name.
  fs::create_directories(dir_ / "x");
  WriteFile(dir_ / "x" / "ok.jsonl", "{\"text\":\"a\"}\n");
  EXPECT_EQ(PlanInputs({(dir_ / "ok.jsonl").string(), (dir_ / "x" / "ok.jsonl").string()})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // Bad options.
  EXPECT_FALSE(RunDedup(*inputs, (dir_ / "o1").string(), {.threshold = 1.5}).ok());
  EXPECT_FALSE(RunDedup(*inputs, (dir_ / "o2").string(), {.bands = 20, .rows = 20}).ok());
}

TEST_F(DedupTest, CompressedFoldersAndTextFilesKeepTheirShape) {
  Rng rng(11);
  const std::string text = RandomDocument(rng, 300);
  fs::create_directories(dir_ / "crawl" / "sub");
  // A gzip JSONL in a subfolder, and two text files (one a copy).
  {
    auto w = RecordWriter::Create((dir_ / "crawl" / "sub" / "p.jsonl.gz").string(),
                                  InputFormat::kJsonl, Compression::kGzip);
    ASSERT_OK(w);
    ASSERT_OK((*w)->WriteLine("{\"id\":\"g1\",\"text\":" + Json(text) + "}"));
    ASSERT_OK((*w)->WriteLine("{\"id\":\"g2\",\"text\":" + Json(text + " more") + "}"));
    ASSERT_OK((*w)->Commit());
  }
  WriteFile(dir_ / "crawl" / "a.txt", RandomDocument(rng, 300));
  WriteFile(dir_ / "crawl" / "b.txt", text);
  auto inputs = PlanInputs({(dir_ / "crawl").string()});
  ASSERT_OK(inputs);
  ASSERT_EQ(inputs->size(), 3u);
  EXPECT_EQ((*inputs)[0].output_name, "crawl/a.txt");
  EXPECT_EQ((*inputs)[2].output_name, "crawl/sub/p.jsonl.gz");
  auto stats = RunDedup(*inputs, (dir_ / "out").string(), {});
  ASSERT_OK(stats);
  EXPECT_EQ(stats->read, 4u);
  EXPECT_EQ(stats->removed, 2u);  // g1 and g2 are copies of b.txt
  EXPECT_TRUE(fs::exists(dir_ / "out" / "crawl" / "a.txt"));
  EXPECT_EQ(ReadAll(dir_ / "out" / "crawl" / "b.txt"), text);
  // The gzip output exists, is gzip, and holds no record.
  const std::string gz = ReadAll(dir_ / "out" / "crawl" / "sub" / "p.jsonl.gz");
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(DetectCompression(gz), Compression::kGzip);
  auto reader = RecordReader::Open((dir_ / "out" / "crawl" / "sub" / "p.jsonl.gz").string(), {});
  ASSERT_OK(reader);
  Record record;
  Rejection rejection;
  EXPECT_EQ((*reader)->Next(&record, &rejection), RecordReader::Result::kEnd);
}

// The write pass finds each kept record by the line the first pass read it
// on and copies the line as read, without parsing it again: blank lines and
// rejected lines between the records, CRLF line ends, a byte order mark
// and a last line without "\n" leave the kept lines as they were (plain
// and gzip), and the report's texts (records it parses again) are theirs.
TEST_F(DedupTest, KeptRecordsAreCopiedAsReadWhateverLiesBetweenThem) {
  std::map<std::string, std::string> source;
  std::vector<std::string> lines = Lines(MakeCrawl(20, &source));
  lines[0] = "\xEF\xBB\xBF" + lines[0];
  std::string crawl;
  for (size_t i = 0; i < lines.size(); ++i) {
    crawl += lines[i];
    if (i % 3 == 1) crawl += "\r";
    if (i + 1 == lines.size()) break;  // no "\n" after the last
    crawl += "\n";
    if (i % 5 == 2) crawl += "\n \t\r\n";
    if (i % 7 == 3) crawl += "{\"id\":\"bad\",\"text\":\"\xFF\"}\n";
  }
  WriteFile(dir_ / "a.jsonl", crawl);
  {
    auto w = RecordWriter::Create((dir_ / "b.jsonl.gz").string(),
                                  InputFormat::kJsonl, Compression::kGzip);
    ASSERT_OK(w);
    ASSERT_OK((*w)->Write(crawl));
    ASSERT_OK((*w)->Commit());
  }
  for (const char* name : {"a.jsonl", "b.jsonl.gz"}) {
    SCOPED_TRACE(name);
    auto inputs = PlanInputs({(dir_ / name).string()});
    ASSERT_OK(inputs);
    const fs::path out = dir_ / (std::string("out-") + name);
    DedupOptions options;
    options.threads = 2;
    options.report = true;
    auto stats = RunDedup(*inputs, out.string(), options);
    ASSERT_OK(stats);
    EXPECT_EQ(stats->rejected, 3u + (lines.size() + 3) / 7);
    EXPECT_EQ(stats->removed, 40u);
    std::set<std::string> removed_ids;
    const auto removed = Lines(ReadAll(out / "removed.jsonl"));
    for (const auto& line : removed) removed_ids.insert(Field(line, "id"));
    // The kept lines as read: a "\r" stays, a "\n" ends the last.
    std::string expected;
    for (size_t i = 0; i < lines.size(); ++i) {
      // The three bad lines of MakeCrawl are rejected, not kept.
      if (lines[i].find("\"broken\"") != std::string::npos ||
          lines[i].find("\"no-text\"") != std::string::npos ||
          lines[i].find("\"number\"") != std::string::npos) {
        continue;
      }
      if (removed_ids.count(Field(lines[i], "id"))) continue;
      expected += lines[i] + (i % 3 == 1 ? "\r\n" : "\n");
    }
    std::string kept;
    auto reader = RecordReader::Open((out / name).string(), {});
    ASSERT_OK(reader);
    EXPECT_EQ((*reader)->compression(),
              DetectCompression(ReadAll(dir_ / name)));
    Record record;
    Rejection rejection;
    while ((*reader)->Next(&record, &rejection) ==
           RecordReader::Result::kRecord) {
      kept += std::string(record.raw) + "\n";
    }
    EXPECT_TRUE(kept == expected) << "kept records differ from the input lines";
    if (std::string(name) == "a.jsonl")
      EXPECT_TRUE(ReadAll(out / name) == expected);
    // The page shows the texts of removed records, read again.
    const std::string page = ReadAll(out / "report.html");
    size_t shown = 0;
    for (const auto& line : lines) {
      if (!removed_ids.count(Field(line, "id"))) continue;
      shown +=
          page.find(Field(line, "text").substr(0, 40)) != std::string::npos;
    }
    EXPECT_GT(shown, 0u);
  }
}

std::string WarcRecord(const std::string& type, const std::string& id,
                       const std::string& block) {
  return "WARC/1.0\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: <urn:uuid:" + id +
         ">\r\nWARC-Target-URI: https://example.test/" + id +
         "\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n" +
         block + "\r\n\r\n";
}

TEST_F(DedupTest, WarcKeepsNonDocumentRecordsAndDropsCopies) {
  Rng rng(12);
  const std::string a = RandomDocument(rng, 300), b = RandomDocument(rng, 300);
  const std::string info = WarcRecord("warcinfo", "0", "software: test\r\n");
  const std::string r1 = WarcRecord("conversion", "1", a);
  const std::string r2 = WarcRecord("conversion", "2", b);
  const std::string r3 = WarcRecord("conversion", "3", a);
  WriteFile(dir_ / "c.warc.wet", info + r1 + r2 + r3);
  auto inputs = PlanInputs({(dir_ / "c.warc.wet").string()});
  ASSERT_OK(inputs);
  auto stats = RunDedup(*inputs, (dir_ / "out").string(), {});
  ASSERT_OK(stats);
  EXPECT_EQ(stats->read, 3u);
  EXPECT_EQ(stats->removed, 1u);
  EXPECT_EQ(stats->passed_through, 1u);
  EXPECT_EQ(ReadAll(dir_ / "out" / "c.warc.wet"), info + r1 + r2);
  const auto removed = Lines(ReadAll(dir_ / "out" / "removed.jsonl"));
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(Field(removed[0], "id"), "<urn:uuid:3>");
  EXPECT_EQ(Field(removed[0], "kept_id"), "<urn:uuid:1>");
}

TEST_F(DedupTest, MemoryCeilingStopsBeforeWritingAnything) {
  std::map<std::string, std::string> source;
  WriteFile(dir_ / "d.jsonl", MakeCrawl(40, &source));  // 160 documents
  auto inputs = PlanInputs({(dir_ / "d.jsonl").string()});
  ASSERT_OK(inputs);
  DedupOptions options;
  options.threads = 2;
  // The fixed buffers (two 8 MiB batches, 4 MiB of readers, 1 MiB per
  // thread), the buffer that packs a chunk of 112-value signatures and
  // the two batches' rows come to 27.5 MiB even spilled
  // (tests/spill_test.cc): 27 MiB fails at the first document, with
  // nothing written.
  options.max_memory_bytes = uint64_t{27} << 20;
  auto low = RunDedup(*inputs, (dir_ / "low").string(), options);
  ASSERT_EQ(low.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(low.status().message().find("memory ceiling reached: 1 documents"),
            std::string::npos)
      << low.status();
  // In the library's terms: the command translates to --max-memory.
  EXPECT_NE(low.status().message().find("max_memory_bytes (27.0 MiB)"),
            std::string::npos);
  EXPECT_EQ(low.status().message().find("--"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir_ / "low"));
  // Enough room: the same result as without a ceiling.
  options.max_memory_bytes = uint64_t{64} << 20;
  auto high = RunDedup(*inputs, (dir_ / "high").string(), options);
  ASSERT_OK(high);
  EXPECT_EQ(high->removed, 80u);
  // The ceiling is checked as documents come, not only at the start: a
  // ceiling just above the estimate for a few documents stops in the
  // middle (spilling the ids would take a 256 KiB buffer).
  options.method = DedupMethod::kExact;
  options.max_memory_bytes = (uint64_t{22} << 20) + 50 * 60;
  auto middle = RunDedup(*inputs, (dir_ / "middle").string(), options);
  ASSERT_EQ(middle.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(middle.status().message().find("memory ceiling reached: 1 "),
            std::string::npos)
      << middle.status();
  EXPECT_FALSE(fs::exists(dir_ / "middle" / "stats.json"));
}

TEST_F(DedupTest, OversizedDocumentsTruncatedAreCountedAndWrittenWhole) {
  Rng rng(3);
  const std::string big = RandomDocument(rng, 400);
  const std::string line = "{\"id\":\"big\",\"text\":" + Json(big) + "}\n";
  WriteFile(dir_ / "t.jsonl", line + line);
  auto inputs = PlanInputs({(dir_ / "t.jsonl").string()});
  ASSERT_OK(inputs);
  DedupOptions options;
  options.reader.max_document_bytes = 1000;
  auto rejected = RunDedup(*inputs, (dir_ / "reject").string(), options);
  ASSERT_OK(rejected);
  EXPECT_EQ(rejected->rejected, 2u);
  EXPECT_EQ(rejected->truncated, 0u);
  options.reader.oversize = Oversize::kTruncate;
  auto truncated = RunDedup(*inputs, (dir_ / "truncate").string(), options);
  ASSERT_OK(truncated);
  EXPECT_EQ(truncated->read, 2u);
  EXPECT_EQ(truncated->truncated, 2u);
  EXPECT_EQ(truncated->removed, 1u);
  EXPECT_EQ(truncated->text_bytes, 2000u);
  EXPECT_EQ(ReadAll(dir_ / "truncate" / "t.jsonl"), line);
  EXPECT_NE(ReadAll(dir_ / "truncate" / "stats.json").find("\"truncated\":2"),
            std::string::npos);
}

// Regression: "" and "!!!" (no word after normalization) shared the one
// shingle of an empty document and were removed as near-duplicates of each
// other. A document without words is a duplicate of the same bytes only.
TEST_F(DedupTest, DocumentsWithoutWordsAreComparedForByteEqualityOnly) {
  WriteFile(dir_ / "e.jsonl",
            "{\"id\":\"e1\",\"text\":\"\"}\n{\"id\":\"p\",\"text\":\"!!!\"}\n"
            "{\"id\":\"e2\",\"text\":\"\"}\n{\"id\":\"s\",\"text\":\"  \"}\n"
            "{\"id\":\"p2\",\"text\":\"!!!\"}\n{\"id\":\"q\",\"text\":\"?\"}\n");
  auto inputs = PlanInputs({(dir_ / "e.jsonl").string()});
  ASSERT_OK(inputs);
  for (const DedupMethod method :
       {DedupMethod::kMinHash, DedupMethod::kSimHash, DedupMethod::kExact}) {
    for (const VerifyMode verify : {VerifyMode::kSignature, VerifyMode::kExact}) {
      DedupOptions options;
      options.method = method;
      options.verify = verify;
      const fs::path out = dir_ / ("out" + std::to_string(static_cast<int>(method)) +
                                   std::to_string(static_cast<int>(verify)));
      auto stats = RunDedup(*inputs, out.string(), options);
      ASSERT_OK(stats);
      const auto removed = Lines(ReadAll(out / "removed.jsonl"));
      ASSERT_EQ(removed.size(), 2u) << DedupMethodName(method);
      EXPECT_NE(removed[0].find("\"id\":\"e2\""), std::string::npos) << removed[0];
      EXPECT_NE(removed[0].find("\"kept_id\":\"e1\""), std::string::npos) << removed[0];
      EXPECT_NE(removed[1].find("\"id\":\"p2\""), std::string::npos) << removed[1];
      EXPECT_NE(removed[1].find("\"kept_id\":\"p\""), std::string::npos) << removed[1];
    }
  }
}

// --min-words: shorter documents are removed as too_short, never compared
// (so never anyone's kept record), and the accounting adds up.
TEST_F(DedupTest, MinWordsRemovesShortDocumentsAsTooShort) {
  const std::string body = "the quick brown fox jumps over the lazy dog again";
  WriteFile(dir_ / "m.jsonl",
            "{\"id\":\"short1\",\"text\":\"hello world\"}\n"
            "{\"id\":\"long1\",\"text\":\"" + body + "\"}\n"
            "{\"id\":\"short2\",\"text\":\"hello world\"}\n"
            "{\"id\":\"long2\",\"text\":\"" + body + "\"}\n"
            "{\"id\":\"three\",\"text\":\"one two three\"}\n");
  auto inputs = PlanInputs({(dir_ / "m.jsonl").string()});
  ASSERT_OK(inputs);
  DedupOptions options;
  options.min_words = 3;
  auto stats = RunDedup(*inputs, (dir_ / "out").string(), options);
  ASSERT_OK(stats);
  EXPECT_EQ(stats->removed_too_short, 2u);
  EXPECT_EQ(stats->removed, 3u);
  EXPECT_EQ(stats->kept, 2u);
  EXPECT_EQ(stats->read, stats->kept + stats->removed + stats->rejected);
  EXPECT_EQ(Lines(ReadAll(dir_ / "out" / "m.jsonl")),
            (std::vector<std::string>{"{\"id\":\"long1\",\"text\":\"" + body + "\"}",
                                      "{\"id\":\"three\",\"text\":\"one two three\"}"}));
  const auto removed = Lines(ReadAll(dir_ / "out" / "removed.jsonl"));
  ASSERT_EQ(removed.size(), 3u);
  EXPECT_NE(removed[0].find("\"id\":\"short1\""), std::string::npos);
  EXPECT_NE(removed[0].find("\"reason\":\"too_short\",\"cluster\":null,\"kept_id\":null"),
            std::string::npos);
  EXPECT_NE(removed[1].find("\"id\":\"short2\",\"file\""), std::string::npos);
  EXPECT_NE(removed[2].find("\"kept_id\":\"long1\""), std::string::npos);
  // Off by default: the short copies are near-duplicates of each other.
  auto plain = RunDedup(*inputs, (dir_ / "plain").string(), {});
  ASSERT_OK(plain);
  EXPECT_EQ(plain->removed, 2u);
  EXPECT_EQ(plain->removed_too_short, 0u);
}

// Outputs of an earlier run in the folder, file name -> content.
std::map<std::string, std::string> FolderContents(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      files[fs::relative(e.path(), dir).string()] = ReadAll(e.path());
    }
  }
  return files;
}

// Pages of 20 sites, each under its site's navigation and footer, with
// articles republished on other pages and sites and edited copies: the
// line tables of a main-text run are about 5 MB (over 64 Ki kept lines).
// One page in five has no URL: compared whole, it is not signed again,
// so the main-text pass copies its first signature among the new ones.
std::string FurnishedCrawl(int pages) {
  Rng rng(21);
  std::vector<std::string> articles;
  std::string crawl;
  for (int i = 0; i < pages; ++i) {
    const int site = static_cast<int>(rng.Uniform(20));
    std::string text;
    for (int n = 0; n < 8; ++n)
      text += Words(90000 + 40 * site + 4 * n, 3) + "\n";
    std::string article;
    if (!articles.empty() && rng.Uniform(4) == 0) {
      article = articles[rng.Uniform(articles.size())];
      if (rng.Uniform(2) == 0) article = Edit(rng, article, 3);
    } else {
      for (int l = 0; l < 14; ++l) {
        for (int w = 0; w < 22; ++w)
          article += test::Word(rng.Uniform(20000)) + " ";
        article += "\n";
      }
      articles.push_back(article);
    }
    text += article + Words(95000 + 8 * site, 5) + "\n";
    const std::string url =
        i % 5 == 4 ? "" : ",\"url\":\"https://s" + std::to_string(site) +
                              ".example/" + std::to_string(i) + "\"";
    crawl += "{\"id\":\"p" + std::to_string(i) + "\"" + url +
             ",\"text\":" + Json(text) + "}\n";
  }
  return crawl;
}

// Restores the built-in line budget when a test ends.
struct LineBudget {
  explicit LineBudget(uint64_t bytes) {
    internal::line_budget_bytes_for_testing = bytes;
  }
  ~LineBudget() { internal::line_budget_bytes_for_testing = 0; }
};

// Past two chunks of signatures (PackedSignatures::kChunkDocs), so that
// the pass that signs main texts merges the whole texts' signatures (in a
// spill file while the lines are counted) with the main texts' across
// chunks, and gives both back as it goes; the line tables held and
// spilled.
TEST_F(DedupTest, MainTextLineTablesSpilledGiveTheSameOutputs) {
  WriteFile(dir_ / "crawl.jsonl",
            FurnishedCrawl(2 * internal::PackedSignatures::kChunkDocs + 800));
  auto inputs = PlanInputs({(dir_ / "crawl.jsonl").string()});
  ASSERT_OK(inputs);
  auto outputs = [&](const fs::path& out) {
    std::map<std::string, std::string> files = FolderContents(out);
    EXPECT_EQ(files.count("stats.json"), 1u);
    files.erase("stats.json");  // seconds, memory and spilled bytes
    return files;
  };
  DedupOptions options;
  options.main_text = true;
  options.threads = 1;
  auto held = RunDedup(*inputs, (dir_ / "held").string(), options);
  ASSERT_OK(held);
  // The line tables fit the budget; the whole texts' signatures went to a
  // spill file while the lines were counted: at least a width byte a
  // document, at most their values unpacked.
  EXPECT_GE(held->spilled_bytes, held->read);
  EXPECT_LT(held->spilled_bytes,
            held->read * (1 + 4 * static_cast<uint64_t>(options.num_perm)));
  EXPECT_GT(held->removed, 100u);
  const auto expected = outputs(dir_ / "held");
  ASSERT_EQ(expected.size(), 4u);  // crawl, removed, clusters, rejected
  for (const uint64_t budget : {uint64_t{64} << 10, uint64_t{1} << 20}) {
    LineBudget line_budget(budget);
    for (int threads : {1, 2}) {
      options.threads = threads;
      const fs::path out =
          dir_ / ("b" + std::to_string(budget) + "t" + std::to_string(threads));
      auto spilled = RunDedup(*inputs, out.string(), options);
      ASSERT_OK(spilled);
      // The runs and the kept lines (above 64 Ki lines: blocks written).
      EXPECT_GT(spilled->spilled_bytes, held->spilled_bytes + (uint64_t{1} << 20));
      EXPECT_EQ(spilled->removed, held->removed);
      EXPECT_EQ(outputs(out), expected) << out;
      EXPECT_NE(ReadAll(out / "stats.json").find("\"spilled_bytes\":"),
                std::string::npos);
      // The spill files are gone (unlinked as they were made).
      for (const auto& e : fs::directory_iterator(out)) {
        EXPECT_EQ(e.path().filename().string().rfind(".neardup", 0),
                  std::string::npos)
            << e.path();
      }
    }
  }
  // Under a ceiling, the line tables count: a ceiling that fits only with
  // them spilled spills them and gives the same outputs.
  options.threads = 2;
  options.max_memory_bytes = uint64_t{40} << 20;
  auto ceiling = RunDedup(*inputs, (dir_ / "ceiling").string(), options);
  ASSERT_OK(ceiling);
  EXPECT_GT(ceiling->spilled_bytes, 0u);
  EXPECT_EQ(outputs(dir_ / "ceiling"), expected);
}

// Under a ceiling, main text's line tables count where they are held: in
// the sign pass, while the whole texts' signatures are in a spill file,
// not beside a whole store (they are freed before the stores are merged).
// So with the line tables small, main text needs no more ceiling than the
// job without it, but for the merge's two chunks in flight; counting the
// tables beside the store asked 8 MB more here (41.8 against 33.8 MB),
// and spilled what fitted.
TEST_F(DedupTest, MainTextCeilingCountsTheLineTablesWhereTheyAreHeld) {
  WriteFile(dir_ / "crawl.jsonl",
            FurnishedCrawl(2 * internal::PackedSignatures::kChunkDocs + 800));
  auto inputs = PlanInputs({(dir_ / "crawl.jsonl").string()});
  ASSERT_OK(inputs);
  LineBudget line_budget(uint64_t{64} << 10);
  DedupOptions options;
  options.threads = 1;
  options.main_text = true;
  auto unbounded = RunDedup(*inputs, (dir_ / "mt").string(), options);
  ASSERT_OK(unbounded);
  const uint64_t mt_spilled = unbounded->spilled_bytes;
  int run = 0;
  // The smallest ceiling, in steps of 64 KiB, at which a run spills no
  // more than without one.
  auto smallest = [&](bool main_text, uint64_t spilled) {
    options.main_text = main_text;
    uint64_t low = uint64_t{16} << 20, high = uint64_t{256} << 20;
    while (high - low > (uint64_t{64} << 10)) {
      const uint64_t mid = low + (high - low) / 2;
      options.max_memory_bytes = mid;
      auto stats = RunDedup(*inputs, (dir_ / ("r" + std::to_string(run++))).string(),
                            options);
      const bool fits = stats.ok() && stats->spilled_bytes == spilled;
      (fits ? high : low) = mid;
    }
    return high;
  };
  const uint64_t whole = smallest(false, 0);
  const uint64_t main_text = smallest(true, mt_spilled);
  const uint64_t chunks_in_flight =
      2 * internal::PackedSignatures::kChunkDocs *
      (4 * static_cast<uint64_t>(options.num_perm) + 1);
  EXPECT_LE(main_text, whole + chunks_in_flight + (uint64_t{256} << 10))
      << "without main text " << whole << ", with " << main_text;
}

TEST_F(DedupTest, AFailedOverwriteLeavesTheEarlierRunAsItWas) {
  WriteFile(dir_ / "ok.jsonl", "{\"text\":\"a b c\"}\n");
  auto inputs = PlanInputs({(dir_ / "ok.jsonl").string()});
  ASSERT_OK(inputs);
  ASSERT_OK(RunDedup(*inputs, (dir_ / "out").string(), {}));
  ASSERT_TRUE(fs::exists(dir_ / "out" / "stats.json"));
  const auto before = FolderContents(dir_ / "out");
  // A second run that fails after preparing the folder renames nothing
  // into place and removes nothing of the first run (outputs are replaced
  // only when a run commits), and leaves no temporaries.
  DedupOptions options;
  options.overwrite = true;
  options.max_memory_bytes = 1;
  EXPECT_FALSE(RunDedup(*inputs, (dir_ / "out").string(), options).ok());
  EXPECT_EQ(FolderContents(dir_ / "out"), before);
}

// Regression: --overwrite left the outputs of an earlier run in place
// (dedup a.jsonl -o o; dedup b.jsonl -o o --overwrite kept a.jsonl).
TEST_F(DedupTest, OverwriteRemovesExactlyTheEarlierRunsOutputs) {
  WriteFile(dir_ / "a.jsonl", "{\"text\":\"a b c\"}\n");
  WriteFile(dir_ / "b.jsonl", "{\"text\":\"d e f\"}\n");
  auto a = PlanInputs({(dir_ / "a.jsonl").string()});
  auto b = PlanInputs({(dir_ / "b.jsonl").string()});
  ASSERT_OK(a);
  ASSERT_OK(b);
  auto first = RunDedup(*a, (dir_ / "out").string(), {});
  ASSERT_OK(first);
  EXPECT_EQ(first->outputs,
            (std::vector<std::string>{"a.jsonl", "clusters.jsonl",
                                      "rejected.jsonl", "removed.jsonl"}));
  EXPECT_NE(ReadAll(dir_ / "out" / "stats.json")
                .find("\"outputs\":[\"a.jsonl\",\"clusters.jsonl\","
                      "\"rejected.jsonl\",\"removed.jsonl\"]"),
            std::string::npos);
  // A file the user put there, and a temporary of a killed run.
  WriteFile(dir_ / "out" / "notes.txt", "mine");
  WriteFile(dir_ / "out" / "removed.jsonl.tmp-999999999", "half");
  DedupOptions options;
  options.overwrite = true;
  ASSERT_OK(RunDedup(*b, (dir_ / "out").string(), options));
  const auto after = FolderContents(dir_ / "out");
  std::vector<std::string> names;
  for (const auto& [name, content] : after) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "b.jsonl", "clusters.jsonl", "notes.txt",
                       "rejected.jsonl", "removed.jsonl", "stats.json"}));
}

// An interrupted run (the cancel flag, as the command's SIGINT and SIGTERM
// handlers set it) stops, removes its temporaries and renames nothing into
// place; a folder it created holds no file, so a rerun is accepted.
TEST_F(DedupTest, CancelledRunWritesNothing) {
  std::string crawl;
  for (int i = 0; i < 5000; ++i) {
    crawl += "{\"id\":\"" + std::to_string(i) + "\",\"text\":\"" + test::Word(i) +
             " " + test::Word(i + 1) + " " + test::Word(i * 7) + " x y z\"}\n";
  }
  WriteFile(dir_ / "c.jsonl", crawl);
  auto inputs = PlanInputs({(dir_ / "c.jsonl").string()});
  ASSERT_OK(inputs);
  for (const char* stage : {"sign", "index"}) {
    SCOPED_TRACE(stage);
    std::atomic<bool> cancel{false};
    DedupOptions options;
    options.cancel = &cancel;
    const fs::path out = dir_ / (std::string("out_") + stage);
    auto stats = RunDedup(*inputs, out.string(), options,
                          [&](const ProgressEvent& e) {
                            if (e.stage == stage) cancel = true;
                          });
    EXPECT_EQ(stats.status().code(), absl::StatusCode::kCancelled);
    EXPECT_TRUE(FolderContents(out).empty());
    ASSERT_OK(RunDedup(*inputs, out.string(), {}));
  }
}

TEST_F(DedupTest, FolderWithoutInputsIsAnError) {
  fs::create_directories(dir_ / "empty.jsonl");
  WriteFile(dir_ / "empty.jsonl" / "notes.md", "not an input");
  auto inputs = PlanInputs({(dir_ / "empty.jsonl").string()});
  EXPECT_EQ(inputs.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(inputs.status().message().find("empty.jsonl: no input files"),
            std::string::npos)
      << inputs.status();
}

}  // namespace
}  // namespace neardup
