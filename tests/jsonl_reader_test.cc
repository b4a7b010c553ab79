// Tests for the JSONL reader: fields, ids, line endings, blank lines,
// malformed and hostile lines (bad JSON, bad UTF-8, deep nesting, huge
// strings, a 100 MB line), each with the exact rejection reason.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "io/buffered_input.h"
#include "io/byte_source.h"
#include "io/readers.h"
#include "neardup/io.h"
#include "tests/io_test_util.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using ::neardup::test::ReadAll;
using ::neardup::test::ReadPath;
using ::neardup::test::ReadResult;
using ::neardup::test::Rng;
using ::neardup::test::ScratchDir;
using ::neardup::test::WriteFile;

// Reads `content` as a JSONL file named `name` in a scratch folder.
ReadResult ReadJsonl(const std::string& content,
                     const ReaderOptions& options = {},
                     const std::string& name = "in.jsonl") {
  ScratchDir dir;
  const std::string path = dir.File(name);
  WriteFile(path, content);
  return ReadPath(path, options);
}

TEST(JsonlReader, FieldsIdsAndOffsets) {
  const std::string l1 =
      R"({"id":"a1","text":"hello\nworld","url":"http://x/","extra":[1,{"k":null}]})";
  const std::string l2 = R"({"text":"second","id":42,"score":0.5})";
  const std::string l3 = R"({"text":"","id":-7.5e3})";
  const ReadResult r = ReadJsonl(l1 + "\n" + l2 + "\n" + l3 + "\n");
  ASSERT_EQ(r.events, "RRR");
  EXPECT_EQ(r.docs[0].id, "a1");
  EXPECT_EQ(r.docs[0].text, "hello\nworld");  // unescaped
  EXPECT_EQ(r.docs[0].url, "http://x/");
  EXPECT_EQ(r.docs[0].raw, l1);
  // Where the text's JSON string sits in raw, quotes included.
  EXPECT_EQ(r.docs[0].raw.substr(
                r.docs[0].text_token_begin,
                r.docs[0].text_token_end - r.docs[0].text_token_begin),
            "\"hello\\nworld\"");
  EXPECT_EQ(r.docs[2].raw.substr(
                r.docs[2].text_token_begin,
                r.docs[2].text_token_end - r.docs[2].text_token_begin),
            "\"\"");
  EXPECT_EQ(r.docs[0].line, 1u);
  EXPECT_EQ(r.docs[0].offset, 0u);
  EXPECT_TRUE(std::isnan(r.docs[0].number));
  EXPECT_EQ(r.docs[1].id, "42");  // an integer id, as written
  EXPECT_EQ(r.docs[1].url, "");
  EXPECT_EQ(r.docs[1].line, 2u);
  EXPECT_EQ(r.docs[1].offset, l1.size() + 1);
  EXPECT_EQ(r.docs[2].id, "-7.5e3");  // any other value: its JSON text
  EXPECT_EQ(r.docs[2].text, "");
  EXPECT_EQ(r.docs[2].offset, l1.size() + l2.size() + 2);
}

TEST(JsonlReader, MissingIdIsFileColonLine) {
  ScratchDir dir;
  const std::string path = dir.File("noid.jsonl");
  WriteFile(path,
            "{\"text\":\"a\"}\n\n{\"text\":\"b\",\"ID\":\"case matters\"}");
  const ReadResult r = ReadPath(path);
  ASSERT_EQ(r.events, "RR");
  EXPECT_EQ(r.docs[0].id, path + ":1");
  EXPECT_EQ(r.docs[1].id, path + ":3");  // the blank line still counts
  EXPECT_EQ(r.docs[1].raw, "{\"text\":\"b\",\"ID\":\"case matters\"}");
}

