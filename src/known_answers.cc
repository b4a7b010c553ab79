// The known-answer tables of kSketchFormatVersion 1. The values were
// recorded from this implementation when the format was fixed; the unit tests
// also check the properties behind them independently (estimator accuracy,
// SIMD kernels against the portable one, normalization rules).

#include "known_answers.h"

#include <string>

namespace neardup::internal {
namespace {

// The vocabulary of KnownAnswerText: ASCII words in several cases, digits,
// accented and decomposed forms, Greek, German sharp s, CJK, Thai, emoji.
constexpr const char* kVocabulary[] = {
    "the",       "of",        "and",      "to",        "in",
    "a",         "news",      "report",   "said",      "government",
    "Market",    "WATER",     "city",     "people",    "year",
    "2024",      "3.5%",      "café",     "cafe\u0301", "naïve",
    "Straße",    "\uFF21\uFF22\uFF23",    "ﬁnance",    "über",
    "Αθήνα",     "東京",      "新闻报道", "ข่าว",      "\U0001F600",
    "co-op",     "don’t",     "“quoted”", "—",         "e-mail",
    "résumé",    "İstanbul",  "x\u00A0y", "naïve",     "CO₂",
};
constexpr int kVocabularySize = sizeof(kVocabulary) / sizeof(kVocabulary[0]);

uint64_t NextRandom(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

std::string KnownAnswerText(uint64_t seed, int words) {
  std::string text;
  uint64_t state = seed;
  for (int i = 0; i < words; ++i) {
    const uint64_t r = NextRandom(&state);
    if (i > 0) text += (i % 40 == 0) ? ".\n\n" : (r >> 60) == 0 ? ", " : " ";
    text += kVocabulary[r % kVocabularySize];
  }
  return text;
}

uint64_t Fold(std::span<const uint64_t> values) {
  uint64_t fold = 0;
  for (size_t i = 0; i < values.size(); ++i) fold += values[i] * (2 * i + 1);
  return fold;
}

uint64_t Fold(std::span<const uint32_t> values) {
  uint64_t fold = 0;
  for (size_t i = 0; i < values.size(); ++i) fold += values[i] * (2 * i + 1);
  return fold;
}

std::span<const NormalizeVector> NormalizeVectors() {
  static constexpr NormalizeVector kVectors[] = {
      // Empty input stays empty.
      {"empty", "", ""},
      // ASCII: case fold, punctuation to space, digits to 0, collapse, trim.
      {"ascii", "  Hello, World! It's 2024.  ", "hello world it s 0000"},
      // NFKC: full-width letters and digits, ligature, NBSP.
      {"nfkc", "\uFF21\uFF22\uFF23\uFF11 ﬁne\u00A0day", "abc0 fine day"},
      // Combining acute after an ASCII letter composes like the precomposed.
      {"combining", "cafe\u0301 café", "café café"},
      // Full case folding expands ß; Greek final sigma folds to sigma.
      {"casefold", "STRASSE Straße ΟΔΟΣ", "strasse strasse οδοσ"},
      // Curly quotes and dashes are punctuation; emoji is kept.
      {"punctuation", "“Yes” — she said 😀", "yes she said 😀"},
      // Invalid bytes become U+FFFD, which is a symbol (So) and kept.
      {"invalid", "a\xFF" "b", "a\uFFFDb"},
      // Soft hyphen and zero-width joiner are removed by NFKC's ignore.
      {"ignorable", "co\u00ADop a\u200Db", "coop ab"},
      // Control characters and NUL become spaces.
      {"controls", std::string_view("a\0b\x01" "c", 5), "a b c"},
      // Other scripts' digits become 0; CJK passes through.
      {"digits", "٣ ४ 東京", "0 0 東京"},
  };
  return kVectors;
}

std::span<const ShingleVector> ShingleVectors() {
  static constexpr ShingleVector kVectors[] = {
      // Empty text still has one shingle: the hash of zero tokens.
      {"empty word", "", 0, ShingleKind::kWord, 5, 0, 1, 0x2d06800538d394c2ull,
       0x2d06800538d394c2ull},
      // Fewer words than n: one shingle over all of them.
      {"short word", "Breaking news today", 0, ShingleKind::kWord, 5, 0, 1, 0x81dbfd06cbcc9ceaull,
       0x81dbfd06cbcc9ceaull},
      // Exactly n words: one shingle, the regular formula.
      {"n words", "one two three four five", 0, ShingleKind::kWord, 5, 0, 1, 0x31e758b4e93e82edull,
       0x31e758b4e93e82edull},
      // n + 1 words: two shingles.
      {"n+1 words", "one two three four five six", 0, ShingleKind::kWord, 5,
       0, 2, 0x31e758b4e93e82edull,
       0x44dd9861f36ae322ull},
      // Punctuation only normalizes to nothing: same as empty.
      {"punctuation only", "!!! ... ???", 0, ShingleKind::kWord, 5, 0, 1, 0x2d06800538d394c2ull,
       0x2d06800538d394c2ull},
      // Unigrams with a seed.
      {"unigrams seeded", "", 50, ShingleKind::kWord, 1, 7, 61, 0x377391ba7cdfcab8ull,
       0xd766c5dee7a531aaull},
      // Default word 5-grams over generated mixed-script text.
      {"word 5-grams", "", 300, ShingleKind::kWord, 5, 0, 379, 0x3c41772b6e53542full,
       0x8ccca4aa5bd04ab4ull},
      // Word 3-grams with a large seed.
      {"word 3-grams seeded", "", 300, ShingleKind::kWord, 3,
       0xFFFFFFFFFFFFFFFFull, 390, 0x3c5981268f46e25aull,
       0x8af66dfe562ce32dull},
      // Character 5-grams over generated text (spaces count).
      {"char 5-grams", "", 120, ShingleKind::kChar, 5, 0, 631, 0x70c268772173bf11ull,
       0xcdbc3d3d726bb082ull},
      // Character shingles of a text shorter than n.
      {"short char", "abc", 0, ShingleKind::kChar, 5, 0, 1, 0x78af5f94892f3950ull,
       0x78af5f94892f3950ull},
      // CJK without spaces: one token per character.
      {"cjk", "東京の新聞報道によると", 0, ShingleKind::kWord, 3, 0, 9, 0xb2ad6f8bf63634bdull,
       0x58af857bcc6f8fc1ull},
      // Ill-formed UTF-8 is repaired before hashing.
      {"invalid utf-8", "one \xC0\xAF two \xED\xA0\x80 three four five", 0,
       ShingleKind::kWord, 2, 0, 9, 0x1530d0813247fa95ull,
       0xf3ea14639ba42bdcull},
  };
  return kVectors;
}

std::span<const SketchVector> SketchVectors() {
  static constexpr SketchVector kVectors[] = {
      // Default: 112 permutations (not a multiple of 32: exercises tails).
      {"112 perms", 400, 0, 112, {0x00006f68u, 0x00706e67u, 0x00274912u, 0x005a7984u},
       0x00000018d600e944ull, 0xe6177162952750e7ull},
      // 256 permutations, another seed.
      {"256 perms seeded", 400, 42, 256, {0x0041c01bu, 0x006706efu, 0x00279621u, 0x00ba2184u},
       0x00000079405bac66ull, 0x957afc24c3aeb056ull},
      // Few permutations, fewer than one SIMD vector.
      {"5 perms", 40, 3, 5, {0x08a2b9acu, 0x028077bau, 0x00a26aadu, 0x0ff2bd6bu},
       0x00000000b05844acull, 0x87b2501c89b05534ull},
      // Short document: a single shingle.
      {"one shingle", 3, 9, 64, {0x3d68ee55u, 0xfb37ae46u, 0x196aa603u, 0x1047feccu},
       0x000007f1af28209dull, 0xbd7c57dc89a3aa32ull},
  };
  return kVectors;
}

}  // namespace neardup::internal
