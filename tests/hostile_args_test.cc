// Hostile arguments for every public entry point of include/neardup/ that
// takes an index, a band, a length, a span or an option value: out of
// range, negative, empty, mismatched, NaN. Each call must return an error
// (or a documented value), never read or write out of bounds, never throw,
// never abort. The test runs under AddressSanitizer and UBSan in
// `make test-asan`, where any bad access fails it.
//
// One file for the whole public surface rather than one per source file:
// it checks a property of the headers, the way tests/bad_input_test.sh
// checks the command. Where a function is documented as unchecked for speed
// (DisjointSets::Find/Union, BandKey), its checked variant is called here,
// and the unchecked one must assert in debug builds.
//
// Inputs come from a fixed-seed generator (test::Rng), so a failure
// reproduces.

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/internal/dedup_stages.h"
#include "neardup/neardup.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using test::Rng;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Integers at and around the edges of every range the API uses.
const std::vector<int64_t>& EdgeInts() {
  static const std::vector<int64_t> edges = {
      std::numeric_limits<int64_t>::min(),
      std::numeric_limits<int32_t>::min(),
      -4000000000LL,
      -65,
      -9,
      -1,
      0,
      1,
      8,
      9,
      10,
      50,
      64,
      65,
      112,
      8193,
      std::numeric_limits<int32_t>::max(),
      4000000000LL,
      std::numeric_limits<int64_t>::max()};
  return edges;
}

int ToInt(int64_t v) {
  if (v < std::numeric_limits<int>::min()) return std::numeric_limits<int>::min();
  if (v > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
  return static_cast<int>(v);
}

std::string RandomBytes(Rng& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng.Next());
  return s;
}

// ---------------------------------------------------------------- cluster.h

TEST(HostileClusterTest, DisjointSetsCheckedCalls) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{10}}) {
    auto sets = DisjointSets::Create(n);
    ASSERT_OK(sets);
    for (int64_t a : EdgeInts()) {
      for (int64_t b : EdgeInts()) {
        const uint64_t ua = static_cast<uint64_t>(a);
        const uint64_t ub = static_cast<uint64_t>(b);
        const auto joined = sets->CheckedUnion(ua, ub);
        EXPECT_EQ(joined.ok(), ua < n && ub < n) << a << " " << b;
        if (!joined.ok()) {
          EXPECT_EQ(joined.status().code(), absl::StatusCode::kOutOfRange);
        }
      }
      const auto found = sets->CheckedFind(static_cast<uint64_t>(a));
      EXPECT_EQ(found.ok(), static_cast<uint64_t>(a) < n) << a;
    }
  }
  EXPECT_FALSE(DisjointSets::Create(DisjointSets::kMaxSize + 1).ok());
  EXPECT_FALSE(DisjointSets::Create(std::numeric_limits<size_t>::max()).ok());
}

TEST(HostileClusterTest, MakeClusteringAndKeepPolicies) {
  Rng rng(1);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = rng.Uniform(6);
    DisjointSets sets(n);
    std::vector<uint64_t> lengths(rng.Uniform(7));
    std::vector<double> numbers(rng.Uniform(7), kNan);
    const auto policy = static_cast<KeepPolicy>(rng.Uniform(3));
    const auto c = MakeClustering(sets, policy, lengths, numbers);
    const bool lengths_ok =
        lengths.size() == n ||
        (lengths.empty() && policy != KeepPolicy::kLongest);
    const bool numbers_ok =
        numbers.size() == n || (numbers.empty() && policy != KeepPolicy::kField);
    EXPECT_EQ(c.ok(), lengths_ok && numbers_ok)
        << n << " " << lengths.size() << " " << numbers.size();
    if (c.ok()) EXPECT_EQ(c->kept.size(), n);
  }
  std::string field;
  for (const char* bad : {"", "field:", "x", "field", "FIRST"}) {
    EXPECT_FALSE(ParseKeepPolicy(bad, &field).ok()) << bad;
  }
  EXPECT_FALSE(ParseKeepPolicy("first", nullptr).ok());
  EXPECT_FALSE(internal::KeepsOver(KeepPolicy::kField, 1, kNan, 0, kNan));
  EXPECT_FALSE(internal::KeepsOver(static_cast<KeepPolicy>(7), 9, 9, 0, 0));
}

