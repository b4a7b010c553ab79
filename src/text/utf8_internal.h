// Private: decoding and encoding single UTF-8 code points, and the character
// classes the normalizer, the segmenters and the shingler share.

#ifndef NEARDUP_TEXT_UTF8_INTERNAL_H_
#define NEARDUP_TEXT_UTF8_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "neardup/text.h"

namespace neardup::internal {

inline constexpr int32_t kInvalidCodepoint = -1;
inline constexpr int32_t kReplacementChar = 0xFFFD;

// Decodes the code point at p[0 .. n), n >= 1. Returns the number of bytes
// consumed. On an ill-formed sequence sets *cp = kInvalidCodepoint and
// returns the length of its maximal subpart (Unicode 15, table 3-7), so that
// each maximal subpart becomes exactly one U+FFFD.
inline int DecodeUtf8(const unsigned char* p, size_t n, int32_t* cp) {
  const unsigned char c0 = p[0];
  if (c0 < 0x80) {
    *cp = c0;
    return 1;
  }
  *cp = kInvalidCodepoint;
  int len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  int32_t value;
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    len = 2;
    value = c0 & 0x1F;
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    len = 3;
    value = c0 & 0x0F;
    if (c0 == 0xE0) lo = 0xA0;        // no overlongs
    else if (c0 == 0xED) hi = 0x9F;   // no surrogates
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    len = 4;
    value = c0 & 0x07;
    if (c0 == 0xF0) lo = 0x90;        // no overlongs
    else if (c0 == 0xF4) hi = 0x8F;   // nothing above U+10FFFF
  } else {
    return 1;  // a continuation byte, C0, C1 or F5..FF: never a lead byte
  }
  if (n < 2 || p[1] < lo || p[1] > hi) return 1;
  value = (value << 6) | (p[1] & 0x3F);
  for (int k = 2; k < len; ++k) {
    if (static_cast<size_t>(k) >= n || (p[k] & 0xC0) != 0x80) return k;
    value = (value << 6) | (p[k] & 0x3F);
  }
  *cp = value;
  return len;
}