TEST(JsonlReader, OtherIdTypesUseTheirJsonText) {
  const ReadResult r = ReadJsonl(
      "{\"id\":true,\"text\":\"a\"}\n"
      "{\"id\":null ,\"text\":\"b\"}\n"
      "{\"id\": [1, \"x\"] ,\"text\":\"c\"}\n"
      "{\"id\":{\"a\":{\"b\":2}},\"text\":\"d\"}\n"
      "{\"id\":123456789012345678901234567890,\"text\":\"e\"}\n");
  ASSERT_EQ(r.events, "RRRRR");
  EXPECT_EQ(r.docs[0].id, "true");
  EXPECT_EQ(r.docs[1].id, "null");
  EXPECT_EQ(r.docs[2].id, "[1, \"x\"]");
  EXPECT_EQ(r.docs[3].id, "{\"a\":{\"b\":2}}");
  EXPECT_EQ(r.docs[4].id, "123456789012345678901234567890");
}

TEST(JsonlReader, ConfiguredFieldsAndNumber) {
  ReaderOptions options;
  options.text_field = "content";
  options.id_field = "doc_id";
  options.url_field = "link";
  options.number_field = "quality";
  const ReadResult r = ReadJsonl(
      "{\"doc_id\":\"d1\",\"content\":\"x\",\"text\":5,\"link\":\"L\","
      "\"quality\":0.25}\n"
      "{\"doc_id\":\"d2\",\"content\":\"y\",\"quality\":\"high\"}\n"
      "{\"doc_id\":\"d3\",\"content\":\"z\",\"quality\":-3}\n"
      "{\"doc_id\":\"d4\",\"content\":\"w\",\"link\":7}\n",
      options);
  ASSERT_EQ(r.events, "RRRR");
  EXPECT_EQ(r.docs[0].text, "x");
  EXPECT_EQ(r.docs[0].url, "L");
  EXPECT_EQ(r.docs[0].number, 0.25);
  EXPECT_TRUE(std::isnan(r.docs[1].number));  // not a number: NaN
  EXPECT_EQ(r.docs[2].number, -3.0);
  EXPECT_EQ(r.docs[3].url, "");  // not a string: no URL
}

TEST(JsonlReader, EscapedKeysMatch) {
  const ReadResult r = ReadJsonl("{\"te\\u0078t\":\"escaped key\"}\n");
  ASSERT_EQ(r.events, "R");
  EXPECT_EQ(r.docs[0].text, "escaped key");
}

TEST(JsonlReader, DuplicateKeysFirstWins) {
  const ReadResult r = ReadJsonl(
      "{\"text\":\"first\",\"id\":\"one\",\"text\":\"second\",\"id\":\"two\"}\n"
      "{\"text\":\"ok\",\"text\":[1,2}\n");
  ASSERT_EQ(r.events, "RX");
  EXPECT_EQ(r.docs[0].text, "first");
  EXPECT_EQ(r.docs[0].id, "one");
  // Later duplicates are still validated.
  EXPECT_EQ(r.rejections[0].reason,
            "malformed JSON: The JSON document has an improper structure: "
            "missing or superfluous commas, braces, missing keys, etc.");
}

TEST(JsonlReader, CrLfAndBlankLines) {
  const std::string content =
      "{\"text\":\"a\"}\r\n"
      "\r\n"
      "   \t \n"
      "\n"
      "{\"text\":\"b\"}\r\n"
      "{\"text\":\"c\"}";  // no final newline
  const ReadResult r = ReadJsonl(content);
  ASSERT_EQ(r.events, "RRR");
  EXPECT_EQ(r.docs[0].raw, "{\"text\":\"a\"}\r");  // the \r stays in raw
  EXPECT_EQ(r.docs[0].text, "a");
  EXPECT_EQ(r.docs[1].line, 5u);
  EXPECT_EQ(r.docs[1].offset, 14u + 2 + 6 + 1);
  EXPECT_EQ(r.docs[2].line, 6u);
  EXPECT_EQ(r.docs[2].raw, "{\"text\":\"c\"}");
}

