// Tests for RecordWriter: every format x compression written and read back
// byte for byte, gzip members per WARC record, the temporary file and the
// rename, and errors (missing folder, a write that fails); the same file
// written on the writer's own thread (WriterOptions::background), its
// order and its errors.

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/io.h"
#include "tests/io_test_util.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using ::neardup::test::GzipMemberOffsets;
using ::neardup::test::ReadFile;
using ::neardup::test::ReadPath;
using ::neardup::test::ReadResult;
using ::neardup::test::Rng;
using ::neardup::test::ScratchDir;
using ::neardup::test::WriteFile;

std::string TempName(const std::string& path) {
  return path + ".tmp-" + std::to_string(getpid());
}

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

std::string Suffix(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return ".gz";
    case Compression::kZstd:
      return ".zst";
    case Compression::kNone:
      break;
  }
  return "";
}

// Records of each format, with text that varies so it does not compress to
// nothing, including non-ASCII and escapes.
std::vector<std::string> JsonlLines(int n) {
  Rng rng(7);
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) {
    std::string text;
    for (int w = 0; w < 30; ++w)
      text += std::to_string(rng.Uniform(1000)) + " ";
    lines.push_back(
        "{\"id\":\"r" + std::to_string(i) + "\",\"text\":\"" + text +
        "caf\xC3\xA9 \\\"q\\\"\",\"keep\":{\"n\":" + std::to_string(i) + "}}");
  }
  return lines;
}

std::vector<std::string> WarcRecords(int n) {
  std::vector<std::string> records;
  for (int i = 0; i < n; ++i) {
    const std::string type = i % 3 == 0 ? "warcinfo" : "conversion";
    std::string block;
    for (int k = 0; k <= i % 5; ++k)
      block += "line " + std::to_string(i * k) + "\n";
    records.push_back("WARC/1.0\r\nWARC-Type: " + type +
                      "\r\nWARC-Record-ID: <urn:uuid:" + std::to_string(i) +
                      ">\r\nContent-Length: " + std::to_string(block.size()) +
                      "\r\n\r\n" + block + "\r\n\r\n");
  }
  return records;
}

