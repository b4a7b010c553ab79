// Tests of the code the pipeline jobs share (src/pipeline/job.cc): the
// checks before any work, the rewrite pass one record at a time and in
// batches (same output, same order of decisions, whatever the batch size).

#include "pipeline/job.h"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "pipeline/line_store.h"
#include "tests/test_util.h"

namespace neardup::internal {
namespace {

namespace fs = std::filesystem;
using test::ReadFile;
using test::WriteFile;

std::string WarcRecord(const std::string& type, const std::string& id,
                       const std::string& block) {
  return "WARC/1.0\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: <urn:uuid:" + id +
         ">\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n" +
         block + "\r\n\r\n";
}

class JobTest : public ::testing::Test {
 protected:

  // The inputs of the tests of later passes (below), planned.
  std::vector<InputFile> MixedInputs(const std::string& jsonl);
  // Their reader: documents over 20 bytes truncated (lines over 8 * 20 + 1
  // MiB rejected).
  static ReaderOptions MixedReader() {
    ReaderOptions reader;
    reader.max_document_bytes = 20;
    reader.oversize = Oversize::kTruncate;
    return reader;
  }

  // Inputs of every kind: JSONL with a malformed line, an empty JSONL,
  // WARC with records that are not documents between the documents, and
  // text files.
  std::vector<InputFile> MakeInputs() {
    fs::create_directories(dir_ / "in");
    std::string jsonl;
    for (int i = 0; i < 23; ++i) {
      jsonl += "{\"id\":\"j" + std::to_string(i) + "\",\"text\":\"" +
               test::Word(i) + " " + test::Word(i + 100) + "\"}\n";
      if (i == 7) jsonl += "{not json\n";
    }
    WriteFile(dir_ / "in" / "a.jsonl", jsonl);
    WriteFile(dir_ / "in" / "b.jsonl", "");
    std::string warc = WarcRecord("warcinfo", "0", "software: test\r\n");
    for (int i = 1; i <= 5; ++i) {
      warc += WarcRecord("conversion", std::to_string(i), test::Word(i) + "\n");
      warc += WarcRecord("metadata", "m" + std::to_string(i), "fetchTimeMs: 1\r\n");
    }
    WriteFile(dir_ / "in" / "c.warc.wet", warc);
    for (int i = 0; i < 4; ++i) {
      WriteFile(dir_ / "in" / ("t" + std::to_string(i) + ".txt"), test::Word(i));
    }
    auto inputs = PlanInputs({(dir_ / "in").string()});
    EXPECT_TRUE(inputs.ok()) << inputs.status();
    return inputs.ok() ? *inputs : std::vector<InputFile>();
  }

  // Runs the rewrite pass into OUT with a decision rule that drops every
  // third document and replaces every fifth (for JSONL and text); returns
  // the decisions in the order they were made.
  std::vector<std::string> Rewrite(const std::string& out,
                                   const RewriteOptions& rewrite) {
    JobFiles files;
    EXPECT_TRUE(files.Open(MakeInputs(), (dir_ / out).string(), false, {}).ok());
    std::vector<std::string> decisions;
    auto decide = [&](size_t f, size_t doc, const Record& record,
                      std::string* replacement) -> absl::StatusOr<RecordAction> {
      decisions.push_back(std::to_string(f) + "/" + std::to_string(doc) + "/" +
                          std::string(record.id));
      if (doc % 3 == 0) return RecordAction::kDrop;
      if (doc % 5 == 0 && record.raw.substr(0, 5) != "WARC/") {
        *replacement = std::string(record.raw) + " ";
        return RecordAction::kReplace;
      }
      return RecordAction::kKeep;
    };
    int rejections = 0;
    auto on_rejection = [&](size_t, const Rejection&) {
      ++rejections;
      return absl::OkStatus();
    };
    EXPECT_TRUE(RewriteInputs(files, {}, {}, decide, nullptr, on_rejection, rewrite).ok());
    EXPECT_EQ(rejections, 1);
    EXPECT_TRUE(files.CommitOutputs().ok());
    return decisions;
  }

