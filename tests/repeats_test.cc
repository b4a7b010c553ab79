// Tests for the repeated-text finder on generated documents shaped like
// crawled articles: a body captured twice, a caption printed twice, near
// repeats, repeats inside a line, and the inputs that must stay linear.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/clean.h"
#include "tests/test_util.h"
#include "xxhash.h"

namespace neardup {
namespace {

using test::Rng;

// A sentence of 12-20 distinct-ish words.
std::string Sentence(Rng& rng) {
  std::string s = "Word" + test::Word(rng.Uniform(1000));
  const int words = 12 + static_cast<int>(rng.Uniform(9));
  for (int i = 1; i < words; ++i) s += " " + test::Word(rng.Uniform(50000));
  return s + ".";
}

std::string Paragraph(Rng& rng) {
  return Sentence(rng) + " " + Sentence(rng);
}

std::vector<Cut> Find(std::string_view text, RepeatOptions options = {}) {
  RepeatFinder finder(options);
  std::vector<Cut> cuts;
  finder.Find(text, &cuts);
  return cuts;
}

// A finder keeps its buffers from text to text: a long text, then a short
// one, then a copy of the finder, all find what a fresh finder finds.
TEST(RepeatFinderTest, ReusedAndCopiedFindersFindWhatAFreshOneFinds) {
  Rng rng(3);
  std::vector<std::string> texts;
  for (int t = 0; t < 6; ++t) {
    std::vector<std::string> p;
    for (int i = 0; i < 2 + 20 * (t % 2); ++i) p.push_back(Paragraph(rng));
    std::string text;
    for (const std::string& para : p) text += para + "\n\n";
    text += p[0] + "\n\n" + p[1] + "\n";  // a repeated block
    texts.push_back(text);
  }
  RepeatFinder reused;
  std::vector<Cut> cuts;
  for (const std::string& text : texts) {
    reused.Find(text, &cuts);
    EXPECT_EQ(cuts, Find(text));
    EXPECT_FALSE(cuts.empty());
  }
  RepeatFinder copy = reused;
  EXPECT_EQ(copy.lines().size(), reused.lines().size());
  for (const std::string& text : texts) {
    copy.Find(text, &cuts);
    EXPECT_EQ(cuts, Find(text));
  }
}

TEST(RepeatFinderTest, BodyCapturedTwiceIsOneBlock) {
  Rng rng(1);
  std::vector<std::string> p;
  for (int i = 0; i < 6; ++i) p.push_back(Paragraph(rng));
  std::string original = "A headline about the news\n";
  for (const auto& x : p) original += x + "\n";
  std::string repeated;
  for (int i = 1; i < 6; ++i) repeated += p[i] + "\n";
  const std::string text = original + repeated;
  const std::vector<Cut> cuts = Find(text);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].reason, CutReason::kRepeatedBlock);
  EXPECT_EQ(cuts[0].begin, original.size());
  EXPECT_EQ(cuts[0].end, text.size());
  EXPECT_EQ(cuts[0].source_begin, original.find(p[1]));
  EXPECT_EQ(cuts[0].similarity, 1.0);
  EXPECT_EQ(*ApplyCuts(text, cuts), original);
}

TEST(RepeatFinderTest, NoLineBreakLeftWhenTheTextEndsWithoutOne) {
  Rng rng(12);
  const std::string a = Paragraph(rng), b = Paragraph(rng);
  const std::string text = a + "\n" + b + "\n" + a + "\n" + b;  // no final \n
  const std::vector<Cut> cuts = Find(text);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(*ApplyCuts(text, cuts), a + "\n" + b);
}

TEST(RepeatFinderTest, BlankLinesInsideTheRepeatedBlockGoWithIt) {
  Rng rng(2);
  const std::string a = Paragraph(rng), b = Paragraph(rng), c = Paragraph(rng);
  const std::string first = a + "\r\n\r\n" + b + "\r\n\r\n";
  const std::string text = first + a + "\r\n\r\n" + b + "\r\n\r\n" + c;
  const std::vector<Cut> cuts = Find(text);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].reason, CutReason::kRepeatedBlock);
  EXPECT_EQ(*ApplyCuts(text, cuts), first + c);
}

