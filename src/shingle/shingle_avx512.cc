// The word shingler's AVX-512 kernels: XXH3 (0.8, 64-bit, with seed) of
// eight words of 1 to 16 bytes at a time, and of runs of three or five
// token hashes (24 or 40 bytes; five is the default shingle), eight runs a
// step.
//
// A word takes one of three paths by its length (1-3, 4-8, 9-16 bytes),
// whose branch the scalar code mispredicts for about every other word of a
// text; here every lane computes all three from the word's first and last
// 8 bytes and keeps its own.
//
// Run i reads token hashes i to i + n - 1, so lane j of the k-th load is
// token i + j + k: n unaligned loads give every input of eight hashes.
// For 17 to 32 bytes XXH3 adds two 16-byte mixes to len x PRIME64_1, for
// 33 to 64 bytes four, and avalanches the sum. A mix is the 128-bit
// product of two 64-bit words, each XORed with the default secret plus or
// minus the seed, folded to 64 bits (low XOR high). AVX-512 has no
// 64 x 64 -> 128-bit multiply: the product is put together from four
// 32 x 32 -> 64-bit ones. The values are XXH3's own (tests compare them
// with the library's).

#include "shingle/shingle_kernels.h"

#if defined(NEARDUP_X86_KERNELS)

#include <immintrin.h>

#include <cstring>

// Inlined (static) copies: only the constants are used here.
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup::internal {
namespace {

// Low 64 bits XOR high 64 bits of the 128-bit product a x b, per lane.
inline __m512i MulFold64(__m512i a, __m512i b) {
  const __m512i low32 = _mm512_set1_epi64(0xFFFFFFFF);
  const __m512i a_hi = _mm512_srli_epi64(a, 32);
  const __m512i b_hi = _mm512_srli_epi64(b, 32);
  const __m512i ll = _mm512_mul_epu32(a, b);
  const __m512i lh = _mm512_mul_epu32(a, b_hi);
  const __m512i hl = _mm512_mul_epu32(a_hi, b);
  const __m512i hh = _mm512_mul_epu32(a_hi, b_hi);
  // Bits 32-95 of the product, before the carry out of bit 63 is taken.
  const __m512i cross = _mm512_add_epi64(
      _mm512_add_epi64(_mm512_srli_epi64(ll, 32), _mm512_and_si512(lh, low32)),
      _mm512_and_si512(hl, low32));
  const __m512i high = _mm512_add_epi64(
      _mm512_add_epi64(hh, _mm512_srli_epi64(lh, 32)),
      _mm512_add_epi64(_mm512_srli_epi64(hl, 32),
                       _mm512_srli_epi64(cross, 32)));
  const __m512i low = _mm512_or_si512(_mm512_slli_epi64(cross, 32),
                                      _mm512_and_si512(ll, low32));
  return _mm512_xor_si512(low, high);
}

// XXH3_mix16B of (lo, hi) with secret words k_lo = secret + seed and
// k_hi = secret - seed.
inline __m512i Mix16(__m512i lo, __m512i hi, __m512i k_lo, __m512i k_hi) {
  return MulFold64(_mm512_xor_si512(lo, k_lo), _mm512_xor_si512(hi, k_hi));
}

inline __m512i Splat(uint64_t v) {
  return _mm512_set1_epi64(static_cast<long long>(v));
}

// XXH64_avalanche.
inline __m512i Avalanche64(__m512i h) {
  h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 33));
  h = _mm512_mullo_epi64(h, Splat(XXH_PRIME64_2));
  h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 29));
  h = _mm512_mullo_epi64(h, Splat(XXH_PRIME64_3));
  return _mm512_xor_si512(h, _mm512_srli_epi64(h, 32));
}

// XXH3_avalanche.
inline __m512i Avalanche3(__m512i h) {
  h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 37));
  h = _mm512_mullo_epi64(h, Splat(0x165667919E3779F9));
  return _mm512_xor_si512(h, _mm512_srli_epi64(h, 32));
}

// The default secret's 8 bytes at offset, little-endian.
inline uint64_t SecretWord(size_t offset) {
  uint64_t v;
  std::memcpy(&v, XXH3_kSecret + offset, sizeof(v));
  return v;
}

}  // namespace

