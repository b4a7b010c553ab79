// Private: the word shingler's hashing of words and of runs of word
// hashes, for the layers that hash words as it does (clean). Vector
// kernels where the CPU has them (shingle_kernels.h); the values are
// XXH3's in every case.

#ifndef NEARDUP_SHINGLE_WORD_HASHES_H_
#define NEARDUP_SHINGLE_WORD_HASHES_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace neardup::internal {

// Appends XXH3_64bits_withSeed(w, seed) of each word w of `normalized`
// (internal::ForEachWord's words, in order) to *out. With seed 0 these are
// XXH3_64bits(w).
void AppendWordHashes(std::string_view normalized, uint64_t seed,
                      std::vector<uint64_t>* out);

// out[i] = XXH3_64bits_withSeed of tokens[i .. i + n) as little-endian
// 8-byte words, for each i in [0, count - n] (nothing when count < n).
// n is 1 to 64.
void HashTokenRuns(const uint64_t* tokens, size_t count, size_t n,
                   uint64_t seed, uint64_t* out);

}  // namespace neardup::internal

#endif  // NEARDUP_SHINGLE_WORD_HASHES_H_
