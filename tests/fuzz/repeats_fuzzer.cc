// Fuzz target: the repeated-block finder. Cuts are sorted, do not overlap,
// lie inside the text, point back to an earlier source, and applying them
// removes exactly their bytes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/clean.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  neardup::fuzz::FuzzInput input(data, size);
  const uint8_t bits = input.Byte();
  neardup::RepeatOptions options;
  options.min_single_line_bytes = bits & 0x0F;
  options.near_similarity = bits & 0x10 ? 1.0 : 0.5 + (bits >> 5) * 0.05;
  options.repeats_inside_lines = bits & 0x20;
  const std::string_view text = input.rest();
  neardup::RepeatFinder finder(options);
  std::vector<neardup::Cut> cuts;
  finder.Find(text, &cuts);
  size_t last_end = 0, removed = 0;
  for (const neardup::Cut& c : cuts) {
    FUZZ_CHECK(c.begin < c.end);
    FUZZ_CHECK(c.end <= text.size());
    FUZZ_CHECK(c.begin >= last_end);
    FUZZ_CHECK(c.source_begin == neardup::Cut::kNoSource ||
               c.source_begin < c.begin);
    FUZZ_CHECK(c.similarity > 0 && c.similarity <= 1);
    last_end = c.end;
    removed += c.end - c.begin;
  }
  const auto applied = neardup::ApplyCuts(text, cuts);
  FUZZ_CHECK(applied.ok() && applied->size() == text.size() - removed);
  // The finder's buffers carry nothing over.
  std::vector<neardup::Cut> again;
  finder.Find(text, &again);
  FUZZ_CHECK(again == cuts);
  return 0;
}
