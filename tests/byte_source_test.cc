// Tests for the byte sources: files, gzip with concatenated members, zstd
// with several frames, magic-number detection, and the errors for
// truncated and corrupt streams (with their compressed offsets).

#include "io/byte_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/io_test_util.h"
#include "tests/test_util.h"

namespace neardup::internal {
namespace {

using ::neardup::test::Gzip;
using ::neardup::test::GzipMemberOffsets;
using ::neardup::test::Rng;
using ::neardup::test::ScratchDir;
using ::neardup::test::WriteFile;
using ::neardup::test::Zstd;

// Text that compresses but not to nothing: numbered lines of random words.
std::string MakeText(size_t bytes, uint64_t seed) {
  static const char* kWords[] = {"alpha", "beta",  "gamma", "delta", "crawl",
                                 "page",  "token", "near",  "copy",  "text"};
  Rng rng(seed);
  std::string out;
  uint64_t line = 0;
  while (out.size() < bytes) {
    out += std::to_string(line++);
    for (int w = 0; w < 12; ++w) {
      out += ' ';
      out += kWords[rng.Uniform(10)];
    }
    out += '\n';
  }
  out.resize(bytes);
  return out;
}

struct Drained {
  std::string bytes;
  absl::Status status;
};

// Reads `source` to its end or first error, `chunk` bytes at a time.
Drained Drain(ByteSource* source, size_t chunk = 4096) {
  Drained out;
  std::string buf(chunk, '\0');
  for (;;) {
    absl::StatusOr<size_t> n = source->Read(buf.data(), buf.size());
    if (!n.ok()) {
      out.status = n.status();
      // The error is sticky.
      absl::StatusOr<size_t> again = source->Read(buf.data(), buf.size());
      EXPECT_EQ(again.status(), out.status);
      return out;
    }
    if (*n == 0) return out;
    out.bytes.append(buf.data(), *n);
  }
}

Drained DrainGzip(std::string compressed, size_t chunk = 4096) {
  auto source = NewGzipSource(NewStringSource(std::move(compressed)));
  return Drain(source.get(), chunk);
}

Drained DrainZstd(std::string compressed, size_t chunk = 4096) {
  auto source = NewZstdSource(NewStringSource(std::move(compressed)));
  return Drain(source.get(), chunk);
}

TEST(StringSource, ReadsInPieces) {
  auto source = NewStringSource("hello, world");
  Drained d = Drain(source.get(), 5);
  ASSERT_OK(d.status);
  EXPECT_EQ(d.bytes, "hello, world");
}

TEST(GzipSource, OneMember) {
  const std::string text = MakeText(100000, 1);
  Drained d = DrainGzip(Gzip(text));
  ASSERT_OK(d.status);
  EXPECT_EQ(d.bytes, text);
}

TEST(GzipSource, OutputLargerThanTheBuffers) {
  // 3 MiB out of a few KiB in: many reads per input chunk.
  const std::string text(3 << 20, 'a');
  Drained d = DrainGzip(Gzip(text), 1 << 20);
  ASSERT_OK(d.status);
  EXPECT_EQ(d.bytes.size(), text.size());
  EXPECT_EQ(d.bytes, text);
}

TEST(GzipSource, ConcatenatedMembersAsInWarcGz) {
  const std::string a = "WARC/1.0\r\nfirst\r\n\r\n";
  const std::string b;  // an empty member in the middle
  const std::string c = MakeText(50000, 2);
  const std::string file = Gzip(a) + Gzip(b) + Gzip(c, 1);
  ASSERT_EQ(GzipMemberOffsets(file).size(), 3u);
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{65536}}) {
    Drained d = DrainGzip(file, chunk);
    ASSERT_OK(d.status);
    EXPECT_EQ(d.bytes, a + b + c) << "chunk " << chunk;
  }
}

