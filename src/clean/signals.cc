// The Gopher repetition signals (definitions in clean.h).

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "neardup/clean.h"
#include "text/utf8_internal.h"
#define XXH_INLINE_ALL
#include "xxhash.h"

namespace neardup {
namespace {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() &&
         internal::IsAsciiSpace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

// Fractions of duplicate spans (by count and by characters).
void Duplicates(std::string_view text, const std::vector<TextSpan>& spans,
                double* count_fraction, double* char_fraction, size_t* total) {
  std::unordered_set<std::string_view> seen;
  size_t count = 0, dup = 0, chars = 0, dup_chars = 0;
  for (const TextSpan& span : spans) {
    const std::string_view s = TrimRight(span.In(text));
    if (IsBlankLine(s)) continue;
    const size_t c = CodePoints(s);
    ++count;
    chars += c;
    if (!seen.insert(s).second) {
      ++dup;
      dup_chars += c;
    }
  }
  *total = count;
  *count_fraction = count ? static_cast<double>(dup) / count : 0;
  *char_fraction = chars ? static_cast<double>(dup_chars) / chars : 0;
}

}  // namespace

RepetitionSignals ComputeRepetitionSignals(std::string_view text) {
  RepetitionSignals r;
  Duplicates(text, SplitLines(text), &r.dup_line_fraction,
             &r.dup_line_char_fraction, &r.lines);
  Duplicates(text, SplitParagraphs(text), &r.dup_paragraph_fraction,
             &r.dup_paragraph_char_fraction, &r.paragraphs);

  const std::string normalized = Normalize(text);
  std::vector<uint64_t> words;
  std::vector<uint32_t> chars;
  internal::ForEachWord(normalized.data(), normalized.size(),
                        [&](size_t b, size_t e) {
    words.push_back(XXH3_64bits(normalized.data() + b, e - b));
    chars.push_back(static_cast<uint32_t>(
        CodePoints(std::string_view(normalized).substr(b, e - b))));
  });
  r.words = words.size();
  uint64_t total = 0;
  for (uint32_t c : chars) total += c;
  if (total == 0) return r;
  auto gram = [&](size_t i, size_t n) {
    return XXH3_64bits(words.data() + i, n * sizeof(uint64_t));
  };
  auto gram_chars = [&](size_t i, size_t n) {
    uint64_t c = 0;
    for (size_t k = i; k < i + n; ++k) c += chars[k];
    return c;
  };
  for (size_t n = 2; n <= 4; ++n) {
    if (words.size() < n) continue;
    std::unordered_map<uint64_t, std::pair<uint32_t, uint32_t>> counts;  // count, first
    uint64_t best_key = 0;
    uint32_t best_count = 0, best_first = 0;
    for (size_t i = 0; i + n <= words.size(); ++i) {
      auto [it, inserted] = counts.try_emplace(gram(i, n), 0u, static_cast<uint32_t>(i));
      const uint32_t c = ++it->second.first;
      if (c > best_count || (c == best_count && it->second.second < best_first)) {
        best_count = c;
        best_first = it->second.second;
        best_key = it->first;
      }
    }
    (void)best_key;
    if (best_count >= 2) {
      r.top_ngram_char_fraction[n - 2] =
          static_cast<double>(best_count) * gram_chars(best_first, n) / total;
    }
  }
  for (size_t n = 5; n <= 10; ++n) {
    std::unordered_set<uint64_t> seen;
    uint64_t duplicated = 0;
    for (size_t i = 0; i + n <= words.size();) {
      if (!seen.insert(gram(i, n)).second) {
        duplicated += gram_chars(i, n);
        i += n;
      } else {
        ++i;
      }
    }
    r.dup_ngram_char_fraction[n - 5] = static_cast<double>(duplicated) / total;
  }
  return r;
}

std::string ExceededGopherSignal(const RepetitionSignals& s,
                                 const GopherThresholds& t) {
  if (s.dup_line_fraction > t.dup_line_fraction) return "dup_line_fraction";
  if (s.dup_paragraph_fraction > t.dup_paragraph_fraction) {
    return "dup_paragraph_fraction";
  }
  if (s.dup_line_char_fraction > t.dup_line_char_fraction) {
    return "dup_line_char_fraction";
  }
  if (s.dup_paragraph_char_fraction > t.dup_paragraph_char_fraction) {
    return "dup_paragraph_char_fraction";
  }
  for (int i = 0; i < 3; ++i) {
    if (s.top_ngram_char_fraction[i] > t.top_ngram_char_fraction[i]) {
      return "top_" + std::to_string(i + 2) + "gram_char_fraction";
    }
  }
  for (int i = 0; i < 6; ++i) {
    if (s.dup_ngram_char_fraction[i] > t.dup_ngram_char_fraction[i]) {
      return "dup_" + std::to_string(i + 5) + "gram_char_fraction";
    }
  }
  return "";
}

}  // namespace neardup
