// Tests for RecordReader::Open: errors for missing, unreadable and folder
// paths, standard input, detection of compression by magic and of format by
// name then content, and damaged compressed streams in every format (cut at
// several points, corrupted): the records before the damage come back, then
// one rejection naming the compressed offset, then the end.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "neardup/io.h"
#include "tests/io_test_util.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using ::neardup::test::Gzip;
using ::neardup::test::ReadPath;
using ::neardup::test::ReadResult;
using ::neardup::test::ScratchDir;
using ::neardup::test::WriteFile;
using ::neardup::test::Zstd;

std::string JsonlLines(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += "{\"id\":\"doc" + std::to_string(i) + "\",\"text\":\"text of doc " +
           std::to_string(i) +
           " with some words to compress\",\"n\":" + std::to_string(i * 7) +
           "}\n";
  }
  return out;
}

std::string WarcRecords(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    const std::string text = "Document " + std::to_string(i) + " body.\n";
    out += "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:" +
           std::to_string(i) +
           ">\r\nContent-Length: " + std::to_string(text.size()) + "\r\n\r\n" +
           text + "\r\n\r\n";
  }
  return out;
}

TEST(RecordReaderOpen, JsonArrayFileIsRefusedWithWhatToDo) {
  ScratchDir dir;
  const std::string pretty =
      "[\n  {\n    \"id\": \"a\",\n    \"text\": \"one\"\n  },\n"
      "  {\n    \"id\": \"b\",\n    \"text\": \"two\"\n  }\n]\n";
  const std::string path = dir.File("export.json");
  WriteFile(path, pretty);
  auto reader = RecordReader::Open(path, {});
  ASSERT_EQ(reader.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader.status().message(),
            path + " is one JSON array (it starts with '['), not JSON Lines: "
                   "neardup reads one JSON object per line. Convert it with "
                   "jq -c '.[]' " + path + " > records.jsonl");
  // On one line, after a byte order mark and blank lines, and compressed.
  const std::string one_line = dir.File("one.jsonl");
  WriteFile(one_line, "\xEF\xBB\xBF\n  [{\"text\":\"a\"},{\"text\":\"b\"}]\n");
  EXPECT_EQ(RecordReader::Open(one_line, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string gz = dir.File("export.json.gz");
  WriteFile(gz, Gzip(pretty));
  EXPECT_EQ(RecordReader::Open(gz, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A first line that is an array of values, then objects: JSON Lines with
  // one bad line, read as before.
  const std::string mixed = dir.File("mixed.jsonl");
  WriteFile(mixed, "[1,2,3]\n{\"text\":\"a\"}\n");
  const ReadResult r = ReadPath(mixed);
  EXPECT_EQ(r.events, "XR");
  // A text file that starts with '[' is text.
  const std::string text = dir.File("note.txt");
  WriteFile(text, "[\n draft ]\n");
  EXPECT_EQ(ReadPath(text).events, "R");
}

// One Record is reused across files by the jobs: a reader must not leave
// the fields its format lacks as the previous reader left them (a WARC
// date, pointing into a reader that is gone, was written as the date of
// text files converted to JSONL).
TEST(RecordReaderNext, ClearsWhatItsFormatLacks) {
  ScratchDir dir;
  const std::string block = "the text of a page";
  WriteFile(dir.File("a.warc.wet"),
            "WARC/1.0\r\nWARC-Type: conversion\r\n"
            "WARC-Date: 2024-01-01T00:00:00Z\r\n"
            "WARC-Target-URI: http://a.example/\r\nContent-Length: " +
                std::to_string(block.size()) + "\r\n\r\n" + block + "\r\n\r\n");
  WriteFile(dir.File("b.txt"), "a text file\n");
  WriteFile(dir.File("c.jsonl"), "{\"id\":\"c\",\"text\":\"a line\"}\n");
  Record record;
  Rejection rejection;
  for (const char* name : {"a.warc.wet", "b.txt", "a.warc.wet", "c.jsonl"}) {
    auto reader = RecordReader::Open(dir.File(name), ReaderOptions{});
    ASSERT_TRUE(reader.ok()) << reader.status();
    ASSERT_EQ((*reader)->Next(&record, &rejection), RecordReader::Result::kRecord)
        << name;
    if (std::string(name) == "a.warc.wet") {
      EXPECT_EQ(record.date, "2024-01-01T00:00:00Z");
      EXPECT_EQ(record.url, "http://a.example/");
    } else {
      EXPECT_EQ(record.date, "") << name;
      EXPECT_EQ(record.url, "") << name;
    }
  }
}

TEST(RecordReaderOpen, MissingPath) {
  ScratchDir dir;
  const std::string path = dir.File("nope.jsonl.gz");
  auto reader = RecordReader::Open(path, ReaderOptions());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reader.status().message(), path + ": No such file or directory");
}

TEST(RecordReaderOpen, Directory) {
  ScratchDir dir;
  auto reader = RecordReader::Open(dir.path(), ReaderOptions());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader.status().message(), dir.path() + " is a directory");
}

TEST(RecordReaderOpen, Unreadable) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "running as root: file permissions do not stop root, so "
                    "an unreadable file cannot be made";
  }
  ScratchDir dir;
  const std::string path = dir.File("locked.jsonl");
  WriteFile(path, "{\"text\":\"x\"}\n");
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  auto reader = RecordReader::Open(path, ReaderOptions());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(reader.status().message(), path + ": Permission denied");
}