TEST(JsonlReader, EmptyFileAndOnlyBlankLines) {
  EXPECT_EQ(ReadJsonl("").events, "");
  EXPECT_EQ(ReadJsonl("\n\r\n  \n").events, "");
}

TEST(JsonlReader, ByteOrderMarkIsIgnored) {
  const ReadResult r = ReadJsonl("\xEF\xBB\xBF{\"text\":\"bom\"}\n");
  ASSERT_EQ(r.events, "R");
  EXPECT_EQ(r.docs[0].text, "bom");
  EXPECT_EQ(r.docs[0].text_token_begin, 11u);  // counted in raw, BOM included
  EXPECT_EQ(r.docs[0].text_token_end, 16u);
}

TEST(JsonlReader, RejectionsNameLineOffsetAndReason) {
  ScratchDir dir;
  const std::string path = dir.File("bad.jsonl");
  const std::vector<std::string> lines = {
      R"({"text":"good"})",
      R"({"text":"unterminated)",
      R"({"id":"x"})",
      R"({"text":12.5})",
      R"({"text":{"nested":"object"}})",
      R"({"text":null})",
      R"(["text","array"])",
      R"("just a string")",
      R"({"text":"a"} {"text":"b"})",
      R"({"text":"a",})",
      R"({"text":"a","n":nul})",
      R"({"text":"a","n":01})",
      R"({"text":"a","s":"bad \q escape"})",
      R"({"text":"a","n":[1,2,,3]})",
      R"({"text":"good again"})",
  };
  std::string content;
  std::vector<uint64_t> offsets;
  for (const std::string& line : lines) {
    offsets.push_back(content.size());
    content += line + "\n";
  }
  WriteFile(path, content);
  const ReadResult r = ReadPath(path);
  ASSERT_EQ(r.events, "RXXXXXXXXXXXXXR");
  const std::string structure =
      "malformed JSON: The JSON document has an improper structure: missing "
      "or superfluous commas, braces, missing keys, etc.";
  const std::vector<std::string> reasons = {
      "malformed JSON: A string is opened, but never closed.",
      "no \"text\" field",
      "field \"text\" is not a string (number)",
      "field \"text\" is not a string (object)",
      "field \"text\" is not a string (null)",
      "top-level JSON value is not an object (array)",
      "top-level JSON value is not an object (string)",
      "malformed JSON: content after the top-level object",
      structure,
      "malformed JSON: invalid null \"nul\"",
      "malformed JSON: invalid number \"01\"",
      "malformed JSON: Problem while parsing a string",
      structure,
  };
  ASSERT_EQ(r.rejections.size(), reasons.size());
  for (size_t i = 0; i < reasons.size(); ++i) {
    EXPECT_EQ(r.rejections[i].reason, reasons[i]) << lines[i + 1];
    EXPECT_EQ(r.rejections[i].file, path);
    EXPECT_EQ(r.rejections[i].line, i + 2);
    EXPECT_EQ(r.rejections[i].offset, offsets[i + 1]);
  }
  EXPECT_EQ(r.docs[1].text, "good again");
  EXPECT_EQ(r.docs[1].line, 15u);
}

