// Private: the MinHash kernels. Each computes, for permutations
// [0, padded) (padded a multiple of 8), the minimum over x of
// a[i] * x + c[i] (mod 2^64), and writes the high 32 bits of the first
// num_perm minima to out. All give identical values.

#ifndef NEARDUP_SKETCH_MINHASH_KERNELS_H_
#define NEARDUP_SKETCH_MINHASH_KERNELS_H_

#include <cstddef>
#include <cstdint>

namespace neardup::internal {

// Counts distinct 64-bit values in an open-addressing table of mask + 1
// slots (a power of two, at least twice the values, zeroed: 0 marks a free
// slot; the value 0 is counted apart).
struct DistinctCounter {
  uint64_t* table;
  size_t mask;
  size_t count = 0;
  bool zero = false;

  void Add(uint64_t h) {
    if (h == 0) {
      count += zero ? 0 : 1;
      zero = true;
      return;
    }
    size_t at = static_cast<size_t>(h) & mask;
    while (table[at] != 0 && table[at] != h) at = (at + 1) & mask;
    if (table[at] == 0) {
      table[at] = h;
      ++count;
    }
  }
};

struct MinHashArgs {
  const uint64_t* a;  // odd multipliers
  const uint64_t* c;  // offsets
  size_t padded;    // multiple of 8
  size_t num_perm;  // <= padded
  const uint64_t* x;
  size_t count;     // >= 1
  uint32_t* out;
  // Not null: also counts the distinct values of x[0, count) (a kernel may
  // do it during one of its passes over them, where the scalar work hides
  // behind the vector work).
  DistinctCounter* distinct = nullptr;
};

void MinHashPortable(const MinHashArgs& args);
// Defined only on x86-64; callers check the CPU first.
void MinHashAvx2(const MinHashArgs& args);
void MinHashAvx512(const MinHashArgs& args);

}  // namespace neardup::internal

#endif  // NEARDUP_SKETCH_MINHASH_KERNELS_H_
