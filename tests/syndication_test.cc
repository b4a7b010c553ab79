// Tests for the syndicated-paragraph filter: a paragraph seen in an earlier
// document is cut from later ones, the first occurrence stays, repeats
// inside one document do not count, short lines are never cut.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/clean.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using test::Rng;

std::string Paragraph(Rng& rng, int words) {
  std::string p;
  for (int i = 0; i < words; ++i) p += test::Word(rng.Uniform(1 << 20)) + " ";
  return p + "\n";
}

TEST(SyndicationTest, LaterCopiesOfAParagraphAreCut) {
  Rng rng(1);
  const std::string wire = Paragraph(rng, 40);  // a wire story paragraph
  const std::string own1 = Paragraph(rng, 40), own2 = Paragraph(rng, 40);
  SyndicationFilter filter({.bloom_bytes = 1 << 16});
  std::vector<Cut> cuts;
  filter.FindAndAdd(own1 + wire, &cuts);
  EXPECT_TRUE(cuts.empty());  // first occurrence
  const std::string second = own2 + wire;
  filter.FindAndAdd(second, &cuts);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].reason, CutReason::kSyndicated);
  EXPECT_EQ(cuts[0].begin, own2.size());
  EXPECT_EQ(cuts[0].end, second.size());
  EXPECT_EQ(cuts[0].source_begin, Cut::kNoSource);
  EXPECT_EQ(*ApplyCuts(second, cuts), own2);
}

TEST(SyndicationTest, MostlySeenCountsAndFewSeenDoesNot) {
  Rng rng(2);
  const std::string p = Paragraph(rng, 50);
  SyndicationFilter filter({.threshold = 0.8, .bloom_bytes = 1 << 16});
  std::vector<Cut> cuts;
  filter.FindAndAdd(p, &cuts);
  // The same paragraph with its last 5 of 50 words changed: 41 of 46
  // 5-grams seen (89%).
  std::string changed = p.substr(0, p.size() - 1);
  for (int i = 0; i < 5; ++i) changed.erase(changed.rfind(' ', changed.size() - 2) + 1);
  changed += Paragraph(rng, 5);
  filter.FindAndAdd(changed, &cuts);
  EXPECT_EQ(cuts.size(), 1u);
  // Half changed: kept.
  cuts.clear();
  std::string half = p.substr(0, p.size() / 2) + " " + Paragraph(rng, 25);
  filter.FindAndAdd(half, &cuts);
  EXPECT_TRUE(cuts.empty());
}

TEST(SyndicationTest, RepeatsInsideADocumentAndShortLinesAreNotSyndicated) {
  Rng rng(3);
  const std::string p = Paragraph(rng, 40);
  const std::string short_line = "Read more about this story on our site today\n";
  SyndicationFilter filter({.bloom_bytes = 1 << 16});
  std::vector<Cut> cuts;
  filter.FindAndAdd(p + p + short_line, &cuts);
  EXPECT_TRUE(cuts.empty());
  filter.FindAndAdd(Paragraph(rng, 30) + short_line, &cuts);
  EXPECT_TRUE(cuts.empty());  // 9 words < min_words
}

TEST(SyndicationTest, OrderDecidesWhichCopyStays) {
  Rng rng(4);
  const std::string a = Paragraph(rng, 30) + Paragraph(rng, 30);
  const std::string b = Paragraph(rng, 30) + a.substr(a.find('\n') + 1);
  std::vector<Cut> ab, ba;
  SyndicationFilter f1({.bloom_bytes = 1 << 16}), f2({.bloom_bytes = 1 << 16});
  f1.FindAndAdd(a, &ab);
  f1.FindAndAdd(b, &ab);
  f2.FindAndAdd(b, &ba);
  f2.FindAndAdd(a, &ba);
  ASSERT_EQ(ab.size(), 1u);
  ASSERT_EQ(ba.size(), 1u);
  EXPECT_EQ(ab[0].begin, b.find('\n') + 1);  // cut from b, the later one
  EXPECT_EQ(ba[0].begin, a.find('\n') + 1);  // cut from a, the later one
}

}  // namespace
}  // namespace neardup