TEST(RecordReaderOpen, DetectsCompressionByMagicAndFormat) {
  ScratchDir dir;
  const std::string jsonl = JsonlLines(3);
  const std::string warc = WarcRecords(2);
  struct Case {
    std::string name;
    std::string bytes;
    Compression compression;
    InputFormat format;
    size_t docs;
  } cases[] = {
      // Names that lie about the compression: the magic decides.
      {"a.jsonl", Gzip(jsonl), Compression::kGzip, InputFormat::kJsonl, 3},
      {"b.jsonl.gz", Zstd(jsonl), Compression::kZstd, InputFormat::kJsonl, 3},
      {"c.jsonl.zst", jsonl, Compression::kNone, InputFormat::kJsonl, 3},
      // Names that say nothing: the decompressed content decides.
      {"d.data", Zstd(warc), Compression::kZstd, InputFormat::kWarc, 2},
      {"e", Gzip(jsonl), Compression::kGzip, InputFormat::kJsonl, 3},
      {"f.warc.wat.gz", Gzip(warc), Compression::kGzip, InputFormat::kWarc, 2},
      {"g.bin", Gzip("just text"), Compression::kGzip, InputFormat::kText, 1},
      {"h.txt", jsonl, Compression::kNone, InputFormat::kText, 1},
  };
  for (const Case& c : cases) {
    const std::string path = dir.File(c.name);
    WriteFile(path, c.bytes);
    auto reader = RecordReader::Open(path, ReaderOptions());
    ASSERT_OK(reader);
    EXPECT_EQ((*reader)->compression(), c.compression) << c.name;
    EXPECT_EQ((*reader)->format(), c.format) << c.name;
    EXPECT_EQ((*reader)->path(), path);
    // Only uncompressed JSONL is read in ranges of its bytes on disk.
    EXPECT_EQ((*reader)->reads_byte_ranges(),
              c.format == InputFormat::kJsonl &&
                  c.compression == Compression::kNone)
        << c.name;
    const ReadResult r = ::neardup::test::ReadAll(reader->get());
    EXPECT_EQ(r.docs.size(), c.docs) << c.name;
    EXPECT_TRUE(r.rejections.empty()) << c.name;
  }
}