TEST(RecordWriter, RoundTripEveryFormatAndCompression) {
  ScratchDir dir;
  const std::vector<std::string> lines = JsonlLines(2000);
  const std::vector<std::string> records = WarcRecords(300);
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  for (InputFormat format :
       {InputFormat::kJsonl, InputFormat::kText, InputFormat::kWarc}) {
    for (Compression compression :
         {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
      const std::string ext = format == InputFormat::kJsonl  ? ".jsonl"
                              : format == InputFormat::kWarc ? ".warc"
                                                             : ".txt";
      const std::string path = dir.File("out" + ext + Suffix(compression));
      SCOPED_TRACE(path);
      auto writer = RecordWriter::Create(path, format, compression);
      ASSERT_OK(writer);
      std::string expected;  // the decompressed file
      if (format == InputFormat::kJsonl) {
        for (const std::string& line : lines) {
          ASSERT_OK((*writer)->WriteLine(line));
          expected += line + "\n";
        }
      } else if (format == InputFormat::kWarc) {
        for (const std::string& record : records) {
          ASSERT_OK((*writer)->Write(record));
          expected += record;
        }
      } else {
        // Several writes make one document.
        ASSERT_OK((*writer)->Write(text.substr(0, 1000)));
        ASSERT_OK((*writer)->Write(text.substr(1000)));
        expected = text;
      }
      ASSERT_OK((*writer)->Commit());
      writer->reset();

      auto reader = RecordReader::Open(path, ReaderOptions());
      ASSERT_OK(reader);
      EXPECT_EQ((*reader)->compression(), compression);
      EXPECT_EQ((*reader)->format(), format);
      const ReadResult r = ::neardup::test::ReadAll(reader->get());
      EXPECT_TRUE(r.rejections.empty());
      std::string raw_back;
      if (format == InputFormat::kJsonl) {
        ASSERT_EQ(r.docs.size(), lines.size());
        for (size_t i = 0; i < lines.size(); ++i) {
          EXPECT_EQ(r.docs[i].raw, lines[i]);
          raw_back += r.docs[i].raw + "\n";
        }
        EXPECT_EQ(r.docs[5].id, "r5");
      } else if (format == InputFormat::kWarc) {
        EXPECT_EQ(r.docs.size(), 200u);
        EXPECT_EQ(r.passed_through, 100u);
        // Pass-through and documents together give back every byte, in
        // order (ReadAll takes the pass-through before each document).
        std::string all;
        auto again = RecordReader::Open(path, ReaderOptions());
        ASSERT_OK(again);
        Record record;
        Rejection rejection;
        while ((*again)->Next(&record, &rejection) ==
               RecordReader::Result::kRecord) {
          std::vector<std::string> before;
          (*again)->TakePassThrough(&before);
          for (const auto& b : before) all += b;
          all += record.raw;
        }
        std::vector<std::string> rest;
        (*again)->TakePassThrough(&rest);
        for (const auto& b : rest) all += b;
        raw_back = all;
      } else {
        ASSERT_EQ(r.docs.size(), 1u);
        raw_back = r.docs[0].raw;
      }
      EXPECT_EQ(raw_back, expected);
    }
  }
}

TEST(RecordWriter, GzipMembers) {
  ScratchDir dir;
  const std::vector<std::string> records = WarcRecords(10);
  const std::string warc = dir.File("m.warc.gz");
  auto writer =
      RecordWriter::Create(warc, InputFormat::kWarc, Compression::kGzip);
  ASSERT_OK(writer);
  for (const std::string& record : records) ASSERT_OK((*writer)->Write(record));
  ASSERT_OK((*writer)->Write(""));  // nothing: no empty member
  ASSERT_OK((*writer)->Commit());
  // One member per record, as WARC tools expect.
  EXPECT_EQ(GzipMemberOffsets(ReadFile(warc)).size(), 10u);

  const std::string jsonl = dir.File("m.jsonl.gz");
  auto jw =
      RecordWriter::Create(jsonl, InputFormat::kJsonl, Compression::kGzip);
  ASSERT_OK(jw);
  for (const std::string& line : JsonlLines(10))
    ASSERT_OK((*jw)->WriteLine(line));
  ASSERT_OK((*jw)->Commit());
  EXPECT_EQ(GzipMemberOffsets(ReadFile(jsonl)).size(), 1u);
}

TEST(RecordWriter, EmptyOutputs) {
  ScratchDir dir;
  for (Compression compression :
       {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
    for (InputFormat format :
         {InputFormat::kJsonl, InputFormat::kText, InputFormat::kWarc}) {
      const std::string path =
          dir.File(std::string("empty.") + InputFormatName(format) +
                   Suffix(compression));
      auto writer = RecordWriter::Create(path, format, compression);
      ASSERT_OK(writer);
      ASSERT_OK((*writer)->Commit());
      SCOPED_TRACE(path);
      auto reader = RecordReader::Open(path, ReaderOptions());
      ASSERT_OK(reader);
      const ReadResult r = ::neardup::test::ReadAll(reader->get());
      EXPECT_TRUE(r.rejections.empty());
    }
  }
}

TEST(RecordWriter, TemporaryFileUntilCommit) {
  ScratchDir dir;
  const std::string path = dir.File("out.jsonl");
  WriteFile(path, "old contents\n");
  auto writer =
      RecordWriter::Create(path, InputFormat::kJsonl, Compression::kNone);
  ASSERT_OK(writer);
  ASSERT_OK((*writer)->WriteLine("{\"text\":\"new\"}"));
  EXPECT_TRUE(Exists(TempName(path)));
  EXPECT_EQ(ReadFile(path), "old contents\n");  // untouched until Commit
  ASSERT_OK((*writer)->Commit());
  EXPECT_FALSE(Exists(TempName(path)));
  EXPECT_EQ(ReadFile(path), "{\"text\":\"new\"}\n");
  ASSERT_OK((*writer)->Commit());  // a second Commit is a no-op
  EXPECT_EQ((*writer)->Write("x").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(RecordWriter, DestroyedWithoutCommitLeavesNothing) {
  ScratchDir dir;
  const std::string path = dir.File("never.jsonl.zst");
  {
    auto writer =
        RecordWriter::Create(path, InputFormat::kJsonl, Compression::kZstd);
    ASSERT_OK(writer);
    ASSERT_OK((*writer)->WriteLine(std::string(3 << 20, 'x')));
    EXPECT_TRUE(Exists(TempName(path)));
  }
  EXPECT_FALSE(Exists(TempName(path)));
  EXPECT_FALSE(Exists(path));
}

TEST(RecordWriter, MissingFolder) {
  ScratchDir dir;
  const std::string folder = dir.File("no_such_folder");
  const std::string path = folder + "/out.jsonl";
  auto writer =
      RecordWriter::Create(path, InputFormat::kJsonl, Compression::kNone);
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(writer.status().message(),
            "cannot create " + path + ": folder " + folder + " does not exist");
  EXPECT_FALSE(Exists(folder));  // not created for the caller
}

TEST(RecordWriter, PathIsAFolder) {
  ScratchDir dir;
  const std::string path = dir.File("taken");
  std::filesystem::create_directories(path);
  auto writer =
      RecordWriter::Create(path, InputFormat::kText, Compression::kNone);
  ASSERT_OK(writer);
  ASSERT_OK((*writer)->Write("x"));
  const absl::Status status = (*writer)->Commit();
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(),
            "renaming " + TempName(path) + " to " + path + ": Is a directory");
}

TEST(RecordWriter, WriteErrorNamesThePath) {
  // A file size limit makes write(2) fail with EFBIG, standing in for a
  // full disk (ENOSPC takes the same path). Root is bound by it too.
  ScratchDir dir;
  const std::string path = dir.File("limited.jsonl");
  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 64 << 10;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  absl::Status write_status, commit_status;
  {
    auto writer =
        RecordWriter::Create(path, InputFormat::kJsonl, Compression::kNone);
    ASSERT_OK(writer);
    for (int i = 0; i < 100 && write_status.ok(); ++i) {
      write_status = (*writer)->WriteLine(std::string(100 << 10, 'x'));
    }
    commit_status = (*writer)->Commit();
  }
  setrlimit(RLIMIT_FSIZE, &saved);
  signal(SIGXFSZ, SIG_DFL);
  EXPECT_EQ(write_status.message(), "writing " + path + ": File too large");
  EXPECT_EQ(commit_status, write_status);  // the first error sticks
  EXPECT_FALSE(Exists(path));
  EXPECT_FALSE(Exists(TempName(path)));
}

// Writes of every size, for the background writer's chunk boundaries:
// empty ones, small ones, some that end exactly at a 1 MiB boundary of the
// output and some longer than a chunk, with bytes that tell one write from
// another.
std::vector<std::string> MixedWrites(int n) {
  Rng rng(11);
  std::vector<std::string> writes;
  size_t total = 0;
  for (int i = 0; i < n; ++i) {
    size_t size = rng.Uniform(3000);
    if (i % 97 == 0) size = 0;
    if (i % 211 == 5) size = (size_t{1} << 20) + rng.Uniform(1 << 16);
    if (i % 157 == 3) {
      // Up to the next 1 MiB boundary of what was written so far.
      const size_t chunk = size_t{1} << 20;
      size = chunk - total % chunk;
    }
    std::string w(size, ' ');
    for (char& c : w) c = static_cast<char>('a' + rng.Uniform(26));
    const std::string tag = "<" + std::to_string(i) + ">";
    w.replace(0, std::min(size, tag.size()), tag.substr(0, std::min(size, tag.size())));
    total += w.size();
    writes.push_back(std::move(w));
  }
  return writes;
}

// Writes `writes` (WriteLine for JSONL, else Write) to `path` and commits.
absl::Status WriteAll(const std::string& path, InputFormat format,
                      Compression compression, const WriterOptions& options,
                      const std::vector<std::string>& writes) {
  auto writer = RecordWriter::Create(path, format, compression, options);
  if (!writer.ok()) return writer.status();
  for (const std::string& w : writes) {
    absl::Status s = format == InputFormat::kJsonl ? (*writer)->WriteLine(w)
                                                   : (*writer)->Write(w);
    if (!s.ok()) return s;
  }
  return (*writer)->Commit();
}

TEST(RecordWriter, BackgroundWritesTheSameBytesInOrder) {
  ScratchDir dir;
  const std::vector<std::string> writes = MixedWrites(2000);
  WriterOptions background;
  background.background = true;
  for (InputFormat format :
       {InputFormat::kJsonl, InputFormat::kText, InputFormat::kWarc}) {
    for (Compression compression :
         {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
      const std::string name = std::string(InputFormatName(format)) + Suffix(compression);
      SCOPED_TRACE(name);
      const std::string here = dir.File("here." + name);
      const std::string there = dir.File("there." + name);
      ASSERT_OK(WriteAll(here, format, compression, WriterOptions(), writes));
      ASSERT_OK(WriteAll(there, format, compression, background, writes));
      const std::string expected = ReadFile(here);
      const std::string got = ReadFile(there);
      // Same size first: a mismatch then says little about 30 MB.
      ASSERT_EQ(got.size(), expected.size());
      EXPECT_TRUE(got == expected);
      if (format == InputFormat::kWarc && compression == Compression::kGzip) {
        // One member per non-empty write, as without the thread.
        size_t non_empty = 0;
        for (const std::string& w : writes) non_empty += !w.empty();
        EXPECT_EQ(GzipMemberOffsets(got).size(), non_empty);
      }
    }
  }
  // Uncompressed, the file is the writes one after another.
  std::string concatenated;
  for (const std::string& w : writes) concatenated += w;
  EXPECT_TRUE(ReadFile(dir.File("there.text")) == concatenated);
}

TEST(RecordWriter, BackgroundEmptyAndDestroyedWithoutCommit) {
  ScratchDir dir;
  WriterOptions background;
  background.background = true;
  const std::string empty = dir.File("empty.warc.gz");
  ASSERT_OK(WriteAll(empty, InputFormat::kWarc, Compression::kGzip, background,
                     {"", ""}));
  EXPECT_EQ(ReadFile(empty), "");
  // Going away with chunks in flight: the thread stops, nothing is left.
  const std::string path = dir.File("never.jsonl.gz");
  {
    auto writer = RecordWriter::Create(path, InputFormat::kJsonl,
                                       Compression::kGzip, background);
    ASSERT_OK(writer);
    for (int i = 0; i < 20; ++i) {
      ASSERT_OK((*writer)->WriteLine(std::string(1 << 20, 'a' + i)));
    }
    EXPECT_TRUE(Exists(TempName(path)));
  }
  EXPECT_FALSE(Exists(TempName(path)));
  EXPECT_FALSE(Exists(path));
}

TEST(RecordWriter, BackgroundWriteErrorNamesThePathAndSticks) {
  // As WriteErrorNamesThePath, with the write failing on the writer's
  // thread: the error comes back from a later call on the caller's
  // thread, every call after it returns it, and nothing is left.
  ScratchDir dir;
  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 64 << 10;
  WriterOptions background;
  background.background = true;
  for (Compression compression : {Compression::kNone, Compression::kZstd}) {
    const std::string path = dir.File("limited.jsonl" + Suffix(compression));
    SCOPED_TRACE(path);
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
    absl::Status write_status, later_status, commit_status;
    int writes = 0;
    {
      auto writer = RecordWriter::Create(path, InputFormat::kJsonl,
                                         compression, background);
      ASSERT_OK(writer);
      // Random bytes, so that zstd cannot make them fit: 40 MiB at most.
      Rng rng(3);
      std::string line(100 << 10, 'x');
      for (; writes < 400 && write_status.ok(); ++writes) {
        for (char& c : line) c = static_cast<char>('a' + rng.Uniform(26));
        write_status = (*writer)->WriteLine(line);
      }
      later_status = (*writer)->Write("more");
      commit_status = (*writer)->Commit();
    }
    setrlimit(RLIMIT_FSIZE, &saved);
    EXPECT_LT(writes, 400);  // the error came back while writing
    EXPECT_EQ(write_status.message(), "writing " + path + ": File too large");
    EXPECT_EQ(later_status, write_status);
    EXPECT_EQ(commit_status, write_status);
    EXPECT_FALSE(Exists(path));
    EXPECT_FALSE(Exists(TempName(path)));
  }
  signal(SIGXFSZ, SIG_DFL);
}

}  // namespace
}  // namespace neardup
