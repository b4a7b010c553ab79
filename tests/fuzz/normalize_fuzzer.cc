// Fuzz target: UTF-8 validation and repair, and normalization with the
// options taken from the first byte.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "neardup/text.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  neardup::fuzz::FuzzInput input(data, size);
  const uint8_t bits = input.Byte();
  const std::string_view text = input.rest();

  // Validation, the position of the first error and repair agree.
  const bool valid = neardup::IsValidUtf8(text);
  const size_t first_invalid = neardup::FindInvalidUtf8(text);
  FUZZ_CHECK(valid == (first_invalid == text.size()));
  FUZZ_CHECK(neardup::IsValidUtf8(text.substr(0, first_invalid)));
  std::string repaired;
  const size_t replaced = neardup::RepairUtf8(text, &repaired);
  FUZZ_CHECK(valid == (replaced == 0));
  FUZZ_CHECK(neardup::IsValidUtf8(repaired));
  if (valid) FUZZ_CHECK(repaired == text);
  // Repairing is idempotent.
  std::string twice;
  FUZZ_CHECK(neardup::RepairUtf8(repaired, &twice) == 0);
  FUZZ_CHECK(twice == repaired);

  neardup::NormalizeOptions options;
  options.nfkc = bits & 1;
  options.case_fold = bits & 2;
  options.strip_accents = bits & 4;
  options.punctuation_to_space = bits & 8;
  options.digits_to_zero = bits & 16;
  options.collapse_whitespace = bits & 32;
  neardup::Normalizer normalizer(options);
  std::string out;
  FUZZ_CHECK(normalizer.Normalize(text, &out) == replaced);
  FUZZ_CHECK(neardup::IsValidUtf8(out));
  if (options.collapse_whitespace) {
    FUZZ_CHECK(out.find("  ") == std::string::npos);
    FUZZ_CHECK(out.empty() || (out.front() != ' ' && out.back() != ' '));
  }
  // The scratch buffers carry nothing from one call to the next, and the
  // repaired text normalizes the same.
  std::string again;
  normalizer.Normalize(repaired, &again);
  FUZZ_CHECK(again == out);
  FUZZ_CHECK(neardup::Normalize(text, options) == out);
  return 0;
}
