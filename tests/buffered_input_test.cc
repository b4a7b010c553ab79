// Tests for BufferedInput: lines of any length across buffer refills,
// offsets, blocks, putting bytes back, and errors from the source.

#include "io/buffered_input.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "io/byte_source.h"
#include "tests/io_test_util.h"
#include "tests/test_util.h"

namespace neardup::internal {
namespace {

using LineStatus = BufferedInput::LineStatus;
using ::neardup::test::Gzip;

// A source that hands out at most `piece` bytes per read, then an error
// after `fail_after` bytes (when set).
class PieceSource : public ByteSource {
 public:
  PieceSource(std::string data, size_t piece, size_t fail_after = ~size_t{0})
      : data_(std::move(data)), piece_(piece), fail_after_(fail_after) {}
  absl::StatusOr<size_t> Read(char* buf, size_t size) override {
    if (pos_ >= fail_after_) return absl::DataLossError("source broke");
    size_t n =
        std::min({size, piece_, data_.size() - pos_, fail_after_ - pos_});
    std::memcpy(buf, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t piece_;
  size_t fail_after_;
  size_t pos_ = 0;
};

struct Line {
  LineStatus status;
  std::string text;
  bool terminated;
  uint64_t offset;  // of the line's first byte
};

std::vector<Line> AllLines(BufferedInput* in, size_t max_bytes = 1 << 30) {
  std::vector<Line> lines;
  for (;;) {
    const uint64_t offset = in->offset();
    std::string_view view;
    bool terminated = false;
    const LineStatus status = in->ReadLine(max_bytes, &view, &terminated);
    if (status == LineStatus::kEnd || status == LineStatus::kError) break;
    lines.push_back({status, std::string(view), terminated, offset});
  }
  return lines;
}

TEST(BufferedInput, LinesAcrossRefills) {
  // A 16-byte buffer: most lines straddle a refill, some are longer than it.
  const std::string data =
      "short\nthis line is longer than sixteen bytes\n\r\nx\nlast";
  for (size_t piece : {1, 3, 100}) {
    BufferedInput in(std::make_unique<PieceSource>(data, piece), 16, 8);
    const std::vector<Line> lines = AllLines(&in);
    ASSERT_EQ(lines.size(), 5u) << piece;
    EXPECT_EQ(lines[0].text, "short");
    EXPECT_EQ(lines[0].offset, 0u);
    EXPECT_EQ(lines[1].text, "this line is longer than sixteen bytes");
    EXPECT_EQ(lines[1].offset, 6u);
    EXPECT_EQ(lines[2].text, "\r");  // the reader, not the input, strips \r
    EXPECT_EQ(lines[2].offset, 45u);
    EXPECT_EQ(lines[3].text, "x");
    EXPECT_EQ(lines[4].text, "last");
    EXPECT_FALSE(lines[4].terminated);
    EXPECT_TRUE(lines[3].terminated);
    EXPECT_EQ(in.offset(), data.size());
    EXPECT_OK(in.status());
  }
}

TEST(BufferedInput, EmptyInputAndEmptyLines) {
  BufferedInput empty(NewStringSource(""), 16, 8);
  EXPECT_TRUE(AllLines(&empty).empty());
  BufferedInput blank(NewStringSource("\n\n"), 16, 8);
  const std::vector<Line> lines = AllLines(&blank);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "");
  EXPECT_EQ(lines[1].offset, 1u);
}

TEST(BufferedInput, LongLineIsLinearAndExact) {
  // 5 MB through a 4 KiB buffer, one byte short of a power of two apart.
  std::string long_line(5'000'000, 'q');
  long_line[4095] = 'A';
  long_line[4'999'999] = 'Z';
  const std::string data = "a\n" + long_line + "\nb\n";
  BufferedInput in(std::make_unique<PieceSource>(data, 4096), 4096, 64);
  const std::vector<Line> lines = AllLines(&in);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].text, long_line);
  EXPECT_EQ(lines[1].offset, 2u);
  EXPECT_EQ(lines[2].text, "b");
  EXPECT_EQ(lines[2].offset, 2u + long_line.size() + 1);
}

TEST(BufferedInput, TooLongLinesAreSkipped) {
  const std::string data =
      "ok\n" + std::string(100, 'x') + "\nafter\n" + std::string(50, 'y');
  BufferedInput in(NewStringSource(data), 16, 8);
  const std::vector<Line> lines = AllLines(&in, 20);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].status, LineStatus::kLine);
  EXPECT_EQ(lines[1].status, LineStatus::kTooLong);
  EXPECT_EQ(lines[1].text, "");
  EXPECT_EQ(lines[2].status, LineStatus::kLine);
  EXPECT_EQ(lines[2].text, "after");
  EXPECT_EQ(lines[2].offset, 104u);
  EXPECT_EQ(lines[3].status, LineStatus::kTooLong);
  EXPECT_FALSE(lines[3].terminated);
  EXPECT_EQ(in.offset(), data.size());
}

