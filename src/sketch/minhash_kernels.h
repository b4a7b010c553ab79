// Private: the MinHash kernels. Each computes, for permutations
// [0, padded) (padded a multiple of 8), the minimum over x of
// a[i] * x + c[i] (mod 2^64), and writes the high 32 bits of the first
// num_perm minima to out. All give identical values.

#ifndef NEARDUP_SKETCH_MINHASH_KERNELS_H_
#define NEARDUP_SKETCH_MINHASH_KERNELS_H_

#include <cstddef>
#include <cstdint>

namespace neardup::internal {

struct MinHashArgs {
  const uint64_t* a;  // odd multipliers
  const uint64_t* c;  // offsets
  size_t padded;    // multiple of 8
  size_t num_perm;  // <= padded
  const uint64_t* x;
  size_t count;     // >= 1
  uint32_t* out;
};

void MinHashPortable(const MinHashArgs& args);
// Defined only on x86-64; callers check the CPU first.
void MinHashAvx2(const MinHashArgs& args);
void MinHashAvx512(const MinHashArgs& args);

}  // namespace neardup::internal

#endif  // NEARDUP_SKETCH_MINHASH_KERNELS_H_
