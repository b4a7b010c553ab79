// Fuzz target: the WARC/WET reader (and the decompression in front of it)
// on any bytes, with the default limits and with a 64-byte document limit.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_util.h"

namespace {

using neardup::Record;
using neardup::ReaderOptions;

void Read(std::string_view bytes, const ReaderOptions& options) {
  uint64_t last_line = 0, last_offset = 0;
  bool first = true;
  auto make = [](auto in, neardup::Compression compression,
                 const ReaderOptions& o) {
    return neardup::io_internal::NewWarcReader("fuzz", compression,
                                               std::move(in), o);
  };
  neardup::fuzz::ReadEverything(bytes, options, make, [&](const Record& r) {
    // A document is a whole record: it starts with its version line, and
    // records come in file order.
    FUZZ_CHECK(r.raw.substr(0, 7) == "WARC/1.");
    FUZZ_CHECK(first || r.line > last_line);
    FUZZ_CHECK(first || r.offset > last_offset);
    first = false;
    last_line = r.line;
    last_offset = r.offset;
    FUZZ_CHECK(!r.id.empty());
    FUZZ_CHECK(r.text_token_begin == 0 && r.text_token_end == 0);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Read(bytes, ReaderOptions{});
  ReaderOptions small;
  small.max_document_bytes = 64;
  small.keep_pass_through = false;
  Read(bytes, small);
  return 0;
}