  test::ScratchDir scratch_;
  const fs::path dir_ = scratch_.path();
};

TEST_F(JobTest, BatchedRewriteWritesWhatOneAtATimeWrites) {
  const std::vector<std::string> expected = Rewrite("single", {});
  ASSERT_EQ(expected.size(), 23u + 5u + 4u);
  for (const size_t batch_records : {1, 2, 7, 1000}) {
    for (const size_t batch_bytes : {size_t{1}, size_t{100}, size_t{8} << 20}) {
      const std::string out = "batched_" + std::to_string(batch_records) + "_" +
                              std::to_string(batch_bytes);
      size_t prepared = 0;
      RewriteOptions rewrite;
      rewrite.batch_records = batch_records;
      rewrite.batch_bytes = batch_bytes;
      rewrite.prepare = [&](size_t first_doc, absl::Span<const Record> records) {
        // Batches come in order, and their records are the documents.
        EXPECT_EQ(first_doc, prepared);
        EXPECT_LE(records.size(), batch_records);
        for (const Record& r : records) EXPECT_FALSE(r.id.empty());
        prepared += records.size();
      };
      EXPECT_EQ(Rewrite(out, rewrite), expected) << out;
      EXPECT_EQ(prepared, expected.size());
      // The same files with the same bytes.
      size_t files = 0;
      for (const auto& entry : fs::recursive_directory_iterator(dir_ / out)) {
        if (entry.is_regular_file()) ++files;
      }
      for (const auto& entry : fs::recursive_directory_iterator(dir_ / "single")) {
        if (!entry.is_regular_file()) continue;
        const fs::path name = fs::relative(entry.path(), dir_ / "single");
        EXPECT_EQ(ReadFile(dir_ / out / name), ReadFile(entry.path()))
            << out << "/" << name;
        --files;
      }
      EXPECT_EQ(files, 0u) << out;
    }
  }
  // Text files whose document was dropped (document 30) have no output.
  EXPECT_TRUE(fs::exists(dir_ / "single" / "in" / "t1.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "single" / "in" / "t2.txt"));
  EXPECT_EQ(ReadFile(dir_ / "single" / "in" / "t1.txt"), test::Word(1));
  // Every JSONL line replaced, kept or dropped as decided.
  const auto lines = test::Lines(ReadFile(dir_ / "single" / "in" / "a.jsonl"));
  ASSERT_EQ(lines.size(), 23u - 8u);  // documents 0, 3, ..., 21 dropped
  EXPECT_EQ(lines[0].substr(0, 10), "{\"id\":\"j1\"");
  EXPECT_EQ(lines[3].back(), ' ');  // document 5, replaced
  // The WARC output kept the records that are not documents.
  const std::string warc = ReadFile(dir_ / "single" / "in" / "c.warc.wet");
  EXPECT_NE(warc.find("WARC-Type: warcinfo"), std::string::npos);
  EXPECT_NE(warc.find("<urn:uuid:m5>"), std::string::npos);
  // The empty JSONL input has an (empty) output.
  EXPECT_TRUE(fs::exists(dir_ / "single" / "in" / "b.jsonl"));
}

// Writes `content` to `path` compressed as `compression` (by RecordWriter,
// as bytes: no line is added).
void WriteCompressed(const fs::path& path, const std::string& content,
                     Compression compression) {
  auto w =
      RecordWriter::Create(path.string(), InputFormat::kJsonl, compression);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE((*w)->Write(content).ok());
  ASSERT_TRUE((*w)->Commit().ok());
}

// The rewrite pass that finds JSONL documents by the lines a first pass
// read them on (RewriteOptions::line_of) writes what the pass that parses
// every line writes, byte for byte, and makes the same decisions: blank,
// whitespace and rejected lines between the documents (malformed JSON, bad
// UTF-8, a missing text field, a line too long to read), CRLF line ends, a
// byte order mark, a truncated text, a last line without "\n"; plain, gzip
// and zstd; with a WARC and a text input (read as before) among them.
// JSONL lines of every kind a reader meets (blank, whitespace and
// rejected lines between the documents: malformed JSON, bad UTF-8, a
// missing text field, a line too long to read; CRLF line ends, a byte
// order mark, a text over the test's limit, a last line without "\n").
std::string MixedJsonl() {
  std::string jsonl = "\xEF\xBB\xBF{\"id\":\"bom\",\"text\":\"first\"}\r\n";
  for (int i = 0; i < 40; ++i) {
    const std::string text = test::Word(i) + " " + test::Word(i + 100);
    jsonl += "{\"id\":\"j" + std::to_string(i) +
             "\",\"x\":[1,{\"y\":null}],\"text\":\"" + text + "\"}" +
             (i % 4 == 1 ? "\r\n" : "\n");
    if (i % 7 == 2) jsonl += "{not json\n";
    if (i % 7 == 3) jsonl += "\n  \t\r\n";
    if (i % 9 == 4) jsonl += "{\"text\":\"bad \xC3\x28 utf-8\"}\n";
    if (i % 11 == 5) jsonl += "{\"id\":\"no-text\"}\r\n";
    if (i == 20) jsonl += "{\"text\":\"" + std::string(2 << 20, 'y') + "\"}\n";
    if (i == 30) {
      jsonl += "{\"text\":\"a text longer than the limit of the test\"}\n";
    }
  }
  jsonl += "{\"id\":\"last\",\"text\":\"no newline\"}";
  return jsonl;
}

// The inputs of the tests below in dir_/in: `jsonl` plain, gzip and zstd
// (after two blank lines), an empty JSONL file, a WET and a text file.
std::vector<InputFile> JobTest::MixedInputs(const std::string& jsonl) {
  fs::create_directories(dir_ / "in");
  WriteFile(dir_ / "in" / "a.jsonl", jsonl);
  WriteCompressed(dir_ / "in" / "b.jsonl.gz", jsonl, Compression::kGzip);
  WriteFile(dir_ / "in" / "c.jsonl", "");
  WriteFile(dir_ / "in" / "d.warc.wet",
            WarcRecord("warcinfo", "0", "software: test\r\n") +
                WarcRecord("conversion", "1", "one\n") +
                WarcRecord("conversion", "2", "two\n"));
  WriteCompressed(dir_ / "in" / "e.jsonl.zst", "\n\n" + jsonl + "\n",
                  Compression::kZstd);
  WriteFile(dir_ / "in" / "f.txt", "a text file");
  auto inputs = PlanInputs({(dir_ / "in").string()});
  EXPECT_TRUE(inputs.ok()) << inputs.status();
  return inputs.ok() ? *inputs : std::vector<InputFile>();
}

// What a first pass over `inputs` (outputs in `out`) gives: the counts,
// each document's line and id|text|url, each file's documents.
struct FirstPassSeen {
  JobStats stats;
  std::vector<uint64_t> lines;
  std::vector<std::string> records;
  std::vector<uint64_t> documents;
};
FirstPassSeen ReadMixedFirstPass(const std::vector<InputFile>& inputs,
                                 const ReaderOptions& reader,
                                 const fs::path& out) {
  FirstPassSeen seen;
  JobFiles files;
  EXPECT_TRUE(files.Open(inputs, out.string(), false, reader).ok());
  seen.stats.files.resize(files.size());
  RejectionLog rejected;
  rejected.OpenInMemory();
  const absl::Status s = ReadFirstPass(
      files, reader, nullptr, &seen.stats, &rejected,
      [&](size_t, const Record& record) {
        seen.lines.push_back(record.line);
        seen.records.push_back(std::string(record.id) + "|" +
                               std::string(record.text) + "|" +
                               std::string(record.url));
        return absl::OkStatus();
      });
  EXPECT_TRUE(s.ok()) << s;
  for (const FileCounts& f : seen.stats.files) {
    seen.documents.push_back(f.read - f.rejected);
  }
  return seen;
}

TEST_F(JobTest, RewriteByLineWritesWhatParsingEveryLineWrites) {
  const std::string jsonl = MixedJsonl();
  const std::vector<InputFile> inputs = MixedInputs(jsonl);
  ASSERT_FALSE(inputs.empty());
  const ReaderOptions reader = MixedReader();

  // The first pass: each document's line, each file's documents.
  const FirstPassSeen first = ReadMixedFirstPass(inputs, reader, dir_ / "first");
  const JobStats& stats = first.stats;
  const std::vector<uint64_t>& lines = first.lines;
  const std::vector<uint64_t>& documents = first.documents;
  // Each JSONL input rejects 15 lines: 6 not JSON, 4 of bad UTF-8, 4
  // without text, 1 too long.
  ASSERT_EQ(stats.rejected, 3u * 15);
  ASSERT_GE(stats.truncated, 3u);

  // Drops every third document, replaces every fifth; notes what it is
  // given of each record.
  struct Seen {
    std::vector<std::string> decisions;  // file/doc/raw size
    std::vector<std::string> ids;        // empty when not parsed
    std::vector<InputFormat> formats;
  };
  auto rewrite = [&](const std::string& out, const RewriteOptions& options,
                     Seen* seen) {
    JobFiles files;
    ASSERT_TRUE(files.Open(inputs, (dir_ / out).string(), false, reader).ok());
    auto decide =
        [&](size_t f, size_t doc, const Record& record,
            std::string* replacement) -> absl::StatusOr<RecordAction> {
      seen->decisions.push_back(std::to_string(f) + "/" + std::to_string(doc) +
                                "/" + std::to_string(record.raw.size()));
      seen->ids.emplace_back(record.id);
      seen->formats.push_back(record.format);
      if (doc % 3 == 0) return RecordAction::kDrop;
      if (doc % 5 == 0 && record.format == InputFormat::kJsonl) {
        *replacement = std::string(record.raw) + " ";
        return RecordAction::kReplace;
      }
      return RecordAction::kKeep;
    };
    const absl::Status s = RewriteInputs(files, reader, documents, decide,
                                         nullptr, nullptr, options);
    ASSERT_TRUE(s.ok()) << s;
    ASSERT_TRUE(files.CommitOutputs().ok());
  };
  Seen parsed, by_line;
  rewrite("parsed", {}, &parsed);
  RewriteOptions options;
  options.line_of = [&](size_t doc) { return lines[doc]; };
  options.parse = [](size_t doc) { return doc % 4 == 0; };
  rewrite("by_line", options, &by_line);

  ASSERT_EQ(parsed.decisions.size(), lines.size());
  EXPECT_EQ(by_line.decisions, parsed.decisions);
  EXPECT_EQ(by_line.formats, parsed.formats);
  for (size_t doc = 0; doc < parsed.ids.size() && doc < by_line.ids.size();
       ++doc) {
    const bool unparsed =
        doc % 4 != 0 && parsed.formats[doc] == InputFormat::kJsonl;
    EXPECT_EQ(by_line.ids[doc], unparsed ? "" : parsed.ids[doc]) << doc;
  }
  size_t files_by_line = 0, files_parsed = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "by_line")) {
    files_by_line += entry.is_regular_file();
  }
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "parsed")) {
    if (!entry.is_regular_file()) continue;
    const fs::path name = fs::relative(entry.path(), dir_ / "parsed");
    EXPECT_EQ(ReadFile(dir_ / "by_line" / name), ReadFile(entry.path()))
        << name;
    ++files_parsed;
  }
  EXPECT_EQ(files_by_line, files_parsed);
  EXPECT_GE(files_parsed, 5u);
  // The plain output: the kept lines as read, CRLF kept, "\n" after the last.
  const std::string out = ReadFile(dir_ / "by_line" / "in" / "a.jsonl");
  EXPECT_NE(out.find("\"j1\",\"x\":[1,{\"y\":null}],\"text\":\"" +
                     test::Word(1) + " " + test::Word(101) + "\"}\r\n"),
            std::string::npos);
  EXPECT_EQ(out.find("not json"), std::string::npos);
  EXPECT_EQ(out.find("\n\n"), std::string::npos);

