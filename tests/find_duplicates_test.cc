// Tests of in-memory dedup: the same decisions as the dedup job on the same
// texts, for every method, verification and keep policy.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/pipeline.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

namespace fs = std::filesystem;
using test::Rng;

// Documents and edited copies of them, copies of copies (chains), and
// texts without words.
std::vector<std::string> Corpus() {
  Rng rng(23);
  std::vector<std::string> texts;
  for (int i = 0; i < 150; ++i) {
    std::string t;
    for (int w = 0; w < 60 + static_cast<int>(rng.Uniform(40)); ++w) {
      t += test::Word(rng.Uniform(3000)) + " ";
    }
    texts.push_back(t);
  }
  for (int i = 0; i < 120; ++i) {
    std::string copy = texts[rng.Uniform(texts.size())];
    for (int e = 0; e < 1 + static_cast<int>(rng.Uniform(8)); ++e) {
      const size_t at = copy.find(' ', rng.Uniform(copy.size()));
      if (at != std::string::npos) copy.insert(at, " " + test::Word(5000 + i * 10 + e));
    }
    texts.push_back(copy);
  }
  texts.insert(texts.end(), {"", "!!!", "", "  "});
  return texts;
}

TEST(FindDuplicatesTest, DecidesAsTheDedupJob) {
  const std::vector<std::string> texts = Corpus();
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  test::ScratchDir scratch;
  const fs::path dir = scratch.path();
  std::string crawl;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string json;
    AppendJsonString(texts[i], &json);
    crawl += "{\"id\":\"" + std::to_string(i) + "\",\"text\":" + json + "}\n";
  }
  test::WriteFile(dir / "c.jsonl", crawl);
  auto inputs = PlanInputs({(dir / "c.jsonl").string()});
  ASSERT_OK(inputs);
  std::vector<DedupOptions> settings(7);
  settings[1].verify = VerifyMode::kExact;
  settings[2].method = DedupMethod::kSimHash;
  settings[3].method = DedupMethod::kExact;
  settings[4].keep = KeepPolicy::kLongest;
  settings[5].threshold = 0.6;
  settings[6].containment = 0.7;  // estimated from signatures and set sizes
  settings[6].keep = KeepPolicy::kLongest;
  for (size_t k = 0; k < settings.size(); ++k) {
    SCOPED_TRACE(k);
    settings[k].threads = 2;
    const fs::path out = dir / ("out" + std::to_string(k));
    auto stats = RunDedup(*inputs, out.string(), settings[k]);
    ASSERT_OK(stats);
    std::map<size_t, size_t> job;  // removed -> kept, from removed.jsonl
    for (const std::string& line : test::Lines(test::ReadFile(out / "removed.jsonl"))) {
      const size_t id = std::stoul(line.substr(line.find("\"id\":\"") + 6));
      const size_t kept = std::stoul(line.substr(line.find("\"kept_id\":\"") + 11));
      job[id] = kept;
    }
    for (const int threads : {1, 3}) {
      DedupOptions o = settings[k];
      o.threads = threads;
      auto found = FindDuplicates(views, o);
      ASSERT_OK(found);
      std::map<size_t, size_t> memory;
      for (size_t i = 0; i < texts.size(); ++i) {
        if (found->kept[i] != i) memory[i] = found->kept[i];
      }
      EXPECT_EQ(memory, job);
      EXPECT_EQ(found->removed, stats->removed);
      EXPECT_FALSE(found->pairs.empty());
      EXPECT_EQ(found->pairs.size(), found->pair_similarity.size());
      for (size_t i = 0; i < texts.size(); ++i) {
        if (found->kept[i] == i || o.method != DedupMethod::kMinHash) continue;
        // No chains: each removal meets the rule against its kept one.
        EXPECT_TRUE(found->similarity[i] >= o.threshold ||
                    (o.containment > 0 && found->containment[i] >= o.containment))
            << i;
      }
    }
  }
}

TEST(FindDuplicatesTest, RefusesWhatOnlyTheFileJobDoes) {
  const std::vector<std::string_view> texts = {"a b c", "a b c"};
  DedupOptions o;
  o.min_words = 2;
  EXPECT_EQ(FindDuplicates(texts, o).status().code(), absl::StatusCode::kInvalidArgument);
  o = {};
  o.keep = KeepPolicy::kField;
  o.keep_field = "score";
  EXPECT_EQ(FindDuplicates(texts, o).status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<double> numbers = {1.0, 2.0};
  auto found = FindDuplicates(texts, o, numbers);
  ASSERT_OK(found);
  EXPECT_EQ(found->kept, (std::vector<uint32_t>{1, 1}));  // the larger value
}

}  // namespace
}  // namespace neardup