TEST(RepeatFinderTest, CaptionPrintedTwiceInARow) {
  Rng rng(3);
  const std::string caption = "The minister, left, speaks during a news conference";
  const std::string text = "Accessibility links\n\nTitle of the story\n\n" +
                           caption + "\n" + caption + "\n\n" + Paragraph(rng) +
                           "\n\n" + Paragraph(rng) + "\n";
  const std::vector<Cut> cuts = Find(text);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].reason, CutReason::kRepeatedLine);
  const size_t first = text.find(caption);
  EXPECT_EQ(cuts[0].source_begin, first);
  EXPECT_EQ(cuts[0].begin, first + caption.size() + 1);
  EXPECT_EQ(cuts[0].end, cuts[0].begin + caption.size() + 1);
}

TEST(RepeatFinderTest, ShortLinesRecurringApartAreKept) {
  Rng rng(4);
  // "Reply" recurs between comments; a short line right after itself goes.
  std::string text;
  for (int i = 0; i < 3; ++i) text += Paragraph(rng) + "\nReply\n";
  text += "Share\nShare\n";
  const std::vector<Cut> cuts = Find(text);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].begin, text.size() - 6);
  // A long line recurring apart is cut.
  const std::string long_line = Sentence(rng);
  const std::string t2 = long_line + "\n" + Paragraph(rng) + "\n" + long_line + "\n";
  const std::vector<Cut> c2 = Find(t2);
  ASSERT_EQ(c2.size(), 1u);
  EXPECT_EQ(c2[0].begin, t2.size() - long_line.size() - 1);
}

TEST(RepeatFinderTest, ChangedDatesAndPunctuationStillRepeat) {
  const std::string a =
      "Published on March 3, 2021 at 10:45 by the news desk of the paper";
  const std::string b =
      "Published on March 4, 2022 at 11:05 - by the news desk of the paper!";
  const std::vector<Cut> cuts = Find(a + "\n" + b + "\n");
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].similarity, 1.0);
}

TEST(RepeatFinderTest, NearRepeatWithADroppedWord) {
  Rng rng(5);
  std::vector<std::string> p;
  for (int i = 0; i < 4; ++i) p.push_back(Paragraph(rng));
  std::string changed = p[2];
  changed.erase(changed.find(' ', 30), changed.find(' ', changed.find(' ', 30) + 1) - changed.find(' ', 30));
  std::string text;
  for (const auto& x : p) text += x + "\n";
  const std::string original = text;
  text += p[1] + "\n" + changed + "\n" + p[3] + "\n";
  const std::vector<Cut> cuts = Find(text);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].reason, CutReason::kRepeatedBlock);
  EXPECT_LT(cuts[0].similarity, 1.0);
  EXPECT_GE(cuts[0].similarity, 0.8);
  EXPECT_EQ(*ApplyCuts(text, cuts), original);
  // Exact only: the changed line stays, so the block splits in two lines
  // that stand alone (each long enough to go).
  const std::vector<Cut> exact = Find(text, {.near_similarity = 1.0});
  ASSERT_EQ(exact.size(), 2u);
  EXPECT_EQ(*ApplyCuts(text, exact), original + changed + "\n");
}

// A line of `words` words, each drawn from a large vocabulary.
std::string Line(Rng& rng, int words) {
  std::string s = "Start" + test::Word(rng.Uniform(1000));
  for (int i = 1; i < words; ++i) s += " " + test::Word(rng.Uniform(50000));
  return s + ".";
}

// `line` with its word number `at` replaced by a word no line has.
std::string ChangeWord(const std::string& line, int at) {
  size_t begin = 0;
  for (int i = 0; i < at; ++i) begin = line.find(' ', begin) + 1;
  const size_t end = line.find(' ', begin);
  return line.substr(0, begin) + "zqxedited" + line.substr(end);
}

