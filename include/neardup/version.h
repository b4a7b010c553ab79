// neardup: library version, the version of every stable output format, and a
// self-check of the hashing core against its known-answer tables.
//
// Stable formats: the values that neardup persists or prints (shingle hashes,
// MinHash signatures, SimHash fingerprints) are a function of the input text,
// the options and the seed only. They are identical on every machine, for
// every thread count and every SIMD path, and in every release that carries
// the same kSketchFormatVersion. A change to any of them bumps that number.

#ifndef NEARDUP_VERSION_H_
#define NEARDUP_VERSION_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

#define NEARDUP_VERSION_MAJOR 0
#define NEARDUP_VERSION_MINOR 1
#define NEARDUP_VERSION_PATCH 0

namespace neardup {

// Returns the library version as "MAJOR.MINOR.PATCH".
std::string_view Version();

// Version of the definition of normalized text, shingle hashes, MinHash
// signatures and SimHash fingerprints (documented in shingle.h, minhash.h and
// simhash.h). Index files and saved signatures record it.
inline constexpr int kSketchFormatVersion = 1;

// Recomputes every entry of the built-in known-answer tables (normalization,
// shingle hashes, MinHash on every SIMD path this CPU supports, SimHash) and
// compares with the values recorded when the format was fixed. Appends one
// human-readable line per check to *report when report is non-null.
// Returns OK when all match, else Internal naming the first mismatch.
// Thread-safe. Costs a few milliseconds.
absl::Status SelfTest(std::string* report);

}  // namespace neardup

#endif  // NEARDUP_VERSION_H_
