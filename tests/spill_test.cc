// Tests of spilling (pipeline/spill.h, DedupOptions::max_memory_bytes): a
// spill file leaves no name behind and gives back what was written, and so
// does the store of ids, spilled or not; a
// dedup run whose ceiling makes it spill its signatures and ids partway
// writes every output byte for byte as the run without a ceiling, for
// every method, keep policy and thread count.

#include "pipeline/spill.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/index.h"
#include "neardup/io.h"
#include "neardup/pipeline.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

namespace fs = std::filesystem;
using test::Rng;

std::map<std::string, std::string> Files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      files[fs::relative(e.path(), dir).string()] = test::ReadFile(e.path());
    }
  }
  return files;
}

TEST(SpillFileTest, LeavesNoNameAndGivesBackWhatWasWritten) {
  test::ScratchDir scratch;
  const fs::path dir = scratch.path();
  auto file = internal::SpillFile::Create(dir.string(), "test");
  ASSERT_OK(file);
  EXPECT_TRUE(fs::is_empty(dir));  // unlinked at once
  // Regions grow the file; what is written through one is there.
  auto a = (*file)->MapRegion(0, 65536);
  ASSERT_OK(a);
  auto b = (*file)->MapRegion(65536 * 3, 65536);
  ASSERT_OK(b);
  std::memset(*a, 'a', 65536);
  std::memset(*b, 'b', 65536);
  EXPECT_EQ((*file)->bytes(), 65536u * 4);
  EXPECT_EQ((*a)[65535], 'a');
  auto ids = internal::SpillFile::Create(dir.string(), "ids");
  ASSERT_OK(ids);
  std::string expected;
  for (int i = 0; i < 100000; ++i) {  // past the append buffer
    const std::string id = "id-" + std::to_string(i);
    ASSERT_OK((*ids)->Append(id));
    expected += id;
  }
  auto mapped = (*ids)->MapAppended();
  ASSERT_OK(mapped);
  EXPECT_EQ(*mapped, expected);
  EXPECT_TRUE(fs::is_empty(dir));
  auto bad = internal::SpillFile::Create((dir / "none").string(), "x");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("none/.neardup-x.tmp-"),
            std::string::npos)
      << bad.status();
}

TEST(IdStoreTest, GivesBackEveryIdSpilledOrNot) {
  test::ScratchDir scratch;
  for (bool spill : {false, true}) {
    internal::IdStore ids;
    std::vector<std::string> expected;
    for (int i = 0; i < 50000; ++i) {
      if (spill && i == 700) ASSERT_OK(ids.Spill(scratch.path()));
      expected.push_back(i % 9 == 0 ? "" : "id-" + std::to_string(i * 7919));
      ASSERT_OK(ids.Append(expected.back()));
    }
    EXPECT_EQ(ids.held_bytes() == 0, spill);
    ASSERT_OK(ids.Finish());
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(ids.Id(i), expected[i]) << i << (spill ? " spilled" : "");
    }
    EXPECT_EQ(ids.spilled_bytes() > 0, spill);
  }
  EXPECT_TRUE(fs::is_empty(scratch.path()));
}

// A crawl of 2400 records with long ids: originals, exact copies, edited
// copies and copies of copies (so that components hold several clusters,
// whose numbers depend on the components), excerpts (containment), and a
// score field for --keep field.
std::string Crawl() {
  Rng rng(29);
  std::vector<std::string> texts;
  std::string out;
  for (int i = 0; i < 2400; ++i) {
    std::string text;
    const uint64_t kind = texts.empty() ? 0 : rng.Uniform(6);
    if (kind <= 2) {
      for (int w = 0; w < 60 + static_cast<int>(rng.Uniform(60)); ++w) {
        text += test::Word(rng.Uniform(30000)) + " ";
      }
    } else {
      text = texts[rng.Uniform(texts.size())];
      if (kind == 4) {
        for (int e = 0; e < 3; ++e) {
          const size_t at = text.find(' ', rng.Uniform(text.size()));
          if (at != std::string::npos) text.insert(at, " x" + test::Word(rng.Uniform(1000)));
        }
      } else if (kind == 5) {
        text = text.substr(0, text.size() * 3 / 5);  // an excerpt
      }
    }
    texts.push_back(text);
    std::string json;
    AppendJsonString(text, &json);
    out += "{\"id\":\"record-" + std::to_string(i) + "-" + std::string(200, 'i') +
           "\",\"score\":" + std::to_string(rng.Uniform(50)) +
           ",\"text\":" + json + "}\n";
  }
  return out;
}

// The crawl written to DIR/a.jsonl, as a run's inputs.
absl::StatusOr<std::vector<InputFile>> CrawlInputs(const fs::path& dir) {
  test::WriteFile(dir / "a.jsonl", Crawl());
  return PlanInputs({(dir / "a.jsonl").string()});
}

struct SpillCase {
  const char* name;
  DedupMethod method;
  KeepPolicy keep;
  VerifyMode verify;
};

class SpillTest : public ::testing::TestWithParam<SpillCase> {};

