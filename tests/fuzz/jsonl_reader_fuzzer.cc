// Fuzz target: the JSONL reader (and the decompression in front of it) on
// any bytes, with the default limits and with a 64-byte document limit.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "neardup/text.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using neardup::Record;

void CheckJsonlRecord(const Record& r) {
  // A record is one line: no line break inside.
  FUZZ_CHECK(r.raw.find('\n') == std::string_view::npos);
  // simdjson validated the line, so the text is well-formed UTF-8, and its
  // token is a JSON string inside the line.
  FUZZ_CHECK(neardup::IsValidUtf8(r.text));
  FUZZ_CHECK(r.text_token_begin < r.text_token_end);
  FUZZ_CHECK(r.text_token_end <= r.raw.size());
  FUZZ_CHECK(r.raw[r.text_token_begin] == '"');
  FUZZ_CHECK(r.raw[r.text_token_end - 1] == '"');
  // (An id may be empty: "id":"" is read as written.)
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  neardup::ReaderOptions small;
  small.id_field = "text";  // the same field read twice
  return neardup::fuzz::ReadWithBothLimits(data, size, small,
                                           &neardup::internal::NewJsonlReader,
                                           CheckJsonlRecord);
}
