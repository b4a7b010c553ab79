// Tests of index folders (neardup/index.h: IndexFolder, RunDedupWithIndex):
// a crawl deduplicated in parts against a growing index removes exactly
// what one run over the whole crawl removes, with the same kept ids; the
// folder refuses other parameters and a second writer; compaction and
// verification; a corrupted generation is named.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <utility>
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

// The text of record i of generation g in the tests below.
std::string RecordText(int g, int i) {
  std::string text;
  for (int w = 0; w < 30; ++w) text += test::Word(g * 1000 + i * 50 + w) + " ";
  return text;
}

// (offset, size) of a section of an index file (neardup/index.h layout).
std::pair<size_t, size_t> SectionOf(const std::string& file,
                                    std::string_view tag) {
  auto u64 = [&](size_t at) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(file[at + i]);
    return v;
  };
  const size_t count = static_cast<uint8_t>(file[12]);
  for (size_t i = 0; i < count; ++i) {
    const size_t e = 32 + 32 * i;
    if (file.compare(e, 4, tag) == 0) return {u64(e + 8), u64(e + 16)};
  }
  return {0, 0};
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

  // The same runs with another thread count write the same index files,
  // and remove the same records when the first two generations were
  // merged into one file before the third run.
  const std::string index2 = (dir / "index2").string();
  std::set<std::tuple<std::string, std::string, std::string>> split2;
  for (int p = 0; p < 3; ++p) {
    auto inputs = PlanInputs({files[p]});
    ASSERT_OK(inputs);
    DedupOptions o = options;
    o.threads = 3 - p;
    const fs::path out = dir / ("again" + std::to_string(p));
    ASSERT_OK(RunDedupWithIndex(*inputs, out.string(), o, index2,
                                /*readonly=*/false));
    for (const auto& r : Removed(out)) split2.insert(r);
    if (p == 0) {
      EXPECT_EQ(test::ReadFile(fs::path(index) / "gen-000001.ndx"),
                test::ReadFile(fs::path(index2) / "gen-000001.ndx"));
    }
    if (p == 1) {
      EXPECT_EQ(test::ReadFile(fs::path(index) / "gen-000002.ndx"),
                test::ReadFile(fs::path(index2) / "gen-000002.ndx"));
      auto writer = IndexFolder::OpenForWriting(index2, *IndexOptionsOf(o));
      ASSERT_OK(writer);
      ASSERT_OK(writer->Compact());
      EXPECT_EQ(writer->generations().size(), 1u);
    }
  }
  EXPECT_EQ(split2, expected);
  EXPECT_EQ(test::ReadFile(fs::path(index) / "gen-000003.ndx"),
            test::ReadFile(fs::path(index2) / "gen-000003.ndx"));

  auto folder = IndexFolder::Open(index);
  ASSERT_OK(folder);
  EXPECT_EQ(folder->generations().size(), 3u);
  EXPECT_EQ(folder->size(), whole->kept);
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
  writer->Add("a", "f.jsonl", 1, writer->Sketch("one two three four five six"));
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
                    writer->Sketch(text));
      }
      ASSERT_OK(writer->Commit("run" + std::to_string(g)));
    }
    EXPECT_EQ(writer->generations().size(), 3u);
    ASSERT_OK(writer->Compact());
    EXPECT_EQ(writer->generations().size(), 1u);
  }
  auto folder = IndexFolder::Open(index);
  ASSERT_OK(folder);
  EXPECT_EQ(folder->size(), 15u);
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
    EXPECT_EQ(writer->size(), 10u);
    auto gone = writer->Query(text);
    ASSERT_OK(gone);
    EXPECT_TRUE(gone->empty());
  }
  folder = IndexFolder::Open(index);
  ASSERT_OK(folder);
  EXPECT_EQ(folder->size(), 10u);
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


