// Tests for the WARC/WET reader: documents from conversion and response
// records (HTML converted), records passed through, and every kind of
// damage: wrong, missing and non-numeric Content-Length, truncated records,
// garbage between records, over-long records, damaged gzip members.

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/io.h"
#include "tests/io_test_util.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using ::neardup::test::Gzip;
using ::neardup::test::ReadPath;
using ::neardup::test::ReadResult;
using ::neardup::test::Rng;
using ::neardup::test::ScratchDir;
using ::neardup::test::WriteFile;

struct WarcFields {
  std::string type = "conversion";
  std::string id = "1";
  std::string uri;
  std::string block;
  std::string extra_headers;  // full lines, each ending in "\r\n"
  std::string version = "WARC/1.0";
  std::string content_length;  // empty: the block's size
};

std::string Warc(const WarcFields& f) {
  std::string out = f.version + "\r\nWARC-Type: " + f.type + "\r\n";
  if (!f.uri.empty()) out += "WARC-Target-URI: " + f.uri + "\r\n";
  out += "WARC-Date: 2024-05-18T01:58:10Z\r\n";
  if (!f.id.empty()) out += "WARC-Record-ID: <urn:uuid:" + f.id + ">\r\n";
  out += f.extra_headers;
  out += "Content-Length: " +
         (f.content_length.empty() ? std::to_string(f.block.size())
                                   : f.content_length) +
         "\r\n\r\n";
  return out + f.block + "\r\n\r\n";
}

std::string Conversion(const std::string& id, const std::string& uri,
                       const std::string& text) {
  return Warc({.type = "conversion",
               .id = id,
               .uri = uri,
               .block = text,
               .extra_headers = "Content-Type: text/plain\r\n"});
}

std::string Info() {
  return Warc({.type = "warcinfo",
               .id = "info",
               .block = "software: test\r\nformat: WARC\r\n",
               .extra_headers = "Content-Type: application/warc-fields\r\n"});
}

std::string Response(const std::string& id, const std::string& uri,
                     const std::string& http_headers,
                     const std::string& payload) {
  return Warc({.type = "response",
               .id = id,
               .uri = uri,
               .block = "HTTP/1.1 200 OK\r\n" + http_headers + "\r\n" + payload,
               .extra_headers =
                   "Content-Type: application/http; msgtype=response\r\n"});
}

ReadResult ReadWarc(const std::string& content,
                    const ReaderOptions& options = {},
                    const std::string& name = "in.warc") {
  ScratchDir dir;
  const std::string path = dir.File(name);
  WriteFile(path, content);
  return ReadPath(path, options);
}

TEST(WarcReader, WetConversionRecords) {
  const std::string info = Info();
  const std::string a = Conversion("a", "https://an.example/wiki/A",
                                   "Title A\nFirst line.\nSecond line.\n");
  const std::string b = Conversion("b", "https://b.example/", "Only line");
  const ReadResult r = ReadWarc(info + a + b, {}, "x.warc.wet");
  ASSERT_EQ(r.events, "RR");
  EXPECT_EQ(r.docs[0].id, "<urn:uuid:a>");
  EXPECT_EQ(r.docs[0].url, "https://an.example/wiki/A");
  EXPECT_EQ(r.docs[0].text, "Title A\nFirst line.\nSecond line.\n");
  EXPECT_EQ(r.docs[0].raw, a);    // trailing CRLF CRLF included
  EXPECT_EQ(r.docs[0].line, 2u);  // the warcinfo record is record 1
  EXPECT_EQ(r.docs[0].offset, info.size());
  EXPECT_EQ(r.docs[1].text, "Only line");
  EXPECT_EQ(r.docs[1].line, 3u);
  EXPECT_EQ(r.docs[1].offset, info.size() + a.size());
  EXPECT_TRUE(std::isnan(r.docs[1].number));
  EXPECT_EQ(r.passed_through, 1u);
  EXPECT_EQ(r.pass_through, info);
}

