// The AVX2 MinHash kernel: 4 permutations per vector, 3 vectors per pass.
// AVX2 has no unsigned 64-bit min, so values carry a 2^63 bias (folded into
// c) and are compared signed.

#include "sketch/minhash_kernels.h"

#if defined(NEARDUP_X86_KERNELS)
#include <immintrin.h>

namespace neardup::internal {
namespace {

constexpr uint64_t kBias = uint64_t{1} << 63;

template <int V>
void Block(const MinHashArgs& args, size_t p0, uint64_t* mins_out) {
  __m256i va[V], vb[V], vc[V], vm[V];
  const __m256i bias = _mm256_set1_epi64x(static_cast<int64_t>(kBias));
  for (int v = 0; v < V; ++v) {
    va[v] = _mm256_loadu_si256(
        reinterpret_cast<const __m256i*>(args.a + p0 + 4 * v));
    vb[v] = _mm256_loadu_si256(
        reinterpret_cast<const __m256i*>(args.b + p0 + 4 * v));
    vc[v] = _mm256_xor_si256(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(args.c + p0 + 4 * v)),
        bias);
    vm[v] = _mm256_set1_epi64x(INT64_MAX);
  }
  for (size_t s = 0; s < args.count; ++s) {
    const __m256i lo = _mm256_set1_epi64x(static_cast<int64_t>(args.x[s]));
    const __m256i hi = _mm256_srli_epi64(lo, 32);
    for (int v = 0; v < V; ++v) {
      const __m256i t = _mm256_add_epi64(
          _mm256_add_epi64(_mm256_mul_epu32(va[v], lo),
                           _mm256_mul_epu32(vb[v], hi)),
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
