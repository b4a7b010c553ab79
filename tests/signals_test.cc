// Tests for the Gopher repetition signals: vectors worked out by hand from
// the definitions in clean.h, and the published thresholds.

#include <string>

#include "gtest/gtest.h"
#include "neardup/clean.h"

namespace neardup {
namespace {

TEST(SignalsTest, DuplicateLines) {
  // Lines a, b, a, a: the second and third "a" are duplicates.
  const RepetitionSignals s = ComputeRepetitionSignals("a\nb\na\na");
  EXPECT_EQ(s.lines, 4u);
  EXPECT_DOUBLE_EQ(s.dup_line_fraction, 0.5);
  EXPECT_DOUBLE_EQ(s.dup_line_char_fraction, 0.5);
  // One paragraph, no duplicates.
  EXPECT_EQ(s.paragraphs, 1u);
  EXPECT_DOUBLE_EQ(s.dup_paragraph_fraction, 0.0);
  // Trailing whitespace does not make lines different; blank lines do not
  // count; characters are code points (é is one).
  const RepetitionSignals t = ComputeRepetitionSignals("é x  \n\n\né x\nyy");
  EXPECT_EQ(t.lines, 3u);
  EXPECT_DOUBLE_EQ(t.dup_line_fraction, 1.0 / 3);
  EXPECT_DOUBLE_EQ(t.dup_line_char_fraction, 3.0 / 8);
}

TEST(SignalsTest, DuplicateParagraphs) {
  // Paragraphs "x y", "x y", "z": one duplicate of three; 3 of 7 characters.
  const RepetitionSignals s = ComputeRepetitionSignals("x y\n\nx y\n\nz");
  EXPECT_EQ(s.paragraphs, 3u);
  EXPECT_DOUBLE_EQ(s.dup_paragraph_fraction, 1.0 / 3);
  EXPECT_DOUBLE_EQ(s.dup_paragraph_char_fraction, 3.0 / 7);
}

TEST(SignalsTest, TopNgrams) {
  // Words a b a b a b (6 characters). 2-grams: "a b" x3 -> 3 * 2 / 6.
  // 3-grams: "a b a" x2 and "b a b" x2, the first wins -> 2 * 3 / 6.
  // 4-grams: "a b a b" x2 -> 2 * 4 / 6 (overlapping occurrences count).
  const RepetitionSignals s = ComputeRepetitionSignals("A b, a B. a b!");
  EXPECT_EQ(s.words, 6u);
  EXPECT_DOUBLE_EQ(s.top_ngram_char_fraction[0], 1.0);
  EXPECT_DOUBLE_EQ(s.top_ngram_char_fraction[1], 1.0);
  EXPECT_DOUBLE_EQ(s.top_ngram_char_fraction[2], 8.0 / 6);
  // Distinct words: no n-gram repeats, so no fraction.
  const RepetitionSignals d = ComputeRepetitionSignals("one two three four");
  EXPECT_DOUBLE_EQ(d.top_ngram_char_fraction[0], 0.0);
  EXPECT_DOUBLE_EQ(d.top_ngram_char_fraction[2], 0.0);
}

TEST(SignalsTest, DuplicateNgramCharacters) {
  // wa..we twice (each word 2 characters, 20 in all): the 5-gram at 5
  // repeats the one at 0 -> 10 of 20 characters; for n >= 6 nothing repeats.
  // (Letters, not digits: normalization maps digits to 0.)
  const RepetitionSignals s =
      ComputeRepetitionSignals("wa wb wc wd we wa wb wc wd we");
  EXPECT_DOUBLE_EQ(s.dup_ngram_char_fraction[0], 0.5);
  EXPECT_DOUBLE_EQ(s.dup_ngram_char_fraction[1], 0.0);
  // Three copies: the scan counts copies 2 and 3 once each, no overlap.
  const RepetitionSignals t = ComputeRepetitionSignals(
      "wa wb wc wd we wa wb wc wd we wa wb wc wd we");
  EXPECT_DOUBLE_EQ(t.dup_ngram_char_fraction[0], 20.0 / 30);
  // n = 10: the 10-gram at word 5 equals the one at 0: 20 of 30.
  EXPECT_DOUBLE_EQ(t.dup_ngram_char_fraction[5], 20.0 / 30);
}

TEST(SignalsTest, EmptyTextIsAllZero) {
  const RepetitionSignals s = ComputeRepetitionSignals("");
  EXPECT_EQ(s.lines, 0u);
  EXPECT_EQ(s.dup_line_fraction, 0.0);
  EXPECT_EQ(s.top_ngram_char_fraction[0], 0.0);
  EXPECT_EQ(ExceededGopherSignal(s), "");
}

TEST(SignalsTest, PublishedThresholds) {
  GopherThresholds t;
  EXPECT_EQ(t.dup_line_fraction, 0.30);
  EXPECT_EQ(t.top_ngram_char_fraction[1], 0.18);
  EXPECT_EQ(t.dup_ngram_char_fraction[5], 0.10);
  RepetitionSignals s;
  s.dup_ngram_char_fraction[2] = 0.131;  // 7-grams over 0.13
  EXPECT_EQ(ExceededGopherSignal(s), "dup_7gram_char_fraction");
  s.dup_line_fraction = 0.31;
  EXPECT_EQ(ExceededGopherSignal(s), "dup_line_fraction");
  // A body captured twice trips the duplicate line rule.
  std::string body;
  for (int i = 0; i < 5; ++i) body += "line number " + std::to_string(i) + " of the story\n";
  EXPECT_EQ(ExceededGopherSignal(ComputeRepetitionSignals(body + body)),
            "dup_line_fraction");
}

}  // namespace
}  // namespace neardup