void HashWords8Avx512(const WordGroup& words, uint64_t seed, uint64_t* out) {
  const __m512i first = _mm512_loadu_si512(words.first);
  const __m512i last = _mm512_loadu_si512(words.last);
  const __m512i len = _mm512_loadu_si512(words.len);
  const __m512i byte = Splat(0xFF), low32 = Splat(0xFFFFFFFF);
  // 1-3 bytes (XXH3_len_1to3_64b): bytes 0, len / 2 and len - 1, and len.
  const __m512i c1 = _mm512_and_si512(first, byte);
  const __m512i c2 = _mm512_and_si512(
      _mm512_srlv_epi64(first, _mm512_slli_epi64(_mm512_srli_epi64(len, 1), 3)),
      byte);
  const __m512i c3 = _mm512_and_si512(
      _mm512_srlv_epi64(first,
                        _mm512_slli_epi64(_mm512_sub_epi64(len, Splat(1)), 3)),
      byte);
  const __m512i combined = _mm512_or_si512(
      _mm512_or_si512(_mm512_slli_epi64(c1, 16), _mm512_slli_epi64(c2, 24)),
      _mm512_or_si512(c3, _mm512_slli_epi64(len, 8)));
  const uint64_t flip13 =
      static_cast<uint32_t>(SecretWord(0) ^ (SecretWord(0) >> 32)) + seed;
  const __m512i short_hash =
      Avalanche64(_mm512_xor_si512(combined, Splat(flip13)));
  // 4-8 bytes (XXH3_len_4to8_64b): the first 4 bytes and the last 4.
  const uint64_t seed48 =
      seed ^ (uint64_t{__builtin_bswap32(static_cast<uint32_t>(seed))} << 32);
  const uint64_t flip48 = (SecretWord(8) ^ SecretWord(16)) - seed48;
  const __m512i input2 = _mm512_and_si512(
      _mm512_srlv_epi64(first,
                        _mm512_slli_epi64(_mm512_sub_epi64(len, Splat(4)), 3)),
      low32);
  __m512i h = _mm512_xor_si512(
      _mm512_add_epi64(input2, _mm512_slli_epi64(first, 32)), Splat(flip48));
  // XXH3_rrmxmx.
  const __m512i mix = Splat(0x9FB21C651E98DF25);
  h = _mm512_xor_si512(h, _mm512_xor_si512(_mm512_rol_epi64(h, 49),
                                           _mm512_rol_epi64(h, 24)));
  h = _mm512_mullo_epi64(h, mix);
  h = _mm512_xor_si512(h, _mm512_add_epi64(_mm512_srli_epi64(h, 35), len));
  h = _mm512_mullo_epi64(h, mix);
  const __m512i middle_hash = _mm512_xor_si512(h, _mm512_srli_epi64(h, 28));
  // 9-16 bytes (XXH3_len_9to16_64b): the first 8 bytes and the last 8.
  const __m512i lo =
      _mm512_xor_si512(first, Splat((SecretWord(24) ^ SecretWord(32)) + seed));
  const __m512i hi =
      _mm512_xor_si512(last, Splat((SecretWord(40) ^ SecretWord(48)) - seed));
  const __m512i swapped = _mm512_shuffle_epi8(
      lo, _mm512_set_epi64(0x08090A0B0C0D0E0F, 0x0001020304050607,
                           0x08090A0B0C0D0E0F, 0x0001020304050607,
                           0x08090A0B0C0D0E0F, 0x0001020304050607,
                           0x08090A0B0C0D0E0F, 0x0001020304050607));
  const __m512i acc = _mm512_add_epi64(
      _mm512_add_epi64(len, swapped),
      _mm512_add_epi64(hi, MulFold64(lo, hi)));
  const __m512i long_hash = Avalanche3(acc);
  // Each lane keeps its own path's hash.
  const __mmask8 up_to_8 = _mm512_cmple_epu64_mask(len, Splat(8));
  const __mmask8 up_to_3 = _mm512_cmple_epu64_mask(len, Splat(3));
  __m512i result = _mm512_mask_blend_epi64(up_to_8, long_hash, middle_hash);
  result = _mm512_mask_blend_epi64(up_to_3, result, short_hash);
  _mm512_storeu_si512(out, result);
}

template <size_t kN>
size_t HashTokenRunsAvx512(const uint64_t* tokens, size_t count,
                           uint64_t seed, uint64_t* out) {
  static_assert(kN == 3 || kN == 5, "XXH3's 17-to-32 or 33-to-64 byte path");
  constexpr size_t kLanes = 8;
  // The default secret's first 64 bytes, as the mixes read them: words at
  // even offsets plus the seed, at odd ones minus it.
  __m512i key[8];
  for (size_t k = 0; k < 8; ++k) {
    key[k] = Splat(k % 2 == 0 ? SecretWord(8 * k) + seed
                              : SecretWord(8 * k) - seed);
  }
  const __m512i start = Splat(8 * kN * XXH_PRIME64_1);
  size_t i = 0;
  for (; i + kLanes + kN - 1 <= count; i += kLanes) {
    __m512i w[kN];
    for (size_t k = 0; k < kN; ++k) w[k] = _mm512_loadu_si512(tokens + i + k);
    // Bytes 0-15 and len - 16 with the secret's bytes 0-15 and 16-31;
    // past 32 bytes also 16-31 and len - 32 with its bytes 32-47 and 48-63.
    __m512i acc = _mm512_add_epi64(start, Mix16(w[0], w[1], key[0], key[1]));
    acc = _mm512_add_epi64(acc,
                           Mix16(w[kN - 2], w[kN - 1], key[2], key[3]));
    if constexpr (kN == 5) {
      acc = _mm512_add_epi64(acc, Mix16(w[2], w[3], key[4], key[5]));
      acc = _mm512_add_epi64(acc, Mix16(w[1], w[2], key[6], key[7]));
    }
    _mm512_storeu_si512(out + i, Avalanche3(acc));
  }
  return i;
}

template size_t HashTokenRunsAvx512<3>(const uint64_t*, size_t, uint64_t,
                                       uint64_t*);
template size_t HashTokenRunsAvx512<5>(const uint64_t*, size_t, uint64_t,
                                       uint64_t*);

}  // namespace neardup::internal

#endif  // NEARDUP_X86_KERNELS