// ---------------------------------------------------------------- lsh.h

TEST(HostileLshTest, CheckedBandKeyOverEveryEdge) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{64}, size_t{112}}) {
    const std::vector<uint32_t> sig(size, 3);
    for (int64_t band : EdgeInts()) {
      for (int64_t rows : EdgeInts()) {
        const int b = ToInt(band), r = ToInt(rows);
        const auto key = CheckedBandKey(sig, b, r);
        const bool fits = b >= 0 && r >= 1 &&
                          (static_cast<uint64_t>(b) + 1) *
                                  static_cast<uint64_t>(r) <=
                              size;
        EXPECT_EQ(key.ok(), fits) << size << " " << b << " " << r;
      }
    }
  }
}

TEST(HostileLshTest, CandidatesAndSimHashTables) {
  Rng rng(2);
  std::vector<DocPair> pairs;
  CandidateStats stats;
  std::vector<std::pair<uint64_t, uint32_t>> scratch;
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<uint64_t> keys(rng.Uniform(20)), fps(rng.Uniform(20));
    std::vector<uint32_t> docs(rng.Uniform(20));
    for (uint64_t& k : keys) k = rng.Uniform(4);
    for (uint64_t& f : fps) f = rng.Next();
    for (uint32_t& d : docs) d = static_cast<uint32_t>(rng.Next());
    const CandidateOptions options{.max_bucket_pairs_size = rng.Uniform(4)};
    const int distance = ToInt(EdgeInts()[rng.Uniform(EdgeInts().size())]);
    pairs.clear();
    EXPECT_OK(CandidatesFromKeys(keys, options, &scratch, &pairs, &stats));
    for (const DocPair& p : pairs) EXPECT_LT(p.second, keys.size());
    std::vector<std::pair<uint64_t, uint32_t>> sorted;
    for (size_t i = 0; i < keys.size(); ++i) {
      sorted.push_back({keys[i], static_cast<uint32_t>(rng.Next())});
    }
    const bool is_sorted = std::is_sorted(sorted.begin(), sorted.end());
    EXPECT_EQ(internal::CandidatesFromSortedKeys(sorted, options, &pairs, &stats).ok(),
              is_sorted);
    const auto near = SimHashNearPairs(fps, distance, options, &stats);
    EXPECT_EQ(near.ok(), distance >= 0 && distance <= 8) << distance;
    EXPECT_EQ(SimHashTableMasks(distance).empty(),
              distance < 0 || distance > 8);
    const size_t before = pairs.size();
    const absl::Status s = internal::SimHashPairsFromSortedKeys(
        keys, fps, docs, distance, options, &pairs, &stats);
    if (keys.size() != fps.size() || keys.size() != docs.size() ||
        distance < 0 || distance > 8) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(pairs.size(), before);
    }
  }
  EXPECT_FALSE(CandidatesFromKeys({}, {}, nullptr, &pairs, &stats).ok());
  EXPECT_FALSE(CandidatesFromKeys({}, {}, &scratch, nullptr, &stats).ok());
  EXPECT_FALSE(CandidatesFromKeys({}, {}, &scratch, &pairs, nullptr).ok());
  EXPECT_FALSE(internal::CandidatesFromSortedKeys(
                   absl::Span<const std::pair<uint64_t, uint32_t>>(), {},
                   nullptr, &stats)
                   .ok());
  EXPECT_FALSE(internal::CandidatesFromSortedKeys(
                   absl::Span<const internal::KeyedDoc>(), {}, nullptr, &stats)
                   .ok());
  EXPECT_FALSE(SimHashNearPairs({}, 3, {}, nullptr).ok());
  EXPECT_FALSE(internal::SimHashPairsFromSortedKeys({}, {}, {}, 3, {}, nullptr, &stats)
                   .ok());
}