TEST(WarcReader, ResponseWithHtmlAndPassThroughOrder) {
  const std::string info = Info();
  const std::string request =
      Warc({.type = "request",
            .id = "req",
            .uri = "http://site.example/page",
            .block = "GET /page HTTP/1.1\r\nHost: site.example\r\n\r\n"});
  const std::string html =
      "<html><head><title>Page</title><script>x()</script></head>"
      "<body><p>Caf&eacute; &amp; bar</p><p>Second</p></body></html>";
  const std::string response =
      Response("resp", "http://site.example/page",
               "Content-Type: text/html; charset=UTF-8\r\n"
               "Content-Length: " +
                   std::to_string(html.size()) + "\r\n",
               html);
  const std::string metadata =
      Warc({.type = "metadata", .id = "meta", .block = "fetchTimeMs: 12\r\n"});
  const std::string wet = Conversion("c", "http://other.example/", "plain");

  ScratchDir dir;
  const std::string path = dir.File("crawl.warc");
  WriteFile(path, info + request + response + metadata + wet);
  auto reader = RecordReader::Open(path, ReaderOptions());
  ASSERT_OK(reader);
  Record record;
  Rejection rejection;
  ASSERT_EQ((*reader)->Next(&record, &rejection),
            RecordReader::Result::kRecord);
  EXPECT_EQ(record.id, "<urn:uuid:resp>");
  EXPECT_EQ(record.text, "Page\n\nCaf\xC3\xA9 & bar\n\nSecond");
  EXPECT_EQ(record.raw, response);
  EXPECT_EQ(record.line, 3u);
  EXPECT_EQ((*reader)->passed_through(), 2u);
  std::vector<std::string> before;
  (*reader)->TakePassThrough(&before);
  // In file order, all before the record, one string per record.
  EXPECT_EQ(before, (std::vector<std::string>{info, request}));

  ASSERT_EQ((*reader)->Next(&record, &rejection),
            RecordReader::Result::kRecord);
  EXPECT_EQ(record.text, "plain");
  EXPECT_EQ(record.line, 5u);
  (*reader)->TakePassThrough(&before);
  EXPECT_EQ(before, std::vector<std::string>{metadata});
  EXPECT_EQ((*reader)->Next(&record, &rejection), RecordReader::Result::kEnd);
  (*reader)->TakePassThrough(&before);
  EXPECT_TRUE(before.empty());
  EXPECT_EQ((*reader)->passed_through(), 3u);
}

TEST(WarcReader, ResponsePayloadKinds) {
  const std::string plain =
      Response("plain", "http://e/1", "Content-Type: text/plain\r\n",
               "  <b>kept</b> as is\n");
  const std::string jpeg =
      Response("jpeg", "http://e/2", "Content-Type: image/jpeg\r\n",
               std::string("\xFF\xD8\xFF\xE0\0\x10JFIF", 10));
  const std::string sniffed = Response("sniff", "http://e/3", "Server: x\r\n",
                                       "\r\n<!doctype html><p>hi");
  const std::string xml =
      Response("xml", "http://e/4", "Content-Type: application/rss+xml\r\n",
               "<rss><title>Feed</title></rss>");
  const std::string gz =
      Response("gz", "http://e/5",
               "Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
               Gzip("<p>compressed &lt;page&gt;</p>"));
  const std::string decoded =  // says gzip but was stored decoded
      Response("dec", "http://e/6",
               "Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
               "<p>stored decoded</p>");
  const std::string empty =
      Response("empty", "http://e/7", "Location: http://e/\r\n", "");
  const std::string no_http =
      Warc({.type = "response",
            .id = "nohttp",
            .block = "dns answer 1.2.3.4",
            .extra_headers = "Content-Type: text/dns\r\n"});
  const ReadResult r =
      ReadWarc(plain + jpeg + sniffed + xml + gz + decoded + empty + no_http);
  ASSERT_EQ(r.events, "RRRRRRR");
  EXPECT_EQ(r.docs[0].text, "  <b>kept</b> as is\n");
  EXPECT_EQ(r.docs[1].id, "<urn:uuid:sniff>");
  EXPECT_EQ(r.docs[1].text, "hi");
  EXPECT_EQ(r.docs[2].text, "Feed");
  EXPECT_EQ(r.docs[3].text, "compressed <page>");
  EXPECT_EQ(r.docs[4].text, "stored decoded");
  EXPECT_EQ(r.docs[5].text, "");
  EXPECT_EQ(r.docs[6].text, "dns answer 1.2.3.4");
  EXPECT_EQ(r.passed_through, 1u);  // the image
  EXPECT_EQ(r.pass_through, jpeg);
}

