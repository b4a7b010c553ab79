// Segmentation into lines, paragraphs, sentences and words, with byte spans
// into the original text.

#include <string_view>
#include <vector>

#include "neardup/text.h"
#include "text/utf8_internal.h"
#include "utf8proc.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace neardup {
namespace internal {

WordClass ClassifyForWords(int32_t cp) {
  if (cp < 0) return WordClass::kSeparator;
  if (cp < 0x80) return AsciiWordClass(static_cast<unsigned char>(cp));
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return IsCharTokenScript(cp) ? WordClass::kSingle : WordClass::kWord;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return WordClass::kMark;
    case UTF8PROC_CATEGORY_SO:
      return WordClass::kSingle;
    default:
      return WordClass::kSeparator;
  }
}

}  // namespace internal

namespace {

using internal::DecodeUtf8;

// Returns the first i' >= i, i' < n, where p[i'] may start a line
// terminator ('\n', '\r', or 0xC2, 0xE2: see LineTerminatorAt), or n.
inline size_t NextLineSpecial(const unsigned char* p, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  const __m128i c2 = _mm_set1_epi8(static_cast<char>(0xC2));
  const __m128i e2 = _mm_set1_epi8(static_cast<char>(0xE2));
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, e2)));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  for (; i < n; ++i) {
    const unsigned char c = p[i];
    if (c == '\n' || c == '\r' || c == 0xC2 || c == 0xE2) return i;
  }
  return n;
}

// Returns the first i' >= i, i' < n, where p[i'] is '.', '!', '?' or a
// non-ASCII byte, or n: the bytes before it are ASCII content or ASCII
// whitespace for the sentence splitter.
inline size_t NextSentenceSpecial(const unsigned char* p, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!');
  const __m128i question = _mm_set1_epi8('?');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, question), v));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  for (; i < n; ++i) {
    const unsigned char c = p[i];
    if (c >= 0x80 || c == '.' || c == '!' || c == '?') return i;
  }
  return n;
}

// If a line terminator starts at p[i], returns its length, else 0.
inline int LineTerminatorAt(const unsigned char* p, size_t n, size_t i) {
  const unsigned char c = p[i];
  if (c == '\n') return 1;
  if (c == '\r') return (i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
  if (c == 0xC2 && i + 1 < n && p[i + 1] == 0x85) return 2;  // U+0085
  if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
      (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
    return 3;  // U+2028, U+2029
  }
  return 0;
}

// 。 ！ ？ and the half-width ｡: end a sentence whatever follows.
bool IsIdeographicStop(int32_t cp) {
  return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF61;
}

bool IsSentenceTerminator(int32_t cp) {
  return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 /* … */ ||
         cp == 0x203C || cp == 0x2047 || cp == 0x2048 || cp == 0x2049 ||
         IsIdeographicStop(cp);
}

}  // namespace

bool IsCharTokenScript(int32_t cp) {
  if (cp < 0x0E00) return false;
  return (cp >= 0x0E00 && cp <= 0x0EFF) ||    // Thai, Lao
         (cp >= 0x1000 && cp <= 0x109F) ||    // Myanmar
         (cp >= 0x1100 && cp <= 0x11FF) ||    // Hangul Jamo
         (cp >= 0x1780 && cp <= 0x17FF) ||    // Khmer
         (cp >= 0x19E0 && cp <= 0x19FF) ||    // Khmer symbols
         (cp >= 0x1A20 && cp <= 0x1AAF) ||    // Tai Tham
         (cp >= 0x2E80 && cp <= 0x2FDF) ||    // CJK and Kangxi radicals
         (cp >= 0x3005 && cp <= 0x3007) ||    // 々 〆 〇
         (cp >= 0x3021 && cp <= 0x3029) ||    // Hangzhou numerals
         (cp >= 0x3031 && cp <= 0x3035) ||    // kana repeat marks
         (cp >= 0x3040 && cp <= 0x31FF) ||    // kana, Bopomofo, Hangul compat
         (cp >= 0x3400 && cp <= 0x4DBF) ||    // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||    // CJK unified ideographs
         (cp >= 0xA000 && cp <= 0xA4CF) ||    // Yi
         (cp >= 0xA960 && cp <= 0xA97F) ||    // Hangul Jamo extended A
         (cp >= 0xA9E0 && cp <= 0xA9FF) ||    // Myanmar extended B
         (cp >= 0xAA60 && cp <= 0xAADF) ||    // Myanmar ext. A, Tai Viet
         (cp >= 0xAC00 && cp <= 0xD7FF) ||    // Hangul syllables, Jamo ext B
         (cp >= 0xF900 && cp <= 0xFAFF) ||    // CJK compatibility ideographs
         (cp >= 0xFF66 && cp <= 0xFFDC) ||    // half-width kana and Hangul
         (cp >= 0x1B000 && cp <= 0x1B2FF) ||  // kana supplements, Nushu
         (cp >= 0x20000 && cp <= 0x323AF);    // CJK extensions B to H
}