TEST(BufferedInput, ErrorDropsThePartialLine) {
  const std::string data = "one\ntwo\nthree is cut";
  BufferedInput in(std::make_unique<PieceSource>(data, 5, 12), 16, 8);
  std::string_view line;
  bool terminated;
  ASSERT_EQ(in.ReadLine(100, &line, &terminated), LineStatus::kLine);
  EXPECT_EQ(line, "one");
  ASSERT_EQ(in.ReadLine(100, &line, &terminated), LineStatus::kLine);
  EXPECT_EQ(line, "two");
  EXPECT_EQ(in.ReadLine(100, &line, &terminated), LineStatus::kError);
  EXPECT_EQ(in.status().message(), "source broke");
  EXPECT_EQ(in.ReadLine(100, &line, &terminated), LineStatus::kError);
}

TEST(BufferedInput, PeekSkipReadDiscard) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>('a' + i % 26);
  BufferedInput in(std::make_unique<PieceSource>(data, 7), 16, 8);
  EXPECT_EQ(in.Peek(5), "abcde");
  EXPECT_EQ(in.Peek(40), data.substr(0, 40));  // grows past the buffer
  in.Skip(3);
  EXPECT_EQ(in.offset(), 3u);
  std::string out = ">";
  EXPECT_EQ(in.Read(500, &out), 500u);  // large: read straight into out
  EXPECT_EQ(out, ">" + data.substr(3, 500));
  EXPECT_EQ(in.Discard(400), 400u);
  EXPECT_EQ(in.offset(), 903u);
  out.clear();
  EXPECT_EQ(in.Read(1000, &out), 97u);  // the end comes first
  EXPECT_EQ(out, data.substr(903));
  EXPECT_EQ(in.Peek(1), "");
  EXPECT_EQ(in.Discard(5), 0u);
}

TEST(BufferedInput, UnreadPutsBytesBack) {
  BufferedInput in(NewStringSource("0123456789\nrest\n"), 16, 8);
  std::string block;
  ASSERT_EQ(in.Read(11, &block), 11u);
  in.Unread("6789\n");  // fits in the room before the read position
  EXPECT_EQ(in.offset(), 6u);
  const std::vector<Line> lines = AllLines(&in);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "6789");
  EXPECT_EQ(lines[0].offset, 6u);
  EXPECT_EQ(lines[1].text, "rest");
  EXPECT_EQ(lines[1].offset, 11u);
}

TEST(BufferedInput, UnreadMoreThanTheBufferHolds) {
  const std::string data =
      "WARC/1.0\nlots of bytes that were read already\nand the rest\n";
  BufferedInput in(std::make_unique<PieceSource>(data, 5), 16, 8);
  std::string block;
  ASSERT_EQ(in.Read(46, &block), 46u);
  ASSERT_EQ(in.Peek(3), "and");
  in.Unread(std::string(block).substr(9));  // the buffer grows to take it
  EXPECT_EQ(in.offset(), 9u);
  const std::vector<Line> lines = AllLines(&in);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "lots of bytes that were read already");
  EXPECT_EQ(lines[0].offset, 9u);
  EXPECT_EQ(lines[1].text, "and the rest");
  EXPECT_EQ(lines[1].offset, 46u);
  EXPECT_EQ(in.offset(), data.size());
}

TEST(BufferedInput, SkipLine) {
  BufferedInput in(NewStringSource(std::string(40, 'x') + "\nnext"), 16, 8);
  EXPECT_TRUE(in.SkipLine());
  EXPECT_EQ(in.offset(), 41u);
  EXPECT_FALSE(in.SkipLine());
  EXPECT_EQ(in.offset(), 45u);
}

TEST(BufferedInput, OverGzip) {
  std::string data;
  for (int i = 0; i < 20000; ++i) data += "line " + std::to_string(i) + "\n";
  BufferedInput in(NewGzipSource(NewStringSource(Gzip(data))), 1000, 64);
  const std::vector<Line> lines = AllLines(&in);
  ASSERT_EQ(lines.size(), 20000u);
  EXPECT_EQ(lines[12345].text, "line 12345");
  EXPECT_EQ(in.offset(), data.size());
}

}  // namespace
}  // namespace neardup::internal