TEST(WarcReader, WarcOneOneBareLfAndBlankLinesBetweenRecords) {
  const std::string lf =
      "WARC/1.1\nWARC-Type: conversion\nWARC-Record-ID: <urn:uuid:lf>\n"
      "Content-Length: 5\n\nhello\n\n";
  const std::string v11 = Warc({.type = "conversion",
                                .id = "v11",
                                .block = "eleven",
                                .version = "WARC/1.1"});
  const ReadResult r = ReadWarc(lf + "\r\n\r\n" + v11);
  ASSERT_EQ(r.events, "RR");
  EXPECT_EQ(r.docs[0].text, "hello");
  EXPECT_EQ(r.docs[0].raw, lf);
  EXPECT_EQ(r.docs[1].text, "eleven");
  EXPECT_EQ(r.docs[1].line, 2u);
  EXPECT_EQ(r.docs[1].offset, lf.size() + 4);
}

TEST(WarcReader, ContentLengthTooSmall) {
  const std::string a = Conversion("a", "", "first");
  WarcFields bad{.id = "b", .block = "this block is longer than it says"};
  bad.content_length = "10";
  const std::string b = Warc(bad);
  const std::string c = Conversion("c", "", "third");
  const ReadResult r = ReadWarc(a + b + c);
  ASSERT_EQ(r.events, "RXR");
  EXPECT_EQ(r.rejections[0].reason,
            "record 2: Content-Length does not match (the 10-byte block is "
            "not followed by a blank line); skipped to the next \"WARC/1.\" "
            "line");
  EXPECT_EQ(r.rejections[0].line, 2u);
  EXPECT_EQ(r.rejections[0].offset, a.size());
  EXPECT_EQ(r.docs[1].text, "third");
  EXPECT_EQ(r.docs[1].line, 3u);
  EXPECT_EQ(r.docs[1].offset, a.size() + b.size());
}

TEST(WarcReader, ContentLengthTooLargeSwallowsTheNextRecord) {
  WarcFields bad{.id = "a", .block = "short"};
  bad.content_length = "60";  // runs into record 2
  const std::string a = Warc(bad);
  const std::string b = Conversion("b", "", "second, found again");
  const std::string c = Conversion("c", "", "third");
  const ReadResult r = ReadWarc(a + b + c);
  ASSERT_EQ(r.events, "XRR");
  EXPECT_EQ(r.rejections[0].line, 1u);
  EXPECT_EQ(r.rejections[0].offset, 0u);
  EXPECT_EQ(r.rejections[0].reason.substr(0, 35),
            "record 1: Content-Length does not m");
  EXPECT_EQ(r.docs[0].text, "second, found again");
  EXPECT_EQ(r.docs[0].line, 2u);
  EXPECT_EQ(r.docs[0].offset, a.size());
  EXPECT_EQ(r.docs[0].raw, b);
  EXPECT_EQ(r.docs[1].line, 3u);
}

TEST(WarcReader, MissingAndNonNumericContentLength) {
  const std::string missing =
      "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:m>\r\n"
      "\r\nsome text\r\n\r\n";
  WarcFields bad{.id = "n", .block = "abc"};
  bad.content_length = "12a";
  const std::string non_numeric = Warc(bad);
  const std::string ok = Conversion("ok", "", "fine");
  const ReadResult r = ReadWarc(missing + non_numeric + ok);
  ASSERT_EQ(r.events, "XXR");
  EXPECT_EQ(r.rejections[0].reason,
            "record 1: missing Content-Length; skipped to the next "
            "\"WARC/1.\" line");
  EXPECT_EQ(r.rejections[1].reason,
            "record 2: invalid Content-Length \"12a\"; skipped to the next "
            "\"WARC/1.\" line");
  EXPECT_EQ(r.rejections[1].offset, missing.size());
  EXPECT_EQ(r.docs[0].text, "fine");
  EXPECT_EQ(r.docs[0].line, 3u);
}

TEST(WarcReader, TruncatedLastRecord) {
  const std::string a = Conversion("a", "", "one");
  const std::string b = Conversion("b", "", "two");
  const std::string c = Conversion("c", "", std::string(500, 'c'));
  const std::string content = a + b + c.substr(0, c.size() - 300);
  const ReadResult r = ReadWarc(content);
  ASSERT_EQ(r.events, "RRX");
  EXPECT_EQ(r.rejections[0].reason,
            "record 3: truncated record (Content-Length 500 runs past the end "
            "of the file)");
  EXPECT_EQ(r.rejections[0].line, 3u);
  EXPECT_EQ(r.rejections[0].offset, a.size() + b.size());
}