TEST(RecordReaderOpen, EmptyFilesOfEachFormat) {
  ScratchDir dir;
  for (const char* name : {"e.jsonl", "e.warc", "e.txt", "e.jsonl.gz", "e"}) {
    const std::string path = dir.File(name);
    WriteFile(path, "");
    auto reader = RecordReader::Open(path, ReaderOptions());
    ASSERT_OK(reader);
    EXPECT_EQ((*reader)->compression(), Compression::kNone);
    const ReadResult r = ::neardup::test::ReadAll(reader->get());
    EXPECT_TRUE(r.rejections.empty()) << name;
    // Only a text file is a document when empty (an empty one).
    EXPECT_EQ(r.docs.size(),
              (*reader)->format() == InputFormat::kText ? 1u : 0u)
        << name;
  }
  // Compressed empty streams.
  const std::string gz = dir.File("empty.jsonl.gz");
  WriteFile(gz, Gzip(""));
  EXPECT_EQ(ReadPath(gz).events, "");
  const std::string zst = dir.File("empty.warc.zst");
  WriteFile(zst, Zstd(""));
  EXPECT_EQ(ReadPath(zst).events, "");
}

TEST(RecordReaderOpen, StandardInput) {
  ScratchDir dir;
  const std::string path = dir.File("stdin.bin");
  WriteFile(path, Gzip(JsonlLines(4)));
  const int saved = dup(STDIN_FILENO);
  const int fd = open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(dup2(fd, STDIN_FILENO), STDIN_FILENO);
  close(fd);
  auto reader = RecordReader::Open("-", ReaderOptions());
  ASSERT_OK(reader);
  EXPECT_EQ((*reader)->compression(), Compression::kGzip);
  EXPECT_EQ((*reader)->format(), InputFormat::kJsonl);  // sniffed
  const ReadResult r = ::neardup::test::ReadAll(reader->get());
  reader->reset();
  dup2(saved, STDIN_FILENO);
  close(saved);
  ASSERT_EQ(r.docs.size(), 4u);
  EXPECT_EQ(r.docs[3].id, "doc3");
}

// Checks a read of a damaged file: the documents are the first ones of the
// file in order, then exactly one rejection with `reason`, then the end.
void ExpectPrefixThenRejection(const ReadResult& r,
                               const std::vector<std::string>& all_ids,
                               const std::string& reason) {
  ASSERT_FALSE(r.events.empty());
  EXPECT_EQ(r.events.back(), 'X');
  EXPECT_EQ(r.events.find('X'), r.events.size() - 1) << r.events;
  ASSERT_EQ(r.rejections.size(), 1u);
  EXPECT_EQ(r.rejections[0].reason, reason);
  ASSERT_LE(r.docs.size(), all_ids.size());  // a cut trailer loses none
  for (size_t i = 0; i < r.docs.size(); ++i)
    EXPECT_EQ(r.docs[i].id, all_ids[i]);
}