TEST(RepeatFinderTest, BodyCapturedFromAnotherVersionIsOneBlock) {
  Rng rng(30);
  std::vector<std::string> p;
  for (int i = 0; i < 8; ++i) p.push_back(Line(rng, 25));
  const std::string caption = "Photo: the harbour at dawn (Lena Marsh)";
  std::string original = "Headline of the story\n\n";
  for (int i = 0; i < 8; ++i) {
    original += p[i] + "\n\n";
    if (i == 3) original += caption + "\n\n";
  }
  // The second capture: one word changed in every line (each line alone is
  // below near_similarity: 20 of 26 distinct 3-grams shared, 0.77), a line
  // inserted, line 5 dropped, the caption missing.
  std::string copy;
  for (int i = 0; i < 8; ++i) {
    if (i == 5) continue;
    copy += ChangeWord(p[i], 12) + "\n\n";
    if (i == 2) copy += Line(rng, 20) + "\n\n";
  }
  const std::string text = original + copy + "The end of the page\n";
  const std::vector<Cut> cuts = Find(text);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].reason, CutReason::kRepeatedBlock);
  EXPECT_EQ(cuts[0].begin, original.size());
  EXPECT_EQ(cuts[0].end, original.size() + copy.size());
  EXPECT_EQ(cuts[0].source_begin, original.find(p[0]));
  EXPECT_GE(cuts[0].similarity, 0.5);
  EXPECT_LT(cuts[0].similarity, 0.8);
  EXPECT_EQ(*ApplyCuts(text, cuts), original + "The end of the page\n");
  // No line alone is a near repeat: without aligned runs nothing goes.
  EXPECT_TRUE(Find(text, {.block_similarity = 1.0}).empty());
  EXPECT_TRUE(Find(text, {.near_similarity = 1.0}).empty());
}

TEST(RepeatFinderTest, EditedCopyAlignsFromItsFirstLine) {
  Rng rng(31);
  std::vector<std::string> p;
  for (int i = 0; i < 4; ++i) p.push_back(Line(rng, 25));
  std::string original;
  for (const auto& x : p) original += x + "\n";
  // Two words changed in the first line of the copy (3-gram Jaccard 0.57,
  // maybe not found by the sketch), the rest exact.
  const std::string copy = ChangeWord(ChangeWord(p[0], 5), 18) + "\n" + p[1] +
                           "\n" + p[2] + "\n" + p[3] + "\n";
  const std::string text = original + copy;
  const std::vector<Cut> cuts = Find(text);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].begin, original.size());
  EXPECT_EQ(cuts[0].source_begin, 0u);
  EXPECT_EQ(*ApplyCuts(text, cuts), original);
}

TEST(RepeatFinderTest, SimilarLinesThatDoNotFormARunStay) {
  Rng rng(32);
  // One line somewhat like an earlier one (two words changed, Jaccard about
  // 0.6), alone among unrelated lines: a reworded sentence, not a capture.
  const std::string a = Line(rng, 25);
  std::string text = a + "\n" + Line(rng, 25) + "\n" + Line(rng, 25) + "\n" +
                     ChangeWord(ChangeWord(a, 6), 16) + "\n" +
                     Line(rng, 25) + "\n";
  EXPECT_TRUE(Find(text).empty());
  // Two runs of lines, the second with every fourth word changed (3-gram
  // Jaccard about 0.15): related text, not a copy.
  std::vector<std::string> base;
  for (int i = 0; i < 6; ++i) base.push_back(Line(rng, 24));
  std::string second;
  for (const std::string& line : base) {
    std::string mixed = line;
    for (int w = 2; w < 24; w += 4) mixed = ChangeWord(mixed, w);
    second += mixed + "\n";
  }
  std::string first;
  for (const std::string& line : base) first += line + "\n";
  EXPECT_TRUE(Find(first + second).empty());
}

