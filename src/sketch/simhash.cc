// SimHash: per-bit majority over feature hashes. Bits are counted eight at a
// time in byte lanes of 64-bit words (a 256-entry table spreads a byte's bits
// into the eight bytes of a word), flushed to 32-bit counters every 255
// features so the byte lanes cannot overflow.

#include "neardup/simhash.h"

#include <array>
#include <cstdint>

namespace neardup {
namespace {

constexpr std::array<uint64_t, 256> MakeSpreadTable() {
  std::array<uint64_t, 256> table{};
  for (int b = 0; b < 256; ++b) {
    uint64_t spread = 0;
    for (int bit = 0; bit < 8; ++bit) {
      if (b & (1 << bit)) spread |= uint64_t{1} << (8 * bit);
    }
    table[b] = spread;
  }
  return table;
}

constexpr std::array<uint64_t, 256> kSpread = MakeSpreadTable();

}  // namespace

uint64_t SimHash(absl::Span<const uint64_t> features) {
  uint64_t counts[64] = {};
  size_t i = 0;
  const size_t n = features.size();
  while (i < n) {
    const size_t batch_end = n - i > 255 ? i + 255 : n;
    uint64_t lanes[8] = {};  // lanes[k] byte j counts bit 8k + j
    for (; i < batch_end; ++i) {
      const uint64_t h = features[i];
      for (int k = 0; k < 8; ++k) lanes[k] += kSpread[(h >> (8 * k)) & 0xFF];
    }
    for (int k = 0; k < 8; ++k) {
      for (int j = 0; j < 8; ++j) counts[8 * k + j] += (lanes[k] >> (8 * j)) & 0xFF;
    }
  }
  uint64_t fingerprint = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (2 * counts[bit] > n) fingerprint |= uint64_t{1} << bit;
  }
  return fingerprint;
}

}  // namespace neardup
