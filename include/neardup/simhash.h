// neardup SimHash: 64-bit fingerprints whose Hamming distance tracks the
// cosine distance of two documents' feature vectors (Charikar 2002; used for
// web near-duplicates by Manku, Jain and Das Sarma 2007).
//
// Stable values (kSketchFormatVersion 1). The features are shingle hashes,
// each occurrence counting once, so a feature's weight is its term
// frequency. Bit j of the fingerprint is 1 iff more than half of the
// occurrences have bit j set (ties give 0). An empty input gives 0.

#ifndef NEARDUP_SIMHASH_H_
#define NEARDUP_SIMHASH_H_

#include <bit>
#include <cstdint>

#include "absl/types/span.h"

namespace neardup {

// Returns the SimHash fingerprint of `features`. Cost: a few vector
// operations per feature; no allocation. Thread-safe.
uint64_t SimHash(absl::Span<const uint64_t> features);

// Returns the number of bits in which a and b differ, 0 to 64.
inline int HammingDistance(uint64_t a, uint64_t b) {
  return std::popcount(a ^ b);
}

}  // namespace neardup

#endif  // NEARDUP_SIMHASH_H_
