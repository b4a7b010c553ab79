// The normalizer's collapsing ASCII path, 16 bytes at a time, without a
// branch on the bytes (SSSE3 and POPCNT; chosen at run time).
//
// The portable loop writes a pending space lazily, before the next kept
// byte. Here it is written ahead, at the first separator after a kept byte,
// so that each 16 bytes are one mask: keep byte k if it is a letter or
// digit, or a separator whose predecessor is one. The kept bytes (the
// separators turned into ' ') are packed by a byte shuffle, 8 at a time
// from a table of the 256 masks. A space written ahead that no kept byte
// follows is taken back when the kernel stops; kept bytes are never ' ', so
// the last byte written tells whether one is there.

#include "text/normalize_internal.h"

#if defined(NEARDUP_X86_KERNELS)
#include <nmmintrin.h>
#include <tmmintrin.h>

#include <cstdint>
#include <cstring>

namespace neardup::internal {
namespace {

// kPack[m]: the positions of m's set bits in increasing order, one a byte,
// the rest zero: the shuffle that moves the bytes m selects to the front.
struct PackTable {
  uint64_t shuffle[256];
};

constexpr PackTable MakePackTable() {
  PackTable table{};
  for (int m = 0; m < 256; ++m) {
    uint64_t shuffle = 0;
    int out = 0;
    for (int bit = 0; bit < 8; ++bit) {
      if (m & (1 << bit)) {
        shuffle |= static_cast<uint64_t>(bit) << (8 * out++);
      }
    }
    table.shuffle[m] = shuffle;
  }
  return table;
}

constexpr PackTable kPack = MakePackTable();

// What 16 bytes hold, as bit k for byte k.
struct Classes {
  __m128i bytes;  // letters and digits mapped, everything else ' '
  uint32_t keep;  // letters and digits
  uint32_t whitespace;
  uint32_t high;  // bytes >= 0x80
};

inline Classes Classify(__m128i v, __m128i fold, __m128i zero) {
  const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  // Signed compares: bytes >= 0x80 are negative and fall outside.
  const __m128i alpha =
      _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                    _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
  const __m128i digit =
      _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                    _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  const __m128i keep = _mm_or_si128(alpha, digit);
  const __m128i whitespace =
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                   _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('\t' - 1)),
                                 _mm_cmplt_epi8(v, _mm_set1_epi8('\r' + 1))));
  // A letter becomes `lower` under fold, a digit '0' under zero.
  __m128i mapped = _mm_or_si128(
      _mm_andnot_si128(fold, v),
      _mm_and_si128(fold, _mm_or_si128(_mm_and_si128(alpha, lower),
                                       _mm_andnot_si128(alpha, v))));
  const __m128i zeroed = _mm_and_si128(digit, zero);
  mapped = _mm_or_si128(_mm_andnot_si128(zeroed, mapped),
                        _mm_and_si128(zeroed, _mm_set1_epi8('0')));
  Classes c;
  c.bytes = _mm_or_si128(_mm_and_si128(keep, mapped),
                         _mm_andnot_si128(keep, _mm_set1_epi8(' ')));
  c.keep = static_cast<uint32_t>(_mm_movemask_epi8(keep));
  c.whitespace = static_cast<uint32_t>(_mm_movemask_epi8(whitespace));
  c.high = static_cast<uint32_t>(_mm_movemask_epi8(v));
  return c;
}

// Writes the bytes of `bytes` that `mask` selects to out, packed; writes 16
// bytes in all. Returns how many it selected.
inline size_t Pack(__m128i bytes, uint32_t mask, char* out) {
  const uint32_t lo = mask & 0xFF;
  const uint32_t hi = mask >> 8;
  const __m128i shuffle = _mm_set_epi64x(
      static_cast<int64_t>(kPack.shuffle[hi] + 0x0808080808080808ull),
      static_cast<int64_t>(kPack.shuffle[lo]));
  const __m128i packed = _mm_shuffle_epi8(bytes, shuffle);
  const size_t count_lo = static_cast<size_t>(_mm_popcnt_u32(lo));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), packed);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out + count_lo),
                   _mm_unpackhi_epi64(packed, packed));
  return count_lo + static_cast<size_t>(_mm_popcnt_u32(hi));
}

}  // namespace

size_t CollapseAsciiSsse3(const unsigned char* p, size_t n, size_t i,
                          CollapseOptions options, CollapseState* state,
                          char* out) {
  const __m128i fold = _mm_set1_epi8(options.fold ? -1 : 0);
  const __m128i zero = _mm_set1_epi8(options.zero ? -1 : 0);
  CollapseState s = *state;
  bool after_separator = StartVectorCollapse(&s, out);
  // Consumes the first `take` bytes of `c`, their output packed at `dest`.
  auto step = [&](const Classes& c, size_t take, char* dest) {
    const uint32_t emit = StepMask<uint32_t, 16>(c.keep, c.whitespace, take,
                                                 i, &after_separator, &s);
    return Pack(c.bytes, emit, dest);
  };
  // The output never runs ahead of what is left of the input (room for
  // n - i + 1 bytes on entry, one of them for the space just written), so
  // a 16-byte store at out + s.len stays inside it while 16 bytes are left.
  while (i < n) {
    const size_t left = n - i;
    size_t take;
    if (left >= 16) {
      const Classes c = Classify(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), fold,
          zero);
      // Most steps are 16 ASCII bytes: a branch the CPU predicts, so the
      // next load does not wait for this one's classes.
      if (c.high == 0) {
        s.len += step(c, 16, out + s.len);
        i += 16;
        continue;
      }
      take = static_cast<size_t>(__builtin_ctz(c.high));
      s.len += step(c, take, out + s.len);
    } else {
      alignas(16) unsigned char tail[16] = {};
      std::memcpy(tail, p + i, left);
      const Classes c = Classify(
          _mm_load_si128(reinterpret_cast<const __m128i*>(tail)), fold, zero);
      take = static_cast<size_t>(__builtin_ctz(c.high | (1u << left)));
      char packed[16];
      const size_t count = step(c, take, packed);
      std::memcpy(out + s.len, packed, count);
      s.len += count;
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