TEST(HostileLshTest, OptimalLshParamsAndProbability) {
  for (double t : {kNan, -kInf, -1.0, 0.0, 1.0, 1.5, kInf}) {
    EXPECT_FALSE(OptimalLshParams(t, 112).ok()) << t;
  }
  for (int64_t n : EdgeInts()) {
    if (n >= 1 && n <= 112) continue;  // valid and quick
    EXPECT_EQ(OptimalLshParams(0.8, ToInt(n)).ok(),
              n >= 1 && n <= kMaxPermutations)
        << n;
  }
  for (double w : {kNan, -kInf, -1.0, kInf}) {
    EXPECT_FALSE(OptimalLshParams(0.8, 16, w, 0.5).ok()) << w;
    EXPECT_FALSE(OptimalLshParams(0.8, 16, 0.5, w).ok()) << w;
  }
  EXPECT_FALSE(OptimalLshParams(0.8, 16, 0, 0).ok());
  // A pure function of numbers: any input gives a number, no crash.
  for (double s : {kNan, -1.0, 0.0, 2.0}) {
    for (int64_t b : {-1LL, 0LL, 14LL}) {
      (void)CandidateProbability(s, {ToInt(b), ToInt(b)});
    }
  }
}

// ---------------------------------------------------------------- minhash.h

TEST(HostileMinHashTest, CreateSignAndEstimates) {
  for (int64_t n : EdgeInts()) {
    const auto hasher = MinHasher::Create({.num_perm = ToInt(n)});
    EXPECT_EQ(hasher.ok(), n >= 1 && n <= kMaxPermutations) << n;
  }
  auto hasher = MinHasher::Create({.num_perm = 16});
  ASSERT_OK(hasher);
  const std::vector<uint64_t> shingles = {1, 2, 3};
  for (size_t size : {0, 1, 15, 16, 17}) {
    std::vector<uint32_t> out(size, 7);
    EXPECT_EQ(hasher->Sign(shingles, absl::MakeSpan(out)).ok(), size >= 16);
    if (size < 16) EXPECT_EQ(out, std::vector<uint32_t>(size, 7));
  }
  EXPECT_EQ(hasher->Sign({}).size(), 16u);
  for (size_t a : {0, 1, 64, 112}) {
    for (size_t b : {0, 1, 64, 112}) {
      const auto e = EstimateJaccard(std::vector<uint32_t>(a, 1),
                                     std::vector<uint32_t>(b, 1));
      EXPECT_EQ(e.ok(), a == b && a > 0) << a << " " << b;
    }
  }
  EXPECT_EQ(ExactJaccard({}, {}), 1.0);
  EXPECT_EQ(ExactJaccard(std::vector<uint64_t>{1}, {}), 0.0);
  EXPECT_EQ(SimHash({}), 0u);
  EXPECT_EQ(HammingDistance(0, ~uint64_t{0}), 64);
  EXPECT_STREQ(MinHashKernelName(static_cast<MinHashKernel>(9)), "unknown");
  (void)MinHashKernelSupported(static_cast<MinHashKernel>(9));
}

// ---------------------------------------------------------------- shingle.h

