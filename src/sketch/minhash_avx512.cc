// The AVX-512 MinHash kernel: 8 permutations per vector, up to 4 vectors
// (32 permutations) per pass over the shingles, minima kept in registers.
// 64-bit multiply (vpmullq) is AVX512DQ.

#include "sketch/minhash_kernels.h"

#if defined(NEARDUP_X86_KERNELS)
#include <immintrin.h>

namespace neardup::internal {
namespace {

// With kCount, also counts the distinct shingles (args.distinct).
template <int V, bool kCount = false>
void Block(const MinHashArgs& args, size_t p0, uint64_t* mins_out) {
  __m512i va[V], vc[V], vm[V];
  for (int v = 0; v < V; ++v) {
    va[v] = _mm512_loadu_si512(args.a + p0 + 8 * v);
    vc[v] = _mm512_loadu_si512(args.c + p0 + 8 * v);
    vm[v] = _mm512_set1_epi64(-1);
  }
  for (size_t s = 0; s < args.count; ++s) {
    const __m512i x = _mm512_set1_epi64(static_cast<int64_t>(args.x[s]));
    for (int v = 0; v < V; ++v) {
      const __m512i t = _mm512_add_epi64(_mm512_mullo_epi64(va[v], x), vc[v]);
      vm[v] = _mm512_min_epu64(vm[v], t);
    }
    if constexpr (kCount) args.distinct->Add(args.x[s]);
  }
  for (int v = 0; v < V; ++v) _mm512_storeu_si512(mins_out + 8 * v, vm[v]);
}

}  // namespace

void MinHashAvx512(const MinHashArgs& args) {
  uint64_t mins[32];
  size_t p0 = 0;
  while (p0 < args.padded) {
    const size_t left = args.padded - p0;
    size_t done;
    if (p0 == 0 && args.distinct != nullptr) {
      // The first pass counts too (any block width: left >= 8).
      if (left >= 32) {
        Block<4, true>(args, p0, mins);
        done = 32;
      } else {
        Block<1, true>(args, p0, mins);
        done = 8;
      }
    } else if (left >= 32) {
      Block<4>(args, p0, mins);
      done = 32;
    } else if (left >= 24) {
      Block<3>(args, p0, mins);
      done = 24;
    } else if (left >= 16) {
      Block<2>(args, p0, mins);
      done = 16;
    } else {
      Block<1>(args, p0, mins);
      done = 8;
    }
    for (size_t j = 0; j < done && p0 + j < args.num_perm; ++j) {
      args.out[p0 + j] = static_cast<uint32_t>(mins[j] >> 32);
    }
    p0 += done;
  }
}

}  // namespace neardup::internal
#endif  // NEARDUP_X86_KERNELS