TEST(RepeatFinderTest, RepeatsInsideOneLine) {
  const std::string caption = "Photo: the mayor opens the new bridge on Sunday";
  const std::string doubled = caption + " " + caption;
  const std::string text = "Intro line of the article text here\n" + doubled + "\n";
  const std::vector<Cut> cuts = Find(text);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(*ApplyCuts(text, cuts), "Intro line of the article text here\n" + caption + "\n");
  // A sentence repeated right after itself.
  const std::string s = "The vote passed late on Tuesday.";
  const std::string t2 = s + " " + s + " Then the council adjourned.";
  const std::vector<Cut> c2 = Find(t2);
  ASSERT_EQ(c2.size(), 1u);
  EXPECT_EQ(*ApplyCuts(t2, c2), s + " Then the council adjourned.");
  EXPECT_TRUE(Find(t2, {.repeats_inside_lines = false}).empty());
}

// Sentences that differ in their bytes but not once normalized (case,
// punctuation, digits, spacing, full-width and accented letters) repeat;
// sentences that differ in one word, one letter or a trailing word do not.
// The finder only normalizes neighbours whose ASCII words may match, so
// each way of differing is checked on both sides of that shortcut.
TEST(RepeatFinderTest, RepeatedSentenceAsNormalized) {
  const std::string lead = "Intro line of the article text here\n";
  const std::string tail = " Then the council adjourned.";
  const std::pair<std::string, std::string> repeats[] = {
      {"The vote passed late on Tuesday.", "THE VOTE passed, late on tuesday!"},
      {"Room 12 opens at 9 today.", "Room 47 opens at 3 today."},
      {"It   rained\ton the   pier.", "It rained on the pier."},
      {"\xEF\xBC\xA1nna met the press.", "Anna met the press."},  // full-width A
      {"Caf\xC3\xA9 owners met again.", "CAF\xC3\x89 owners met again."},
      {"The Caf\xC3\xA9 owners met again.", "The cafe\xCC\x81 owners met again."},
  };
  for (const auto& [first, second] : repeats) {
    const std::string text = lead + first + " " + second + tail + "\n";
    const std::vector<Cut> cuts = Find(text);
    ASSERT_EQ(cuts.size(), 1u) << first << " | " << second;
    EXPECT_EQ(*ApplyCuts(text, cuts), lead + first + tail + "\n");
  }
  const std::pair<std::string, std::string> different[] = {
      {"The vote passed late on Tuesday.", "The vote passed late on Monday."},
      {"The vote passed late on Tuesday.", "The vote passed late on Tuesdays."},
      {"The vote passed late.", "The vote passed late today."},
      {"The vote passed.", "The votes passed."},
      {"Caf\xC3\xA9 owners met again.", "Cafe owners met again."},
      {"Anna met the press.", "Anna met the press \xE2\x80\x94 twice."},
  };
  for (const auto& [first, second] : different) {
    const std::string text = lead + first + " " + second + tail + "\n";
    EXPECT_TRUE(Find(text).empty()) << first << " | " << second;
  }
}

TEST(RepeatFinderTest, NothingCutFromAnOrdinaryArticle) {
  Rng rng(6);
  std::string text = "Headline\n\n";
  for (int i = 0; i < 30; ++i) text += Paragraph(rng) + "\n\n";
  EXPECT_TRUE(Find(text).empty());
  EXPECT_TRUE(Find("").empty());
  EXPECT_TRUE(Find("\n\n\n").empty());
}