TEST(JsonlReader, ALineThatIsNotJsonSaysSo) {
  const ReadResult r = ReadJsonl(
      "not json at all\n"
      "hello world, this line goes on for a while past forty bytes\n"
      "12 apples\n"
      "truest\n"
      "\x01\x02 control bytes\n"
      "[1,2]\n"
      "42\n"
      "null\n"
      "{\"text\":\"fine\"}\n");
  ASSERT_EQ(r.events, "XXXXXXXXR");
  const std::string expected = " (JSON Lines holds one JSON object per line)";
  EXPECT_EQ(r.rejections[0].reason,
            "not JSON: the line starts with \"not json at all\"" + expected);
  EXPECT_EQ(r.rejections[1].reason,
            "not JSON: the line starts with \"hello world, this line goes on "
            "for a whi...\"" + expected);
  EXPECT_EQ(r.rejections[2].reason,
            "not JSON: the line starts with \"12 apples\"" + expected);
  EXPECT_EQ(r.rejections[3].reason,
            "not JSON: the line starts with \"truest\"" + expected);
  EXPECT_EQ(r.rejections[4].reason,
            "not JSON: the line starts with byte 0x01" + expected);
  // JSON values that are not objects keep their type in the reason.
  EXPECT_EQ(r.rejections[5].reason,
            "top-level JSON value is not an object (array)");
  EXPECT_EQ(r.rejections[6].reason,
            "top-level JSON value is not an object (number)");
  EXPECT_EQ(r.rejections[7].reason,
            "top-level JSON value is not an object (null)");
  EXPECT_EQ(r.rejections[0].line, 1u);
  EXPECT_EQ(r.rejections[2].offset, 76u);
}

TEST(JsonlReader, InvalidUtf8NamesTheByteOffset) {
  const ReadResult r = ReadJsonl(
      "{\"text\":\"caf\xC3\xA9 ok\"}\n"
      "{\"text\":\"bad \xFF byte\"}\n"
      "{\"id\":\"\xE4\xB8\",\"text\":\"truncated sequence in another "
      "field\"}\n");
  ASSERT_EQ(r.events, "RXX");
  EXPECT_EQ(r.docs[0].text, "caf\xC3\xA9 ok");
  EXPECT_EQ(r.rejections[0].reason,
            "invalid UTF-8 at byte offset 13 of the line");
  EXPECT_EQ(r.rejections[0].line, 2u);
  EXPECT_EQ(r.rejections[1].reason,
            "invalid UTF-8 at byte offset 7 of the line");
}

TEST(JsonlReader, DeepNesting) {
  const std::string ok_depth(1000, '[');
  const std::string ok_close(1000, ']');
  const std::string deep(100000, '[');
  const ReadResult r = ReadJsonl(
      "{\"text\":\"a\",\"deep\":" + ok_depth + ok_close + "}\n" +
      "{\"text\":\"b\",\"deep\":" + deep + std::string(100000, ']') + "}\n" +
      "{\"text\":\"c\",\"deep\":" + deep + "}\n" + "{\"text\":\"d\"}\n");
  ASSERT_EQ(r.events, "RXXR");
  EXPECT_EQ(r.rejections[0].reason,
            "malformed JSON: nested deeper than 1024 levels");
  EXPECT_EQ(r.rejections[0].line, 2u);
  EXPECT_EQ(r.rejections[1].line, 3u);
  EXPECT_EQ(r.rejections[1].reason, r.rejections[0].reason);
  EXPECT_EQ(r.docs[1].text, "d");
}

TEST(JsonlReader, HugeStringsAndTheSizeLimit) {
  std::string big(5'000'000, 'x');
  big[0] = 'A';
  big.back() = 'Z';
  ReaderOptions options;
  options.max_document_bytes = 4'000'000;
  const ReadResult r = ReadJsonl(
      "{\"text\":\"" + big.substr(0, 4'000'000) + "\",\"other\":\"" + big +
          "\"}\n" + "{\"text\":\"" + big + "\"}\n" + "{\"text\":\"small\"}\n",
      options);
  ASSERT_EQ(r.events, "RXR");
  EXPECT_EQ(r.docs[0].text.size(), 4'000'000u);
  EXPECT_EQ(r.rejections[0].reason,
            "document larger than max_document_bytes (5000000 > 4000000)");
  EXPECT_EQ(r.rejections[0].line, 2u);
  EXPECT_EQ(r.docs[1].text, "small");
}