TEST(HostileShingleTest, CreateAndAnyBytes) {
  for (int64_t n : EdgeInts()) {
    EXPECT_EQ(Shingler::Create({.n = ToInt(n)}).ok(),
              n >= 1 && n <= kMaxShingleSize)
        << n;
  }
  Rng rng(3);
  auto shingler = Shingler::Create({.kind = ShingleKind::kChar, .n = 3});
  ASSERT_OK(shingler);
  std::vector<uint64_t> hashes;
  std::vector<TextSpan> spans;
  for (int trial = 0; trial < 100; ++trial) {
    const std::string bytes = RandomBytes(rng, rng.Uniform(64));
    shingler->Hash(bytes, &hashes);
    EXPECT_GE(hashes.size(), 1u);
    // Not normalized, not even UTF-8: still no out-of-bounds access.
    shingler->HashNormalized(bytes, &hashes);
    shingler->SpansNormalized(bytes, &spans);
    for (const TextSpan& s : spans) EXPECT_LE(s.end, bytes.size());
  }
}

// ---------------------------------------------------------------- text.h

TEST(HostileTextTest, SpansAndAnyBytes) {
  const std::string text = "0123456789";
  for (int64_t b : EdgeInts()) {
    for (int64_t e : EdgeInts()) {
      const TextSpan span{static_cast<size_t>(b), static_cast<size_t>(e)};
      const std::string_view in = span.In(text);
      EXPECT_LE(in.size(), text.size());
      EXPECT_LE(span.size(), span.end);
    }
  }
  Rng rng(4);
  Normalizer normalizer;
  std::string out;
  for (int trial = 0; trial < 100; ++trial) {
    const std::string bytes = RandomBytes(rng, rng.Uniform(80));
    EXPECT_LE(FindInvalidUtf8(bytes), bytes.size());
    (void)IsValidUtf8(bytes);
    RepairUtf8(bytes, &out);
    EXPECT_TRUE(IsValidUtf8(out));
    normalizer.Normalize(bytes, &out);
    for (auto split : {SplitLines, SplitParagraphs, SplitSentences,
                       SplitWords}) {
      for (const TextSpan& s : split(bytes)) {
        EXPECT_LE(s.begin, s.end);
        EXPECT_LE(s.end, bytes.size());
      }
    }
    (void)IsBlankLine(bytes);
  }
  for (int64_t cp : EdgeInts()) (void)IsCharTokenScript(ToInt(cp));
}

// ---------------------------------------------------------------- clean.h