  // A second pass over the inputs as they are now, keeping every document:
  // its status.
  auto rewrite_now = [&](const std::string& out) {
    JobFiles files;
    EXPECT_TRUE(files.Open(inputs, (dir_ / out).string(), false, reader).ok());
    return RewriteInputs(
        files, reader, documents,
        [](size_t, size_t, const Record&, std::string*)
            -> absl::StatusOr<RecordAction> { return RecordAction::kKeep; },
        nullptr, nullptr, options);
  };

  // A file changed between the passes: a document's line is now blank.
  std::string changed = jsonl;
  const size_t j6 = changed.find("{\"id\":\"j6\"");
  changed.erase(j6, changed.find('\n', j6) - j6);
  WriteFile(dir_ / "in" / "a.jsonl", changed);
  const absl::Status s = rewrite_now("changed");
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(
      s.message().find("a.jsonl changed while neardup was reading it (line "),
      std::string::npos)
      << s;

  // A document appended after the first pass (after its last document and
  // the rejected lines that follow it) is found too, as the parsing pass
  // finds it.
  WriteFile(dir_ / "in" / "a.jsonl",
            jsonl + "\n{\"id\":\"late\",\"text\":\"" + test::Word(7) + "\"}\n");
  const absl::Status more = rewrite_now("appended");
  EXPECT_EQ(more.code(), absl::StatusCode::kDataLoss) << more;
  EXPECT_NE(more.message().find("a.jsonl changed while neardup was reading it "
                                "(more records on the second pass)"),
            std::string::npos)
      << more;
}

