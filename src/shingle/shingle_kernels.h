// Private: the vector kernels of the word shingler. Each writes the hashes
// the scalar code writes: XXH3_64bits_withSeed of words of 1 to 16 bytes,
// and of runs of 3 or 5 token hashes (24 or 40 bytes; 5 is the default
// shingle, 3 the clean layer's line shingle).

#ifndef NEARDUP_SHINGLE_SHINGLE_KERNELS_H_
#define NEARDUP_SHINGLE_SHINGLE_KERNELS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace neardup::internal {

// out[i] = XXH3_64bits_withSeed(tokens + i, 8 * n, seed) (tokens as
// little-endian bytes) for i in [0, done), where done is what it returns:
// a multiple of its group size, at most count - n + 1 (count >= n).
using TokenRunsFn = size_t (*)(const uint64_t* tokens, size_t count,
                               uint64_t seed, uint64_t* out);

// Defined only on x86-64, for kN 3 and 5; callers check the CPU first.
// Eight runs a step (AVX-512 F and DQ).
template <size_t kN>
size_t HashTokenRunsAvx512(const uint64_t* tokens, size_t count,
                           uint64_t seed, uint64_t* out);

// The kernels this CPU can run for runs of n tokens, widest first (empty:
// the scalar loop only, and for any n but 3 and 5).
std::vector<TokenRunsFn> VectorTokenRunsKernels(size_t n);

// Eight words of 1 to 16 bytes: out[j] = XXH3_64bits_withSeed(word j,
// len[j], seed), given first[j], the 8 bytes from the word's start (those
// past its end are ignored), and last[j], its last 8 bytes (read only when
// len[j] > 8).
struct WordGroup {
  static constexpr size_t kWords = 8;
  uint64_t first[kWords];
  uint64_t last[kWords];
  uint64_t len[kWords];
};
using HashWords8Fn = void (*)(const WordGroup& words, uint64_t seed,
                              uint64_t* out);

// Defined only on x86-64 (AVX-512 F, DQ and BW); callers check the CPU.
void HashWords8Avx512(const WordGroup& words, uint64_t seed, uint64_t* out);

// The word kernels this CPU can run, widest first.
std::vector<HashWords8Fn> VectorWordKernels();

}  // namespace neardup::internal

#endif  // NEARDUP_SHINGLE_SHINGLE_KERNELS_H_