TEST(HostileCleanTest, CutsFindersAndCounters) {
  Rng rng(5);
  const std::string text = "a line\nanother line\na line\n";
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<Cut> cuts(rng.Uniform(4));
    for (Cut& c : cuts) {
      c.begin = rng.Uniform(3) == 0 ? static_cast<size_t>(rng.Next())
                                    : rng.Uniform(text.size() + 3);
      c.end = rng.Uniform(3) == 0 ? static_cast<size_t>(rng.Next())
                                  : rng.Uniform(text.size() + 3);
    }
    bool valid = true;
    for (const Cut& c : cuts) valid &= c.begin <= c.end && c.end <= text.size();
    const auto applied = ApplyCuts(text, cuts);
    EXPECT_EQ(applied.ok(), valid);
    EXPECT_EQ(ValidateCuts(text.size(), cuts).ok(), valid);
    if (applied.ok()) EXPECT_LE(applied->size(), text.size());
    (void)MergeCuts(cuts, cuts);  // no text to check against: no crash
  }
  for (double near : {kNan, -kInf, -0.5, 1.5, kInf}) {
    EXPECT_FALSE(RepeatFinder::Create({.near_similarity = near}).ok()) << near;
  }
  auto finder = RepeatFinder::Create({.min_single_line_bytes = 0});
  ASSERT_OK(finder);
  std::vector<Cut> cuts;
  for (int trial = 0; trial < 50; ++trial) {
    const std::string bytes = RandomBytes(rng, rng.Uniform(200));
    finder->Find(bytes, &cuts);
    EXPECT_OK(ValidateCuts(bytes.size(), cuts));
  }
  LineCounter counter;
  counter.AddDocument(RandomBytes(rng, 50), RandomBytes(rng, 5));
  counter.Finish(0);
  (void)counter.Count(rng.Next());
  (void)counter.SiteCount(rng.Next(), rng.Next());
  for (size_t n : {0, 1, 8, 40}) {
    EXPECT_FALSE(LineCounter::Deserialize(RandomBytes(rng, n)).ok());
  }
  const std::string image = counter.Serialize();
  for (size_t cut = 0; cut < image.size(); cut += 7) {
    EXPECT_FALSE(LineCounter::Deserialize(image.substr(0, cut)).ok()) << cut;
  }
  // Lines that point outside any text make cuts that ApplyCuts refuses
  // (a line that is boilerplate: a one-line masthead of three pages).
  LineCounter pages;
  for (int i = 0; i < 3; ++i) {
    pages.AddDocument("Menu line\n" + RandomBytes(rng, 20), "s.example");
  }
  pages.Finish(0);
  const KeyedLine far{size_t{1} << 40, (size_t{1} << 40) + 5,
                      LineCounter::LineKey(Normalize("Menu line")), 9, 2};
  std::vector<Cut> boilerplate;
  FindBoilerplate(absl::MakeConstSpan(&far, 1), "s.example", pages,
                  {.min_docs = 0}, &boilerplate);
  ASSERT_EQ(boilerplate.size(), 1u);
  EXPECT_FALSE(ApplyCuts(text, boilerplate).ok());
  SyndicationFilter filter({.threshold = kNan, .min_words = 0,
                            .bloom_bytes = 0});
  filter.FindAndAdd(RandomBytes(rng, 100), &cuts);
  EXPECT_LE(UrlHost(RandomBytes(rng, 30)).size(), 30u);
  EXPECT_STREQ(CutReasonName(static_cast<CutReason>(9)), "unknown");
  GopherThresholds nan_thresholds;
  nan_thresholds.top_ngram_char_fraction.fill(kNan);
  (void)ExceededGopherSignal(ComputeRepetitionSignals(RandomBytes(rng, 99)),
                             nan_thresholds);
}

// ---------------------------------------------------------------- io.h