// Writes the UTF-8 encoding of a valid code point to out[0 .. 4). Returns
// the number of bytes written.
inline int EncodeUtf8(int32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

// Returns true for the ASCII whitespace bytes: space, \t, \n, \v, \f, \r.
inline bool IsAsciiSpace(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

// Unicode White_Space (the property, not the category): the ASCII ones,
// U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
// U+3000.
inline bool IsUnicodeSpace(int32_t cp) {
  if (cp < 0x80) return IsAsciiSpace(static_cast<unsigned char>(cp));
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// How the word splitter treats a code point.
enum class WordClass : uint8_t {
  kSeparator,  // ends a word and is not part of one
  kWord,       // part of a run of word characters (letters, numbers)
  kMark,       // a combining mark: extends the word or single before it
  kSingle,     // a word on its own (CJK, Thai, emoji...), plus its marks
};

// Returns the WordClass of a code point (kInvalidCodepoint separates).
WordClass ClassifyForWords(int32_t cp);

// Word class of each ASCII byte: letters and digits are kWord.
inline WordClass AsciiWordClass(unsigned char c) {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9')
             ? WordClass::kWord
             : WordClass::kSeparator;
}

#if defined(__SSE2__)
// Per byte of v: 0xFF where lo <= byte <= hi, for ASCII bounds. Signed
// compares: bytes >= 0x80 are negative and fall outside.
inline __m128i AsciiRangeMask(__m128i v, char lo, char hi) {
  return _mm_and_si128(
      _mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
      _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
}

// Per byte of v: 0xFF where an ASCII letter (either case) or digit is.
inline __m128i AsciiAlnumMask(__m128i v) {
  return _mm_or_si128(
      AsciiRangeMask(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z'),
      AsciiRangeMask(v, '0', '9'));
}
#endif

// Returns the first i' >= i with p[i'] not an ASCII letter or digit (or n):
// the end of the ASCII part of a word, 16 bytes at a time.
inline size_t SkipAsciiWordBytes(const unsigned char* p, size_t i, size_t n) {
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const uint32_t other =
        ~static_cast<uint32_t>(_mm_movemask_epi8(AsciiAlnumMask(v))) & 0xFFFF;
    if (other != 0) return i + static_cast<size_t>(__builtin_ctz(other));
  }
#endif
  while (i < n && p[i] < 0x80 && AsciiWordClass(p[i]) == WordClass::kWord) ++i;
  return i;
}

// The word splitter's state between two calls of WordSplitStep.
struct WordSplitState {
  enum { kNone, kInWord, kInSingle } in = kNone;
  size_t start = 0;  // where the word or single in progress started
};

// The word splitter, code point by code point: goes on from position i
// (a code point boundary) in state *s, calling f(begin, end) for each word
// that ends, until it reaches `stop` or more (the next boundary). Returns
// where it stopped.
template <typename F>
inline size_t WordSplitStep(const unsigned char* p, size_t n, size_t i,
                            size_t stop, WordSplitState* s, F& f) {
  while (i < stop) {
    WordClass cls;
    int len = 1;
    if (p[i] < 0x80) {
      cls = AsciiWordClass(p[i]);
      if (cls == WordClass::kWord && s->in == WordSplitState::kInWord) {
        // The common case: inside an ASCII word.
        i = SkipAsciiWordBytes(p, i + 1, n);
        continue;
      }
    } else {
      int32_t cp;
      len = DecodeUtf8(p + i, n - i, &cp);
      cls = ClassifyForWords(cp);
    }
    switch (cls) {
      case WordClass::kWord:
        if (s->in == WordSplitState::kInSingle) f(s->start, i);
        if (s->in != WordSplitState::kInWord) {
          s->start = i;
          s->in = WordSplitState::kInWord;
        }
        break;
      case WordClass::kMark:
        if (s->in == WordSplitState::kNone) {
          s->start = i;
          s->in = WordSplitState::kInWord;
        }
        break;
      case WordClass::kSingle:
        if (s->in != WordSplitState::kNone) f(s->start, i);
        s->start = i;
        s->in = WordSplitState::kInSingle;
        break;
      case WordClass::kSeparator:
        if (s->in != WordSplitState::kNone) f(s->start, i);
        s->in = WordSplitState::kNone;
        break;
    }
    i += len;
  }
  return i;
}

#if defined(__SSE2__)
// Bit k of *word: p[k] is an ASCII letter or digit; of *high: p[k] >= 0x80;
// for k in [0, 64).
inline void AsciiWordMasks64(const unsigned char* p, uint64_t* word,
                             uint64_t* high) {
  *word = 0;
  *high = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    *word |= static_cast<uint64_t>(static_cast<uint32_t>(
                 _mm_movemask_epi8(AsciiAlnumMask(v))))
             << (16 * k);
    *high |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(v)))
             << (16 * k);
  }
}

// WordSplitStep over the 64 ASCII bytes at i, whose letters and digits are
// the bits of `word`: there the words are the runs of set bits, found a
// word at a time (no branch per byte). Always inlined: it is the loop of
// ForEachWord's callers, and GCC leaves it out of line (a call per 64
// bytes, the caller's state in memory) once their callbacks are inlined.
template <typename F>
__attribute__((always_inline)) inline void WordSplitAscii64(
    size_t i, uint64_t word, WordSplitState* s, F& f) {
  // Any byte ends a single: a letter or digit starts a word after it.
  if (s->in == WordSplitState::kInSingle) {
    f(s->start, i);
    s->in = WordSplitState::kNone;
  }
  const uint64_t carry = s->in == WordSplitState::kInWord ? 1 : 0;
  const uint64_t before = (word << 1) | carry;  // bit k: byte k - 1 in a word
  uint64_t starts = word & ~before;
  uint64_t ends = ~word & before;  // bit k: a word ended just before byte k
  if (s->in == WordSplitState::kInWord) {
    if (ends == 0) return;  // every byte a letter or digit: it goes on
    f(s->start, i + static_cast<size_t>(__builtin_ctzll(ends)));
    ends &= ends - 1;
    s->in = WordSplitState::kNone;
  }
  while (starts != 0) {
    const size_t begin = i + static_cast<size_t>(__builtin_ctzll(starts));
    starts &= starts - 1;
    if (ends == 0) {  // the last word goes on into the next bytes
      s->start = begin;
      s->in = WordSplitState::kInWord;
      return;
    }
    f(begin, i + static_cast<size_t>(__builtin_ctzll(ends)));
    ends &= ends - 1;
  }
}
#endif

// Calls f(begin, end) for each word of text[0 .. n) (see SplitWords), in
// order. Linear time, no allocation. 64 bytes that are all ASCII are split
// by their masks (WordSplitAscii64), and so are the last bytes when ASCII;
// any others code point by code point. The words are the same either way.
template <typename F>
__attribute__((always_inline)) inline void ForEachWord(const char* text,
                                                       size_t n, F&& f) {
  const auto* p = reinterpret_cast<const unsigned char*>(text);
  WordSplitState s;
  size_t i = 0;
#if defined(__SSE2__)
  while (i + 64 <= n) {
    uint64_t word, high;
    AsciiWordMasks64(p + i, &word, &high);
    if (high != 0) {
      i = WordSplitStep(p, n, i, i + 64, &s, f);
      continue;
    }
    WordSplitAscii64(i, word, &s, f);
    i += 64;
  }
  if (i < n) {
    // The last 1 to 63 bytes, by the masks of a copy padded with zeros
    // (separators) when they are ASCII: a word running to the end ends
    // at the first zero, that is at n.
    unsigned char tail[64] = {};
    std::memcpy(tail, p + i, n - i);
    uint64_t word, high;
    AsciiWordMasks64(tail, &word, &high);
    if (high == 0) {
      WordSplitAscii64(i, word, &s, f);
      return;
    }
  }
#endif
  WordSplitStep(p, n, i, n, &s, f);
  if (s.in != WordSplitState::kNone) f(s.start, n);
}

// ForEachWord without the 64-byte path: the definition, for tests.
template <typename F>
inline void ForEachWordByCodePoint(const char* text, size_t n, F&& f) {
  const auto* p = reinterpret_cast<const unsigned char*>(text);
  WordSplitState s;
  WordSplitStep(p, n, 0, n, &s, f);
  if (s.in != WordSplitState::kNone) f(s.start, n);
}

// Appends the sentences of one line (SplitLines: no line terminator inside)
// that is not blank to *out, as SplitSentences(line) returns them, without
// allocating when *out has room.
void AppendLineSentences(std::string_view line, std::vector<TextSpan>* out);

}  // namespace neardup::internal

#endif  // NEARDUP_TEXT_UTF8_INTERNAL_H_
