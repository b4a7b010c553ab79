// Tests for the plain-text reader: one document per file, the rule that
// rejects binary files, the size limit, and compressed text files.

#include <cmath>
#include <string>

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

TEST(TextReader, WholeFileIsOneDocument) {
  ScratchDir dir;
  const std::string path = dir.File("essay.txt");
  const std::string content =
      "Line one.\r\n\nLine two with a tab \t and bad UTF-8 \xFF\n";
  WriteFile(path, content);
  const ReadResult r = ReadPath(path);
  ASSERT_EQ(r.events, "R");
  EXPECT_EQ(r.docs[0].id, path);
  EXPECT_EQ(r.docs[0].text, content);  // bytes as they are
  EXPECT_EQ(r.docs[0].raw, content);
  EXPECT_EQ(r.docs[0].url, "");
  EXPECT_EQ(r.docs[0].line, 1u);
  EXPECT_EQ(r.docs[0].offset, 0u);
  EXPECT_TRUE(std::isnan(r.docs[0].number));
}

// The first bytes of an ELF executable (x86-64), then code-like bytes.
std::string ElfLike(size_t size) {
  std::string bytes("\x7F" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0\x3E\0", 20);
  for (size_t i = 0; bytes.size() < size; ++i) {
    bytes.push_back(static_cast<char>((i * 131 + 7) % 256));
  }
  return bytes;
}

TEST(TextReader, BinaryFileIsRejectedWithTheOffsetOfItsFirstNul) {
  ScratchDir dir;
  const std::string path = dir.File("program.txt");
  WriteFile(path, ElfLike(20000));
  const ReadResult r = ReadPath(path);
  ASSERT_EQ(r.events, "X");
  EXPECT_EQ(r.rejections[0].file, path);
  EXPECT_EQ(r.rejections[0].line, 1u);
  EXPECT_EQ(r.rejections[0].offset, 7u);
  EXPECT_EQ(r.rejections[0].reason,
            "binary file, not text: NUL byte at offset 7 (a text file has no "
            "NUL byte in its first 8192 bytes)");
  // Compressed, the same: the rule looks at the decompressed bytes.
  const std::string gz = dir.File("program.txt.gz");
  WriteFile(gz, Gzip(ElfLike(20000)));
  EXPECT_EQ(ReadPath(gz).events, "X");
}

TEST(TextReader, NulPastTheFirst8KiBIsText) {
  ScratchDir dir;
  const std::string path = dir.File("late.txt");
  const std::string content = std::string(8192, 'a') + std::string(1, '\0');
  WriteFile(path, content);
  const ReadResult r = ReadPath(path);
  ASSERT_EQ(r.events, "R");
  EXPECT_EQ(r.docs[0].text, content);
}

TEST(TextReader, MostlyNotUtf8IsRejected) {
  ScratchDir dir;
  // Bytes 0x80-0xFF without NUL: every one of them is ill-formed UTF-8.
  std::string noise;
  for (int i = 0; i < 3000; ++i) {
    noise.push_back(static_cast<char>(0x80 + (i * 37) % 128));
  }
  const std::string path = dir.File("noise.txt");
  WriteFile(path, "header " + noise);
  const ReadResult r = ReadPath(path);
  ASSERT_EQ(r.events, "X");
  EXPECT_EQ(r.rejections[0].offset, 7u);
  EXPECT_NE(r.rejections[0].reason.find("binary file, not text: "),
            std::string::npos);
  EXPECT_NE(r.rejections[0].reason.find("% of its first 3007 bytes are not "
                                        "UTF-8 (more than 25%"),
            std::string::npos)
      << r.rejections[0].reason;
  // Latin-1 prose (an accented letter now and then) stays text: its bytes
  // are repaired later, as before.
  const std::string latin1 = dir.File("latin1.txt");
  std::string prose;
  for (int i = 0; i < 200; ++i) prose += "le caf\xE9 est ferm\xE9 ce soir. ";
  WriteFile(latin1, prose);
  EXPECT_EQ(ReadPath(latin1).events, "R");
  // Valid UTF-8 cut at the end of the 8 KiB sample is not counted.
  std::string euros;
  while (euros.size() < 9000) euros += "\xE2\x82\xAC";
  const std::string cut = dir.File("euros.txt");
  WriteFile(cut, euros);
  EXPECT_EQ(ReadPath(cut).events, "R");
}

TEST(TextReader, EmptyFileIsOneEmptyDocument) {
  ScratchDir dir;
  const std::string path = dir.File("empty.txt");
  WriteFile(path, "");
  const ReadResult r = ReadPath(path);
  ASSERT_EQ(r.events, "R");
  EXPECT_EQ(r.docs[0].text, "");
  EXPECT_EQ(r.docs[0].id, path);
}

TEST(TextReader, OversizedFileTruncated) {
  ScratchDir dir;
  const std::string path = dir.File("big.txt");
  const std::string content = std::string(999, 'x') + "\xE2\x82\xAC end";
  WriteFile(path, content);
  ReaderOptions options;
  options.max_document_bytes = 1000;
  options.oversize = Oversize::kTruncate;
  const ReadResult r = ReadPath(path, options);
  ASSERT_EQ(r.events, "R");
  EXPECT_EQ(r.docs[0].text, std::string(999, 'x'));
  EXPECT_EQ(r.docs[0].text_rest, "\xE2\x82\xAC end");
  EXPECT_EQ(r.docs[0].raw, content);
  // Past the record limit (8 x 10 + 1 MiB) a file is rejected unread.
  options.max_document_bytes = 10;
  WriteFile(path, std::string((1 << 20) + 81, 'y'));
  const ReadResult past = ReadPath(path, options);
  ASSERT_EQ(past.events, "X");
  EXPECT_EQ(past.rejections[0].reason,
            "file larger than the record limit (1048656 bytes) for truncation");
}

TEST(TextReader, LargerThanTheLimit) {
  ScratchDir dir;
  const std::string path = dir.File("big.txt");
  WriteFile(path, std::string(1001, 'x'));
  ReaderOptions options;
  options.max_document_bytes = 1000;
  const ReadResult r = ReadPath(path, options);
  ASSERT_EQ(r.events, "X");
  EXPECT_EQ(r.rejections[0].reason,
            "document larger than max_document_bytes (1000)");
  EXPECT_EQ(r.rejections[0].file, path);
  EXPECT_EQ(r.rejections[0].line, 1u);
  // Exactly at the limit is fine.
  WriteFile(path, std::string(1000, 'x'));
  EXPECT_EQ(ReadPath(path, options).events, "R");
}

TEST(TextReader, CompressedText) {
  ScratchDir dir;
  std::string content;
  for (int i = 0; i < 50000; ++i) content += "word" + std::to_string(i) + " ";
  const std::string gz = dir.File("doc.txt.gz");
  WriteFile(gz, Gzip(content));
  const ReadResult r = ReadPath(gz);
  ASSERT_EQ(r.events, "R");
  EXPECT_EQ(r.docs[0].text, content);
  const std::string zst = dir.File("doc.text.zst");
  WriteFile(zst, Zstd(content));
  EXPECT_EQ(ReadPath(zst).docs.at(0).text, content);
}

TEST(TextReader, TruncatedCompressedText) {
  ScratchDir dir;
  std::string content;
  for (int i = 0; i < 50000; ++i) content += "word" + std::to_string(i) + " ";
  const std::string compressed = Zstd(content);
  const std::string path = dir.File("cut.txt.zst");
  WriteFile(path, compressed.substr(0, 1000));
  const ReadResult r = ReadPath(path);
  ASSERT_EQ(r.events, "X");
  EXPECT_EQ(r.rejections[0].reason,
            "truncated zstd stream at compressed byte 1000");
  EXPECT_EQ(r.rejections[0].line, 1u);
}

}  // namespace
}  // namespace neardup