TEST(HostileIoTest, ReadersAndFormats) {
  test::ScratchDir dir;
  EXPECT_EQ(DetectCompression(""), Compression::kNone);
  (void)DetectFormat("", "");
  EXPECT_EQ(RecordReader::Open(dir.File("missing.jsonl"), {}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(RecordReader::Open(dir.path(), {}).ok());
  EXPECT_FALSE(RecordWriter::Create(dir.File("no/such/folder/x.jsonl"),
                                    InputFormat::kJsonl, Compression::kNone)
                   .ok());
  EXPECT_FALSE(ExpandInputs({dir.File("missing")}).ok());
  std::string json;
  AppendJsonString("\xff\xfe\x00\x01\"", &json);
  EXPECT_EQ(json.front(), '"');
  EXPECT_STREQ(CompressionName(static_cast<Compression>(9)), "none");
  EXPECT_STREQ(InputFormatName(static_cast<InputFormat>(9)), "text");
}

// ---------------------------------------------------------------- pipeline.h

TEST(HostilePipelineTest, OptionsOutOfRangeAreRefused) {
  for (int64_t v : EdgeInts()) {
    const int i = ToInt(v);
    EXPECT_EQ(ResolveDedupOptions({.threads = i}).ok(), i >= 0) << i;
    EXPECT_EQ(ResolveDedupOptions({.hamming = i}).ok(), i >= 0 && i <= 8) << i;
    if (i < 1 || i > 112) {  // in between: valid, and slow to resolve
      EXPECT_FALSE(ResolveDedupOptions({.num_perm = i}).ok()) << i;
    }
    EXPECT_EQ(ResolveDedupOptions({.bands = i, .rows = 1}).ok(),
              i >= 1 && i <= 112)
        << i;
    CleanOptions clean;
    clean.threads = i;
    EXPECT_EQ(ValidateCleanOptions(clean).ok(), i >= 0) << i;
  }
  for (double t : {kNan, -1.0, 0.0, 1.0, 1.5, kInf}) {
    EXPECT_FALSE(ResolveDedupOptions({.threshold = t}).ok()) << t;
    CleanOptions clean;
    clean.repeat_options.near_similarity = t;
    EXPECT_EQ(ValidateCleanOptions(clean).ok(), t >= 0 && t <= 1) << t;
    clean = {};
    clean.syndication.threshold = t;
    EXPECT_EQ(ValidateCleanOptions(clean).ok(), t >= 0 && t <= 1) << t;
  }
  EXPECT_FALSE(ResolveDedupOptions({.keep = KeepPolicy::kField}).ok());
  // Enums holding values outside their type (a cast, a Python binding).
  EXPECT_FALSE(
      ResolveDedupOptions({.method = static_cast<DedupMethod>(9)}).ok());
  EXPECT_FALSE(ResolveDedupOptions({.verify = static_cast<VerifyMode>(9)}).ok());
  EXPECT_FALSE(ResolveDedupOptions({.keep = static_cast<KeepPolicy>(9)}).ok());
  EXPECT_FALSE(Shingler::Create({.kind = static_cast<ShingleKind>(9)}).ok());
}

TEST(HostilePipelineTest, StagesRefuseMissingInputsAndMismatchedFlags) {
  test::ScratchDir dir;
  const std::string input = dir.File("in.jsonl");
  test::WriteFile(input, "{\"text\":\"a b c d e f\"}\n{\"text\":\"x\"}\n");
  EXPECT_FALSE(PlanInputs({dir.File("missing.jsonl")}).ok());
  EXPECT_FALSE(PlanInputs({input, input}).ok());
  EXPECT_FALSE(
      internal::OpenDedupOutput({{"-", "stdin.jsonl"}}, dir.File("o"), false, {})
          .ok());
  auto resolved = ResolveDedupOptions({});
  ASSERT_OK(resolved);
  EXPECT_FALSE(internal::SignDedupPartition({dir.File("missing"), "m"}, *resolved).ok());
  // begin past end, or past the file: an empty partition, not an error.
  const auto empty = internal::SignDedupPartition({input, "in", 1000, 10}, *resolved);
  ASSERT_OK(empty);
  EXPECT_EQ(empty->documents(), 0u);
  for (size_t flags : {0, 1, 3}) {
    const std::vector<uint8_t> keep(flags, 1);
    const auto written = internal::WriteKeptDocuments(input, "in", dir.File("out.jsonl"),
                                            {}, keep);
    EXPECT_EQ(written.ok(), flags == 2) << flags;
    if (!written.ok()) {
      EXPECT_EQ(written.status().code(), absl::StatusCode::kDataLoss);
    }
  }
  EXPECT_FALSE(RunDedup({{dir.File("missing"), "x"}}, dir.File("o2"), {}).ok());
  EXPECT_FALSE(RunClean({{input, "in.jsonl"}}, dir.File("o3"),
                        CleanOptions{.threads = -1})
                   .ok());
  (void)internal::RemovedJson("\xff", "\x00", 0, static_cast<DedupMethod>(9), -1, "",
                    kNan);
  (void)internal::ClusterMemberJson("", -1, "\xc3");
  (void)internal::RejectionJson("", {});
  EXPECT_STREQ(DedupMethodName(static_cast<DedupMethod>(9)), "unknown");
}

// ------------------------------------------------- unchecked, debug builds

#ifndef NDEBUG
TEST(HostileDeathTest, UncheckedKernelsAssertInDebugBuilds) {
  DisjointSets sets(10);
  EXPECT_DEATH(sets.Union(3, 50), "");
  EXPECT_DEATH(sets.Find(10), "");
  const std::vector<uint32_t> sig(112);
  EXPECT_DEATH(BandKey(sig, 20, 8), "");
}
#endif

}  // namespace
}  // namespace neardup
