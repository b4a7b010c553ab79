// Tests of the near-duplicate index: the dedup job's decisions one document
// at a time, for every method; queries, removal, batch forms; the file
// format (round trip, bad version, bad checksum, truncation).

#include "neardup/index.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/io.h"
#include "neardup/pipeline.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

namespace fs = std::filesystem;
using test::Rng;

// A crawl: documents, edited copies at every distance around the
// threshold, copies of copies (chains), copies placed before their
// original, exact copies, and texts without words.
std::vector<std::string> Crawl(uint64_t seed, int originals) {
  Rng rng(seed);
  std::vector<std::string> texts;
  for (int i = 0; i < originals; ++i) {
    std::string t;
    for (int w = 0; w < 40 + static_cast<int>(rng.Uniform(80)); ++w) {
      t += test::Word(rng.Uniform(4000)) + " ";
    }
    texts.push_back(t);
  }
  for (int i = 0; i < originals; ++i) {
    std::string copy = texts[rng.Uniform(texts.size())];
    const int edits = static_cast<int>(rng.Uniform(12));
    for (int e = 0; e < edits; ++e) {
      const size_t at = copy.find(' ', rng.Uniform(copy.size()));
      if (at != std::string::npos) {
        copy.insert(at, " " + test::Word(10000 + i * 16 + e));
      }
    }
    texts.push_back(rng.Uniform(5) == 0 ? texts[rng.Uniform(texts.size())]
                                        : copy);
  }
  texts.insert(texts.end(), {"", "!!!", "", "  ", "!!!"});
  // Shuffle so copies come before their originals too.
  for (size_t i = texts.size(); i > 1; --i) {
    std::swap(texts[i - 1], texts[rng.Uniform(i)]);
  }
  return texts;
}

std::vector<DedupOptions> EveryMethod() {
  // An index compares by Jaccard alone: the job it is compared with too.
  std::vector<DedupOptions> settings(6, DedupOptions{.containment = 0});
  settings[1].verify = VerifyMode::kExact;
  settings[2].method = DedupMethod::kSimHash;
  settings[3].method = DedupMethod::kExact;
  settings[4].threshold = 0.6;
  settings[5].shingles.kind = ShingleKind::kChar;
  settings[5].shingles.n = 7;
  settings[5].num_perm = 64;
  return settings;
}

// removed id -> kept id, from a run's removed.jsonl.
std::map<std::string, std::string> Removed(const fs::path& out) {
  std::map<std::string, std::string> removed;
  for (const std::string& line :
       test::Lines(test::ReadFile(out / "removed.jsonl"))) {
    auto field = [&](std::string_view name) {
      const size_t at = line.find("\"" + std::string(name) + "\":\"");
      const size_t begin = at + name.size() + 4;
      return line.substr(begin, line.find('"', begin) - begin);
    };
    removed[field("id")] = field("kept_id");
  }
  return removed;
}

fs::path WriteCrawl(const fs::path& dir, const std::string& name,
                    const std::vector<std::string>& texts, size_t first_id) {
  std::string crawl;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string json;
    AppendJsonString(texts[i], &json);
    crawl += "{\"id\":\"d" + std::to_string(first_id + i) + "\",\"text\":" +
             json + "}\n";
  }
  test::WriteFile(dir / name, crawl);
  return dir / name;
}

