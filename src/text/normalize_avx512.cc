// The normalizer's collapsing ASCII path, 64 bytes at a time (AVX-512 BW
// and VBMI2; chosen at run time).
//
// The same rule as the 16-byte kernel (normalize_ssse3.cc): the space due
// before a kept byte is written ahead, at the first separator after a
// letter or digit, so each 64 bytes are one mask (keep byte k if it is a
// letter or digit, or a separator whose predecessor is one), and the kept
// bytes are packed by one VPCOMPRESSB into a register. The last bytes of a
// text, fewer than 64, are one more step, loaded and stored under masks (a
// text normalized line by line ends a step at every line).

#include "text/normalize_internal.h"

#if defined(NEARDUP_X86_KERNELS)
#include <immintrin.h>

#include <cstdint>

namespace neardup::internal {
namespace {

// What 64 bytes hold, as bit k for byte k.
struct Classes {
  __m512i bytes;  // letters and digits mapped, everything else ' '
  uint64_t keep;  // letters and digits
  uint64_t whitespace;
  uint64_t high;  // bytes >= 0x80
};

inline Classes Classify(__m512i v, CollapseOptions options) {
  const __m512i lower = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
  // Unsigned compares: bytes >= 0x80 (and their `lower`) fall outside.
  const __mmask64 alpha =
      _mm512_cmpge_epu8_mask(lower, _mm512_set1_epi8('a')) &
      _mm512_cmple_epu8_mask(lower, _mm512_set1_epi8('z'));
  const __mmask64 digit = _mm512_cmpge_epu8_mask(v, _mm512_set1_epi8('0')) &
                          _mm512_cmple_epu8_mask(v, _mm512_set1_epi8('9'));
  const __mmask64 whitespace =
      _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(' ')) |
      (_mm512_cmpge_epu8_mask(v, _mm512_set1_epi8('\t')) &
       _mm512_cmple_epu8_mask(v, _mm512_set1_epi8('\r')));
  // A letter becomes `lower` under fold, a digit '0' under zero.
  __m512i mapped = v;
  if (options.fold) mapped = _mm512_mask_mov_epi8(mapped, alpha, lower);
  if (options.zero) {
    mapped = _mm512_mask_mov_epi8(mapped, digit, _mm512_set1_epi8('0'));
  }
  Classes c;
  c.keep = alpha | digit;
  c.bytes = _mm512_mask_mov_epi8(_mm512_set1_epi8(' '), c.keep, mapped);
  c.whitespace = whitespace;
  c.high = _mm512_movepi8_mask(v);
  return c;
}

}  // namespace

size_t CollapseAsciiAvx512(const unsigned char* p, size_t n, size_t i,
                           CollapseOptions options, CollapseState* state,
                           char* out) {
  CollapseState s = *state;
  bool after_separator = StartVectorCollapse(&s, out);
  // Consumes the first `take` (<= 64) bytes of `c`, their output packed at
  // `dest` (64 bytes stored); returns how many it wrote.
  auto step = [&](const Classes& c, size_t take, char* dest) {
    const uint64_t emit = StepMask<uint64_t, 64>(c.keep, c.whitespace, take,
                                                 i, &after_separator, &s);
    _mm512_storeu_si512(dest, _mm512_maskz_compress_epi8(emit, c.bytes));
    return static_cast<size_t>(std::popcount(emit));
  };
  // The output never runs ahead of what is left of the input (room for
  // n - i + 1 bytes on entry, one of them for the space just written), so
  // a 64-byte store at out + s.len stays inside it while 64 bytes are left.
  while (i < n) {
    const size_t left = n - i;
    size_t take;
    if (left >= 64) {
      const Classes c = Classify(_mm512_loadu_si512(p + i), options);
      if (c.high == 0) {
        s.len += step(c, 64, out + s.len);
        i += 64;
        continue;
      }
      take = static_cast<size_t>(__builtin_ctzll(c.high));
      s.len += step(c, take, out + s.len);
    } else {
      // The last bytes: a masked load (the bytes past the text read as 0,
      // and no fault) and a masked store of what they give, which is never
      // more than what is left.
      const uint64_t valid = ~uint64_t{0} >> (64 - left);
      const Classes c =
          Classify(_mm512_maskz_loadu_epi8(valid, p + i), options);
      take = static_cast<size_t>(
          __builtin_ctzll(c.high | (uint64_t{1} << left)));
      const uint64_t emit = StepMask<uint64_t, 64>(c.keep, c.whitespace, take,
                                                   i, &after_separator, &s);
      const int count = std::popcount(emit);
      const uint64_t written =
          count >= 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1;
      _mm512_mask_storeu_epi8(out + s.len, written,
                              _mm512_maskz_compress_epi8(emit, c.bytes));
      s.len += static_cast<size_t>(count);
    }
    i += take;
    if (i >= n || !StepOverSeparator(p, n, &i, &after_separator, &s, out)) {
      break;
    }
  }
  EndVectorCollapse(after_separator, &s, out);
  *state = s;
  return i;
}

}  // namespace neardup::internal

#endif  // NEARDUP_X86_KERNELS