TEST(WarcReader, TruncatedInsideTheHeader) {
  const std::string a = Conversion("a", "", "one");
  const std::string b = Conversion("b", "", "two");
  const ReadResult r = ReadWarc(a + b.substr(0, 30));
  ASSERT_EQ(r.events, "RX");
  EXPECT_EQ(r.rejections[0].reason,
            "record 2: truncated record (the file ends inside the WARC "
            "header)");
}

TEST(WarcReader, LengthPastTheEndButRecordsInside) {
  WarcFields bad{.id = "a", .block = "short"};
  bad.content_length = "100000";
  const std::string b = Conversion("b", "", "recovered");
  const ReadResult r = ReadWarc(Warc(bad) + b);
  ASSERT_EQ(r.events, "XR");
  EXPECT_EQ(r.rejections[0].reason,
            "record 1: truncated record (Content-Length 100000 runs past the "
            "end of the file)");
  EXPECT_EQ(r.docs[0].text, "recovered");
  EXPECT_EQ(r.docs[0].line, 2u);
}

TEST(WarcReader, GarbageBeforeAndBetweenRecords) {
  const std::string a = Conversion("a", "", "one");
  const std::string b = Conversion("b", "", "two");
  const std::string junk = "junk line\nmore junk WARC/1.0 not at line start\n";
  const ReadResult r = ReadWarc(junk + a + junk + b + "trailing junk");
  ASSERT_EQ(r.events, "XRXRX");
  EXPECT_EQ(r.rejections[0].reason,
            "expected a WARC/1.0 or WARC/1.1 version line at byte 0; skipped "
            "to the next \"WARC/1.\" line");
  EXPECT_EQ(r.rejections[0].line, 0u);
  EXPECT_EQ(r.rejections[1].offset, junk.size() + a.size());
  EXPECT_EQ(r.rejections[2].offset, 2 * junk.size() + a.size() + b.size());
  EXPECT_EQ(r.docs[0].line, 1u);
  EXPECT_EQ(r.docs[1].line, 2u);
  EXPECT_EQ(r.docs[1].offset, 2 * junk.size() + a.size());
}

TEST(WarcReader, BlockEndingAtEndOfFileWithoutSeparator) {
  const std::string a = Conversion("a", "", "one");
  const std::string b = Conversion("b", "", "two");
  const std::string cut = b.substr(0, b.size() - 4);
  const ReadResult r = ReadWarc(a + cut);
  ASSERT_EQ(r.events, "RR");
  EXPECT_EQ(r.docs[1].text, "two");
  EXPECT_EQ(r.docs[1].raw, cut);
}

TEST(WarcReader, MissingRecordIdAndType) {
  ScratchDir dir;
  const std::string path = dir.File("noid.warc");
  const std::string no_id =
      Warc({.type = "conversion", .id = "", .block = "x"});
  const std::string no_type =
      "WARC/1.0\r\nWARC-Record-ID: <urn:uuid:t>\r\nContent-Length: 1\r\n\r\n"
      "y\r\n\r\n";
  WriteFile(path, no_type + no_id);
  const ReadResult r = ReadPath(path);
  ASSERT_EQ(r.events, "R");
  EXPECT_EQ(r.docs[0].id, path + ":2");
  EXPECT_EQ(r.passed_through, 1u);
}

TEST(WarcReader, OversizedDocumentsTruncated) {
  ReaderOptions options;
  options.max_document_bytes = 100;
  options.oversize = Oversize::kTruncate;
  // 99 ASCII bytes then a two-byte character across the limit.
  const std::string text = std::string(99, 'b') + "\xC3\xA9" + "tail";
  const std::string big = Conversion("b", "", text);
  const std::string huge =
      Conversion("h", "", std::string((1 << 20) + 200, 'h'));
  const ReadResult r = ReadWarc(big + huge, options);
  ASSERT_EQ(r.events, "RX");
  EXPECT_EQ(r.docs[0].text, std::string(99, 'b'));
  EXPECT_EQ(r.docs[0].text_rest, "\xC3\xA9tail");
  EXPECT_EQ(r.docs[0].raw, big);
  // Past the record limit a record is still skipped unread.
  EXPECT_EQ(r.rejections[0].reason,
            "record 2: record larger than max_document_bytes (Content-Length "
            "1048776)");
}