TEST(GzipSource, TruncatedAtSeveralPointsNamesTheOffset) {
  const std::string text = MakeText(200000, 3);
  const std::string file = Gzip(text);
  const std::vector<size_t> cuts = {2,
                                    10,
                                    file.size() / 3,
                                    file.size() / 2,
                                    file.size() - 8,
                                    file.size() - 1};
  for (size_t cut : cuts) {
    Drained d = DrainGzip(file.substr(0, cut));
    EXPECT_EQ(d.status.code(), absl::StatusCode::kDataLoss) << cut;
    EXPECT_EQ(d.status.message(), "truncated gzip stream at compressed byte " +
                                      std::to_string(cut));
    // Everything decompressed before the cut is a prefix of the text.
    EXPECT_EQ(d.bytes, text.substr(0, d.bytes.size())) << cut;
  }
  // Cut after the 8-byte trailer's CRC but before the length: still an error.
  Drained d = DrainGzip(file.substr(0, file.size() - 4));
  EXPECT_EQ(d.bytes, text);
  EXPECT_EQ(d.status.message(), "truncated gzip stream at compressed byte " +
                                    std::to_string(file.size() - 4));
}

TEST(GzipSource, CutBetweenMembersIsACleanEnd) {
  const std::string a = MakeText(3000, 4), b = MakeText(3000, 5);
  const std::string first = Gzip(a);
  const std::string file = first + Gzip(b);
  Drained d = DrainGzip(file.substr(0, first.size()));
  ASSERT_OK(d.status);
  EXPECT_EQ(d.bytes, a);
}