TEST(JsonlReader, OversizedTextTruncatedAtACharacterBoundary) {
  // 400 three-byte characters (1200 bytes) and a limit of 1000: the cut
  // backs off to 999, before the character that would straddle it.
  std::string cjk;
  for (int i = 0; i < 400; ++i) cjk += "\xE6\x97\xA5";
  ReaderOptions options;
  options.max_document_bytes = 1000;
  options.oversize = Oversize::kTruncate;
  const std::string line = "{\"id\":\"c\",\"text\":\"" + cjk + "\"}";
  const ReadResult r =
      ReadJsonl(line + "\n{\"text\":\"small\"}\n", options);
  ASSERT_EQ(r.events, "RR");
  EXPECT_EQ(r.docs[0].text, cjk.substr(0, 999));
  EXPECT_EQ(r.docs[0].text_rest, cjk.substr(999));
  EXPECT_EQ(r.docs[0].raw, line);  // the record itself is whole
  EXPECT_EQ(r.docs[1].text, "small");
  EXPECT_EQ(r.docs[1].text_rest, "");
  // At the limit exactly nothing is cut; ASCII is cut at the limit.
  options.max_document_bytes = 1200;
  EXPECT_EQ(ReadJsonl(line + "\n", options).docs[0].text_rest, "");
  options.max_document_bytes = 4;
  const ReadResult ascii = ReadJsonl("{\"text\":\"abcdefg\"}\n", options);
  EXPECT_EQ(ascii.docs[0].text, "abcd");
  EXPECT_EQ(ascii.docs[0].text_rest, "efg");
}

TEST(JsonlReader, LineTooLongForTheLimitIsSkippedUnread) {
  ReaderOptions options;
  options.max_document_bytes = 1000;  // lines over 8 * 1000 + 1 MiB
  const std::string huge = "{\"text\":\"" + std::string(2 << 20, 'y') + "\"}";
  const ReadResult r = ReadJsonl(huge + "\n{\"text\":\"next\"}\n", options);
  ASSERT_EQ(r.events, "XR");
  EXPECT_EQ(r.rejections[0].reason, "line longer than 1056576 bytes");
  EXPECT_EQ(r.docs[0].text, "next");
  EXPECT_EQ(r.docs[0].line, 2u);
  EXPECT_EQ(r.docs[0].offset, huge.size() + 1);
}

TEST(JsonlReader, HundredMegabyteLine) {
  // One 100 MB record between two small ones, escapes at both ends.
  std::string text(100'000'000, 'w');
  for (size_t i = 0; i < text.size(); i += 1000) text[i] = ' ';
  const std::string line =
      "{\"id\":\"big\",\"text\":\"\\u00e9" + text + "\\n\"}";
  const ReadResult r =
      ReadJsonl("{\"text\":\"a\"}\n" + line + "\n{\"text\":\"z\"}\n");
  ASSERT_EQ(r.events, "RRR");
  EXPECT_EQ(r.docs[1].id, "big");
  ASSERT_EQ(r.docs[1].text.size(), text.size() + 3);
  EXPECT_EQ(r.docs[1].text.substr(0, 2), "\xC3\xA9");
  EXPECT_EQ(r.docs[1].text.substr(2, text.size()), text);
  EXPECT_EQ(r.docs[1].text.back(), '\n');
  EXPECT_EQ(r.docs[1].raw.size(), line.size());
  EXPECT_EQ(r.docs[2].text, "z");
  EXPECT_EQ(r.docs[2].offset, 13u + line.size() + 1);
}

TEST(JsonlReader, ManyLinesThroughSmallBuffers) {
  // Lines straddling every buffer boundary: built directly over a 64-byte
  // buffer, so that in-place parsing and the line buffer both get used.
  std::string content;
  for (int i = 0; i < 500; ++i) {
    content += "{\"id\":" + std::to_string(i) + ",\"text\":\"" +
               std::string(i % 150, 'a' + i % 26) + "\"}\n";
  }
  auto in = std::make_unique<internal::BufferedInput>(
      internal::NewStringSource(content), 64, internal::kJsonPadding);
  auto reader = internal::NewJsonlReader("mem", Compression::kNone,
                                            std::move(in), ReaderOptions());
  const ReadResult r = ReadAll(reader.get());
  ASSERT_EQ(r.docs.size(), 500u);
  for (int i = 0; i < 500; ++i) {
    EXPECT_EQ(r.docs[i].id, std::to_string(i));
    EXPECT_EQ(r.docs[i].text, std::string(i % 150, 'a' + i % 26));
  }
}