TEST(IndexFolderFilesTest, MergesFilesByTierAndFindsEveryRecord) {
  test::ScratchDir scratch;
  const std::string index = scratch.File("index");
  auto writer = IndexFolder::OpenForWriting(index, {});
  ASSERT_OK(writer);
  size_t most_files = 0;
  for (int g = 0; g < 18; ++g) {
    for (int i = 0; i < 5; ++i) {
      writer->Add("id" + std::to_string(g) + "-" + std::to_string(i),
                  "f.jsonl", i + 1, writer->Sketch(RecordText(g, i)));
    }
    ASSERT_OK(writer->Commit("run" + std::to_string(g)));
    most_files = std::max(most_files, writer->generations().size());
  }
  // 5 records a run (tier 1): runs 1-4, 5-8, 9-12 and 13-16 were merged
  // into files of 20 (tier 2), and those four into one of 80.
  std::vector<std::string> names;
  for (const IndexGeneration& g : writer->generations()) names.push_back(g.file);
  EXPECT_EQ(names, (std::vector<std::string>{"gen-000001-000016.ndx",
                                             "gen-000017.ndx",
                                             "gen-000018.ndx"}));
  EXPECT_LE(most_files, 6u);
  EXPECT_EQ(writer->size(), 90u);
  writer = IndexFolder::Open(index);  // releases the lock
  ASSERT_OK(writer);
  ASSERT_OK(VerifyIndexFolder(index, nullptr));
  for (int g = 0; g < 18; ++g) {
    for (int i = 0; i < 5; ++i) {
      auto first = writer->FindFirst(writer->Sketch(RecordText(g, i)));
      ASSERT_OK(first);
      ASSERT_TRUE(first->has_value()) << g << " " << i;
      EXPECT_EQ((*first)->id, "id" + std::to_string(g) + "-" + std::to_string(i));
      EXPECT_EQ((*first)->generation, static_cast<uint64_t>(g + 1));
      EXPECT_EQ((*first)->line, static_cast<uint64_t>(i + 1));
      EXPECT_EQ((*first)->doc, static_cast<uint64_t>(g * 5 + i));
    }
  }
  // The batch form gives the same answers, at any thread count; edited
  // copies and new texts among the lookups.
  std::vector<DocSketch> sketches;
  for (int g = 0; g < 19; ++g) {
    for (int i = 0; i < 5; ++i) {
      std::string text = RecordText(g, i);
      if (i == 4) text += test::Word(77777);
      sketches.push_back(writer->Sketch(text));
    }
  }
  for (int threads : {1, 3}) {
    auto batch = writer->FindFirstBatch(sketches, threads);
    ASSERT_OK(batch);
    ASSERT_EQ(batch->size(), sketches.size());
    for (size_t q = 0; q < sketches.size(); ++q) {
      auto one = writer->FindFirst(sketches[q]);
      ASSERT_OK(one);
      ASSERT_EQ(one->has_value(), (*batch)[q].has_value()) << q;
      if (q >= 90) EXPECT_FALSE(one->has_value());
      if (!one->has_value()) continue;
      EXPECT_EQ((*one)->doc, (*batch)[q]->doc);
      EXPECT_EQ((*one)->id, (*batch)[q]->id);
      EXPECT_EQ((*one)->similarity, (*batch)[q]->similarity);
    }
  }
  // A merged file is what one writer of all its records would write: its
  // sections are the parts' concatenated and their sorted keys merged.
  auto one = IndexFolder::OpenForWriting(scratch.File("one"), {});
  ASSERT_OK(one);
  for (int g = 0; g < 3; ++g) {
    for (int i = 0; i < 5; ++i) {
      one->Add("id" + std::to_string(g) + "-" + std::to_string(i), "f.jsonl",
               i + 1, one->Sketch(RecordText(g, i)));
    }
    ASSERT_OK(one->Commit("run"));
  }
  ASSERT_OK(one->Compact());
  ASSERT_EQ(one->generations().size(), 1u);
  ASSERT_OK(one->DropGeneration(2));
  EXPECT_EQ(one->size(), 10u);
  EXPECT_EQ(one->generations()[0].file, "gen-000001-000003-d000002.ndx");
  auto gone = one->FindFirst(one->Sketch(RecordText(1, 3)));
  ASSERT_OK(gone);
  EXPECT_FALSE(gone->has_value());
  auto kept = one->FindFirst(one->Sketch(RecordText(2, 3)));
  ASSERT_OK(kept);
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->doc, 8u);  // renumbered past the dropped records
  EXPECT_EQ(one->DropGeneration(2).code(), absl::StatusCode::kNotFound);
  ASSERT_OK(VerifyIndexFolder(scratch.File("one"), nullptr));
}

TEST(IndexFolderFilesTest, ADamagedTableGivesAnErrorNotACrash) {
  test::ScratchDir scratch;
  const std::string index = scratch.File("index");
  {
    auto writer = IndexFolder::OpenForWriting(index, {});
    ASSERT_OK(writer);
    for (int i = 0; i < 5; ++i) {
      writer->Add("id" + std::to_string(i), "f.jsonl", i + 1,
                  writer->Sketch(RecordText(0, i)));
    }
    ASSERT_OK(writer->Commit("run"));
  }
  const fs::path file = fs::path(index) / "gen-000001.ndx";
  std::string bytes = test::ReadFile(file);
  const auto [offset, size] = SectionOf(bytes, "BKEY");
  ASSERT_GT(size, 0u);
  for (size_t at = offset + 4; at < offset + size; at += 8) {
    bytes.replace(at, 4, "\xff\xff\xff\x7f");  // document numbers
  }
  test::WriteFile(file, bytes);
  // Opening reads no section it does not need: the damage shows on lookup.
  auto folder = IndexFolder::Open(index);
  ASSERT_OK(folder);
  auto found = folder->Query(RecordText(0, 2));
  EXPECT_EQ(found.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(found.status().message().find(
                file.string() + ": section BKEY: document 2147483647 out of range"),
            std::string::npos)
      << found.status();
  const absl::Status s = VerifyIndexFolder(index, nullptr);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  // A truncated file is refused on open, naming the section.
  test::WriteFile(file, bytes.substr(0, bytes.size() - 100));
  auto truncated = IndexFolder::Open(index);
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(truncated.status().message().find("(truncated)"), std::string::npos)
      << truncated.status();
}

}  // namespace
}  // namespace neardup