TEST(RecordReaderOpen, TruncatedCompressedStreamsInEveryFormat) {
  ScratchDir dir;
  const std::string jsonl = JsonlLines(3000);
  std::vector<std::string> jsonl_ids;
  for (int i = 0; i < 3000; ++i) jsonl_ids.push_back("doc" + std::to_string(i));
  // A .warc.gz: one member per record.
  const int kWarcRecords = 400;
  std::string warc_gz;
  std::vector<std::string> warc_ids;
  for (int i = 0; i < kWarcRecords; ++i) {
    std::string one = WarcRecords(i + 1).substr(WarcRecords(i).size());
    warc_gz += Gzip(one);
    warc_ids.push_back("<urn:uuid:" + std::to_string(i) + ">");
  }
  const std::string warc_zst = Zstd(WarcRecords(kWarcRecords));
  struct File {
    std::string name, bytes, kind;
    const std::vector<std::string>* ids;
  } files[] = {
      {"j.jsonl.gz", Gzip(jsonl), "gzip", &jsonl_ids},
      {"j.jsonl.zst", Zstd(jsonl), "zstd", &jsonl_ids},
      {"w.warc.gz", warc_gz, "gzip", &warc_ids},
      {"w.warc.zst", warc_zst, "zstd", &warc_ids},
  };
  for (const File& f : files) {
    size_t previous_docs = 0;
    for (double fraction : {0.0005, 0.1, 0.5, 0.9, 0.9999}) {
      const size_t cut = std::max<size_t>(5, f.bytes.size() * fraction);
      const std::string path = dir.File("cut_" + f.name);
      WriteFile(path, f.bytes.substr(0, cut));
      SCOPED_TRACE(f.name + " cut at " + std::to_string(cut));
      const ReadResult r = ReadPath(path);
      ExpectPrefixThenRejection(r, *f.ids,
                                "truncated " + f.kind +
                                    " stream at compressed byte " +
                                    std::to_string(cut));
      EXPECT_GE(r.docs.size(), previous_docs);  // later cuts keep more
      previous_docs = r.docs.size();
    }
    EXPECT_GT(previous_docs, f.ids->size() * 9 / 10) << f.name;
  }
  // A plain-text file has one document: the damage rejects it.
  const std::string text_path = dir.File("t.txt.gz");
  const std::string text_gz = Gzip(jsonl);
  WriteFile(text_path, text_gz.substr(0, 5000));
  const ReadResult r = ReadPath(text_path);
  EXPECT_EQ(r.events, "X");
  EXPECT_EQ(r.rejections[0].reason,
            "truncated gzip stream at compressed byte 5000");
}

TEST(RecordReaderOpen, CorruptChecksumAfterIntactData) {
  ScratchDir dir;
  std::string bytes = Gzip(JsonlLines(100));
  bytes[bytes.size() - 8] ^= 1;  // the CRC-32
  const std::string path = dir.File("crc.jsonl.gz");
  WriteFile(path, bytes);
  const ReadResult r = ReadPath(path);
  EXPECT_EQ(r.events, std::string(100, 'R') + "X");
  EXPECT_EQ(r.rejections[0].reason, "corrupt gzip stream at compressed byte " +
                                        std::to_string(bytes.size() - 4) +
                                        ": incorrect data check");
  EXPECT_EQ(r.rejections[0].file, path);
  EXPECT_EQ(r.rejections[0].line, 101u);
  EXPECT_EQ(r.rejections[0].offset, JsonlLines(100).size());
}

TEST(RecordReaderOpen, CorruptBytesInTheMiddle) {
  ScratchDir dir;
  const std::string jsonl = JsonlLines(30000);
  for (const std::string kind : {"gzip", "zstd"}) {
    std::string bytes = kind == "gzip" ? Gzip(jsonl) : Zstd(jsonl);
    const size_t middle = bytes.size() / 2;
    for (size_t i = middle; i < middle + 32; ++i) bytes[i] = '\xA5';
    const std::string path = dir.File("mid." + kind + ".jsonl");
    WriteFile(path, bytes);
    const ReadResult r = ReadPath(path);
    SCOPED_TRACE(kind);
    // The stream error comes last; the damaged stretch may decode to
    // garbage lines first, which are rejected on their own.
    ASSERT_FALSE(r.rejections.empty());
    EXPECT_EQ(r.events.back(), 'X');
    EXPECT_TRUE(
        absl::StartsWith(r.rejections.back().reason,
                         "corrupt " + kind + " stream at compressed byte "))
        << r.rejections.back().reason;
    EXPECT_LT(r.docs.size(), 30000u);
    ASSERT_GT(r.docs.size(), 10000u);
    // Everything well before the damage is intact.
    for (size_t i = 0; i < 10000; ++i) {
      ASSERT_EQ(r.docs[i].id, "doc" + std::to_string(i));
    }
  }
}

}  // namespace
}  // namespace neardup
