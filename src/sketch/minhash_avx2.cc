// The AVX2 MinHash kernel: 8 permutations per vector in 32-bit lanes, up to
// 7 vectors (56 permutations) per pass over the shingles.
//
// Only the high 32 bits of each minimum are kept, and the high half of the
// smallest 64-bit value is the smallest high half, so the kernel computes
// and compares high halves only (vpminud; AVX2 has no unsigned 64-bit min).
// With a = a_hi:a_lo and x = x_hi:x_lo,
//   hi32(a * x + c) = hi32(a_lo * x_lo + c) + lo32(a_lo * x_hi + a_hi * x_lo)
// (mod 2^32): adding k * 2^32 changes only the high half. The first term
// is a 64-bit sum (vpmuludq, 4 a vector), the second two 32-bit products
// (vpmulld, 8 a vector): 4 multiplies for 8 permutations instead of the 6
// that the full 64-bit product takes.

#include "sketch/minhash_kernels.h"

#if defined(NEARDUP_X86_KERNELS)
#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace neardup::internal {
namespace {

constexpr int kMaxVectors = 7;  // minima in registers, with x and temps

// One vector's constants. The 64-bit products come out as permutations
// 0-3 and 4-7; interleaving their high halves gives the 32-bit lanes the
// order 0, 4, 1, 5, 2, 6, 3, 7 (kLaneOf), which lo and hi follow.
struct Lanes {
  __m256i a03, a47;  // a, 64-bit, permutations 0-3 and 4-7
  __m256i c03, c47;  // c, 64-bit
  __m256i lo, hi;    // a_lo and a_hi, 32-bit, in lane order
};

constexpr int kLaneOf[8] = {0, 4, 1, 5, 2, 6, 3, 7};

Lanes LoadLanes(const uint64_t* a, const uint64_t* c) {
  Lanes l;
  l.a03 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a));
  l.a47 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + 4));
  l.c03 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c));
  l.c47 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c + 4));
  alignas(32) uint32_t lo[8], hi[8];
  for (int j = 0; j < 8; ++j) {
    lo[j] = static_cast<uint32_t>(a[kLaneOf[j]]);
    hi[j] = static_cast<uint32_t>(a[kLaneOf[j]] >> 32);
  }
  l.lo = _mm256_load_si256(reinterpret_cast<const __m256i*>(lo));
  l.hi = _mm256_load_si256(reinterpret_cast<const __m256i*>(hi));
  return l;
}

// With kCount, also counts the distinct shingles (args.distinct).
template <int V, bool kCount = false>
void Block(const MinHashArgs& args, const Lanes* lanes, uint32_t* mins_out) {
  __m256i vm[V];
  for (int v = 0; v < V; ++v) vm[v] = _mm256_set1_epi32(-1);
  for (size_t s = 0; s < args.count; ++s) {
    uint32_t halves[2];  // x86 is little-endian: low half first
    std::memcpy(halves, args.x + s, sizeof(halves));
    const __m256i x_lo = _mm256_set1_epi32(static_cast<int>(halves[0]));
    const __m256i x_hi = _mm256_set1_epi32(static_cast<int>(halves[1]));
    for (int v = 0; v < V; ++v) {
      const Lanes& l = lanes[v];
      const __m256i p03 =
          _mm256_add_epi64(_mm256_mul_epu32(l.a03, x_lo), l.c03);
      const __m256i p47 =
          _mm256_add_epi64(_mm256_mul_epu32(l.a47, x_lo), l.c47);
      const __m256i high =
          _mm256_blend_epi32(_mm256_srli_epi64(p03, 32), p47, 0xAA);
      const __m256i cross = _mm256_add_epi32(_mm256_mullo_epi32(l.lo, x_hi),
                                             _mm256_mullo_epi32(l.hi, x_lo));
      vm[v] = _mm256_min_epu32(vm[v], _mm256_add_epi32(high, cross));
    }
    if constexpr (kCount) args.distinct->Add(args.x[s]);
  }
  for (int v = 0; v < V; ++v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(mins_out + 8 * v), vm[v]);
  }
}

template <bool kCount>
void BlockOf(int vectors, const MinHashArgs& args, const Lanes* lanes,
             uint32_t* mins_out) {
  switch (vectors) {
    case 7: return Block<7, kCount>(args, lanes, mins_out);
    case 6: return Block<6, kCount>(args, lanes, mins_out);
    case 5: return Block<5, kCount>(args, lanes, mins_out);
    case 4: return Block<4, kCount>(args, lanes, mins_out);
    case 3: return Block<3, kCount>(args, lanes, mins_out);
    case 2: return Block<2, kCount>(args, lanes, mins_out);
    default: return Block<1, kCount>(args, lanes, mins_out);
  }
}

}  // namespace

void MinHashAvx2(const MinHashArgs& args) {
  const size_t total = args.padded / 8;  // vectors
  // Passes of equal width: 14 vectors (112 permutations) take two of 7.
  const size_t passes = (total + kMaxVectors - 1) / kMaxVectors;
  const size_t width = (total + passes - 1) / passes;
  Lanes lanes[kMaxVectors];
  uint32_t mins[8 * kMaxVectors];
  for (size_t v0 = 0; v0 < total; v0 += width) {
    const int vectors = static_cast<int>(std::min(width, total - v0));
    for (int v = 0; v < vectors; ++v) {
      lanes[v] = LoadLanes(args.a + 8 * (v0 + v), args.c + 8 * (v0 + v));
    }
    if (v0 == 0 && args.distinct != nullptr) {
      BlockOf<true>(vectors, args, lanes, mins);
    } else {
      BlockOf<false>(vectors, args, lanes, mins);
    }
    for (int v = 0; v < vectors; ++v) {
      for (int j = 0; j < 8; ++j) {
        const size_t perm = 8 * (v0 + v) + kLaneOf[j];
        if (perm < args.num_perm) args.out[perm] = mins[8 * v + j];
      }
    }
  }
}

}  // namespace neardup::internal
#endif  // NEARDUP_X86_KERNELS