TEST(WarcReader, SizeLimits) {
  ReaderOptions options;
  options.max_document_bytes = 100;
  const std::string small = Conversion("s", "", "fits");
  const std::string big = Conversion("b", "", std::string(101, 'b'));
  const std::string huge =
      Conversion("h", "", std::string((1 << 20) + 200, 'h'));
  const std::string after = Conversion("a", "", "after");
  const ReadResult r = ReadWarc(small + big + huge + after, options);
  ASSERT_EQ(r.events, "RXXR");
  EXPECT_EQ(r.rejections[0].reason,
            "record 2: document larger than max_document_bytes (101 > 100)");
  EXPECT_EQ(r.rejections[1].reason,
            "record 3: record larger than max_document_bytes (Content-Length "
            "1048776)");
  EXPECT_EQ(r.docs[1].text, "after");
  EXPECT_EQ(r.docs[1].line, 4u);
  EXPECT_EQ(r.docs[1].offset, small.size() + big.size() + huge.size());
}

TEST(WarcReader, PassThroughNotKept) {
  ReaderOptions options;
  options.keep_pass_through = false;
  const ReadResult r =
      ReadWarc(Info() + Info() + Conversion("a", "", "x"), options);
  ASSERT_EQ(r.events, "R");
  EXPECT_EQ(r.passed_through, 2u);
  EXPECT_EQ(r.pass_through, "");
}

TEST(WarcReader, EmptyFile) {
  const ReadResult r = ReadWarc("");
  EXPECT_EQ(r.events, "");
  EXPECT_EQ(r.passed_through, 0u);
}

TEST(WarcReader, GzipMemberPerRecordAndADamagedMember) {
  const std::string a = Conversion("a", "", "one");
  const std::string b = Conversion("b", "", "two");
  const std::string c = Conversion("c", "", "three");
  const std::string ga = Gzip(a), gb = Gzip(b), gc = Gzip(c);
  ScratchDir dir;
  const std::string whole = dir.File("ok.warc.gz");
  WriteFile(whole, ga + gb + gc);
  const ReadResult ok = ReadPath(whole);
  ASSERT_EQ(ok.events, "RRR");
  EXPECT_EQ(ok.docs[2].raw, c);
  EXPECT_EQ(ok.docs[2].offset, a.size() + b.size());

  // The third member cut in half: two records, then the stream error.
  const std::string cut = dir.File("cut.warc.gz");
  const size_t cut_at = ga.size() + gb.size() + gc.size() / 2;
  WriteFile(cut, (ga + gb + gc).substr(0, cut_at));
  const ReadResult r = ReadPath(cut);
  ASSERT_EQ(r.events, "RRX");
  EXPECT_EQ(
      r.rejections[0].reason,
      "truncated gzip stream at compressed byte " + std::to_string(cut_at));
  EXPECT_EQ(r.rejections[0].line, 3u);
  EXPECT_EQ(r.rejections[0].offset, a.size() + b.size());
}

TEST(WarcReader, MutatedInputsKeepTheInvariants) {
  // Random damage to a valid file (bytes changed, inserted, deleted, cut):
  // reading always ends, and every document's raw bytes are exactly the
  // file's bytes at its offset, with offsets and record numbers increasing.
  std::string base = Info();
  for (int i = 0; i < 6; ++i) {
    base += Conversion(std::to_string(i), "http://e/" + std::to_string(i),
                       "text number " + std::to_string(i) + "\nWARC/1.0\n");
    base += Response("r" + std::to_string(i), "http://e/r",
                     "Content-Type: text/html\r\n", "<p>para</p><p>two</p>");
  }
  Rng rng(20261122);
  ScratchDir dir;
  const std::string path = dir.File("fuzz.warc");
  const std::string alphabet = "WARC/1.0\r\n: 0123456789Content-Length";
  for (int round = 0; round < 300; ++round) {
    const std::string content = test::DamageBytes(rng, base, alphabet,
                                                  /*max_erase=*/20,
                                                  /*truncate=*/true);
    WriteFile(path, content);
    SCOPED_TRACE(round);
    const ReadResult r = ReadPath(path);
    uint64_t last_offset = 0, last_line = 0;
    for (const auto& doc : r.docs) {
      ASSERT_LE(doc.offset + doc.raw.size(), content.size());
      EXPECT_EQ(content.substr(doc.offset, doc.raw.size()), doc.raw);
      if (last_line > 0) EXPECT_GT(doc.offset, last_offset);
      EXPECT_GT(doc.line, last_line);
      last_offset = doc.offset;
      last_line = doc.line;
    }
  }
}

}  // namespace
}  // namespace neardup
