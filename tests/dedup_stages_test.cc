// The dedup job's stages (pipeline.h, for distributed runs): a file signed
// in byte ranges equals the file signed whole, in the order and with the
// values RunDedup sees; main_text's line counts prepared in parts are
// RunDedup's; the kept-records pass writes what RunDedup writes;
// the shared line formats; and the sharded candidate and keep rules.

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/clean.h"
#include "neardup/cluster.h"
#include "neardup/io.h"
#include "neardup/lsh.h"
#include "neardup/internal/dedup_stages.h"
#include "neardup/minhash.h"
#include "neardup/pipeline.h"
#include "pipeline/dedup_signer.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

namespace fs = std::filesystem;

class DedupStagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::Rng rng(7);
    for (int i = 0; i < 200; ++i) {
      std::string text;
      for (int w = 0; w < 20 + static_cast<int>(rng.Uniform(80)); ++w) {
        text += (w ? " " : "") + test::Word(rng.Uniform(500));
      }
      if (i == 50) crawl_ += "{\"id\": \"broken\"\n";  // rejected
      std::string line = "{\"id\":\"d" + std::to_string(i) + "\",\"text\":";
      AppendJsonString(text, &line);
      line += ",\"score\":" + std::to_string(i % 7) + "}\n";
      crawl_ += line;
    }
    path_ = (dir_ / "in.jsonl").string();
    test::WriteFile(path_, crawl_);
  }

  absl::StatusOr<internal::SignedPartition> Sign(uint64_t begin, uint64_t end,
                                       DedupOptions options = {}) {
    auto resolved = ResolveDedupOptions(options);
    if (!resolved.ok()) return resolved.status();
    return internal::SignDedupPartition({path_, "in.jsonl", begin, end}, *resolved);
  }

  test::ScratchDir scratch_;
  const fs::path dir_ = scratch_.path();
  std::string crawl_, path_;
};

TEST_F(DedupStagesTest, ByteRangesConcatenateToTheWholeFile) {
  auto whole = Sign(0, internal::DedupPartition::kWholeFile);
  ASSERT_OK(whole);
  EXPECT_EQ(whole->file.read, 201u);
  EXPECT_EQ(whole->file.rejected, 1u);
  EXPECT_EQ(whole->documents(), 200u);
  EXPECT_EQ(whole->signatures.size(), 200u * 112);
  EXPECT_NE(whole->rejected_jsonl.find("\"file\":\"in.jsonl\",\"line\":51"),
            std::string::npos);
  // Cuts anywhere, inside lines too: every line lands in exactly one part.
  const uint64_t size = crawl_.size();
  for (uint64_t parts : {2u, 3u, 7u, 50u}) {
    internal::SignedPartition sum;
    for (uint64_t p = 0; p < parts; ++p) {
      const uint64_t begin = size * p / parts;
      const uint64_t end =
          p + 1 == parts ? internal::DedupPartition::kWholeFile : size * (p + 1) / parts;
      auto part = Sign(begin, end);
      ASSERT_OK(part);
      sum.file.read += part->file.read;
      sum.file.rejected += part->file.rejected;
      sum.text_bytes += part->text_bytes;
      sum.line.insert(sum.line.end(), part->line.begin(), part->line.end());
      sum.ids += part->ids;
      sum.signatures.insert(sum.signatures.end(), part->signatures.begin(),
                            part->signatures.end());
      sum.rejected_jsonl += part->rejected_jsonl;
    }
    EXPECT_EQ(sum.file.read, whole->file.read) << parts;
    EXPECT_EQ(sum.file.rejected, whole->file.rejected);
    EXPECT_EQ(sum.text_bytes, whole->text_bytes);
    EXPECT_EQ(sum.line, whole->line);  // line numbers count from the start
    EXPECT_EQ(sum.ids, whole->ids);
    EXPECT_EQ(sum.signatures, whole->signatures);
    EXPECT_EQ(sum.rejected_jsonl, whole->rejected_jsonl);
  }
}

TEST_F(DedupStagesTest, PlansByteRangesOfPlainJsonlOnly) {
  const std::string text = (dir_ / "in.txt").string();
  test::WriteFile(text, crawl_);  // as large, but a text file: one document
  const std::vector<InputFile> inputs = {{path_, "in.jsonl"},
                                         {text, "in.txt"}};
  const uint64_t size = crawl_.size();
  const int64_t bytes = static_cast<int64_t>(size / 5 - 1);  // 6 ranges
  auto parts = internal::PlanDedupPartitions(inputs, {}, bytes);
  ASSERT_OK(parts);
  ASSERT_EQ(parts->size(), 7u);
  uint64_t at = 0;
  for (size_t p = 0; p < 6; ++p) {
    const internal::DedupPartition& part = (*parts)[p];
    EXPECT_EQ(part.file, 0u);
    EXPECT_EQ(part.path, path_);
    EXPECT_EQ(part.begin, at);
    at = p + 1 < 6 ? part.end : size;
    EXPECT_LE(at - part.begin, static_cast<uint64_t>(bytes));
  }
  EXPECT_EQ((*parts)[5].end, internal::DedupPartition::kWholeFile);
  EXPECT_EQ((*parts)[6].file, 1u);  // not JSONL: whole
  EXPECT_EQ((*parts)[6].begin, 0u);
  EXPECT_EQ((*parts)[6].end, internal::DedupPartition::kWholeFile);
  // Not cut: partition_bytes 0 or less, or at least the file's size.
  for (int64_t none : {int64_t{0}, int64_t{-1}, static_cast<int64_t>(size)}) {
    parts = internal::PlanDedupPartitions(inputs, {}, none);
    ASSERT_OK(parts);
    EXPECT_EQ(parts->size(), 2u) << none;
  }
  EXPECT_FALSE(internal::PlanDedupPartitions(
                   {{(dir_ / "nope.jsonl").string(), "nope.jsonl"}}, {}, 100)
                   .ok());
}

