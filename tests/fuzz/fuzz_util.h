// Helpers shared by neardup's fuzz targets: a check that aborts with a
// message (so that libFuzzer and the corpus replay both report it as a
// crash), a reader of option bytes from the front of an input, a loop
// that reads every record of an in-memory file, and the files of formats
// with checksums.

#ifndef NEARDUP_TESTS_FUZZ_FUZZ_UTIL_H_
#define NEARDUP_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/buffered_input.h"
#include "io/byte_source.h"
#include "io/readers.h"
#include "neardup/io.h"

// Aborts the process, naming the failed condition, when `cond` is false.
#define FUZZ_CHECK(cond)                                                \
  do {                                                                  \
    if (!(cond)) {                                                      \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__,  \
                   __LINE__, #cond);                                    \
      std::abort();                                                     \
    }                                                                   \
  } while (0)

namespace neardup::fuzz {

// Takes option bytes from the front of a fuzz input; past the end every
// byte reads as 0, so any input is valid.
class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}
  uint8_t Byte() {
    if (rest_.empty()) return 0;
    const uint8_t b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // The bytes not taken yet.
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

// The little-endian 64-bit value at s[at, at + 8) (the byte order of
// neardup's files), and writing one there.
inline uint64_t GetU64(const std::string& s, size_t at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(s[at + i]);
  return v;
}
inline void PutU64(std::string* s, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) (*s)[at + i] = static_cast<char>(v >> (8 * i));
}

// Checks that the records of one file come in file order: line numbers
// and offsets increase.
class FileOrder {
 public:
  void Check(const Record& r) {
    FUZZ_CHECK(first_ || r.line > last_line_);
    FUZZ_CHECK(first_ || r.offset > last_offset_);
    first_ = false;
    last_line_ = r.line;
    last_offset_ = r.offset;
  }

 private:
  bool first_ = true;
  uint64_t last_line_ = 0, last_offset_ = 0;
};

// What reading a whole file gave.
struct ReadCounts {
  uint64_t records = 0;
  uint64_t rejections = 0;
};

// A reader's factory (internal::NewJsonlReader, NewWarcReader, ...).
using NewReaderFn = std::unique_ptr<RecordReader> (*)(
    std::string path, Compression compression,
    std::unique_ptr<internal::BufferedInput> in, const ReaderOptions& options);

// Reads every record of `bytes` (decompressed by magic first) with the
// reader `new_reader` makes of file "fuzz", checking what holds for every
// format: kEnd is sticky, the loop ends within a bound, records come in file
// order (FileOrder), text is at most max_document_bytes, and rejections
// name the file. `check(record)` adds the format's own checks.
template <typename CheckRecord>
ReadCounts ReadEverything(std::string_view bytes, const ReaderOptions& options,
                          NewReaderFn new_reader, CheckRecord check) {
  auto source =
      internal::Decompress(internal::NewStringSource(std::string(bytes)));
  FUZZ_CHECK(source.ok());
  auto in = std::make_unique<internal::BufferedInput>(
      std::move(source->source), 4096, internal::kJsonPadding);
  std::unique_ptr<RecordReader> reader =
      new_reader("fuzz", source->compression, std::move(in), options);
  ReadCounts counts;
  FileOrder order;
  Record record;
  Rejection rejection;
  // Each result consumes at least one byte of the decompressed stream, and
  // a stream of B input bytes cannot decompress past this bound in a test
  // of this size.
  const uint64_t bound = uint64_t{64} * bytes.size() + 64;
  std::vector<std::string> pass_through;
  for (;;) {
    const RecordReader::Result r = reader->Next(&record, &rejection);
    reader->TakePassThrough(&pass_through);
    if (r == RecordReader::Result::kEnd) break;
    if (r == RecordReader::Result::kRecord) {
      ++counts.records;
      FUZZ_CHECK(record.text.size() <= options.max_document_bytes);
      order.Check(record);
      check(record);
    } else {
      ++counts.rejections;
      FUZZ_CHECK(rejection.file == "fuzz");
      FUZZ_CHECK(!rejection.reason.empty());
    }
    FUZZ_CHECK(counts.records + counts.rejections <= bound);
  }
  FUZZ_CHECK(reader->Next(&record, &rejection) == RecordReader::Result::kEnd);
  return counts;
}

// The body of a reader's fuzz target: ReadEverything of the input with
// the default options, then with `small` and a 64-byte document limit
// (where documents are cut and rejected most).
template <typename CheckRecord>
int ReadWithBothLimits(const uint8_t* data, size_t size, ReaderOptions small,
                       NewReaderFn new_reader, CheckRecord check) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ReadEverything(bytes, ReaderOptions{}, new_reader, check);
  small.max_document_bytes = 64;
  ReadEverything(bytes, small, new_reader, check);
  return 0;
}

// The file a fuzz target of a format with checksums reads, and the mode
// byte before it.
struct ChecksummedFile {
  uint8_t mode = 0;
  std::string file;
};
// Takes the mode byte from `input`, then the rest as the file, with its
// checksums made right by `fix_checksums` when the mode's lowest bit is
// set, so that fuzzing reaches what lies behind them.
template <typename FixChecksums>
ChecksummedFile FileOfInput(FuzzInput* input, FixChecksums fix_checksums) {
  ChecksummedFile out;
  out.mode = input->Byte();
  out.file = std::string(input->rest());
  if (out.mode & 1) fix_checksums(&out.file);
  return out;
}

}  // namespace neardup::fuzz

#endif  // NEARDUP_TESTS_FUZZ_FUZZ_UTIL_H_