// A second pass that knows the documents' lines (ReadLineAt) finds the
// records Next found, at the same lines and offsets with the same raw
// bytes, parsed or not, whatever lies between them: blank and CRLF lines,
// rejected lines, a byte order mark, a last line without "\n".
void ExpectReadLineAtFindsWhatNextFinds(const std::string& path,
                                        const ReaderOptions& options = {}) {
  const ReadResult r = ReadPath(path, options);
  auto reader = RecordReader::Open(path, options);
  ASSERT_TRUE(reader.ok()) << reader.status();
  Record record;
  Rejection rejection;
  for (size_t i = 0; i < r.docs.size(); ++i) {
    SCOPED_TRACE(i);
    const ReadResult::Doc& doc = r.docs[i];
    const bool parse = i % 3 == 1;
    ASSERT_EQ((*reader)->ReadLineAt(doc.line, parse, &record, &rejection),
              RecordReader::Result::kRecord)
        << rejection.reason;
    EXPECT_EQ(record.raw, doc.raw);
    EXPECT_EQ(record.line, doc.line);
    EXPECT_EQ(record.offset, doc.offset);
    EXPECT_EQ(record.format, InputFormat::kJsonl);
    if (parse) {
      EXPECT_EQ(record.id, doc.id);
      EXPECT_EQ(record.text, doc.text);
      EXPECT_EQ(record.text_rest, doc.text_rest);
      EXPECT_EQ(record.text_token_begin, doc.text_token_begin);
    } else {
      EXPECT_TRUE(record.id.empty());
      EXPECT_TRUE(record.text.empty());
      EXPECT_TRUE(std::isnan(record.number));
    }
  }
}