TEST(GzipSource, CorruptHeaderOfSecondMember) {
  const std::string a = MakeText(3000, 6);
  const std::string first = Gzip(a);
  std::string file = first + Gzip(MakeText(3000, 7));
  file[first.size() + 2] = 9;  // compression method 9 does not exist
  Drained d = DrainGzip(file);
  EXPECT_EQ(d.bytes, a);
  EXPECT_EQ(d.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(d.status.message(), "corrupt gzip stream at compressed byte " +
                                    std::to_string(first.size() + 4) +
                                    ": unknown compression method");
}

TEST(GzipSource, CorruptChecksum) {
  const std::string text = MakeText(20000, 8);
  std::string file = Gzip(text);
  file[file.size() - 8] ^= 0x55;  // the CRC-32 in the trailer
  Drained d = DrainGzip(file);
  EXPECT_EQ(d.bytes, text);  // the data itself was intact
  EXPECT_EQ(d.status.message(), "corrupt gzip stream at compressed byte " +
                                    std::to_string(file.size() - 4) +
                                    ": incorrect data check");
}

TEST(GzipSource, CorruptBytesInTheMiddle) {
  const std::string text = MakeText(200000, 9);
  std::string file = Gzip(text);
  const size_t middle = file.size() / 2;
  for (size_t i = middle; i < middle + 16; ++i) file[i] = '\xFF';
  Drained d = DrainGzip(file);
  EXPECT_EQ(d.status.code(), absl::StatusCode::kDataLoss);
  const std::string prefix = "corrupt gzip stream at compressed byte ";
  ASSERT_EQ(d.status.message().substr(0, prefix.size()), prefix);
  const size_t offset =
      std::stoul(std::string(d.status.message().substr(prefix.size())));
  EXPECT_GE(offset, middle);
  EXPECT_LE(offset, file.size());
  // The bytes before the damaged block came out unchanged.
  EXPECT_GT(d.bytes.size(), 0u);
  EXPECT_EQ(d.bytes.substr(0, 1000), text.substr(0, 1000));
}

TEST(ZstdSource, SeveralFramesAndASkippableFrame) {
  const std::string a = MakeText(70000, 10), b = "short", c = MakeText(5, 11);
  // A skippable frame: magic 0x184D2A50 (little endian), size 3, payload.
  const std::string skippable("\x50\x2A\x4D\x18\x03\x00\x00\x00xyz", 11);
  const std::string file = Zstd(a) + skippable + Zstd(b) + Zstd(c, 19);
  for (size_t chunk : {size_t{1}, size_t{100}, size_t{1 << 20}}) {
    Drained d = DrainZstd(file, chunk);
    ASSERT_OK(d.status);
    EXPECT_EQ(d.bytes, a + b + c) << chunk;
  }
}

TEST(ZstdSource, TruncatedAtSeveralPointsNamesTheOffset) {
  const std::string text = MakeText(300000, 12);
  const std::string file = Zstd(text);
  for (size_t cut : {size_t{1}, size_t{4}, size_t{20}, file.size() / 2,
                     file.size() - 4, file.size() - 1}) {
    Drained d = DrainZstd(file.substr(0, cut));
    EXPECT_EQ(d.status.code(), absl::StatusCode::kDataLoss) << cut;
    EXPECT_EQ(d.status.message(), "truncated zstd stream at compressed byte " +
                                      std::to_string(cut));
    EXPECT_EQ(d.bytes, text.substr(0, d.bytes.size())) << cut;
  }
}

TEST(ZstdSource, CutBetweenFramesIsACleanEnd) {
  const std::string a = MakeText(5000, 13);
  const std::string file = Zstd(a) + Zstd("more");
  Drained d = DrainZstd(file.substr(0, Zstd(a).size()));
  ASSERT_OK(d.status);
  EXPECT_EQ(d.bytes, a);
}

TEST(ZstdSource, CorruptFrame) {
  const std::string text = MakeText(5000, 14);
  const std::string first = Zstd(text);
  std::string file = first + Zstd(text);
  file[first.size() + 4] = '\xFF';  // reserved bits of the frame header
  Drained d = DrainZstd(file);
  EXPECT_EQ(d.bytes, text);
  EXPECT_EQ(d.status.code(), absl::StatusCode::kDataLoss);
  const std::string prefix = "corrupt zstd stream at compressed byte ";
  ASSERT_EQ(d.status.message().substr(0, prefix.size()), prefix);
  const size_t offset =
      std::stoul(std::string(d.status.message().substr(prefix.size())));
  EXPECT_GE(offset, first.size());
  EXPECT_LE(offset, file.size());
  EXPECT_TRUE(
      absl::EndsWith(d.status.message(), ": Unsupported frame parameter"))
      << d.status;
}

TEST(Decompress, DetectsByMagicNotByName) {
  const std::string text = "plain {not compressed}\n";
  struct Case {
    std::string bytes;
    Compression expected;
  } cases[] = {
      {text, Compression::kNone},
      {Gzip(text), Compression::kGzip},
      {Zstd(text), Compression::kZstd},
  };
  for (Case& c : cases) {
    absl::StatusOr<DecompressedSource> d = Decompress(NewStringSource(c.bytes));
    ASSERT_OK(d);
    EXPECT_EQ(d->compression, c.expected);
    Drained out = Drain(d->source.get());
    ASSERT_OK(out.status);
    EXPECT_EQ(out.bytes, text);
  }
}

TEST(Decompress, ShortAndEmptyInputsAreUncompressed) {
  for (std::string bytes : {std::string(), std::string("\x1F"),
                            std::string("ab"), std::string("\x28\xB5\x2F")}) {
    absl::StatusOr<DecompressedSource> d = Decompress(NewStringSource(bytes));
    ASSERT_OK(d);
    EXPECT_EQ(d->compression, Compression::kNone);
    Drained out = Drain(d->source.get());
    ASSERT_OK(out.status);
    EXPECT_EQ(out.bytes, bytes);
  }
}

TEST(Decompress, GzipMagicWithoutAStream) {
  absl::StatusOr<DecompressedSource> d =
      Decompress(NewStringSource(std::string("\x1F\x8B", 2)));
  ASSERT_OK(d);
  EXPECT_EQ(d->compression, Compression::kGzip);
  Drained out = Drain(d->source.get());
  EXPECT_EQ(out.status.message(), "truncated gzip stream at compressed byte 2");
}

TEST(OpenFileSource, ReadsAFile) {
  ScratchDir dir;
  const std::string path = dir.File("a.txt");
  WriteFile(path, "contents");
  auto source = OpenFileSource(path);
  ASSERT_OK(source);
  Drained d = Drain(source->get());
  ASSERT_OK(d.status);
  EXPECT_EQ(d.bytes, "contents");
}

TEST(OpenFileSource, MissingPath) {
  ScratchDir dir;
  const std::string path = dir.File("missing.jsonl");
  auto source = OpenFileSource(path);
  EXPECT_EQ(source.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(source.status().message(), path + ": No such file or directory");
}

TEST(OpenFileSource, Directory) {
  ScratchDir dir;
  auto source = OpenFileSource(dir.path());
  EXPECT_EQ(source.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(source.status().message(), dir.path() + " is a directory");
}

TEST(OpenFileSource, Unreadable) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "running as root: file permissions do not stop root, so "
                    "an unreadable file cannot be made";
  }
  ScratchDir dir;
  const std::string path = dir.File("secret.txt");
  WriteFile(path, "x");
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  auto source = OpenFileSource(path);
  EXPECT_EQ(source.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(source.status().message(), path + ": Permission denied");
}

}  // namespace
}  // namespace neardup::internal