// A later pass over chosen documents (ReadChosenDocuments) gives each of
// them as the first pass gave it, numbered as the first pass numbered
// them, from JSONL by line (plain, gzip, zstd, between rejected lines) and
// from the other formats by reading them whole; a file changed since is
// DataLoss, not other documents.
TEST_F(JobTest, ChosenDocumentsAreThoseOfTheFirstPass) {
  const std::string jsonl = MixedJsonl();
  const std::vector<InputFile> inputs = MixedInputs(jsonl);
  ASSERT_FALSE(inputs.empty());
  const ReaderOptions reader = MixedReader();
  const FirstPassSeen seen = ReadMixedFirstPass(inputs, reader, dir_ / "first");
  const std::vector<std::string>& first = seen.records;
  const std::vector<uint64_t>& documents = seen.documents;
  JobFiles files;
  ASSERT_TRUE(files.Open(inputs, (dir_ / "out").string(), false, reader).ok());
  auto describe = [](const Record& r) {
    return std::string(r.id) + "|" + std::string(r.text) + "|" +
           std::string(r.url);
  };
  auto line_of = [&](size_t doc) { return seen.lines[doc]; };
  for (const size_t every : {1, 3, 7, 1000}) {
    std::vector<size_t> got_docs;
    std::vector<std::string> got;
    const absl::Status s = ReadChosenDocuments(
        files, reader, documents, line_of,
        [&](size_t doc) { return doc % every == 1 % every; }, nullptr,
        [&](size_t doc, const Record& record) {
          got_docs.push_back(doc);
          got.push_back(describe(record));
          return absl::OkStatus();
        });
    ASSERT_TRUE(s.ok()) << s;
    std::vector<size_t> want_docs;
    std::vector<std::string> want;
    for (size_t doc = 0; doc < first.size(); ++doc) {
      if (doc % every != 1 % every) continue;
      want_docs.push_back(doc);
      want.push_back(first[doc]);
    }
    EXPECT_EQ(got_docs, want_docs) << every;
    EXPECT_EQ(got, want) << every;
  }

  // A chosen document's line is now blank: DataLoss naming the file.
  std::string changed = jsonl;
  const size_t j6 = changed.find("{\"id\":\"j6\"");
  changed.erase(j6, changed.find('\n', j6) - j6);
  WriteFile(dir_ / "in" / "a.jsonl", changed);
  size_t j6_doc = 0;
  while (first[j6_doc].rfind("j6|", 0) != 0) ++j6_doc;
  auto read_one = [&](size_t chosen_doc) {
    return ReadChosenDocuments(
        files, reader, documents, line_of,
        [&](size_t doc) { return doc == chosen_doc; }, nullptr,
        [](size_t, const Record&) { return absl::OkStatus(); });
  };
  const absl::Status s = read_one(j6_doc);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(
      s.message().find("a.jsonl changed while neardup was reading it (line "),
      std::string::npos)
      << s;
  // The WET file lost a document: found when one of its documents is read.
  const size_t wet_first = documents[0] + documents[1] + documents[2];
  ASSERT_EQ(documents[3], 2u);
  WriteFile(dir_ / "in" / "d.warc.wet",
            WarcRecord("conversion", "1", "one\n"));
  const absl::Status fewer = read_one(wet_first);
  EXPECT_EQ(fewer.code(), absl::StatusCode::kDataLoss) << fewer;
  EXPECT_NE(fewer.message().find("d.warc.wet changed while neardup was reading"),
            std::string::npos)
      << fewer;
}