// The central property: querying each document of a crawl in order and
// inserting it when nothing matches keeps exactly what the dedup job
// keeps, and judges each removed record against the same kept record.
TEST(IndexTest, KeepsWhatTheDedupJobKeeps) {
  const std::vector<std::string> texts = Crawl(7, 300);
  test::ScratchDir scratch;
  const fs::path dir = scratch.path();
  auto inputs = PlanInputs({WriteCrawl(dir, "c.jsonl", texts, 0).string()});
  ASSERT_OK(inputs);
  const std::vector<DedupOptions> settings = EveryMethod();
  for (size_t k = 0; k < settings.size(); ++k) {
    SCOPED_TRACE(k);
    DedupOptions job = settings[k];
    job.threads = 2;
    const fs::path out = dir / ("out" + std::to_string(k));
    auto stats = RunDedup(*inputs, out.string(), job);
    ASSERT_OK(stats);
    const std::map<std::string, std::string> expected = Removed(out);
    EXPECT_GT(expected.size(), 50u);

    auto options = IndexOptionsOf(settings[k]);
    ASSERT_OK(options);
    auto index = Index::Create(*options);
    ASSERT_OK(index);
    std::map<std::string, std::string> removed;
    for (size_t i = 0; i < texts.size(); ++i) {
      const std::string key = "d" + std::to_string(i);
      auto matches = index->Query(texts[i]);
      ASSERT_OK(matches);
      if (matches->empty()) {
        ASSERT_OK(index->Insert(key, texts[i]));
        continue;
      }
      const IndexMatch* first = &(*matches)[0];
      for (const IndexMatch& m : *matches) {
        if (m.doc < first->doc) first = &m;
      }
      removed[key] = first->key;
    }
    EXPECT_EQ(removed, expected);
    EXPECT_EQ(index->size(), stats->kept);

    // The batch form decides the same for any thread count.
    for (const int threads : {1, 3}) {
      auto batch_index = Index::Create(*options);
      ASSERT_OK(batch_index);
      std::vector<std::string> keys;
      for (size_t i = 0; i < texts.size(); ++i) keys.push_back("d" + std::to_string(i));
      const std::vector<std::string_view> key_views(keys.begin(), keys.end());
      const std::vector<std::string_view> text_views(texts.begin(), texts.end());
      auto decided = DedupBatch(*batch_index, key_views, text_views, threads);
      ASSERT_OK(decided);
      std::map<std::string, std::string> batch_removed;
      for (size_t i = 0; i < texts.size(); ++i) {
        if ((*decided)[i]) batch_removed[keys[i]] = (*decided)[i]->key;
      }
      EXPECT_EQ(batch_removed, expected);
      EXPECT_EQ(batch_index->Serialize(), index->Serialize());
    }
  }
}

TEST(IndexTest, QueriesBestFirstWithVerifiedSimilarity) {
  const std::vector<std::string> texts = Crawl(11, 100);
  auto index = Index::Create({.threshold = 0.5});
  ASSERT_OK(index);
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_OK(index->Insert("k" + std::to_string(i), texts[i], "origin"));
  }
  size_t with_several = 0;
  for (const std::string& t : texts) {
    auto matches = index->Query(t);
    ASSERT_OK(matches);
    ASSERT_FALSE(matches->empty());  // every text was inserted
    with_several += matches->size() > 1;
    for (size_t j = 0; j < matches->size(); ++j) {
      EXPECT_GE((*matches)[j].similarity, 0.5);
      EXPECT_EQ((*matches)[j].origin, "origin");
      if (j > 0) EXPECT_LE((*matches)[j].similarity, (*matches)[j - 1].similarity);
    }
    auto top = index->Query(t, {.limit = 1});
    ASSERT_OK(top);
    ASSERT_EQ(top->size(), 1u);
    EXPECT_EQ((*top)[0].key, (*matches)[0].key);
  }
  EXPECT_GT(with_several, 10u);
  EXPECT_FALSE(index->Query(texts[0], {.min_similarity = 2}).ok());
}

TEST(IndexTest, RemovesAndRefusesRepeatedKeys) {
  auto index = Index::Create({.method = DedupMethod::kSimHash});
  ASSERT_OK(index);
  const std::string text = "the quick brown fox jumps over the lazy dog again";
  ASSERT_OK(index->Insert("a", text));
  EXPECT_EQ(index->Insert("a", "other").code(), absl::StatusCode::kAlreadyExists);
  ASSERT_OK(index->Insert("b", text));
  EXPECT_EQ(index->size(), 2u);
  EXPECT_TRUE(index->Remove("a"));
  EXPECT_FALSE(index->Remove("a"));
  EXPECT_FALSE(index->Contains("a"));
  auto matches = index->Query(text);
  ASSERT_OK(matches);
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].key, "b");
  EXPECT_EQ((*matches)[0].similarity, 0);  // Hamming distance
  ASSERT_OK(index->Insert("a", text));     // a key can come back
  EXPECT_EQ(index->size(), 2u);
}

