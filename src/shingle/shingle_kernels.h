// Private: the vector kernels of the word shingler. Each writes the hashes
// the scalar loop writes (XXH3_64bits_withSeed of 5 token hashes, 40
// bytes), for whole groups of shingles; the caller hashes the rest.

#ifndef NEARDUP_SHINGLE_SHINGLE_KERNELS_H_
#define NEARDUP_SHINGLE_SHINGLE_KERNELS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace neardup::internal {

// out[i] = XXH3_64bits_withSeed(tokens + i, 40, seed) (tokens as
// little-endian bytes) for i in [0, done), where done is what it returns:
// a multiple of its group size, at most count - 4 (count >= 5).
using TokenRuns5Fn = size_t (*)(const uint64_t* tokens, size_t count,
                                uint64_t seed, uint64_t* out);

// Defined only on x86-64; callers check the CPU first. Eight shingles a
// step (AVX-512 F and DQ).
size_t HashTokenRuns5Avx512(const uint64_t* tokens, size_t count,
                            uint64_t seed, uint64_t* out);

// The kernels this CPU can run, widest first (empty: the scalar loop only).
std::vector<TokenRuns5Fn> VectorTokenRuns5Kernels();

}  // namespace neardup::internal

#endif  // NEARDUP_SHINGLE_SHINGLE_KERNELS_H_