// The counting pass with a store that spills (LineStore::SpillPast)
// counts what a held store counts and keeps the same lines, read back from
// its spill file; a folder it cannot write to is an error after Flush, not
// a crash.
TEST_F(JobTest, LineCountBatchSpillsItsStore) {
  test::Rng rng(7);
  std::vector<std::string> texts, sites;
  // 240,000 lines: four blocks of the store.
  for (int d = 0; d < 30000; ++d) {
    std::string text = "Home | News | Sport\n";
    for (int l = 0; l < 6; ++l) {
      for (int w = 0; w < 12; ++w) text += test::Word(rng.Uniform(5000)) + " ";
      text += "\n";
    }
    texts.push_back(text + "Copyright\n");
    sites.push_back(d % 3 == 0 ? "" : "s" + std::to_string(d % 5) + ".example");
  }
  auto count = [&](const std::string& folder, LineCounter* counter,
                   LineStore* store) {
    if (!folder.empty()) store->SpillPast(folder, 1);
    LineCountBatch batch(counter, 2, store);
    for (size_t d = 0; d < texts.size(); ++d) batch.Add(texts[d], sites[d]);
    batch.Flush();
    counter->Finish(2);
    return batch.status();
  };
  LineCounter held_counter, spilled_counter;
  LineStore held, spilled;
  ASSERT_TRUE(count("", &held_counter, &held).ok());
  fs::create_directories(dir_ / "spill");
  const absl::Status s = count((dir_ / "spill").string(), &spilled_counter, &spilled);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_FALSE(held.spilled());
  EXPECT_TRUE(spilled.spilled());
  EXPECT_GT(spilled.spilled_bytes(), 0u);
  EXPECT_LT(spilled.bytes(), held.bytes());
  EXPECT_EQ(spilled_counter.Serialize(), held_counter.Serialize());
  ASSERT_EQ(spilled.documents(), held.documents());
  ASSERT_TRUE(spilled.Load(0, spilled.documents()).ok());
  std::vector<KeyedLine> a, b;
  for (uint64_t d = 0; d < held.documents(); ++d) {
    ASSERT_TRUE(held.available(d) && spilled.available(d)) << d;
    held.Lines(d, &a);
    spilled.Lines(d, &b);
    ASSERT_EQ(a.size(), b.size()) << d;
    for (size_t l = 0; l < a.size(); ++l) {
      EXPECT_EQ(a[l].begin, b[l].begin);
      EXPECT_EQ(a[l].cut_end, b[l].cut_end);
      EXPECT_EQ(a[l].key, b[l].key);
      EXPECT_EQ(a[l].words, b[l].words);
    }
  }
  // Spilling into a folder that is not there.
  LineCounter counter;
  LineStore store;
  const absl::Status missing =
      count((dir_ / "no" / "such").string(), &counter, &store);
  EXPECT_FALSE(missing.ok());
}