TEST_P(SpillTest, SpilledRunsWriteWhatUnboundedRunsWrite) {
  test::ScratchDir scratch;
  const fs::path dir = scratch.path();
  auto inputs = CrawlInputs(dir);
  ASSERT_OK(inputs);
  DedupOptions options;
  options.method = GetParam().method;
  options.keep = GetParam().keep;
  if (options.keep == KeepPolicy::kField) options.keep_field = "score";
  options.verify = GetParam().verify;
  options.report = true;
  if (options.method == DedupMethod::kSimHash) options.shingles.n = 3;
  int spilled_runs = 0;
  for (int threads : {1, 3}) {
    options.threads = threads;
    options.max_memory_bytes = 0;
    const fs::path ref = dir / ("ref" + std::to_string(threads));
    auto unbounded = RunDedup(*inputs, ref.string(), options);
    ASSERT_OK(unbounded);
    EXPECT_EQ(unbounded->spilled_bytes, 0u);
    EXPECT_GT(unbounded->removed, 400u);
    EXPECT_GT(unbounded->clusters, 100u);
    const std::map<std::string, std::string> expected = Files(ref);
    // Ceilings above the job's fixed buffers (two 8 MiB batches, 4 MiB of
    // readers, 1 MiB per thread; MinHash: a 4096-document chunk of
    // signatures at 4 bytes a value, the buffer that packs them and the two
    // batches' rows, 7 MiB, of which 5.25 MiB stay once spilled) by less
    // than the records need in memory: the job spills partway, or stops
    // when not even spilling fits.
    const uint64_t fixed =
        ((20 + uint64_t(threads)) << 20) +
        (options.method == DedupMethod::kMinHash
             ? uint64_t{4096} * (112 * 4 + (112 * 4 + 1) + 2 * 112 * 4)
             : 0);
    for (uint64_t extra : {256u << 10, 384u << 10, 448u << 10, 512u << 10,
                           576u << 10, 640u << 10, 768u << 10, 1024u << 10}) {
      options.max_memory_bytes = fixed + extra;
      const fs::path out =
          dir / ("out" + std::to_string(threads) + "-" + std::to_string(extra));
      auto spilled = RunDedup(*inputs, out.string(), options);
      if (!spilled.ok()) {
        EXPECT_EQ(spilled.status().code(), absl::StatusCode::kResourceExhausted)
            << spilled.status();
        EXPECT_NE(spilled.status().message().find("spilled to disk"),
                  std::string::npos);
        continue;
      }
      if (spilled->spilled_bytes == 0) continue;  // fitted without spilling
      ++spilled_runs;
      EXPECT_EQ(spilled->removed, unbounded->removed);
      EXPECT_EQ(spilled->clusters, unbounded->clusters);
      std::map<std::string, std::string> got = Files(out);
      // Every output but stats.json (seconds, peak memory, spilled bytes)
      // and the page that shows them, byte for byte.
      ASSERT_EQ(got.size(), expected.size());
      for (const auto& [name, bytes] : expected) {
        if (name == "stats.json" || name == "report.html") continue;
        EXPECT_TRUE(got[name] == bytes)
            << name << " differs at ceiling " << options.max_memory_bytes
            << ", " << threads << " threads";
      }
      EXPECT_NE(got["stats.json"].find("\"spilled_bytes\":"), std::string::npos);
      EXPECT_NE(got["report.html"].find("removed"), std::string::npos);
    }
  }
  // MinHash spills at 256 to 512 KiB over its fixed buffers, the other
  // methods (whose ids only can go) at about 448 to 576 KiB.
  EXPECT_GE(spilled_runs, 4) << "too few ceilings made the job spill";
}

// A run against an index folder spills alike: its removals and the
// generation it adds (signatures read back from the spill file) are
// byte-identical.
TEST(SpillIndexTest, SpilledRunsAddTheSameGeneration) {
  test::ScratchDir scratch;
  const fs::path dir = scratch.path();
  auto inputs = CrawlInputs(dir);
  ASSERT_OK(inputs);
  DedupOptions options;
  options.threads = 2;
  std::string generation[2], removed[2];
  for (int spill = 0; spill < 2; ++spill) {
    // Above the fixed buffers once spilled (27.5 MiB with 2 threads: see
    // SpillTest) and the ids' buffer, below those not spilled (29 MiB).
    options.max_memory_bytes =
        spill ? (uint64_t{27} << 20) + (uint64_t{768} << 10) : 0;
    const fs::path out = dir / ("out" + std::to_string(spill));
    const fs::path index = dir / ("index" + std::to_string(spill));
    auto stats = RunDedupWithIndex(*inputs, out.string(), options,
                                   index.string(), /*readonly=*/false);
    ASSERT_OK(stats);
    EXPECT_EQ(stats->spilled_bytes > 0, spill == 1);
    generation[spill] = test::ReadFile(index / "gen-000001.ndx");
    removed[spill] = test::ReadFile(out / "removed.jsonl");
  }
  EXPECT_FALSE(removed[0].empty());
  EXPECT_TRUE(generation[0] == generation[1]);
  EXPECT_TRUE(removed[0] == removed[1]);
}

INSTANTIATE_TEST_SUITE_P(
    EveryMethodAndPolicy, SpillTest,
    ::testing::Values(
        SpillCase{"minhash_first", DedupMethod::kMinHash, KeepPolicy::kFirst,
                  VerifyMode::kSignature},
        SpillCase{"minhash_longest", DedupMethod::kMinHash,
                  KeepPolicy::kLongest, VerifyMode::kSignature},
        SpillCase{"minhash_field_exact", DedupMethod::kMinHash,
                  KeepPolicy::kField, VerifyMode::kExact},
        SpillCase{"simhash_first", DedupMethod::kSimHash, KeepPolicy::kFirst,
                  VerifyMode::kSignature},
        SpillCase{"exact_longest", DedupMethod::kExact, KeepPolicy::kLongest,
                  VerifyMode::kSignature}),
    [](const ::testing::TestParamInfo<SpillCase>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace neardup
