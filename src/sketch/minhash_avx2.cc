// The AVX2 MinHash kernel: 4 permutations per vector, 3 vectors per pass.
// AVX2 has neither a 64-bit multiply nor an unsigned 64-bit min: a * x mod
// 2^64 is built from three 32 x 32 -> 64 multiplies, and values carry a 2^63
// bias (folded into c) so that signed compares order them as unsigned.

#include "sketch/minhash_kernels.h"

#if defined(NEARDUP_X86_KERNELS)
#include <immintrin.h>

namespace neardup::internal {
namespace {

constexpr uint64_t kBias = uint64_t{1} << 63;

template <int V>
void Block(const MinHashArgs& args, size_t p0, uint64_t* mins_out) {
  __m256i va[V], va_hi[V], vc[V], vm[V];
  const __m256i bias = _mm256_set1_epi64x(static_cast<int64_t>(kBias));
  for (int v = 0; v < V; ++v) {
    va[v] = _mm256_loadu_si256(
        reinterpret_cast<const __m256i*>(args.a + p0 + 4 * v));
    va_hi[v] = _mm256_srli_epi64(va[v], 32);
    vc[v] = _mm256_xor_si256(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(args.c + p0 + 4 * v)),
        bias);
    vm[v] = _mm256_set1_epi64x(INT64_MAX);
  }
  for (size_t s = 0; s < args.count; ++s) {
    const __m256i x = _mm256_set1_epi64x(static_cast<int64_t>(args.x[s]));
    const __m256i x_hi = _mm256_srli_epi64(x, 32);
    for (int v = 0; v < V; ++v) {
      // a * x mod 2^64 = a_lo*x_lo + ((a_lo*x_hi + a_hi*x_lo) << 32).
      const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(va[v], x_hi),
                                             _mm256_mul_epu32(va_hi[v], x));
      const __m256i t = _mm256_add_epi64(
          _mm256_add_epi64(_mm256_mul_epu32(va[v], x),
                           _mm256_slli_epi64(cross, 32)),
          vc[v]);
      vm[v] = _mm256_blendv_epi8(vm[v], t, _mm256_cmpgt_epi64(vm[v], t));
    }
  }
  for (int v = 0; v < V; ++v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(mins_out + 4 * v),
                        _mm256_xor_si256(vm[v], bias));
  }
}

}  // namespace

void MinHashAvx2(const MinHashArgs& args) {
  uint64_t mins[12];
  size_t p0 = 0;
  while (p0 < args.padded) {
    const size_t left = args.padded - p0;
    size_t done;
    if (left >= 12) {
      Block<3>(args, p0, mins);
      done = 12;
    } else if (left >= 8) {
      Block<2>(args, p0, mins);
      done = 8;
    } else {
      Block<1>(args, p0, mins);
      done = 4;
    }
    for (size_t j = 0; j < done && p0 + j < args.num_perm; ++j) {
      args.out[p0 + j] = static_cast<uint32_t>(mins[j] >> 32);
    }
    p0 += done;
  }
}

}  // namespace neardup::internal
#endif  // NEARDUP_X86_KERNELS