TEST_F(JobTest, PrepareRefusesAFolderThatIsNotEmpty) {
  fs::create_directories(dir_ / "out");
  WriteFile(dir_ / "out" / "old", "x");
  JobFiles files;
  const absl::Status s = files.Open(MakeInputs(), (dir_ / "out").string(), false, {});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  // In the library's terms: the command translates to --overwrite.
  EXPECT_NE(s.message().find("set the overwrite option"), std::string::npos);
  EXPECT_EQ(s.message().find("--"), std::string::npos);
  JobFiles again;
  EXPECT_TRUE(again.Open(MakeInputs(), (dir_ / "out").string(), true, {}).ok());
}

TEST_F(JobTest, PlanInputsNamesWhatAFolderWalkLeftOut) {
  MakeInputs();
  WriteFile(dir_ / "in" / "crawl.wat.gz", "x");
  WriteFile(dir_ / "in" / "notes.bin", "x");
  const std::string folder = (dir_ / "in").string();
  std::vector<SkippedFiles> skipped;
  auto inputs = PlanInputs({folder}, &skipped);
  ASSERT_TRUE(inputs.ok()) << inputs.status();
  EXPECT_EQ(inputs->size(), 7u);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].folder, folder);
  EXPECT_EQ(skipped[0].paths,
            (std::vector<std::string>{folder + "/crawl.wat.gz",
                                      folder + "/notes.bin"}));
  JsonWriter json;
  AddJobFiles(JobStats{}, /*with_format=*/false, skipped[0].paths, &json);
  EXPECT_EQ(json.Finish(),
            "{\"files\":[],\"outputs\":[],"
            "\"skipped_file_count\":2,\"skipped_files\":[\"" +
                folder + "/crawl.wat.gz\",\"" + folder + "/notes.bin\"]}");
  // A folder with nothing to read names what it holds.
  fs::create_directories(dir_ / "wat");
  WriteFile(dir_ / "wat" / "a.wat.gz", "x");
  auto none = PlanInputs({(dir_ / "wat").string()});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("; it holds " +
                                         (dir_ / "wat" / "a.wat.gz").string()),
            std::string::npos)
      << none.status();
}

