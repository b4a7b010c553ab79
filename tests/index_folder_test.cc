// Tests of index folders (neardup/index.h: IndexFolder, RunDedupWithIndex):
// a crawl deduplicated in parts against a growing index removes exactly
// what one run over the whole crawl removes, with the same kept ids; the
// folder refuses other parameters and a second writer; compaction and
// verification; a corrupted generation is named.

#include <filesystem>
#include <set>
#include <string>
#include <tuple>
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

// Three crawls of one collection: originals and edited copies of any
// earlier document (also of an earlier crawl), exact copies.
std::vector<std::string> Part(Rng& rng, std::vector<std::string>* seen,
                              int docs, int first_id) {
  std::vector<std::string> lines;
  for (int i = 0; i < docs; ++i) {
    std::string text;
    if (!seen->empty() && rng.Uniform(2) == 0) {
      text = (*seen)[rng.Uniform(seen->size())];
      const int edits = static_cast<int>(rng.Uniform(5));
      for (int e = 0; e < edits; ++e) {
        const size_t at = text.find(' ', rng.Uniform(text.size()));
        if (at != std::string::npos) text.insert(at, " " + test::Word(20000 + rng.Uniform(5000)));
      }
    } else {
      for (int w = 0; w < 40 + static_cast<int>(rng.Uniform(80)); ++w) {
        text += test::Word(rng.Uniform(4000)) + " ";
      }
    }
    seen->push_back(text);
    std::string json;
    AppendJsonString(text, &json);
    lines.push_back("{\"id\":\"r" + std::to_string(first_id + i) +
                    "\",\"text\":" + json + "}\n");
  }
  return lines;
}

// (id, kept_id, similarity) of every removed record of a run.
std::set<std::tuple<std::string, std::string, std::string>> Removed(
    const fs::path& out) {
  std::set<std::tuple<std::string, std::string, std::string>> removed;
  for (const std::string& line :
       test::Lines(test::ReadFile(out / "removed.jsonl"))) {
    auto field = [&](std::string_view name) {
      const size_t at = line.find("\"" + std::string(name) + "\":");
      size_t begin = at + name.size() + 3;
      if (line[begin] == '"') {
        ++begin;
        return line.substr(begin, line.find('"', begin) - begin);
      }
      return line.substr(begin, line.find_first_of(",}", begin) - begin);
    };
    removed.insert({field("id"), field("kept_id"), field("similarity")});
  }
  return removed;
}

class IndexFolderTest : public ::testing::TestWithParam<DedupMethod> {};

TEST_P(IndexFolderTest, SplitRunsRemoveWhatOneRunRemoves) {
  test::ScratchDir scratch;
  const fs::path dir = scratch.path();
  Rng rng(17);
  std::vector<std::string> seen;
  std::vector<std::string> files;
  for (int p = 0; p < 3; ++p) {
    std::string content;
    for (const std::string& line : Part(rng, &seen, 150, p * 1000)) content += line;
    files.push_back((dir / ("part" + std::to_string(p) + ".jsonl")).string());
    test::WriteFile(files.back(), content);
  }
  // Runs with an index compare by Jaccard alone (the default containment
  // is off with one): the whole run too.
  DedupOptions options{.containment = 0};
  options.method = GetParam();
  options.threads = 2;
  if (options.method == DedupMethod::kSimHash) options.shingles.n = 3;
  auto whole_inputs = PlanInputs(files);
  ASSERT_OK(whole_inputs);
  auto whole = RunDedup(*whole_inputs, (dir / "whole").string(), options);
  ASSERT_OK(whole);
  std::set<std::tuple<std::string, std::string, std::string>> split;
  const std::string index = (dir / "index").string();
  for (int p = 0; p < 3; ++p) {
    auto inputs = PlanInputs({files[p]});
    ASSERT_OK(inputs);
    DedupOptions o = options;
    o.threads = 1 + p;  // the thread count changes nothing
    uint64_t added = 0;
    const fs::path out = dir / ("out" + std::to_string(p));
    auto stats = RunDedupWithIndex(*inputs, out.string(), o, index,
                                   /*readonly=*/false, nullptr, &added);
    ASSERT_OK(stats);
    EXPECT_EQ(added, stats->kept);
    for (const auto& r : Removed(out)) split.insert(r);
  }
  const auto expected = Removed(dir / "whole");
  EXPECT_GT(expected.size(), 40u);
  EXPECT_EQ(split, expected);
  // Records removed against an earlier part name where the kept one is.
  const std::string last = test::ReadFile(dir / "out2" / "removed.jsonl");
  EXPECT_NE(last.find("\"cluster\":null,\"kept_id\":"), std::string::npos);
  EXPECT_NE(last.find("\"kept_source\":{\"generation\":1,\"file\":"),
            std::string::npos);

  // The same runs with another thread count write the same index files.
  const std::string index2 = (dir / "index2").string();
  for (int p = 0; p < 3; ++p) {
    auto inputs = PlanInputs({files[p]});
    ASSERT_OK(inputs);
    DedupOptions o = options;
    o.threads = 3 - p;
    ASSERT_OK(RunDedupWithIndex(*inputs, (dir / ("again" + std::to_string(p))).string(),
                                o, index2, /*readonly=*/false));
  }
  for (const char* gen : {"gen-000001.ndx", "gen-000002.ndx", "gen-000003.ndx"}) {
    EXPECT_EQ(test::ReadFile(fs::path(index) / gen),
              test::ReadFile(fs::path(index2) / gen))
        << gen;
  }

  auto folder = IndexFolder::Open(index);
  ASSERT_OK(folder);
  EXPECT_EQ(folder->generations().size(), 3u);
  EXPECT_EQ(folder->index().size(), whole->kept);
  std::string report;
  ASSERT_OK(VerifyIndexFolder(index, &report));

  // A read-only run against the full index: every record of part 0 is
  // now indexed, so all of them are removed, and nothing is added.
  auto inputs = PlanInputs({files[0]});
  ASSERT_OK(inputs);
  auto again = RunDedupWithIndex(*inputs, (dir / "again").string(), options,
                                 index, /*readonly=*/true);
  ASSERT_OK(again);
  EXPECT_EQ(again->kept, 0u);
  EXPECT_EQ(IndexFolder::Open(index)->generations().size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(EveryMethod, IndexFolderTest,
                         ::testing::Values(DedupMethod::kMinHash,
                                           DedupMethod::kSimHash,
                                           DedupMethod::kExact));

TEST(IndexFolderFilesTest, RefusesOtherParametersAndASecondWriter) {
  test::ScratchDir scratch;
  const std::string index = scratch.File("index");
  auto writer = IndexFolder::OpenForWriting(index, {.threshold = 0.8});
  ASSERT_OK(writer);
  auto second = IndexFolder::OpenForWriting(index, {.threshold = 0.8});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("being written by another process (pid "),
            std::string::npos)
      << second.status();
  writer->Add("a", "f.jsonl", 1, writer->index().Sketch("one two three four five six"));
  ASSERT_OK(writer->Commit("run1"));
  *writer = *IndexFolder::Open(index);  // releases the lock
  auto other = IndexFolder::OpenForWriting(index, {.threshold = 0.7});
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find(
                "was made with threshold=0.8; this run asks threshold=0.7 "
                "(--threshold)"),
            std::string::npos)
      << other.status();
  DedupOptions keep_longest;
  keep_longest.keep = KeepPolicy::kLongest;
  EXPECT_FALSE(IndexOptionsOf(keep_longest).ok());
}

