// Fuzz target: the WARC/WET reader (and the decompression in front of it)
// on any bytes, with the default limits and with a 64-byte document limit.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_util.h"

namespace {

using neardup::Record;

void CheckWarcRecord(const Record& r) {
  // A document is a whole record: it starts with its version line.
  FUZZ_CHECK(r.raw.substr(0, 7) == "WARC/1.");
  FUZZ_CHECK(!r.id.empty());
  FUZZ_CHECK(r.text_token_begin == 0 && r.text_token_end == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  neardup::ReaderOptions small;
  small.keep_pass_through = false;
  return neardup::fuzz::ReadWithBothLimits(data, size, small,
                                           &neardup::internal::NewWarcReader,
                                           CheckWarcRecord);
}