std::vector<TextSpan> SplitLines(std::string_view text) {
  std::vector<TextSpan> lines;
  SplitLines(text, &lines);
  return lines;
}

void SplitLines(std::string_view text, std::vector<TextSpan>* out) {
  std::vector<TextSpan>& lines = *out;
  lines.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t start = 0;
  size_t i = 0;
  while (i < n) {
    i = NextLineSpecial(p, i, n);
    if (i == n) break;
    const int len = LineTerminatorAt(p, n, i);
    if (len == 0) {
      ++i;
      continue;
    }
    lines.push_back({start, i});
    i += len;
    start = i;
  }
  if (start < n) lines.push_back({start, n});
}

bool IsBlankLine(std::string_view line) {
  const auto* p = reinterpret_cast<const unsigned char*>(line.data());
  const size_t n = line.size();
  size_t i = 0;
  while (i < n) {
    int32_t cp;
    const int len = DecodeUtf8(p + i, n - i, &cp);
    if (!internal::IsUnicodeSpace(cp)) return false;
    i += len;
  }
  return true;
}

std::vector<TextSpan> SplitParagraphs(std::string_view text) {
  std::vector<TextSpan> paragraphs;
  bool open = false;
  TextSpan current;
  for (const TextSpan& line : SplitLines(text)) {
    if (IsBlankLine(line.In(text))) {
      if (open) paragraphs.push_back(current);
      open = false;
    } else if (open) {
      current.end = line.end;
    } else {
      current = line;
      open = true;
    }
  }
  if (open) paragraphs.push_back(current);
  return paragraphs;
}

namespace {

// Closing quotes and brackets that may follow a sentence terminator.
bool IsCloser(int32_t cp) {
  return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '}' ||
         cp == 0x2019 || cp == 0x201D || cp == 0x00BB || cp == 0x203A ||
         cp == 0x300D || cp == 0x300F || cp == 0xFF09;
}

// Appends the sentences of one paragraph [begin, end) of text.
void SplitParagraphSentences(std::string_view text, size_t begin, size_t end,
                             std::vector<TextSpan>* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = begin;
  size_t start = end;  // start of the current sentence; end = none yet
  size_t last_content_end = begin;
  auto close = [&](size_t at) {
    if (start < at) out->push_back({start, last_content_end});
    start = end;
  };
  while (i < end) {
    // Most bytes are ASCII content (not a space, terminator or closer):
    // step over the run, as the code-point loop below would.
    if (p[i] < 0x80 && p[i] != '.' && p[i] != '!' && p[i] != '?') {
      // ASCII content and whitespace up to the next terminator or
      // non-ASCII byte: the sentence starts at its first content byte,
      // and its content ends after the last.
      const size_t next = NextSentenceSpecial(p, i, end);
      size_t first = i;
      while (first < next && internal::IsAsciiSpace(p[first])) ++first;
      if (first < next) {
        size_t last = next;
        while (internal::IsAsciiSpace(p[last - 1])) --last;
        if (start == end) start = first;
        last_content_end = last;
      }
      i = next;
      continue;
    }
    int32_t cp;
    int len = DecodeUtf8(p + i, end - i, &cp);
    if (internal::IsUnicodeSpace(cp)) {
      i += len;
      continue;
    }
    if (start == end) start = i;
    i += len;
    last_content_end = i;
    if (!IsSentenceTerminator(cp)) continue;
    bool ideographic = IsIdeographicStop(cp);
    // Absorb further terminators and closing quotes or brackets.
    while (i < end) {
      int32_t next;
      const int next_len = DecodeUtf8(p + i, end - i, &next);
      if (!IsSentenceTerminator(next) && !IsCloser(next)) break;
      ideographic = ideographic || IsIdeographicStop(next);
      i += next_len;
      last_content_end = i;
    }
    bool at_boundary = i >= end;
    if (!at_boundary) {
      int32_t next;
      DecodeUtf8(p + i, end - i, &next);
      at_boundary = internal::IsUnicodeSpace(next);
    }
    if (at_boundary || ideographic) close(i);
  }
  close(end);
}

}  // namespace

namespace internal {

void AppendLineSentences(std::string_view line, std::vector<TextSpan>* out) {
  SplitParagraphSentences(line, 0, line.size(), out);
}

}  // namespace internal

std::vector<TextSpan> SplitSentences(std::string_view text) {
  std::vector<TextSpan> sentences;
  for (const TextSpan& paragraph : SplitParagraphs(text)) {
    SplitParagraphSentences(text, paragraph.begin, paragraph.end, &sentences);
  }
  return sentences;
}

std::vector<TextSpan> SplitWords(std::string_view text) {
  std::vector<TextSpan> words;
  internal::ForEachWord(text.data(), text.size(), [&](size_t b, size_t e) {
    words.push_back({b, e});
  });
  return words;
}

}  // namespace neardup