TEST(RepeatFinderTest, LinearShapes) {
  Rng rng(7);
  // One paragraph repeated ten thousand times: one block, the first stays.
  const std::string p = Paragraph(rng);
  std::string text;
  for (int i = 0; i < 10000; ++i) text += p + "\n\n";
  const std::vector<Cut> cuts = Find(text);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(*ApplyCuts(text, cuts), p + "\n\n");
  // One enormous line without a newline, and text with no newline at all.
  std::string huge;
  while (huge.size() < (20u << 20)) huge += Sentence(rng) + " ";
  EXPECT_TRUE(Find(huge).empty());
  std::string doubled_huge;
  for (int i = 0; i < 2000; ++i) doubled_huge += test::Word(i) + " ";
  doubled_huge += doubled_huge;
  EXPECT_EQ(Find(doubled_huge).size(), 1u);
  // Ten thousand lines, each the one before with one word changed: every
  // line is a candidate of lines before it and runs keep starting and
  // failing; each line is still compared a bounded number of times.
  std::string chain;
  std::string line = Line(rng, 25);
  for (int i = 0; i < 10000; ++i) {
    line = ChangeWord(line, 1 + i % 23);
    chain += line + "\n";
  }
  const std::vector<Cut> drift = Find(chain);
  EXPECT_OK(ValidateCuts(chain.size(), drift));
  EXPECT_FALSE(ApplyCuts(chain, drift)->empty());
  // An edited copy of a ten-thousand-line body: one block.
  std::string body, edited;
  for (int i = 0; i < 10000; ++i) {
    const std::string l = Line(rng, 25);
    body += l + "\n";
    edited += ChangeWord(l, 10) + "\n";
  }
  const std::vector<Cut> both = Find(body + edited);
  ASSERT_EQ(both.size(), 1u);
  EXPECT_EQ(both[0].begin, body.size());
}

// The word hashes kept for the counting pass are XXH3 of the words
// (SplitWords) of each normalized line, whether the line is plain ASCII
// words and spaces (split at its spaces) or not (classified byte by byte),
// at every length around the 16-byte steps of the plain-line check.
TEST(RepeatFinderTest, KeptWordHashesAreThoseOfTheNormalizedWords) {
  Rng rng(17);
  std::string text;
  for (int len = 1; len <= 70; ++len) {
    std::string line;
    while (line.size() < static_cast<size_t>(len)) {
      if (!line.empty()) line += ' ';
      line += test::Word(rng.Uniform(3000));
    }
    text += line.substr(0, len) + "\n";
  }
  text += "Hello, World!  It's 2026... \t(really)\n";
  text += "caf\xc3\xa9 \xc3\xbc" "ber na\xc3\xafve words here and there\n";
  text += "\xe6\x9d\xb1\xe4\xba\xac news 24 hours \xe2\x80\x94 every day\n";
  text += "UPPER lower MiXeD 123 4.5 a-b c_d e/f\n";
  text += "\xef\xac\x81nance \xef\xbc\xa1\xef\xbc\xa2 full width\n";
  for (int i = 0; i < 3; ++i) {
    std::string line;
    for (int w = 0; w < 40; ++w) line += test::Word(rng.Uniform(50000)) + " ";
    text += line + "\n";
  }
  RepeatFinder finder(RepeatOptions{});
  std::vector<Cut> cuts;
  finder.FindKeepingWordHashes(text, &cuts);
  Normalizer normalizer;
  std::string normalized;
  ASSERT_GT(finder.lines().size(), 70u);
  for (size_t l = 0; l < finder.lines().size(); ++l) {
    const KeyedLine& line = finder.lines()[l];
    normalizer.Normalize(
        std::string_view(text).substr(line.begin, line.cut_end - line.begin),
        &normalized);
    std::vector<uint64_t> want;
    for (const TextSpan& w : SplitWords(normalized)) {
      want.push_back(XXH3_64bits(normalized.data() + w.begin, w.end - w.begin));
    }
    const absl::Span<const uint64_t> got = finder.word_hashes(l);
    EXPECT_EQ(std::vector<uint64_t>(got.begin(), got.end()), want) << l;
    EXPECT_EQ(line.words, static_cast<size_t>(std::count(
                              normalized.begin(), normalized.end(), ' ')) +
                              1)
        << l;
  }
}

TEST(RepeatFinderTest, CreateRefusesANearSimilarityOutsideZeroToOne) {
  for (double bad : {1.5, -0.1, std::nan("")}) {
    RepeatOptions options;
    options.near_similarity = bad;
    const auto finder = RepeatFinder::Create(options);
    EXPECT_EQ(finder.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_NE(finder.status().message().find("near_similarity"),
              std::string::npos);
    const auto block = RepeatFinder::Create({.block_similarity = bad});
    EXPECT_EQ(block.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(block.status().message().find("block_similarity"),
              std::string::npos);
  }
  EXPECT_OK(RepeatFinder::Create({}));
}

}  // namespace
}  // namespace neardup