TEST_F(DedupStagesTest, KeepFieldAndExactKeys) {
  DedupOptions options;
  options.method = DedupMethod::kExact;
  options.keep = KeepPolicy::kField;
  options.keep_field = "score";
  auto signed_partition = Sign(0, internal::DedupPartition::kWholeFile, options);
  ASSERT_OK(signed_partition);
  EXPECT_TRUE(signed_partition->signatures.empty());
  ASSERT_EQ(signed_partition->keys.size(), 200u);
  EXPECT_EQ(signed_partition->number[9], 2.0);  // d9: 9 % 7
}

TEST_F(DedupStagesTest, WritesTheKeptDocumentsAndChecksTheCount) {
  std::vector<uint8_t> keep(200, 0);
  keep[0] = keep[199] = 1;
  const std::string out = (dir_ / "out.jsonl").string();
  auto written = internal::WriteKeptDocuments(path_, "in.jsonl", out, {}, keep);
  ASSERT_OK(written);
  EXPECT_EQ(*written, 2u);
  const std::vector<std::string> lines = test::Lines(test::ReadFile(out));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("{\"id\":\"d0\",", 0), 0u);
  EXPECT_EQ(lines[1].rfind("{\"id\":\"d199\",", 0), 0u);
  keep.pop_back();
  auto changed = internal::WriteKeptDocuments(path_, "in.jsonl", out, {}, keep);
  EXPECT_EQ(changed.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(DedupStagesTest, RefusesStandardInputAndChecksOptions) {
  EXPECT_EQ(internal::OpenDedupOutput({{"-", "stdin.jsonl"}},
                               (dir_ / "o").string(), false, {})
                .code(),
            absl::StatusCode::kInvalidArgument);
  DedupOptions options;
  options.threshold = 1.0;
  EXPECT_EQ(ResolveDedupOptions(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto resolved = ResolveDedupOptions({});
  ASSERT_OK(resolved);
  // Chosen for Jaccard 0.7 / 2.3, the default containment's; for the
  // threshold without containment.
  EXPECT_EQ(resolved->bands, 39);
  EXPECT_EQ(resolved->rows, 2);
  auto jaccard = ResolveDedupOptions({.containment = 0});
  ASSERT_OK(jaccard);
  EXPECT_EQ(jaccard->bands, 14);
  EXPECT_EQ(jaccard->rows, 8);
}

// Regression: these options used to be accepted (threads -3 ran on every
// core, kField without a field kept the first, shingles.seed was replaced
// by seed in silence), and the errors named command-line flags.
TEST(ResolveDedupOptionsTest, RefusesBadOptionsNamingOptionAndValue) {
  auto message = [](const DedupOptions& options) {
    const auto resolved = ResolveDedupOptions(options);
    EXPECT_EQ(resolved.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(resolved.status().message());
  };
  EXPECT_EQ(message({.threshold = 1.5}),
            "threshold must be strictly between 0 and 1, got 1.5");
  EXPECT_EQ(message({.threads = -3}),
            "threads must be at least 0 (0: one per core), got -3");
  EXPECT_NE(message({.keep = KeepPolicy::kField}).find("keep_field"),
            std::string::npos);
  EXPECT_EQ(message({.hamming = 9}), "hamming must be 0 to 8, got 9");
  EXPECT_NE(message({.bands = 20, .rows = 20}).find("got 20 and 20"),
            std::string::npos);
  EXPECT_NE(message({.bands = 0, .rows = 4}).find("bands and rows"),
            std::string::npos);
  DedupOptions seeds;
  seeds.shingles.seed = 5;
  seeds.seed = 7;
  EXPECT_NE(message(seeds).find("shingles.seed (5) differs from seed (7)"),
            std::string::npos);
  // Every message is in the library's terms.
  for (const DedupOptions& o :
       {DedupOptions{.threshold = 0}, DedupOptions{.threads = -1},
        DedupOptions{.hamming = -1}, DedupOptions{.bands = 1, .rows = 200}}) {
    EXPECT_EQ(message(o).find("--"), std::string::npos) << message(o);
  }
  // A shingles.seed equal to seed, or 0, is no conflict: seed wins.
  seeds.shingles.seed = 7;
  ASSERT_OK(ResolveDedupOptions(seeds));
  seeds.shingles.seed = 0;
  EXPECT_EQ(ResolveDedupOptions(seeds)->shingles.seed, 7u);
  DedupOptions field{.keep = KeepPolicy::kField, .keep_field = "score"};
  EXPECT_EQ(ResolveDedupOptions(field)->reader.number_field, "score");
}

// JudgeComponents on the evidence SignDedupPartition gives decides as
// RunDedup does, for every method and verify mode: the documents of the
// file as one component (the first 40, so that most pairs are not alike).
TEST_F(DedupStagesTest, JudgeComponentsDecidesAsRunDedup) {
  std::string chain;
  auto words = [](int first) {
    std::string text;
    for (int k = first; k < first + 100; ++k) {
      text += (k > first ? " " : "") + test::Word(static_cast<uint64_t>(k) + 9000);
    }
    return text;
  };
  for (int i = 0; i < 3; ++i) {
    std::string line = "{\"id\":\"c" + std::to_string(i) + "\",\"text\":";
    AppendJsonString(words(10 * i), &line);
    chain += line + "}\n";
  }
  const std::string path = (dir_ / "chain.jsonl").string();
  test::WriteFile(path, chain);
  DedupOptions exact_sets{.containment = 0};
  exact_sets.verify = VerifyMode::kExact;
  for (const DedupOptions& options : {DedupOptions{.containment = 0}, exact_sets}) {
    auto resolved = ResolveDedupOptions(options);
    ASSERT_OK(resolved);
    auto signed_part = internal::SignDedupPartition({path, "chain.jsonl"}, *resolved);
    ASSERT_OK(signed_part);
    const std::vector<uint64_t> component = {0, 0, 0}, doc = {0, 1, 2};
    internal::MemberEvidence evidence{.signatures = signed_part->signatures,
                            .sets = signed_part->sets,
                            .set_end = signed_part->set_end};
    auto kept = internal::JudgeComponents(component, doc, signed_part->length,
                                signed_part->number, *resolved, evidence);
    ASSERT_OK(kept);
    // c1 joins c0; c2 is no duplicate of c0: kept (no chain).
    EXPECT_EQ(*kept, (std::vector<uint64_t>{0, 0, 2}));
    // RunDedup agrees.
    const fs::path out = dir_ / ("out" + std::to_string(options.verify ==
                                                        VerifyMode::kExact));
    ASSERT_OK(RunDedup({{path, "chain.jsonl"}}, out.string(), options));
    const auto kept_lines = test::Lines(test::ReadFile(out / "chain.jsonl"));
    ASSERT_EQ(kept_lines.size(), 2u);
    EXPECT_NE(kept_lines[0].find("\"c0\""), std::string::npos);
    EXPECT_NE(kept_lines[1].find("\"c2\""), std::string::npos);
  }
  // Containment estimated from signatures and set sizes: c2 (80 of its
  // 100 words in c0, one size: an edit) joins c0 too, in both, when any
  // containment counts (asymmetry 1); at the default asymmetry it is kept.
  for (const double asymmetry : {1.0, kDefaultContainmentAsymmetry}) {
    SCOPED_TRACE(asymmetry);
    const std::vector<uint64_t> expected =
        asymmetry == 1 ? std::vector<uint64_t>{0, 0, 0}
                       : std::vector<uint64_t>{0, 0, 2};
    auto resolved = ResolveDedupOptions(
        {.containment = 0.7, .containment_asymmetry = asymmetry});
    ASSERT_OK(resolved);
    auto signed_part = internal::SignDedupPartition({path, "chain.jsonl"}, *resolved);
    ASSERT_OK(signed_part);
    ASSERT_EQ(signed_part->set_size.size(), 3u);
    EXPECT_EQ(signed_part->set_size[0], 96u);  // 100 words, 96 5-grams
    const std::vector<uint64_t> component = {0, 0, 0}, doc = {0, 1, 2};
    ASSERT_EQ(signed_part->site.size(), 3u);  // no url: 0
    internal::MemberEvidence evidence{.signatures = signed_part->signatures,
                            .set_size = signed_part->set_size,
                            .site = signed_part->site};
    auto kept = internal::JudgeComponents(component, doc, signed_part->length,
                                signed_part->number, *resolved, evidence);
    ASSERT_OK(kept);
    EXPECT_EQ(*kept, expected);
    const fs::path out = dir_ / ("contained" + std::to_string(asymmetry));
    ASSERT_OK(RunDedup({{path, "chain.jsonl"}}, out.string(), *resolved));
    const auto removed = test::Lines(test::ReadFile(out / "removed.jsonl"));
    ASSERT_EQ(removed.size(), asymmetry == 1 ? 2u : 1u);
    EXPECT_NE(removed.back().find("\"id\":\"c" +
                                  std::to_string(asymmetry == 1 ? 2 : 1) + "\""),
              std::string::npos);
    EXPECT_NE(removed.back().find("\"kept_id\":\"c0\""), std::string::npos);
    EXPECT_NE(removed.back().find("\"containment\":"), std::string::npos);
    // Without the set sizes or the sites, the evidence is refused.
    EXPECT_FALSE(internal::JudgeComponents(component, doc, signed_part->length,
                                 signed_part->number, *resolved,
                                 {.signatures = signed_part->signatures,
                                  .site = signed_part->site})
                     .ok());
    EXPECT_FALSE(internal::JudgeComponents(component, doc, signed_part->length,
                                 signed_part->number, *resolved,
                                 {.signatures = signed_part->signatures,
                                  .set_size = signed_part->set_size})
                     .ok());
  }
  // Unsorted entries and missing evidence are refused.
  auto resolved = ResolveDedupOptions({.containment = 0});
  ASSERT_OK(resolved);
  const std::vector<uint64_t> c = {0, 0}, unsorted = {1, 0}, len = {1, 1};
  const std::vector<double> num = {NAN, NAN};
  const std::vector<uint32_t> sig(2 * 112, 0);
  EXPECT_FALSE(internal::JudgeComponents(c, unsorted, len, num, *resolved,
                               {.signatures = sig})
                   .ok());
  EXPECT_FALSE(internal::JudgeComponents(c, {0, 1}, len, num, *resolved, {}).ok());
  EXPECT_OK(internal::JudgeComponents(c, {0, 1}, len, num, *resolved,
                            {.signatures = sig}));
}

// CountsByContainment, the rule neardup.dask evaluates row by row: the
// containment threshold, the site rule and the asymmetry of an excerpt.
TEST(CountsByContainmentTest, CountsAnExcerptNotAnEditNorOneSitesPages) {
  auto resolved = ResolveDedupOptions({});
  ASSERT_OK(resolved);
  const DedupOptions& o = *resolved;
  EXPECT_EQ(o.containment, kDefaultContainment);
  EXPECT_EQ(o.containment_asymmetry, 5);
  // An excerpt: 100 shingles, 95 of them in a text of 300 (own: 5 against
  // 205).
  EXPECT_TRUE(internal::CountsByContainment(o, 0.95, 100, 300, 0, 0));
  EXPECT_TRUE(internal::CountsByContainment(o, 0.95, 300, 100, 0, 0));
  // An edit: one size, 75% shared (own: 25 against 25).
  EXPECT_FALSE(internal::CountsByContainment(o, 0.75, 100, 100, 0, 0));
  // At the boundary: 80 shared of 100 and 180, own 20 against 100 (5x).
  EXPECT_TRUE(internal::CountsByContainment(o, 0.8, 100, 180, 0, 0));
  EXPECT_FALSE(internal::CountsByContainment(o, 0.8, 100, 179, 0, 0));
  // Below the containment threshold; within one site (no main text).
  EXPECT_FALSE(internal::CountsByContainment(o, 0.69, 100, 1000, 0, 0));
  EXPECT_FALSE(internal::CountsByContainment(o, 0.95, 100, 300, 7, 7));
  EXPECT_TRUE(internal::CountsByContainment(o, 0.95, 100, 300, 7, 8));
  // With main text the same: two pages of one site are compared whole
  // (SignDedupPartition gives a page whose furniture was left out the site
  // 0, and then it counts).
  DedupOptions main_text = o;
  main_text.main_text = true;
  EXPECT_FALSE(internal::CountsByContainment(main_text, 0.95, 100, 300, 7, 7));
  EXPECT_TRUE(internal::CountsByContainment(main_text, 0.95, 100, 300, 0, 7));
  // Asymmetry 1 counts any containment; containment 0 none; the other
  // methods and an index resolve the default to off.
  DedupOptions any = o;
  any.containment_asymmetry = 1;
  EXPECT_TRUE(internal::CountsByContainment(any, 0.75, 100, 100, 0, 0));
  auto off = ResolveDedupOptions({.containment = 0});
  ASSERT_OK(off);
  EXPECT_FALSE(internal::CountsByContainment(*off, 1.0, 100, 1000, 0, 0));
  auto simhash = ResolveDedupOptions({.method = DedupMethod::kSimHash});
  ASSERT_OK(simhash);
  EXPECT_EQ(simhash->containment, 0);
  EXPECT_EQ(ResolveDedupOptions({.containment_asymmetry = 0.9}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveDedupOptions({.containment = 1.5}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A DocSigner test's options, resolved, with the MinHasher they give and
// the number of signature values a document (0 without MinHash rows).
struct SignerSetup {
  DedupOptions options;
  MinHasher hasher;
  size_t k;
};

absl::StatusOr<SignerSetup> SetUpSigner(const DedupOptions& o) {
  auto resolved = ResolveDedupOptions(o);
  if (!resolved.ok()) return resolved.status();
  auto hasher = MinHasher::Create(MinHashOptionsOf(*resolved));
  if (!hasher.ok()) return hasher.status();
  const size_t k = resolved->method == DedupMethod::kMinHash
                       ? static_cast<size_t>(resolved->num_perm)
                       : 0;
  return SignerSetup{*std::move(resolved), *std::move(hasher), k};
}

// One DocSigner per thread signs document after document with the same
// scratch: each document's signature, key, set size, set and too_short are
// those a fresh signer gives it, whatever was signed before (a long text
// before a short one, a text with nothing to shingle between them).
TEST(DocSignerTest, ReusedSignerSignsEachDocumentAsAFreshOne) {
  test::Rng rng(11);
  auto words = [&](size_t n) {
    std::string text;
    for (size_t i = 0; i < n; ++i) {
      text += "w" + std::to_string(rng.Uniform(300)) + (i % 9 == 8 ? ". " : " ");
    }
    return text;
  };
  const std::vector<std::string> texts = {
      words(400), "short text here", "", "!!! ...",
      "Caf\xc3\xa9 na\xc3\xafve \xe2\x80\x94 r\xc3\xa9sum\xc3\xa9 of words",
      words(50), "bad \xff utf8 bytes in words"};
  struct Variant {
    DedupMethod method;
    VerifyMode verify;
    double containment;
    size_t min_words;
  };
  for (const Variant& v :
       {Variant{DedupMethod::kMinHash, VerifyMode::kSignature, 0.8, 5},
        Variant{DedupMethod::kMinHash, VerifyMode::kExact, 0, 0},
        Variant{DedupMethod::kSimHash, VerifyMode::kSignature, 0, 3},
        Variant{DedupMethod::kExact, VerifyMode::kSignature, 0, 3}}) {
    DedupOptions o;
    o.method = v.method;
    o.verify = v.verify;
    o.containment = v.containment;
    o.min_words = v.min_words;
    auto setup = SetUpSigner(o);
    ASSERT_OK(setup.status());
    auto reused = internal::DocSigner::Create(setup->options, &setup->hasher);
    ASSERT_OK(reused.status());
    const size_t k = setup->k;
    for (const std::string& text : texts) {
      auto fresh =
          internal::DocSigner::Create(setup->options, &setup->hasher);
      ASSERT_OK(fresh.status());
      std::vector<uint32_t> row_a(k), row_b(k);
      const internal::DocSignature a =
          reused->Sign(text, {}, absl::MakeSpan(row_a));
      const std::vector<uint64_t> set_a(a.set.begin(), a.set.end());
      const internal::DocSignature b =
          fresh->Sign(text, {}, absl::MakeSpan(row_b));
      const std::vector<uint64_t> set_b(b.set.begin(), b.set.end());
      const std::string at =
          DedupMethodName(v.method) + std::string(" ") + text.substr(0, 20);
      EXPECT_EQ(row_a, row_b) << at;
      EXPECT_EQ(a.key, b.key) << at;
      EXPECT_EQ(a.set_size, b.set_size) << at;
      EXPECT_EQ(set_a, set_b) << at;
      EXPECT_EQ(a.too_short, b.too_short) << at;
      EXPECT_EQ(a.repaired, b.repaired) << at;
      EXPECT_TRUE(std::is_sorted(set_a.begin(), set_a.end())) << at;
      EXPECT_EQ(reused->keeps_sets(), !set_a.empty()) << at;
      if (reused->counts_sizes()) EXPECT_GT(a.set_size, 0u) << at;
    }
  }
}

// The sign pass of main_text signs each whole text and prepares its lines
// for the line counts in one go (DocSigner::SignCounting), normalizing
// each line once for both: what it gives must be what signing the whole
// text and LineCounter::Prepare give, byte for byte, on texts whose lines
// end every way SplitLines knows and hold what normalization changes
// (case, digits, punctuation, NFKC forms, combining marks at a line's
// start, CJK, ill-formed UTF-8 before a line end), short and long lines.
TEST(DocSignerTest, SignCountingIsSignAndPrepare) {
  test::Rng rng(23);
  const std::vector<std::string> pieces = {
      "Word",
      "words",
      "2024",
      "x1y2",
      "Caf\xc3\xa9",
      "\xcc\x81"
      "accent",
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
      "Stra\xc3\x9f"
      "e",
      "\xef\xac\x81le",
      "\xef\xbc\xa1\xef\xbc\xa2",
      "---",
      "(see)",
      "\xe2\x80\x94",
      "a\xe2\x80\x8d"
      "b",
      "\xf0\x9f\x98\x80",
      "\xff",
      "\xe2\x80",
      "tab\there",
      "\xc2\xa0",
      "$5.00",
      "don\xe2\x80\x99t"};
  const std::vector<std::string> ends = {
      "\n",       "\r\n", "\r",  "\xe2\x80\xa8", "\xe2\x80\xa9",
      "\xc2\x85", "\n\n", " \n", "\n \n"};
  auto text = [&]() {
    std::string t;
    const size_t lines = rng.Uniform(12);
    for (size_t l = 0; l < lines; ++l) {
      // Navigation-like short lines, sentences, long paragraphs.
      const size_t kind = rng.Uniform(3);
      const size_t words = kind == 0   ? rng.Uniform(4)
                           : kind == 1 ? 5 + rng.Uniform(10)
                                       : 20 + rng.Uniform(40);
      for (size_t w = 0; w < words; ++w) {
        if (rng.Uniform(4) == 0) {
          t += pieces[rng.Uniform(pieces.size())];
        } else {
          t += "w" + std::to_string(rng.Uniform(60));
        }
        t += rng.Uniform(10) == 0 ? ", " : " ";
      }
      t += ends[rng.Uniform(ends.size())];
    }
    return t;
  };
  std::vector<std::string> texts = {"", "\n\n", "--- !!!\n", "one line",
                                    "\xcc\x81\n\xcc\x81x y z"};
  for (int i = 0; i < 300; ++i) texts.push_back(text());
  struct Variant {
    DedupMethod method;
    VerifyMode verify;
    int shingle_n;
    size_t min_words;
  };
  for (const Variant& v :
       {Variant{DedupMethod::kMinHash, VerifyMode::kSignature, 5, 0},
        Variant{DedupMethod::kMinHash, VerifyMode::kExact, 5, 3},
        Variant{DedupMethod::kMinHash, VerifyMode::kSignature, 3, 0},
        Variant{DedupMethod::kSimHash, VerifyMode::kSignature, 5, 0}}) {
    DedupOptions o;
    o.method = v.method;
    o.verify = v.verify;
    o.shingles.n = v.shingle_n;
    o.min_words = v.min_words;
    o.main_text = true;
    auto setup = SetUpSigner(o);
    ASSERT_OK(setup.status());
    LineCounter counts;
    auto counting =
        internal::DocSigner::Create(setup->options, &setup->hasher, &counts);
    ASSERT_OK(counting.status());
    EXPECT_EQ(counting->shares_lines(),
              v.method == DedupMethod::kMinHash && v.shingle_n == 5);
    auto whole = internal::DocSigner::Create(setup->options, &setup->hasher);
    ASSERT_OK(whole.status());
    const size_t k = setup->k;
    for (const std::string& t : texts) {
      for (const std::string site : {"a.example", ""}) {
        const std::string at = DedupMethodName(v.method) + std::string(" n=") +
                               std::to_string(v.shingle_n) + " site=" + site +
                               " text=" + t.substr(0, 40);
        std::vector<uint32_t> row_a(k), row_b(k);
        LineCounter::Prepared prepared;
        std::vector<KeyedLine> lines;
        const internal::DocSignature a = counting->SignCounting(
            t, site, &prepared, &lines, absl::MakeSpan(row_a));
        const std::vector<uint64_t> set_a(a.set.begin(), a.set.end());
        const internal::DocSignature b =
            whole->Sign(t, {}, absl::MakeSpan(row_b));
        const std::vector<uint64_t> set_b(b.set.begin(), b.set.end());
        EXPECT_EQ(row_a, row_b) << at;
        EXPECT_EQ(a.key, b.key) << at;
        EXPECT_EQ(a.set_size, b.set_size) << at;
        EXPECT_EQ(set_a, set_b) << at;
        EXPECT_EQ(a.too_short, b.too_short) << at;
        EXPECT_EQ(a.repaired, b.repaired) << at;
        if (site.empty()) {
          // Compared whole: nothing to count.
          EXPECT_TRUE(lines.empty()) << at;
          EXPECT_TRUE(prepared.lines.empty()) << at;
          continue;
        }
        std::vector<KeyedLine> want_lines;
        const LineCounter::Prepared want =
            LineCounter::Prepare(t, site, &want_lines);
        EXPECT_EQ(prepared.lines, want.lines) << at;
        EXPECT_EQ(prepared.pairs, want.pairs) << at;
        EXPECT_EQ(prepared.long_lines, want.long_lines) << at;
        EXPECT_EQ(prepared.site, want.site) << at;
        EXPECT_EQ(prepared.bands, want.bands) << at;
        ASSERT_EQ(lines.size(), want_lines.size()) << at;
        for (size_t i = 0; i < lines.size(); ++i) {
          EXPECT_EQ(lines[i].begin, want_lines[i].begin) << at;
          EXPECT_EQ(lines[i].cut_end, want_lines[i].cut_end) << at;
          EXPECT_EQ(lines[i].key, want_lines[i].key) << at;
          EXPECT_EQ(lines[i].normalized_bytes, want_lines[i].normalized_bytes)
              << at;
          EXPECT_EQ(lines[i].words, want_lines[i].words) << at;
        }
      }
    }
  }
}

// Pages of three sites, each under its site's navigation and footer lines,
// one in ten without a URL (host ""), and their JSONL.
struct Page {
  std::string text, host;
};

std::vector<Page> FurnishedPages() {
  test::Rng rng(11);
  std::vector<Page> pages;
  for (int i = 0; i < 60; ++i) {
    const int site = i % 3;
    std::string text;
    for (int line = 0; line < 8; ++line) {
      text += "menu " + test::Word(1000 + 8 * site + line) + "\n";
    }
    for (int para = 0; para < 3; ++para) {
      for (int w = 0; w < 25; ++w) {
        text += (w ? " " : "") + test::Word(rng.Uniform(500));
      }
      text += "\n";
    }
    text += "copyright site " + test::Word(1100 + site) + " all rights";
    pages.push_back(
        {text, i % 10 == 9 ? "" : "s" + std::to_string(site) + ".example"});
  }
  return pages;
}

std::string FurnishedCrawl() {
  std::string crawl;
  int i = 0;
  for (const Page& page : FurnishedPages()) {
    std::string line = "{\"id\":\"p" + std::to_string(i++) + "\",";
    if (!page.host.empty()) {
      line += "\"url\":\"https://" + page.host + "/" + std::to_string(i) +
              "\",";
    }
    line += "\"text\":";
    AppendJsonString(page.text, &line);
    crawl += line + "}\n";
  }
  return crawl;
}

TEST_F(DedupStagesTest, LinesPreparedInPartsCountAsOnePass) {
  test::WriteFile(path_, FurnishedCrawl() + "{\"id\": \"broken\"\n");
  DedupOptions options;
  options.main_text = true;
  auto resolved = ResolveDedupOptions(options);
  ASSERT_OK(resolved);
  // RunDedup's count pass: every document, in input order, its sites'
  // counts only.
  LineCounter expected;
  expected.CountOverall(false);
  for (const Page& page : FurnishedPages()) {
    expected.AddDocument(page.text, page.host);
  }
  expected.Finish(resolved->main_text_boilerplate.min_docs);
  const uint64_t size = test::ReadFile(path_).size();
  for (uint64_t parts : {1u, 4u}) {
    std::vector<std::string> prepared;
    for (uint64_t p = 0; p < parts; ++p) {
      const uint64_t end = p + 1 == parts ? internal::DedupPartition::kWholeFile
                                          : size * (p + 1) / parts;
      auto part = internal::PrepareDedupLines(
          {path_, "in.jsonl", size * p / parts, end}, *resolved);
      ASSERT_OK(part);
      prepared.push_back(*std::move(part));
    }
    std::vector<std::string_view> views(prepared.begin(), prepared.end());
    auto counts = internal::CountDedupLines(views, *resolved);
    ASSERT_OK(counts);
    EXPECT_EQ(*counts, expected.Serialize()) << parts << " parts";
  }
  // Signed on the counts: the furniture is not compared.
  const std::string counts = expected.Serialize();
  auto main_text = internal::SignDedupPartition(
      {path_, "in.jsonl", 0, internal::DedupPartition::kWholeFile}, *resolved, counts);
  ASSERT_OK(main_text);
  EXPECT_EQ(main_text->documents(), 60u);
  EXPECT_EQ(main_text->file.rejected, 1u);
  auto whole = Sign(0, internal::DedupPartition::kWholeFile);
  ASSERT_OK(whole);
  EXPECT_NE(main_text->signatures, whole->signatures);
  // Containment's site keys: a page whose furniture was left out is of no
  // site (every page with a URL here has its menu masked), so that
  // containment within its site counts (issue 13 part 5).
  ASSERT_EQ(whole->site.size(), 60u);
  ASSERT_EQ(main_text->site.size(), 60u);
  for (size_t i = 0; i < 60; ++i) {
    EXPECT_EQ(whole->site[i] == 0, i % 10 == 9) << i;
    EXPECT_EQ(main_text->site[i], 0u) << i;
  }
  // A saved file (line_counts_file) gives its counts; `prepared` unread.
  test::WriteFile((dir_ / "counts.bin").string(), counts);
  DedupOptions saved = *resolved;
  saved.line_counts_file = (dir_ / "counts.bin").string();
  auto loaded = internal::CountDedupLines({}, saved);
  ASSERT_OK(loaded);
  EXPECT_EQ(*loaded, counts);
}

TEST_F(DedupStagesTest, MainTextNeedsTheRunsLineCounts) {
  DedupOptions options;
  options.main_text = true;
  auto no_counts = Sign(0, internal::DedupPartition::kWholeFile, options);
  ASSERT_FALSE(no_counts.ok());
  EXPECT_EQ(no_counts.status().code(), absl::StatusCode::kInvalidArgument);
  auto resolved = ResolveDedupOptions(options);
  ASSERT_OK(resolved);
  auto bad = internal::SignDedupPartition(
      {path_, "in.jsonl", 0, internal::DedupPartition::kWholeFile}, *resolved, "NDLC");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
  const std::string_view garbage[] = {"not prepared lines"};
  auto counted = internal::CountDedupLines(garbage, *resolved);
  ASSERT_FALSE(counted.ok());
  EXPECT_EQ(counted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(internal::CountDedupLines({}, DedupOptions{}).ok());  // no main_text
  DedupOptions missing = *resolved;
  missing.line_counts_file = (dir_ / "missing.bin").string();
  EXPECT_EQ(internal::CountDedupLines({}, missing).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(DedupLinesTest, Formats) {
  EXPECT_EQ(internal::RemovedJson("b", "f.jsonl", 3, DedupMethod::kMinHash, 0, "a",
                        0.84375),
            "{\"id\":\"b\",\"file\":\"f.jsonl\",\"line\":3,\"reason\":"
            "\"near_duplicate\",\"cluster\":0,\"kept_id\":\"a\","
            "\"similarity\":0.8438}");
  EXPECT_EQ(internal::RemovedJson("b", "f", 1, DedupMethod::kExact, 2, "a", 1.0),
            "{\"id\":\"b\",\"file\":\"f\",\"line\":1,\"reason\":"
            "\"exact_duplicate\",\"cluster\":2,\"kept_id\":\"a\","
            "\"similarity\":1.0000}");
  EXPECT_EQ(internal::RemovedJson("b", "f", 1, DedupMethod::kMinHash, 2, "a", 0.5,
                        0.9),
            "{\"id\":\"b\",\"file\":\"f\",\"line\":1,\"reason\":"
            "\"near_duplicate\",\"cluster\":2,\"kept_id\":\"a\","
            "\"similarity\":0.5000,\"containment\":0.9000}");
  EXPECT_EQ(internal::ClusterMemberJson("x\"y", 5, "a"),
            "{\"id\":\"x\\\"y\",\"cluster\":5,\"kept_id\":\"a\"}");
  EXPECT_EQ(internal::RejectionJson("f", {"f", 2, 10, "bad"}),
            "{\"file\":\"f\",\"line\":2,\"offset\":10,\"reason\":\"bad\"}");
}

TEST(ShardedRulesTest, SortedKeysGiveTheCandidatesOfCandidatesFromKeys) {
  test::Rng rng(3);
  std::vector<uint64_t> keys(3000);
  for (uint64_t& k : keys) k = rng.Uniform(40);  // buckets of ~75: oversized
  std::vector<std::pair<uint64_t, uint32_t>> scratch;
  std::vector<DocPair> expected;
  CandidateStats expected_stats;
  ASSERT_OK(CandidatesFromKeys(keys, {}, &scratch, &expected, &expected_stats));
  EXPECT_GT(expected_stats.oversized_buckets, 0u);
  // Shards by key parity, each sorted on its own, then merged by key.
  std::vector<DocPair> got;
  CandidateStats stats;
  std::vector<std::vector<DocPair>> by_key(40);
  for (int shard = 0; shard < 2; ++shard) {
    std::vector<std::pair<uint64_t, uint32_t>> sorted;
    for (uint32_t d = 0; d < keys.size(); ++d) {
      if (static_cast<int>(keys[d] % 2) == shard) sorted.push_back({keys[d], d});
    }
    std::sort(sorted.begin(), sorted.end());
    std::vector<DocPair> pairs;
    ASSERT_OK(internal::CandidatesFromSortedKeys(sorted, {}, &pairs, &stats));
    for (const DocPair& p : pairs) by_key[keys[p.first]].push_back(p);
  }
  for (const auto& pairs : by_key) got.insert(got.end(), pairs.begin(), pairs.end());
  EXPECT_EQ(got, expected);
  EXPECT_EQ(stats.pairs, expected_stats.pairs);
  EXPECT_EQ(stats.buckets, expected_stats.buckets);
  EXPECT_EQ(stats.oversized_buckets, expected_stats.oversized_buckets);
  EXPECT_EQ(stats.largest_bucket, expected_stats.largest_bucket);
}

TEST(ShardedRulesTest, SimHashTablesShardedGiveSimHashNearPairs) {
  test::Rng rng(5);
  std::vector<uint64_t> prints(2000);
  for (uint64_t& p : prints) {
    // Few distinct high halves: big buckets, some oversized.
    p = (rng.Uniform(8) << 40) | rng.Uniform(1 << 12);
  }
  CandidateOptions options;
  options.max_bucket_pairs_size = 16;
  CandidateStats expected_stats;
  const std::vector<DocPair> expected =
      *SimHashNearPairs(prints, 3, options, &expected_stats);
  EXPECT_GT(expected_stats.oversized_buckets, 0u);
  std::vector<DocPair> got;
  CandidateStats stats;
  for (const uint64_t mask : SimHashTableMasks(3)) {
    for (int shard = 0; shard < 3; ++shard) {
      std::vector<std::pair<uint64_t, uint32_t>> table;
      for (uint32_t d = 0; d < prints.size(); ++d) {
        const uint64_t key = prints[d] & mask;
        if (static_cast<int>((key >> 40) % 3) == shard) table.push_back({key, d});
      }
      std::sort(table.begin(), table.end());
      std::vector<uint64_t> keys, fps;
      std::vector<uint32_t> docs;
      for (const auto& [key, d] : table) {
        keys.push_back(key);
        fps.push_back(prints[d]);
        docs.push_back(d);
      }
      ASSERT_OK(internal::SimHashPairsFromSortedKeys(keys, fps, docs, 3, options, &got,
                                           &stats));
    }
  }
  std::sort(got.begin(), got.end());
  got.erase(std::unique(got.begin(), got.end()), got.end());
  EXPECT_EQ(got, expected);
  EXPECT_EQ(stats.pairs, expected_stats.pairs);
  EXPECT_EQ(stats.buckets, expected_stats.buckets);
  EXPECT_EQ(stats.oversized_buckets, expected_stats.oversized_buckets);
  EXPECT_EQ(stats.largest_bucket, expected_stats.largest_bucket);
}

TEST(ShardedRulesTest, KeepsOverIsMakeClusteringsRule) {
  const std::vector<uint64_t> lengths = {5, 9, 9, 2};
  const std::vector<double> numbers = {NAN, 1.0, 3.0, 3.0};
  for (KeepPolicy policy :
       {KeepPolicy::kFirst, KeepPolicy::kLongest, KeepPolicy::kField}) {
    DisjointSets sets(4);
    sets.Union(0, 1);
    sets.Union(2, 3);
    sets.Union(1, 3);
    const Clustering c = *MakeClustering(sets, policy, lengths, numbers);
    uint32_t best = 0;
    for (uint32_t i = 1; i < 4; ++i) {
      if (internal::KeepsOver(policy, lengths[i], numbers[i], lengths[best],
                    numbers[best])) {
        best = i;
      }
    }
    EXPECT_EQ(c.kept[0], best);
  }
  EXPECT_TRUE(internal::KeepsOver(KeepPolicy::kField, 0, 0.0, 0, NAN));
  EXPECT_FALSE(internal::KeepsOver(KeepPolicy::kField, 0, NAN, 0, 0.0));
  EXPECT_FALSE(internal::KeepsOver(KeepPolicy::kLongest, 9, NAN, 9, NAN));
}

// Three ids packed as SignedPartition packs them: "d0", "doc1", "" (an
// empty id is legal).
struct PackedIds {
  std::string bytes = "d0doc1";
  std::vector<uint64_t> end = {2, 6, 6};
  internal::PackedStrings view() const { return {bytes, end}; }
};

TEST(PartitionLinesTest, RemovedLinesAreRemovedJsonOfEachRowInOrder) {
  const PackedIds ids;
  const std::string kept_bytes = "k7k\"8";  // a quote is escaped
  const std::vector<uint64_t> kept_end = {2, 5};
  const std::vector<uint64_t> rows = {1, 0}, lines = {12, 3},
                              clusters = {4, 0};
  const std::vector<double> similarity = {0.81234, 1.0};
  auto plain = internal::RemovedLines(ids.view(), rows, "a.jsonl", lines,
                            DedupMethod::kMinHash, clusters,
                            {kept_bytes, kept_end}, similarity, {});
  ASSERT_OK(plain.status());
  EXPECT_EQ(*plain,
            internal::RemovedJson("doc1", "a.jsonl", 12, DedupMethod::kMinHash, 4, "k7",
                        0.81234) + "\n" +
                internal::RemovedJson("d0", "a.jsonl", 3, DedupMethod::kMinHash, 0,
                            "k\"8", 1.0) + "\n");
  const std::vector<double> containment = {0.9, 0.95};
  auto contained = internal::RemovedLines(ids.view(), rows, "a.jsonl", lines,
                                DedupMethod::kMinHash, clusters,
                                {kept_bytes, kept_end}, similarity,
                                containment);
  ASSERT_OK(contained.status());
  EXPECT_EQ(*contained,
            internal::RemovedJson("doc1", "a.jsonl", 12, DedupMethod::kMinHash, 4, "k7",
                        0.81234, 0.9) + "\n" +
                internal::RemovedJson("d0", "a.jsonl", 3, DedupMethod::kMinHash, 0,
                            "k\"8", 1.0, 0.95) + "\n");
  // No rows: no lines.
  auto none = internal::RemovedLines(ids.view(), {}, "a.jsonl", {},
                           DedupMethod::kSimHash, {}, {"", {}}, {}, {});
  ASSERT_OK(none.status());
  EXPECT_EQ(*none, "");
}

TEST(PartitionLinesTest, RemovedLinesRefusesInconsistentArguments) {
  const PackedIds ids;
  const std::string kept = "k";
  const std::vector<uint64_t> kept_end = {1}, one = {0};
  const std::vector<double> sim = {1.0}, sims = {1.0, 1.0};
  auto call = [&](internal::PackedStrings id_list, absl::Span<const uint64_t> rows,
                  absl::Span<const double> similarity,
                  absl::Span<const double> containment) {
    return internal::RemovedLines(id_list, rows, "f", one, DedupMethod::kExact, one,
                        {kept, kept_end}, similarity, containment)
        .status();
  };
  EXPECT_EQ(call(ids.view(), one, sims, {}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(call(ids.view(), one, sim, sims).code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<uint64_t> decreasing = {2, 1, 6};
  EXPECT_EQ(call({ids.bytes, decreasing}, one, sim, {}).code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<uint64_t> past_end = {2, 6, 7};
  EXPECT_EQ(call({ids.bytes, past_end}, one, sim, {}).code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<uint64_t> row_past = {3};
  EXPECT_EQ(call(ids.view(), row_past, sim, {}).code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_OK(call(ids.view(), one, sim, {}));
}

TEST(PartitionLinesTest, ClusterLinesAreClusterMemberJsonOfEachRow) {
  const PackedIds ids;
  const std::string kept_bytes = "d0d0d0";
  const std::vector<uint64_t> kept_end = {2, 4, 6};
  const std::vector<uint64_t> rows = {0, 2, 1}, clusters = {5, 5, 5};
  auto lines = internal::ClusterLines(ids.view(), rows, clusters, {kept_bytes, kept_end});
  ASSERT_OK(lines.status());
  EXPECT_EQ(*lines, internal::ClusterMemberJson("d0", 5, "d0") + "\n" +
                        internal::ClusterMemberJson("", 5, "d0") + "\n" +
                        internal::ClusterMemberJson("doc1", 5, "d0") + "\n");
  const std::vector<uint64_t> short_clusters = {5, 5};
  EXPECT_EQ(internal::ClusterLines(ids.view(), rows, short_clusters,
                         {kept_bytes, kept_end})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<uint64_t> row_past = {0, 3, 1};
  EXPECT_EQ(internal::ClusterLines(ids.view(), row_past, clusters,
                         {kept_bytes, kept_end})
                .status()
                .code(),
            absl::StatusCode::kOutOfRange);
}

TEST(PartitionLinesTest, ChooseKeptTakesEachClustersBestByKeepsOver) {
  // Clusters 1 (docs 3, 5, 9) and 4 (docs 2, 7); doc 5 is the longest of
  // cluster 1, doc 9 and doc 5 tie on the field (the first wins), doc 2
  // has no field value (NaN loses to any number).
  const std::vector<uint64_t> cluster = {1, 1, 1, 4, 4};
  const std::vector<uint64_t> doc = {3, 5, 9, 2, 7};
  const std::vector<uint64_t> length = {10, 30, 30, 8, 8};
  const std::vector<double> number = {1.0, 2.0, 2.0, NAN, -1.0};
  auto first = internal::ChooseKept(cluster, doc, length, number, KeepPolicy::kFirst);
  ASSERT_OK(first.status());
  EXPECT_EQ(*first, (std::vector<uint64_t>{3, 3, 3, 2, 2}));
  auto longest = internal::ChooseKept(cluster, doc, length, number, KeepPolicy::kLongest);
  ASSERT_OK(longest.status());
  EXPECT_EQ(*longest, (std::vector<uint64_t>{5, 5, 5, 2, 2}));
  auto field = internal::ChooseKept(cluster, doc, length, number, KeepPolicy::kField);
  ASSERT_OK(field.status());
  EXPECT_EQ(*field, (std::vector<uint64_t>{5, 5, 5, 7, 7}));
  // Each entry gets the best of its own cluster, as KeepsOver orders them.
  for (size_t i = 0; i < doc.size(); ++i) {
    for (size_t j = 0; j < doc.size(); ++j) {
      if (cluster[i] != cluster[j] || (*longest)[i] == doc[j]) continue;
      const size_t best = std::find(doc.begin(), doc.end(), (*longest)[i]) -
                          doc.begin();
      EXPECT_FALSE(internal::KeepsOver(KeepPolicy::kLongest, length[j], number[j],
                             length[best], number[best]));
    }
  }
  EXPECT_OK(internal::ChooseKept({}, {}, {}, {}, KeepPolicy::kFirst).status());
}

TEST(PartitionLinesTest, ChooseKeptRefusesUnsortedOrUnequalSpans) {
  const std::vector<uint64_t> cluster = {1, 1}, unsorted = {5, 3};
  const std::vector<uint64_t> length = {1, 1};
  const std::vector<double> number = {0, 0}, one = {0};
  EXPECT_EQ(internal::ChooseKept(cluster, unsorted, length, number, KeepPolicy::kFirst)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<uint64_t> sorted = {3, 5};
  EXPECT_EQ(internal::ChooseKept(cluster, sorted, length, one, KeepPolicy::kFirst)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace neardup