// A first pass over every input is each input read by ReadFirstPassInput,
// and a JSONL input read in byte ranges gives the same documents, counts
// and rejected.jsonl lines (what neardup.dask's stages read).
TEST_F(JobTest, FirstPassInPartsIsTheFirstPass) {
  JobFiles files;
  ASSERT_TRUE(files.Open(MakeInputs(), (dir_ / "out").string(), false, {}).ok());
  struct Pass {
    JobStats stats;
    RejectionLog rejected;
    std::vector<std::string> docs;
  };
  auto start = [&](Pass* pass) {
    pass->stats.files.resize(files.size());
    pass->rejected.OpenInMemory();
  };
  auto collect = [](Pass* pass) {
    return [pass](size_t f, const Record& record) {
      pass->docs.push_back(std::to_string(f) + "/" + std::string(record.id));
      return absl::OkStatus();
    };
  };
  Pass whole, parts;
  start(&whole);
  start(&parts);
  ASSERT_TRUE(ReadFirstPass(files, {}, nullptr, &whole.stats, &whole.rejected,
                            collect(&whole))
                  .ok());
  size_t jsonl = files.size();
  for (size_t f = 0; f < files.size(); ++f) {
    const uint64_t size = fs::file_size(files.path(f));
    // a.jsonl in 4 ranges, cut inside lines; the rest whole.
    const uint64_t pieces = files.display(f).ends_with("a.jsonl") ? 4 : 1;
    if (pieces > 1) jsonl = f;
    for (uint64_t p = 0; p < pieces; ++p) {
      const FirstPassInput input{
          f, files.path(f), files.display(f), size * p / pieces,
          p + 1 < pieces ? size * (p + 1) / pieces : FirstPassInput::kWholeFile};
      ASSERT_TRUE(ReadFirstPassInput(input, {}, nullptr, &parts.stats,
                                     &parts.rejected, collect(&parts))
                      .ok());
    }
  }
  ASSERT_LT(jsonl, files.size());
  EXPECT_EQ(parts.docs, whole.docs);
  EXPECT_EQ(whole.stats.rejected, 1u);
  EXPECT_EQ(parts.rejected.lines(), whole.rejected.lines());
  EXPECT_NE(whole.rejected.lines().find("a.jsonl\",\"line\":9,"),
            std::string::npos)
      << whole.rejected.lines();
  EXPECT_EQ(parts.stats.read, whole.stats.read);
  EXPECT_EQ(parts.stats.text_bytes, whole.stats.text_bytes);
  EXPECT_GT(whole.stats.passed_through, 0u);
  EXPECT_EQ(parts.stats.passed_through, whole.stats.passed_through);
  for (size_t f = 0; f < files.size(); ++f) {
    EXPECT_EQ(parts.stats.files[f].read, whole.stats.files[f].read);
    EXPECT_EQ(parts.stats.files[f].rejected, whole.stats.files[f].rejected);
    EXPECT_EQ(parts.stats.files[f].format, whole.stats.files[f].format);
  }
  // Field counts are a whole file's: a.jsonl read in parts adds none.
  EXPECT_EQ(whole.stats.fields.objects, parts.stats.fields.objects + 23);

  // Without stats, rejected records are skipped and nothing is counted.
  Pass bare;
  ASSERT_TRUE(ReadFirstPass(files, {}, nullptr, nullptr, nullptr, collect(&bare))
                  .ok());
  EXPECT_EQ(bare.docs, whole.docs);
}

}  // namespace
}  // namespace neardup::internal
