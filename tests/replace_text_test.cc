// Tests for ReplaceRecordText: a record of each format written back with
// new text reads back with that text and every other byte as it was; a
// WARC response and a record its reader cannot have produced are errors.

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/io.h"
#include "tests/io_test_util.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using ::neardup::test::ScratchDir;
using ::neardup::test::WriteFile;

// Reads the records of `path`, replaces the text of each with `text` (when
// the record allows it), and returns the bytes a writer of the same format
// would write: pass-through records as read, documents replaced (JSONL:
// each line with its "\n").
struct Rewritten {
  std::string bytes;
  std::vector<absl::Status> statuses;  // one per document
};
Rewritten Rewrite(const std::string& path, std::string_view text,
                  const ReaderOptions& options = {}) {
  Rewritten out;
  auto reader = RecordReader::Open(path, options);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return out;
  Record record;
  Rejection rejection;
  std::vector<std::string> passed;
  std::string replaced;
  for (;;) {
    const auto result = (*reader)->Next(&record, &rejection);
    (*reader)->TakePassThrough(&passed);
    for (const std::string& p : passed) out.bytes += p;
    if (result == RecordReader::Result::kEnd) break;
    EXPECT_EQ(result, RecordReader::Result::kRecord) << rejection.reason;
    if (result != RecordReader::Result::kRecord) continue;
    const absl::Status s = ReplaceRecordText(record, text, &replaced);
    out.statuses.push_back(s);
    out.bytes += s.ok() ? replaced : std::string(record.raw);
    if (record.format == InputFormat::kJsonl) out.bytes += "\n";
  }
  return out;
}

TEST(ReplaceRecordTextTest, JsonlKeepsEveryOtherByte) {
  ScratchDir dir;
  const std::string path = dir.File("a.jsonl");
  WriteFile(path,
            "{\"id\":\"a\", \"text\" : \"old \\u00e9 text\",\"x\":[1, 2]}\n"
            "{\"text\":\"second\",\"url\":\"http://h/\"}\r\n");
  const Rewritten r = Rewrite(path, "new \"quoted\"\ttext");
  ASSERT_EQ(r.statuses.size(), 2u);
  for (const absl::Status& s : r.statuses) ASSERT_OK(s);
  EXPECT_EQ(r.bytes,
            "{\"id\":\"a\", \"text\" : \"new \\\"quoted\\\"\\ttext\",\"x\":[1, 2]}\n"
            "{\"text\":\"new \\\"quoted\\\"\\ttext\",\"url\":\"http://h/\"}\r\n");
  WriteFile(dir.File("b.jsonl"), r.bytes);
  const test::ReadResult back = test::ReadPath(dir.File("b.jsonl"));
  ASSERT_EQ(back.docs.size(), 2u);
  EXPECT_EQ(back.docs[0].text, "new \"quoted\"\ttext");
  EXPECT_EQ(back.docs[0].id, "a");
  EXPECT_EQ(back.docs[1].url, "http://h/");
}

TEST(ReplaceRecordTextTest, TruncatedRecordGetsTheWholeNewText) {
  ScratchDir dir;
  const std::string path = dir.File("a.jsonl");
  WriteFile(path, "{\"id\":\"a\",\"text\":\"0123456789abcdef\"}\n");
  ReaderOptions options;
  options.max_document_bytes = 4;
  options.oversize = Oversize::kTruncate;
  const Rewritten r = Rewrite(path, "0123 and the rest", options);
  ASSERT_EQ(r.statuses.size(), 1u);
  ASSERT_OK(r.statuses[0]);
  EXPECT_EQ(r.bytes, "{\"id\":\"a\",\"text\":\"0123 and the rest\"}\n");
}

TEST(ReplaceRecordTextTest, TextFileIsTheText) {
  ScratchDir dir;
  WriteFile(dir.File("a.txt"), "old text\n");
  const Rewritten r = Rewrite(dir.File("a.txt"), "new text\n");
  ASSERT_EQ(r.statuses.size(), 1u);
  ASSERT_OK(r.statuses[0]);
  EXPECT_EQ(r.bytes, "new text\n");
}

std::string WarcRecord(std::string_view type, std::string_view extra_headers,
                       std::string_view block) {
  return "WARC/1.0\r\nWARC-Type: " + std::string(type) + "\r\n" +
         std::string(extra_headers) +
         "Content-Length: " + std::to_string(block.size()) + "\r\n\r\n" +
         std::string(block) + "\r\n\r\n";
}

TEST(ReplaceRecordTextTest, WarcConversionGetsNewBlockAndLength) {
  ScratchDir dir;
  const std::string info = WarcRecord("warcinfo", "", "software: x\r\n");
  const std::string headers =
      "WARC-Target-URI: http://a.example/\r\n"
      "WARC-Date: 2024-01-01T00:00:00Z\r\n"
      "WARC-Record-ID: <urn:uuid:1>\r\n";
  WriteFile(dir.File("a.warc.wet"),
            info + WarcRecord("conversion", headers, "the old text of a page"));
  const Rewritten r = Rewrite(dir.File("a.warc.wet"), "new text");
  ASSERT_EQ(r.statuses.size(), 1u);
  ASSERT_OK(r.statuses[0]);
  EXPECT_EQ(r.bytes, info + WarcRecord("conversion", headers, "new text"));
  WriteFile(dir.File("b.warc.wet"), r.bytes);
  const test::ReadResult back = test::ReadPath(dir.File("b.warc.wet"));
  ASSERT_EQ(back.docs.size(), 1u);
  EXPECT_EQ(back.docs[0].text, "new text");
  EXPECT_EQ(back.docs[0].id, "<urn:uuid:1>");
  EXPECT_EQ(back.docs[0].url, "http://a.example/");
}

TEST(ReplaceRecordTextTest, WarcBareLineFeedsBecomeCrLf) {
  ScratchDir dir;
  WriteFile(dir.File("a.wet"),
            "WARC/1.0\nWARC-Type: conversion\nContent-Length: 3\n\nabc\n\n");
  const Rewritten r = Rewrite(dir.File("a.wet"), "xy");
  ASSERT_EQ(r.statuses.size(), 1u);
  ASSERT_OK(r.statuses[0]);
  EXPECT_EQ(r.bytes,
            "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 2\r\n\r\n"
            "xy\r\n\r\n");
}

TEST(ReplaceRecordTextTest, WarcResponseCannotBeRewritten) {
  ScratchDir dir;
  const std::string http =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nthe page text";
  const std::string response = WarcRecord(
      "response", "WARC-Target-URI: http://a.example/\r\n", http);
  WriteFile(dir.File("a.warc"), response);
  const Rewritten r = Rewrite(dir.File("a.warc"), "new text");
  ASSERT_EQ(r.statuses.size(), 1u);
  EXPECT_TRUE(absl::IsFailedPrecondition(r.statuses[0])) << r.statuses[0];
  EXPECT_EQ(r.bytes, response);
}

TEST(ReplaceRecordTextTest, RecordNoReaderMakesIsAnError) {
  std::string out = "stale";
  Record jsonl;  // no text token
  jsonl.raw = "{\"text\":\"a\"}";
  EXPECT_TRUE(absl::IsInvalidArgument(ReplaceRecordText(jsonl, "b", &out)));
  EXPECT_EQ(out, "");
  Record warc;
  warc.format = InputFormat::kWarc;
  warc.raw = "WARC/1.0\r\nWARC-Type: conversion\r\n";  // no blank line
  out = "stale";
  EXPECT_TRUE(absl::IsInvalidArgument(ReplaceRecordText(warc, "b", &out)));
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace neardup