TEST(IndexTest, RefusesBadOptionsAndSketches) {
  EXPECT_EQ(Index::Create({.threshold = 1.5}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Index::Create({.num_perm = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto index = Index::Create({});
  ASSERT_OK(index);
  EXPECT_EQ(index->options().bands, 14);
  EXPECT_EQ(index->options().rows, 8);
  const std::vector<uint32_t> short_signature(10);
  EXPECT_EQ(index->InsertSignature("x", short_signature).code(),
            absl::StatusCode::kInvalidArgument);
  DedupOptions job;
  job.min_words = 3;
  EXPECT_FALSE(IndexOptionsOf(job).ok());
  job = {};
  job.keep = KeepPolicy::kLongest;
  EXPECT_FALSE(IndexOptionsOf(job).ok());
}

TEST(IndexTest, SignaturesFromTheBatchApiMatchTexts) {
  const std::vector<std::string> texts = Crawl(3, 40);
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  auto index = Index::Create({});
  ASSERT_OK(index);
  auto hasher = MinHasher::Create({.num_perm = 112, .seed = 0});
  ASSERT_OK(hasher);
  std::vector<uint32_t> signatures(texts.size() * 112);
  ASSERT_OK(SignTexts(views, index->options().shingles, *hasher, 2,
                      absl::MakeSpan(signatures)));
  for (size_t i = 0; i < texts.size(); ++i) {
    // Texts without words are signed by their bytes here, as dedup does;
    // SignTexts shingles them as they are.
    if (index->Sketch(texts[i]).signature !=
        std::vector<uint32_t>(signatures.begin() + i * 112,
                              signatures.begin() + (i + 1) * 112)) {
      continue;
    }
    ASSERT_OK(index->InsertSignature("s" + std::to_string(i),
                                     absl::MakeConstSpan(signatures).subspan(i * 112, 112)));
  }
  EXPECT_GT(index->size(), 30u);
}

class IndexFileTest : public ::testing::TestWithParam<int> {};

TEST_P(IndexFileTest, RoundTripsAndAnswersTheSame) {
  DedupOptions job = EveryMethod()[static_cast<size_t>(GetParam())];
  auto options = IndexOptionsOf(job);
  ASSERT_OK(options);
  auto index = Index::Create(*options);
  ASSERT_OK(index);
  const std::vector<std::string> texts = Crawl(5, 80);
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_OK(index->Insert("k" + std::to_string(i), texts[i],
                            "file.jsonl:" + std::to_string(i + 1)));
  }
  ASSERT_TRUE(index->Remove("k3"));
  test::ScratchDir scratch;
  const std::string path = scratch.File("i.ndx");
  ASSERT_OK(index->Save(path));
  auto opened = Index::Open(path);
  ASSERT_OK(opened);
  EXPECT_EQ(opened->size(), index->size());
  EXPECT_FALSE(opened->Contains("k3"));
  EXPECT_EQ(opened->Serialize(), index->Serialize());
  EXPECT_EQ(IndexParametersText(opened->options()),
            IndexParametersText(index->options()));
  for (const std::string& t : texts) {
    auto a = index->Query(t);
    auto b = opened->Query(t);
    ASSERT_OK(a);
    ASSERT_OK(b);
    ASSERT_EQ(a->size(), b->size());
    for (size_t j = 0; j < a->size(); ++j) {
      EXPECT_EQ((*a)[j].key, (*b)[j].key);
      EXPECT_EQ((*a)[j].origin, (*b)[j].origin);
      EXPECT_EQ((*a)[j].similarity, (*b)[j].similarity);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryMethod, IndexFileTest, ::testing::Range(0, 6));

TEST(IndexFileTest, BadFilesGiveClearErrors) {
  auto index = Index::Create({});
  ASSERT_OK(index);
  ASSERT_OK(index->Insert("a", "one two three four five six seven"));
  const std::string good = index->Serialize();
  auto error = [](std::string bytes) {
    return std::string(Index::Deserialize(bytes, "x.ndx").status().message());
  };
  std::string other_version = good;
  other_version[8] = 3;
  EXPECT_EQ(Index::Deserialize(other_version, "x.ndx").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(error(other_version).find("version 3"), std::string::npos);
  other_version[8] = 1;  // before the sorted table keys (section BKEY)
  EXPECT_EQ(error(other_version),
            "x.ndx: index format version 1, this neardup reads version 2 "
            "(written by an older neardup: build the index again)");
  std::string flipped = good;
  flipped[flipped.size() - 3] ^= 1;  // inside the last section (SIGS)
  EXPECT_EQ(error(flipped), "x.ndx: section SIGS: checksum mismatch");
  EXPECT_NE(error(good.substr(0, good.size() - 1)).find("truncated"),
            std::string::npos);
  EXPECT_NE(error("hello").find("bad magic"), std::string::npos);
  for (size_t cut = 0; cut < good.size(); cut += 7) {
    EXPECT_FALSE(Index::Deserialize(good.substr(0, cut)).ok()) << cut;
  }
  test::ScratchDir scratch;
  EXPECT_EQ(Index::Open(scratch.File("missing.ndx")).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace neardup