TEST(JsonlReader, ReadLineAtFindsWhatNextFinds) {
  ScratchDir dir;
  const std::string huge = "{\"text\":\"" + std::string(2 << 20, 'y') + "\"}";
  const std::string content =
      "\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"a\"}\r\n"
      "\r\n"
      "{not json\n"
      "   \t \n"
      "{\"id\":\"b\",\"text\":\"b\\u00e9\",\"x\":[1,{}]}\r\n"
      "{\"text\":\"bad \xFF utf-8\"}\n" +
      huge +
      "\n"
      "{\"text\":\"no id, long enough to be cut\"}\n"
      "[1,2]\n"
      "{\"id\":\"c\",\"text\":\"c\"}";  // no final newline
  ReaderOptions options;
  options.max_document_bytes = 10;  // lines over 8 * 10 + 1 MiB
  options.oversize = Oversize::kTruncate;
  const std::string path = dir.File("in.jsonl");
  WriteFile(path, content);
  EXPECT_EQ(ReadPath(path, options).events, "RXRXXRXR");
  ExpectReadLineAtFindsWhatNextFinds(path, options);
  WriteFile(dir.File("in.jsonl.gz"), test::Gzip(content));
  ExpectReadLineAtFindsWhatNextFinds(dir.File("in.jsonl.gz"), options);
  WriteFile(dir.File("in.jsonl.zst"), test::Zstd(content));
  ExpectReadLineAtFindsWhatNextFinds(dir.File("in.jsonl.zst"), options);

  // A line that holds no document, one read already, one past the end.
  auto reader = RecordReader::Open(path, options);
  ASSERT_TRUE(reader.ok());
  Record record;
  Rejection rejection;
  using Result = RecordReader::Result;
  EXPECT_EQ((*reader)->ReadLineAt(2, false, &record, &rejection),
            Result::kRejected);
  EXPECT_EQ(rejection.line, 2u);
  EXPECT_EQ(rejection.reason, "not a JSON object");
  EXPECT_EQ((*reader)->ReadLineAt(3, true, &record, &rejection),
            Result::kRejected);
  EXPECT_EQ(rejection.line, 3u);
  EXPECT_FALSE(rejection.reason.empty());
  EXPECT_EQ((*reader)->ReadLineAt(4, true, &record, &rejection),
            Result::kRejected);
  EXPECT_EQ(rejection.reason, "blank line");
  EXPECT_EQ((*reader)->ReadLineAt(7, false, &record, &rejection),
            Result::kRejected);
  EXPECT_EQ(rejection.reason, "line longer than 1048656 bytes");
  EXPECT_EQ((*reader)->ReadLineAt(7, false, &record, &rejection),
            Result::kRejected);
  EXPECT_EQ(rejection.reason, "line 7 was read already");
  EXPECT_EQ((*reader)->ReadLineAt(8, true, &record, &rejection),
            Result::kRecord);
  EXPECT_EQ(record.id, path + ":8");
  EXPECT_EQ(record.text, "no id, lon");
  EXPECT_EQ(record.text_rest, "g enough to be cut");
  EXPECT_EQ((*reader)->ReadLineAt(9, false, &record, &rejection),
            Result::kRejected);
  EXPECT_EQ((*reader)->ReadLineAt(11, false, &record, &rejection),
            Result::kEnd);
  EXPECT_EQ((*reader)->ReadLineAt(12, false, &record, &rejection),
            Result::kEnd);

  // Other formats are not read by line.
  WriteFile(dir.File("a.txt"), "{\"text\":\"a\"}\n");
  auto text = RecordReader::Open(dir.File("a.txt"), {});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ((*text)->ReadLineAt(1, false, &record, &rejection),
            Result::kRejected);
}

TEST(JsonlReader, MutatedInputsKeepTheInvariants) {
  // Random damage: reading always ends, every record's raw bytes are the
  // file's bytes at its offset, and every line is accounted for at most
  // once (records and rejections carry distinct, increasing line numbers).
  std::string base;
  for (int i = 0; i < 8; ++i) {
    base +=
        "{\"id\":" + std::to_string(i) + ",\"text\":\"t\\u00e9xt \\\"" +
        std::to_string(i) +
        "\\\"\",\"a\":[1,{\"b\":null},true,-2.5e3],\"u\":\"caf\xC3\xA9\"}\n";
  }
  const std::string alphabet = "{}[]\",:\\ \n\r0123456789etruflsn\xC3\xA9\xFF";
  Rng rng(7);
  ScratchDir dir;
  const std::string path = dir.File("fuzz.jsonl");
  for (int round = 0; round < 500; ++round) {
    const std::string content = test::DamageBytes(rng, base, alphabet,
                                                  /*max_erase=*/10,
                                                  /*truncate=*/false);
    WriteFile(path, content);
    SCOPED_TRACE(round);
    const ReadResult r = ReadPath(path);
    for (const auto& doc : r.docs) {
      ASSERT_LE(doc.offset + doc.raw.size(), content.size());
      EXPECT_EQ(content.substr(doc.offset, doc.raw.size()), doc.raw);
    }
    std::vector<uint64_t> lines;
    size_t d = 0, x = 0;
    for (char event : r.events) {
      lines.push_back(event == 'R' ? r.docs[d++].line : r.rejections[x++].line);
    }
    for (size_t i = 1; i < lines.size(); ++i) EXPECT_GT(lines[i], lines[i - 1]);
    EXPECT_LE(r.events.size(), static_cast<size_t>(std::count(
                                   content.begin(), content.end(), '\n')) +
                                   1);
    ExpectReadLineAtFindsWhatNextFinds(path);
  }
}

}  // namespace
}  // namespace neardup
