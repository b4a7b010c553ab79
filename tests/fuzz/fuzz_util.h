// Helpers shared by neardup's fuzz targets: a check that aborts with a
// message (so that libFuzzer and the corpus replay both report it as a
// crash), a reader of option bytes from the front of an input, and a loop
// that reads every record of an in-memory file.

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

// What reading a whole file gave.
struct ReadCounts {
  uint64_t records = 0;
  uint64_t rejections = 0;
};

// Reads every record of `bytes` (decompressed by magic first) with the
// reader `make` builds, checking what holds for every format: kEnd is
// sticky, the loop ends within a bound, text is at most max_document_bytes,
// and rejections name the file. `check(record)` adds the format's own checks.
template <typename MakeReader, typename CheckRecord>
ReadCounts ReadEverything(std::string_view bytes, const ReaderOptions& options,
                          MakeReader make, CheckRecord check) {
  auto source =
      io_internal::Decompress(io_internal::NewStringSource(std::string(bytes)));
  FUZZ_CHECK(source.ok());
  auto in = std::make_unique<io_internal::BufferedInput>(
      std::move(source->source), 4096, io_internal::kJsonPadding);
  std::unique_ptr<RecordReader> reader =
      make(std::move(in), source->compression, options);
  ReadCounts counts;
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

}  // namespace neardup::fuzz

#endif  // NEARDUP_TESTS_FUZZ_FUZZ_UTIL_H_
