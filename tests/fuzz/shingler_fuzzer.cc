// Fuzz target: the shingler with its kind and size from the first byte.
// At least one hash per document, the same hashes on every call and from
// the normalized text, and one span per hash inside the normalized text.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "neardup/shingle.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  neardup::fuzz::FuzzInput input(data, size);
  const uint8_t bits = input.Byte();
  neardup::ShingleOptions options;
  options.kind = bits & 1 ? neardup::ShingleKind::kChar
                          : neardup::ShingleKind::kWord;
  options.n = 1 + (bits >> 1) % 9;
  options.seed = bits >> 5;
  auto shingler = neardup::Shingler::Create(options);
  FUZZ_CHECK(shingler.ok());
  std::vector<uint64_t> hashes, again, from_normalized;
  shingler->Hash(input.rest(), &hashes);
  FUZZ_CHECK(!hashes.empty());
  const std::string normalized(shingler->normalized());
  shingler->HashNormalized(normalized, &from_normalized);
  FUZZ_CHECK(from_normalized == hashes);
  std::vector<neardup::TextSpan> spans;
  shingler->SpansNormalized(normalized, &spans);
  if (!normalized.empty()) {
    FUZZ_CHECK(spans.size() == hashes.size());
    for (const auto& s : spans) {
      FUZZ_CHECK(s.begin <= s.end && s.end <= normalized.size());
    }
  }
  shingler->Hash(input.rest(), &again);
  FUZZ_CHECK(again == hashes);
  return 0;
}