TEST(IndexFolderFilesTest, CompactsAndNamesACorruptedFile) {
  test::ScratchDir scratch;
  const std::string index = scratch.File("index");
  {
    auto writer = IndexFolder::OpenForWriting(index, {});
    ASSERT_OK(writer);
    for (int g = 0; g < 3; ++g) {
      for (int i = 0; i < 5; ++i) {
        std::string text;
        for (int w = 0; w < 30; ++w) text += test::Word(g * 1000 + i * 50 + w) + " ";
        writer->Add("id" + std::to_string(g * 5 + i), "f.jsonl", i + 1,
                    writer->index().Sketch(text));
      }
      ASSERT_OK(writer->Commit("run" + std::to_string(g)));
    }
    EXPECT_EQ(writer->generations().size(), 3u);
    ASSERT_OK(writer->Compact());
    EXPECT_EQ(writer->generations().size(), 1u);
  }
  auto folder = IndexFolder::Open(index);
  ASSERT_OK(folder);
  EXPECT_EQ(folder->index().size(), 15u);
  std::string text;
  for (int w = 0; w < 30; ++w) text += test::Word(2000 + 50 + w) + " ";
  auto matches = folder->Query(text);
  ASSERT_OK(matches);
  ASSERT_EQ(matches->size(), 1u);
  EXPECT_EQ((*matches)[0].id, "id11");
  EXPECT_EQ((*matches)[0].generation, 3u);  // kept through compaction
  EXPECT_EQ((*matches)[0].line, 2u);
  {
    auto writer = IndexFolder::OpenForWriting(index, {});
    ASSERT_OK(writer);
    EXPECT_EQ(writer->DropGeneration(7).code(), absl::StatusCode::kNotFound);
    ASSERT_OK(writer->DropGeneration(3));  // from the compacted file
    EXPECT_EQ(writer->index().size(), 10u);
    auto gone = writer->Query(text);
    ASSERT_OK(gone);
    EXPECT_TRUE(gone->empty());
  }
  folder = IndexFolder::Open(index);
  ASSERT_OK(folder);
  EXPECT_EQ(folder->index().size(), 10u);
  ASSERT_OK(VerifyIndexFolder(index, nullptr));
  const fs::path file = fs::path(index) / folder->generations()[0].file;
  std::string bytes = test::ReadFile(file);
  bytes[bytes.size() / 2] ^= 0x20;
  test::WriteFile(file, bytes);
  std::string report;
  const absl::Status s = VerifyIndexFolder(index, &report);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find(file.string() + ": file checksum differs"),
            std::string::npos)
      << s;
}

}  // namespace
}  // namespace neardup
