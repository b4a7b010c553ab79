// Tests for segmentation: SplitLines, IsBlankLine, SplitParagraphs,
// SplitSentences, SplitWords and IsCharTokenScript.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/text.h"
#include "tests/test_util.h"
#include "text/utf8_internal.h"

namespace neardup {
namespace {

using ::neardup::test::Escape;
using ::neardup::test::Rng;
using namespace std::string_literals;

std::string Show(std::string_view text, const std::vector<TextSpan>& spans) {
  std::string out = "[";
  for (const TextSpan& s : spans) {
    out += '{';
    out += std::to_string(s.begin);
    out += ',';
    out += std::to_string(s.end);
    out += " \"";
    out += s.begin <= s.end && s.end <= text.size() ? Escape(s.In(text))
                                                    : "<out of range>";
    out += "\"} ";
  }
  out += ']';
  return out;
}

// Expects `spans` to be exactly `pieces`, each located in `text` by searching
// forward from the end of the previous one, so that offsets are checked
// exactly, not just the substrings.
void ExpectPieces(std::string_view text, const std::vector<TextSpan>& spans,
                  const std::vector<std::string>& pieces) {
  SCOPED_TRACE("text: \"" + Escape(text) + "\" got " + Show(text, spans));
  ASSERT_EQ(spans.size(), pieces.size());
  size_t from = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const size_t begin = text.find(pieces[i], from);
    ASSERT_NE(begin, std::string_view::npos) << "bad expectation " << i;
    const TextSpan want{begin, begin + pieces[i].size()};
    EXPECT_EQ(spans[i], want)
        << "piece " << i << " \"" << Escape(pieces[i]) << "\"";
    if (spans[i].end <= text.size() && spans[i].begin <= spans[i].end) {
      EXPECT_EQ(Escape(spans[i].In(text)), Escape(pieces[i]));
    }
    from = want.end;
  }
}

void ExpectSpans(std::string_view text, const std::vector<TextSpan>& got,
                 const std::vector<TextSpan>& want) {
  EXPECT_EQ(got, want) << "text: \"" << Escape(text) << "\" got "
                       << Show(text, got) << " want " << Show(text, want);
}

// Spans are inside the text, in order and not overlapping.
void ExpectOrderedInside(std::string_view text,
                         const std::vector<TextSpan>& spans, bool allow_empty) {
  size_t last_end = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    const TextSpan& s = spans[i];
    ASSERT_LE(s.begin, s.end) << i;
    ASSERT_LE(s.end, text.size()) << i;
    ASSERT_LE(last_end, s.begin) << i;
    if (!allow_empty) {
      ASSERT_LT(s.begin, s.end) << i;
    }
    last_end = s.end;
  }
}

// ---------------------------------------------------------------------------
// SplitLines

struct LinesCase {
  std::string text;
  std::vector<TextSpan> lines;
};

TEST(SplitLinesTest, Terminators) {
  // clang-format off
  const std::vector<LinesCase> cases = {
      // Empty text has no lines.
      {"", {}},
      // No terminator at all: one line.
      {"abc", {{0, 3}}},
      // A trailing "\n" ends the last line; no empty line after it.
      {"abc\n", {{0, 3}}},
      // No trailing newline: the last line still counts.
      {"ab\ncd", {{0, 2}, {3, 5}}},
      // CRLF is one terminator.
      {"ab\r\ncd\r\n", {{0, 2}, {4, 6}}},
      // A lone CR is a terminator.
      {"ab\rcd", {{0, 2}, {3, 5}}},
      // CR then CRLF: an empty line between.
      {"a\r\r\nb", {{0, 1}, {2, 2}, {4, 5}}},
      // LF then CR is two terminators, not a reversed CRLF.
      {"a\n\rb", {{0, 1}, {2, 2}, {3, 4}}},
      // Only newlines: one empty line per terminator.
      {"\n", {{0, 0}}},
      {"\n\n\n", {{0, 0}, {1, 1}, {2, 2}}},
      {"\r\n", {{0, 0}}},
      {"\r\n\r\n", {{0, 0}, {2, 2}}},
      // NEL U+0085 (C2 85) is a terminator.
      {"ab\xC2\x85" "cd", {{0, 2}, {4, 6}}},
      // LINE SEPARATOR U+2028 (E2 80 A8).
      {"ab\xE2\x80\xA8" "cd", {{0, 2}, {5, 7}}},
      // PARAGRAPH SEPARATOR U+2029 (E2 80 A9), at the end.
      {"ab\xE2\x80\xA9", {{0, 2}}},
      // Vertical tab and form feed are not line terminators.
      {"a\vb\fc", {{0, 5}}},
      // Other characters that share bytes with the terminators are not
      // terminators: U+2027 (E2 80 A7), U+00C5 (C3 85).
      {"a\xE2\x80\xA7" "b\xC3\x85" "c", {{0, 8}}},
      // A stray C2 byte before LF: the LF still ends the line.
      {"a\xC2\nb", {{0, 2}, {3, 4}}},
      // A truncated E2 80 before ASCII is not U+2028.
      {"a\xE2\x80z\nb", {{0, 4}, {5, 6}}},
      // NUL bytes are ordinary line content.
      {"a\0b\nc\0"s, {{0, 3}, {4, 6}}},
      // Blank lines and whitespace-only lines are still lines.
      {"a\n \n\nb", {{0, 1}, {2, 3}, {4, 4}, {5, 6}}},
  };
  // clang-format on
  for (const LinesCase& c : cases) {
    ExpectSpans(c.text, SplitLines(c.text), c.lines);
  }
}

TEST(SplitLinesTest, SpansSliceTheInput) {
  const std::string text = "first\r\nsecond\xE2\x80\xA8third\rfourth";
  const std::vector<TextSpan> lines = SplitLines(text);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].In(text), "first");
  EXPECT_EQ(lines[1].In(text), "second");
  EXPECT_EQ(lines[2].In(text), "third");
  EXPECT_EQ(lines[3].In(text), "fourth");
}

// A straightforward reference for SplitLines over ASCII and the multibyte
// terminators.
std::vector<TextSpan> RefLines(std::string_view t) {
  std::vector<TextSpan> out;
  size_t start = 0, i = 0;
  while (i < t.size()) {
    size_t term = 0;
    if (t[i] == '\n') {
      term = 1;
    } else if (t[i] == '\r') {
      term = (i + 1 < t.size() && t[i + 1] == '\n') ? 2 : 1;
    } else if (t.substr(i, 2) == "\xC2\x85") {
      term = 2;
    } else if (t.substr(i, 3) == "\xE2\x80\xA8" ||
               t.substr(i, 3) == "\xE2\x80\xA9") {
      term = 3;
    }
    if (term > 0) {
      out.push_back({start, i});
      i += term;
      start = i;
    } else {
      ++i;
    }
  }
  if (start < t.size()) out.push_back({start, t.size()});
  return out;
}

TEST(SplitLinesTest, RandomTextMatchesReference) {
  const std::vector<std::string> parts = {
      "a",           "word",         " ",        "\t",           "\n",
      "\r",          "\r\n",         "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9",
      "\xC3\xA9",    "\xE2\x80\xA7", "\xC2",     "\xE2\x80",     "\0"s,
      "\xE4\xB8\xAD"};
  Rng rng(101);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text;
    const int n = static_cast<int>(rng.Uniform(30));
    for (int k = 0; k < n; ++k) text += parts[rng.Uniform(parts.size())];
    ASSERT_EQ(SplitLines(text), RefLines(text)) << Escape(text);
  }
}

// ---------------------------------------------------------------------------
// IsBlankLine

TEST(SplitParagraphsTest, IsBlankLineUsesUnicodeWhitespace) {
  // Nothing at all is blank.
  EXPECT_TRUE(IsBlankLine(""));
  EXPECT_TRUE(IsBlankLine(" "));
  EXPECT_TRUE(IsBlankLine(" \t \t"));
  // Vertical tab and form feed are White_Space.
  EXPECT_TRUE(IsBlankLine("\v\f"));
  // NBSP U+00A0.
  EXPECT_TRUE(IsBlankLine("\xC2\xA0"));
  EXPECT_TRUE(IsBlankLine("\t\xC2\xA0 \xC2\xA0\t"));
  // EM SPACE U+2003, THIN SPACE U+2009, NARROW NBSP U+202F.
  EXPECT_TRUE(IsBlankLine("\xE2\x80\x83\xE2\x80\x89\xE2\x80\xAF"));
  // IDEOGRAPHIC SPACE U+3000.
  EXPECT_TRUE(IsBlankLine("\xE3\x80\x80"));
  // OGHAM SPACE MARK U+1680 is White_Space.
  EXPECT_TRUE(IsBlankLine("\xE1\x9A\x80"));

  EXPECT_FALSE(IsBlankLine("a"));
  EXPECT_FALSE(IsBlankLine("  x  "));
  EXPECT_FALSE(IsBlankLine(" ."));
  EXPECT_FALSE(IsBlankLine("\xC2\xA0\xC3\xA9"));
  // ZERO WIDTH SPACE U+200B is a format character, not White_Space.
  EXPECT_FALSE(IsBlankLine("\xE2\x80\x8B"));
  // Ill-formed bytes are not whitespace.
  EXPECT_FALSE(IsBlankLine(" \xC2"));
  EXPECT_FALSE(IsBlankLine("\xA0"));
  // A character whose bytes start like NBSP but is not: U+00A1.
  EXPECT_FALSE(IsBlankLine("\xC2\xA1"));
}

// ---------------------------------------------------------------------------
// SplitParagraphs

struct ParagraphCase {
  std::string text;
  std::vector<TextSpan> paragraphs;
};

TEST(SplitParagraphsTest, ExactSpans) {
  // clang-format off
  const std::vector<ParagraphCase> cases = {
      // Empty text: no paragraphs.
      {"", {}},
      // Only blank lines: no paragraphs.
      {"\n \n\t\n\n", {}},
      // One line.
      {"abc", {{0, 3}}},
      // Two lines with no blank line between: one paragraph, inner break
      // included, trailing terminator excluded.
      {"ab\ncd\n", {{0, 5}}},
      // One blank line separates.
      {"ab\n\ncd", {{0, 2}, {4, 6}}},
      // Several blank lines, some with spaces and tabs, separate once.
      //   0123 4 5 67 8 9 ...
      {"ab\n\n \n\t\t\n\ncd", {{0, 2}, {10, 12}}},
      // Leading and trailing blank lines are not part of any paragraph; a
      // paragraph starts at the start of its first line (leading spaces
      // included) and ends at the end of its last line.
      // "\n\n  x\ny\n\n\n" : "  x" begins at 2, "y" ends at 7.
      {"\n\n  x\ny\n\n\n", {{2, 7}}},
      // CRLF line ends; the inner CRLF is inside the paragraph.
      // "a\r\nb\r\n\r\nc\r\n": "a\r\nb" = [0,4), "c" = [8,9).
      {"a\r\nb\r\n\r\nc\r\n", {{0, 4}, {8, 9}}},
      // A line holding only NBSP is blank.
      // "p\n\xC2\xA0\nq": p=[0,1), NBSP line [2,4), q=[5,6).
      {"p\n\xC2\xA0\nq", {{0, 1}, {5, 6}}},
      // A line holding only an ideographic space is blank.
      {"p\n\xE3\x80\x80\nq", {{0, 1}, {6, 7}}},
      // U+2029 PARAGRAPH SEPARATOR ends a line; one alone does not make a
      // blank line: "a" U+2029 "b" is one paragraph of two lines.
      {"a\xE2\x80\xA9" "b", {{0, 5}}},
      // Two U+2028 in a row make an empty (blank) line between.
      {"a\xE2\x80\xA8\xE2\x80\xA8" "b", {{0, 1}, {7, 8}}},
      // Trailing spaces on the last line of a paragraph stay in the span.
      {"x  \n\ny", {{0, 3}, {5, 6}}},
      // Three paragraphs.
      {"one\ntwo\n\nthree\n\n\nfour\nfive", {{0, 7}, {9, 14}, {17, 26}}},
  };
  // clang-format on
  for (const ParagraphCase& c : cases) {
    ExpectSpans(c.text, SplitParagraphs(c.text), c.paragraphs);
  }
}

TEST(SplitParagraphsTest, SpansSliceTheInput) {
  const std::string text = "\n\nTitle line\n\nBody one.\nBody two.\n \n\nEnd";
  const std::vector<TextSpan> p = SplitParagraphs(text);
  ASSERT_EQ(p.size(), 3u) << Show(text, p);
  EXPECT_EQ(p[0].In(text), "Title line");
  EXPECT_EQ(p[1].In(text), "Body one.\nBody two.");
  EXPECT_EQ(p[2].In(text), "End");
}

TEST(SplitParagraphsTest, RandomTextMatchesReference) {
  // Line contents (no terminators) and terminators; the reference builds the
  // expected paragraphs from the line structure it generated.
  const std::vector<std::string> blank = {
      "", " ", "\t", "\xC2\xA0", "\xE3\x80\x80 ", "\xE2\x80\x83"};
  const std::vector<std::string> full = {"a",
                                         "two words",
                                         " lead",
                                         "trail ",
                                         "\xC3\xA9t\xC3\xA9",
                                         "\xE2\x80\x8B",
                                         "\xE4\xB8\xAD\xE6\x96\x87",
                                         "."};
  const std::vector<std::string> terms = {
      "\n", "\r\n", "\r", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"};
  Rng rng(202);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text;
    std::vector<TextSpan> want;
    bool open = false;
    const int nlines = static_cast<int>(rng.Uniform(12));
    for (int k = 0; k < nlines; ++k) {
      const bool is_blank = rng.Uniform(3) == 0;
      const std::string& content = is_blank ? blank[rng.Uniform(blank.size())]
                                            : full[rng.Uniform(full.size())];
      const size_t begin = text.size();
      text += content;
      if (is_blank) {
        open = false;
      } else if (open) {
        want.back().end = text.size();
      } else {
        want.push_back({begin, text.size()});
        open = true;
      }
      // The last line may or may not have a terminator, except that an
      // empty last line needs one to exist at all.
      if (k + 1 < nlines || rng.Uniform(2) == 0 || content.empty()) {
        text += terms[rng.Uniform(terms.size())];
      }
    }
    // A "\r" terminator, an empty line and a "\n" terminator read back as
    // one CRLF: skip texts whose line structure is not the generated one.
    if (RefLines(text).size() != static_cast<size_t>(nlines)) continue;
    ASSERT_EQ(SplitParagraphs(text), want) << Escape(text);
  }
}

// ---------------------------------------------------------------------------
// SplitSentences

struct SentenceCase {
  std::string text;
  std::vector<std::string> sentences;
};

TEST(SplitSentencesTest, Rules) {
  // clang-format off
  const std::vector<SentenceCase> cases = {
      // Empty and whitespace-only text: no sentences.
      {"", {}},
      {"  \n\t ", {}},
      // No final stop: the whole text is one sentence.
      {"no stop at the end", {"no stop at the end"}},
      // The three ASCII stops followed by a space.
      {"Hello world. How are you? Fine!",
       {"Hello world.", "How are you?", "Fine!"}},
      // Leading and trailing whitespace is not part of a span.
      {"   Padded.   ", {"Padded."}},
      {"\n\n  Hello.  \n", {"Hello."}},
      // Several spaces between sentences.
      {"A.    B.", {"A.", "B."}},
      // A decimal number is not split: the '.' is followed by a digit.
      {"Pi is 3.14 today. Yes.", {"Pi is 3.14 today.", "Yes."}},
      {"It costs 3.5 dollars", {"It costs 3.5 dollars"}},
      // Dotted names and versions stay whole.
      {"See v1.2.3 and example.com now.", {"See v1.2.3 and example.com now."}},
      // An ellipsis of three dots ends a sentence after the last dot only.
      {"Wait... what?", {"Wait...", "what?"}},
      // The ellipsis character U+2026.
      {"Well\xE2\x80\xA6 fine.", {"Well\xE2\x80\xA6", "fine."}},
      // Consecutive stops stay together.
      {"What?! Really.", {"What?!", "Really."}},
      // A closing curly quote after the stop belongs to the sentence.
      {"He said \xE2\x80\x9CStop.\xE2\x80\x9D Then he left.",
       {"He said \xE2\x80\x9CStop.\xE2\x80\x9D", "Then he left."}},
      // A closing bracket after the stop belongs to the sentence.
      {"(Really?) Yes.", {"(Really?)", "Yes."}},
      // Quote and bracket together.
      {"She wrote (\xE2\x80\x98no.\xE2\x80\x99) Then.",
       {"She wrote (\xE2\x80\x98no.\xE2\x80\x99)", "Then."}},
      // A stop followed by a closing quote at the very end.
      {"He said \xE2\x80\x9CStop.\xE2\x80\x9D",
       {"He said \xE2\x80\x9CStop.\xE2\x80\x9D"}},
      // A stop followed by a letter does not end a sentence.
      {"e.g.this stays", {"e.g.this stays"}},
      // A line break inside a paragraph does not end a sentence, but a stop
      // followed by a line break does.
      {"This is\na sentence. Next one\ncontinues.",
       {"This is\na sentence.", "Next one\ncontinues."}},
      {"Hi!\nThere", {"Hi!", "There"}},
      {"One.\r\nTwo.", {"One.", "Two."}},
      // A blank line ends a sentence even without a stop.
      {"Title\n\nBody text here.", {"Title", "Body text here."}},
      {"First line\nsecond line\n\nNew paragraph",
       {"First line\nsecond line", "New paragraph"}},
      {"One\r\n\r\nTwo", {"One", "Two"}},
      {"One\n \t\nTwo", {"One", "Two"}},
      // "Dr." ends a sentence: the splitter is rule-based.
      {"Dr. Smith arrived.", {"Dr.", "Smith arrived."}},
      // Ideographic full stop U+3002 ends a sentence with no space after it.
      {"\xE8\xBF\x99\xE6\x98\xAF\xE7\xAC\xAC\xE4\xB8\x80\xE5\x8F\xA5\xE3\x80"
       "\x82\xE8\xBF\x99\xE6\x98\xAF\xE7\xAC\xAC\xE4\xBA\x8C\xE5\x8F\xA5\xE3"
       "\x80\x82",
       {"\xE8\xBF\x99\xE6\x98\xAF\xE7\xAC\xAC\xE4\xB8\x80\xE5\x8F\xA5\xE3\x80"
        "\x82",
        "\xE8\xBF\x99\xE6\x98\xAF\xE7\xAC\xAC\xE4\xBA\x8C\xE5\x8F\xA5\xE3\x80"
        "\x82"}},
      // U+3002 followed by a CJK closing quote U+201D: the quote belongs to
      // the first sentence. (“好。”他说。)
      {"\xE2\x80\x9C\xE5\xA5\xBD\xE3\x80\x82\xE2\x80\x9D\xE4\xBB\x96\xE8\xAF"
       "\xB4\xE3\x80\x82",
       {"\xE2\x80\x9C\xE5\xA5\xBD\xE3\x80\x82\xE2\x80\x9D",
        "\xE4\xBB\x96\xE8\xAF\xB4\xE3\x80\x82"}},
      // Full-width ！ and ？ followed by a space, and trailing text without
      // a stop.
      {"\xE5\xA5\xBD\xEF\xBC\x81 \xE7\x9C\x9F\xE7\x9A\x84\xEF\xBC\x9F "
       "\xE6\x98\xAF",
       {"\xE5\xA5\xBD\xEF\xBC\x81", "\xE7\x9C\x9F\xE7\x9A\x84\xEF\xBC\x9F",
        "\xE6\x98\xAF"}},
      // Ideographic stop followed by a space: the space is not in a span.
      {"\xE7\xAC\xAC\xE4\xB8\x80\xE3\x80\x82 \xE7\xAC\xAC\xE4\xBA\x8C",
       {"\xE7\xAC\xAC\xE4\xB8\x80\xE3\x80\x82",
        "\xE7\xAC\xAC\xE4\xBA\x8C"}},
      // NBSP after a stop is whitespace.
      {"One.\xC2\xA0Two.", {"One.", "Two."}},
      // A sentence may contain NUL bytes.
      {"a\0b. c"s, {"a\0b."s, "c"}},
      // Invalid UTF-8 inside a sentence does not end it.
      {"bad \xFF byte. next", {"bad \xFF byte.", "next"}},
  };
  // clang-format on
  for (const SentenceCase& c : cases) {
    ExpectPieces(c.text, SplitSentences(c.text), c.sentences);
  }
}

// ASCII double and single quotes are the closing quotes of plain-text
// English.
TEST(SplitSentencesTest, AsciiClosingQuotes) {
  const std::string text = "She said \"no.\" Then 'yes!' Done.";
  ExpectPieces(text, SplitSentences(text),
               {"She said \"no.\"", "Then 'yes!'", "Done."});
}

// One line of random pieces (ASCII runs longer and shorter than 16 bytes,
// ASCII and Unicode spaces, terminators, closers, non-ASCII letters)
// against a reference that walks code points as the rules say: the ASCII
// shortcut of the splitter must not change a span.
TEST(SplitSentencesTest, RandomLineMatchesReference) {
  struct Piece {
    std::string bytes;
    int32_t cp;  // of each of its bytes when ASCII, else its one code point
  };
  const std::vector<Piece> pieces = {
      {"a", 'a'},          {"word", 'w'},       {"a-long-run-of-words", 'x'},
      {" ", ' '},          {"\t", '\t'},        {"\x0B", 0x0B},
      {".", '.'},          {"!", '!'},          {"?", '?'},
      {"\"", '"'},         {")", ')'},          {"'", '\''},
      {"\xC2\xA0", 0xA0},  {"\xE3\x80\x80", 0x3000},
      {"\xE2\x80\xA6", 0x2026},                {"\xE3\x80\x82", 0x3002},
      {"\xE2\x80\x9D", 0x201D},                {"\xC3\xA9", 0xE9}};
  auto space = [](int32_t cp) {
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 || cp == 0x3000;
  };
  auto terminator = [](int32_t cp) {
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 || cp == 0x3002;
  };
  auto closer = [](int32_t cp) {
    return cp == '"' || cp == '\'' || cp == ')' || cp == 0x201D;
  };
  Rng rng(303);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text;
    std::vector<int32_t> cps;     // one per code point
    std::vector<size_t> ends;     // byte end of each code point
    const int n = static_cast<int>(rng.Uniform(40));
    for (int k = 0; k < n; ++k) {
      const Piece& p = pieces[rng.Uniform(pieces.size())];
      if (static_cast<unsigned char>(p.bytes[0]) < 0x80) {
        for (char c : p.bytes) {
          text += c;
          cps.push_back(p.cp == 'w' || p.cp == 'x' ? c : p.cp);
          ends.push_back(text.size());
        }
      } else {
        text += p.bytes;
        cps.push_back(p.cp);
        ends.push_back(text.size());
      }
    }
    std::vector<TextSpan> want;
    const size_t none = SIZE_MAX;
    size_t start = none, last = 0;
    for (size_t i = 0; i < cps.size();) {
      if (space(cps[i])) {
        ++i;
        continue;
      }
      if (start == none) start = i == 0 ? 0 : ends[i - 1];
      last = ends[i];
      const bool stop = terminator(cps[i]);
      bool ideographic = cps[i] == 0x3002;
      ++i;
      if (!stop) continue;
      while (i < cps.size() && (terminator(cps[i]) || closer(cps[i]))) {
        ideographic = ideographic || cps[i] == 0x3002;
        last = ends[i];
        ++i;
      }
      if (i == cps.size() || space(cps[i]) || ideographic) {
        want.push_back({start, last});
        start = none;
      }
    }
    if (start != none) want.push_back({start, last});
    ASSERT_EQ(SplitSentences(text), want) << Escape(text);
  }
}

// ---------------------------------------------------------------------------
// SplitWords

struct WordsCase {
  std::string text;
  std::vector<std::string> words;
};

TEST(SplitWordsTest, Rules) {
  // clang-format off
  const std::vector<WordsCase> cases = {
      // Empty text and text of separators only: no words.
      {"", {}},
      {" ,.;!? \t\n-", {}},
      // ASCII words separated by spaces and punctuation.
      {"Hello, world!", {"Hello", "world"}},
      // Apostrophes separate (ASCII and U+2019).
      {"don't", {"don", "t"}},
      {"it\xE2\x80\x99s", {"it", "s"}},
      // Hyphens and underscores separate.
      {"well-known foo_bar", {"well", "known", "foo", "bar"}},
      // Digits are words; letters and digits together are one word.
      {"abc123 456 7", {"abc123", "456", "7"}},
      {"3.14", {"3", "14"}},
      // Digits of other scripts (Arabic-Indic ٣٤٥) are a word.
      {"\xD9\xA3\xD9\xA4\xD9\xA5", {"\xD9\xA3\xD9\xA4\xD9\xA5"}},
      // Letter numbers (Ⅻ) and other numbers (½) are N*: words.
      {"\xE2\x85\xAB \xC2\xBD", {"\xE2\x85\xAB", "\xC2\xBD"}},
      // Accented letters, precomposed.
      {"caf\xC3\xA9 na\xC3\xAFve", {"caf\xC3\xA9", "na\xC3\xAFve"}},
      // A combining mark stays in its word (e + U+0301).
      {"cafe\xCC\x81 ok", {"cafe\xCC\x81", "ok"}},
      // Several marks, including one at the start of a word.
      {"\xCC\x81" "ab\xCC\xA3\xCC\x81" "c",
       {"\xCC\x81" "ab\xCC\xA3\xCC\x81" "c"}},
      // Greek, Cyrillic, Hebrew and Arabic words are runs of letters.
      {"\xCE\xB1\xCE\xB2\xCE\xB3 \xD0\xB4\xD0\xB0",
       {"\xCE\xB1\xCE\xB2\xCE\xB3", "\xD0\xB4\xD0\xB0"}},
      {"\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8"
       "\xA7",
       {"\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D",
        "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7"}},
      // Devanagari with spacing vowel signs (Mc) is one word: किताब.
      {"\xE0\xA4\x95\xE0\xA4\xBF\xE0\xA4\xA4\xE0\xA4\xBE\xE0\xA4\xAC",
       {"\xE0\xA4\x95\xE0\xA4\xBF\xE0\xA4\xA4\xE0\xA4\xBE\xE0\xA4\xAC"}},
      // CJK: one word per Han character (日本語).
      {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",
       {"\xE6\x97\xA5", "\xE6\x9C\xAC", "\xE8\xAA\x9E"}},
      // Hiragana and Katakana, one per character (です, カナ).
      {"\xE3\x81\xA7\xE3\x81\x99\xE3\x82\xAB\xE3\x83\x8A",
       {"\xE3\x81\xA7", "\xE3\x81\x99", "\xE3\x82\xAB", "\xE3\x83\x8A"}},
      // Hangul syllables, one per character (한국어).
      {"\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4",
       {"\xED\x95\x9C", "\xEA\xB5\xAD", "\xEC\x96\xB4"}},
      // Thai letters, one per character (ภาษาไทย: all Lo).
      {"\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8"
       "\x97\xE0\xB8\xA2",
       {"\xE0\xB8\xA0", "\xE0\xB8\xB2", "\xE0\xB8\xA9", "\xE0\xB8\xB2",
        "\xE0\xB9\x84", "\xE0\xB8\x97", "\xE0\xB8\xA2"}},
      // Lao letters (ລາວ).
      {"\xE0\xBA\xA5\xE0\xBA\xB2\xE0\xBA\xA7",
       {"\xE0\xBA\xA5", "\xE0\xBA\xB2", "\xE0\xBA\xA7"}},
      // Latin next to CJK without spaces: the Latin run is one word.
      {"abc\xE4\xB8\xAD\xE6\x96\x87" "def",
       {"abc", "\xE4\xB8\xAD", "\xE6\x96\x87", "def"}},
      // Emoji (So) are one word each, even when adjacent to letters.
      {"I \xF0\x9F\x98\x80\xF0\x9F\x98\x80 you",
       {"I", "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", "you"}},
      {"a\xF0\x9F\x98\x80" "b", {"a", "\xF0\x9F\x98\x80", "b"}},
      // Other So symbols: © and U+2764 HEAVY BLACK HEART.
      {"\xC2\xA9 2024 \xE2\x9D\xA4", {"\xC2\xA9", "2024", "\xE2\x9D\xA4"}},
      // ZERO WIDTH JOINER (Cf) separates the emoji of a ZWJ sequence.
      {"\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9",
       {"\xF0\x9F\x91\xA8", "\xF0\x9F\x91\xA9"}},
      // An emoji skin-tone modifier is Sk: a separator.
      {"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", {"\xF0\x9F\x91\x8D"}},
      // Ill-formed UTF-8 separates words.
      {"ab\xFF" "cd", {"ab", "cd"}},
      {"ab\xC3", {"ab"}},
      {"ab\xE2\x82" "cd", {"ab", "cd"}},
      {"\xC0\xAF" "x\xED\xA0\x80y", {"x", "y"}},
      // NUL and other control characters separate words.
      {"ab\0cd\x01" "ef"s, {"ab", "cd", "ef"}},
      // Unicode spaces separate words (NBSP, ideographic space).
      {"a\xC2\xA0" "b\xE3\x80\x80" "c", {"a", "b", "c"}},
      // Full-width Latin letters and digits are letters and numbers.
      {"\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\x91",
       {"\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\x91"}},
      // Currency and math symbols separate.
      {"5$+x=y", {"5", "x", "y"}},
  };
  // clang-format on
  for (const WordsCase& c : cases) {
    ExpectPieces(c.text, SplitWords(c.text), c.words);
  }
}

TEST(SplitWordsTest, SpansAreByteOffsets) {
  const std::string text = "\xC3\xA9t\xC3\xA9 \xE4\xB8\xAD! x";
  const std::vector<TextSpan> w = SplitWords(text);
  ExpectSpans(text, w, {{0, 5}, {6, 9}, {11, 12}});
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].In(text), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(w[1].In(text), "\xE4\xB8\xAD");
  EXPECT_EQ(w[2].In(text), "x");
}

// Random text built from pieces whose classification is known, against a
// reference that follows the documented rule piece by piece.
TEST(SplitWordsTest, RandomTextMatchesReference) {
  enum Kind { kWordPart, kOwnWord, kSeparator };
  struct Piece {
    std::string bytes;
    Kind kind;
  };
  // clang-format off
  const std::vector<Piece> pieces = {
      {"a", kWordPart}, {"Zz", kWordPart}, {"word", kWordPart},
      {"7", kWordPart}, {"2024", kWordPart}, {"e\xCC\x81", kWordPart},
      {"\xC3\xA9", kWordPart}, {"\xCE\xB1\xCE\xB2", kWordPart},
      {"\xD0\xB4", kWordPart}, {"\xD9\xA3", kWordPart},
      {"\xEF\xBC\xA1", kWordPart},
      {"\xE4\xB8\xAD", kOwnWord}, {"\xE3\x81\x82", kOwnWord},
      {"\xED\x95\x9C", kOwnWord}, {"\xE0\xB8\x81", kOwnWord},
      {"\xF0\x9F\x98\x80", kOwnWord}, {"\xC2\xA9", kOwnWord},
      {" ", kSeparator}, {"  ", kSeparator}, {"\t", kSeparator},
      {"\n", kSeparator}, {",", kSeparator}, {".", kSeparator},
      {"'", kSeparator}, {"-", kSeparator}, {"_", kSeparator},
      {"$", kSeparator}, {"\0"s, kSeparator}, {"\x7F", kSeparator},
      {"\xC2\xA0", kSeparator}, {"\xE2\x80\x99", kSeparator},
      {"\xE3\x80\x82", kSeparator}, {"\xE2\x80\x8D", kSeparator},
      {"\xFF", kSeparator}, {"\xC3", kSeparator}, {"\x80", kSeparator},
      {"\xED\xA0\x80", kSeparator}};
  // The ASCII pieces: texts made mostly of them have 64-byte stretches
  // of ASCII, which ForEachWord splits by their masks.
  std::vector<size_t> ascii;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (static_cast<unsigned char>(pieces[i].bytes[0]) < 0x80) {
      ascii.push_back(i);
    }
  }
  Rng rng(404);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text;
    std::vector<TextSpan> want;
    bool open = false;
    // Short texts, and texts of a few hundred bytes that are mostly ASCII.
    const bool long_text = iter % 2 == 1;
    const int n = static_cast<int>(rng.Uniform(long_text ? 200 : 40));
    for (int k = 0; k < n; ++k) {
      const Piece& p = long_text && rng.Uniform(20) != 0
                           ? pieces[ascii[rng.Uniform(ascii.size())]]
                           : pieces[rng.Uniform(pieces.size())];
      const size_t begin = text.size();
      text += p.bytes;
      switch (p.kind) {
        case kWordPart:
          if (open) {
            want.back().end = text.size();
          } else {
            want.push_back({begin, text.size()});
            open = true;
          }
          break;
        case kOwnWord:
          want.push_back({begin, text.size()});
          open = false;
          break;
        case kSeparator:
          open = false;
          // An ill-formed piece followed by the bytes of another piece could
          // read back as a valid character: a space keeps them apart.
          if (static_cast<unsigned char>(p.bytes[0]) >= 0x80 &&
              !IsValidUtf8(p.bytes)) {
            text += ' ';
          }
          break;
      }
    }
    ASSERT_EQ(SplitWords(text), want)
        << Escape(text) << " got " << Show(text, SplitWords(text));
  }
}

// ForEachWord splits 64 bytes of ASCII, and the last bytes when ASCII, by
// their masks and anything else code point by code point: every prefix of
// texts whose ASCII stretches, words, singles, marks and ill-formed bytes
// fall on each side of those 64-byte steps (so every length of what is
// left after them) gives the words of the code point splitter.
TEST(SplitWordsTest, MaskedAsciiStepsGiveTheCodePointSplittersWords) {
  auto words = [](std::string_view text, bool masked) {
    std::vector<TextSpan> out;
    auto add = [&](size_t b, size_t e) { out.push_back({b, e}); };
    if (masked) {
      internal::ForEachWord(text.data(), text.size(), add);
    } else {
      internal::ForEachWordByCodePoint(text.data(), text.size(), add);
    }
    return out;
  };
  const std::vector<std::string> other = {
      "\xC3\xA9", "e\xCC\x81", "\xCC\x81", "\xE4\xB8\xAD", "\xE0\xB8\x81",
      "\xF0\x9F\x98\x80", "\xC2\xA0", "\xE2\x80\x99", "\xFF", "\x80", "\xC3"};
  // Each of them at each place around the first 64-byte step, between
  // ASCII words, with ASCII after it for the next steps.
  const std::string ascii_words = "ab cd 123 e f gh ijklm n o pq rs tu vw x";
  for (const std::string& o : other) {
    for (size_t at = 0; at < 70; ++at) {
      for (const char before : {'a', ' '}) {
        const std::string text = std::string(at, before) + o + ascii_words +
                                 ascii_words + ascii_words + ascii_words;
        ASSERT_EQ(words(text, true), words(text, false))
            << Escape(o) << " after " << at << " of '" << before << "'";
      }
    }
  }
  Rng rng(64);
  for (int iter = 0; iter < 40; ++iter) {
    std::string text;
    while (text.size() < 600) {
      const uint64_t r = rng.Uniform(100);
      if (r < 55) {  // an ASCII word of 1 to 80 letters and digits
        const size_t len = 1 + rng.Uniform(rng.Uniform(4) == 0 ? 80 : 9);
        for (size_t k = 0; k < len; ++k) {
          text += "aZ09xq"[rng.Uniform(6)];
        }
      } else if (r < 85) {  // ASCII separators, NUL among them
        text += std::string(" .,\n\t-'\0", 8)[rng.Uniform(8)];
      } else if (r < 95 - iter) {  // fewer of the others as iter grows
        text += other[rng.Uniform(other.size())];
      } else {
        text += ' ';
      }
    }
    for (size_t n = 0; n <= text.size(); ++n) {
      const std::string_view prefix(text.data(), n);
      ASSERT_EQ(words(prefix, true), words(prefix, false))
          << "iteration " << iter << ", prefix " << n << ": " << Escape(prefix);
    }
  }
}

// ---------------------------------------------------------------------------
// IsCharTokenScript

TEST(SplitWordsTest, IsCharTokenScript) {
  struct Case {
    int32_t cp;
    bool expected;
  };
  // clang-format on
  // clang-format off
  const std::vector<Case> cases = {
      {0x4E2D, true},   // 中, CJK Unified Ideographs
      {0x3400, true},   // first of CJK Extension A
      {0x20000, true},  // first of CJK Extension B (supplementary plane)
      {0x2A700, true},  // CJK Extension C
      {0xF900, true},   // CJK Compatibility Ideograph
      {0x3042, true},   // あ Hiragana
      {0x30AB, true},   // カ Katakana
      {0xFF76, true},   // ｶ half-width Katakana
      {0xAC00, true},   // 가, first Hangul syllable
      {0xD7A3, true},   // last Hangul syllable
      {0x1100, true},   // Hangul choseong jamo
      {0x3131, true},   // Hangul compatibility jamo
      {0x0E01, true},   // ก Thai
      {0x0E81, true},   // ກ Lao
      {0x1780, true},   // ក Khmer
      {0x1000, true},   // က Myanmar
      {'a', false},
      {'Z', false},
      {'0', false},
      {' ', false},
      {0x00E9, false},   // é Latin
      {0xFF21, false},   // Ａ full-width Latin
      {0x03B1, false},   // α Greek
      {0x0430, false},   // а Cyrillic
      {0x05D0, false},   // א Hebrew
      {0x0627, false},   // ا Arabic
      {0x0915, false},   // क Devanagari
      {0x1F600, false},  // 😀 is a symbol, not a script
      {0x3000, false},   // ideographic space (Common)
      {0x3002, false},   // 。 (Common)
      {0xFFFD, false},   // replacement character
      {-1, false},       // not a code point
      {0x110000, false}, // beyond Unicode
  };
  // clang-format on
  for (const Case& c : cases) {
    EXPECT_EQ(IsCharTokenScript(c.cp), c.expected) << std::hex << c.cp;
  }
}

// ---------------------------------------------------------------------------
// Robustness: any bytes give in-range, ordered spans.

TEST(SegmentTest, RandomBytesGiveOrderedSpans) {
  const std::vector<std::string> parts = {"word",
                                          " ",
                                          ".",
                                          ". ",
                                          "!",
                                          "\xE3\x80\x82",
                                          "\n",
                                          "\n\n",
                                          "\r\n",
                                          "\xC2\x85",
                                          "\xE2\x80\xA8",
                                          "\xE2\x80\x9D",
                                          ")",
                                          "\xE2\x80\xA6",
                                          "\xC3\xA9",
                                          "\xCC\x81",
                                          "\xE4\xB8\xAD",
                                          "\xF0\x9F\x98\x80",
                                          "\0"s,
                                          "\xFF",
                                          "\xC3",
                                          "\xE2\x80",
                                          "\xF0\x9F\x98",
                                          "\xED\xA0\x80",
                                          "\xC2\xA0",
                                          "3.5"};
  Rng rng(303);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text;
    const int n = static_cast<int>(rng.Uniform(40));
    for (int k = 0; k < n; ++k) {
      if (rng.Uniform(8) == 0) {
        text.push_back(static_cast<char>(rng.Uniform(256)));
      } else {
        text += parts[rng.Uniform(parts.size())];
      }
    }
    SCOPED_TRACE(Escape(text));
    ExpectOrderedInside(text, SplitLines(text), /*allow_empty=*/true);
    const std::vector<TextSpan> paragraphs = SplitParagraphs(text);
    ExpectOrderedInside(text, paragraphs, /*allow_empty=*/false);
    for (const TextSpan& p : paragraphs) {
      ASSERT_FALSE(IsBlankLine(p.In(text)));
    }
    const std::vector<TextSpan> sentences = SplitSentences(text);
    ExpectOrderedInside(text, sentences, /*allow_empty=*/false);
    for (const TextSpan& s : sentences) {
      const std::string_view v = s.In(text);
      ASSERT_NE(v.front(), ' ');
      ASSERT_NE(v.front(), '\n');
      ASSERT_NE(v.back(), ' ');
      ASSERT_NE(v.back(), '\n');
    }
    const std::vector<TextSpan> words = SplitWords(text);
    ExpectOrderedInside(text, words, /*allow_empty=*/false);
    for (const TextSpan& w : words) {
      const std::string_view v = w.In(text);
      ASSERT_TRUE(IsValidUtf8(v)) << Escape(v);
      ASSERT_EQ(v.find_first_of(" .!\n\r)"s + '\0'), std::string_view::npos)
          << Escape(v);
    }
  }
}

// ---------------------------------------------------------------------------
// Huge inputs: sizes and counts only.

// One 100 MiB line: 1.6M repetitions of a 64-byte sentence of two words.
TEST(SegmentTest, HundredMegabyteLine) {
  const std::string unit =
      "Abcdefghijklmnopqrstuvwxyz1234 ZYXWVUTSRQPONMLKJIHGFEDCBA5678?! ";
  ASSERT_EQ(unit.size(), 64u);
  const size_t reps = (size_t{100} << 20) / unit.size();
  std::string text;
  text.reserve(reps * unit.size());
  for (size_t i = 0; i < reps; ++i) text += unit;
  ASSERT_EQ(text.size(), size_t{100} << 20);

  const std::vector<TextSpan> lines = SplitLines(text);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], (TextSpan{0, text.size()}));

  const std::vector<TextSpan> paragraphs = SplitParagraphs(text);
  ASSERT_EQ(paragraphs.size(), 1u);
  // The trailing space belongs to the line, so to the paragraph.
  EXPECT_EQ(paragraphs[0], (TextSpan{0, text.size()}));

  {
    const std::vector<TextSpan> words = SplitWords(text);
    ASSERT_EQ(words.size(), 2 * reps);
    EXPECT_EQ(words[0], (TextSpan{0, 30}));
    EXPECT_EQ(words[1], (TextSpan{31, 61}));
    EXPECT_EQ(words.back(), (TextSpan{text.size() - 33, text.size() - 3}));
    for (size_t i = 0; i < words.size(); ++i) {
      if (words[i].size() != 30) {
        FAIL() << "word " << i << " has " << words[i].size() << " bytes";
      }
    }
  }
  {
    const std::vector<TextSpan> sentences = SplitSentences(text);
    ASSERT_EQ(sentences.size(), reps);
    EXPECT_EQ(sentences[0], (TextSpan{0, 63}));
    EXPECT_EQ(sentences.back(), (TextSpan{text.size() - 64, text.size() - 1}));
  }
}

// 10 MB of Han characters without a single space or stop.
TEST(SegmentTest, TenMegabytesOfCjkWithoutSpaces) {
  // 中文字符测试
  const std::string unit =
      "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6\xE6\xB5\x8B\xE8\xAF"
      "\x95";
  const size_t reps = (size_t{10} << 20) / unit.size();
  std::string text;
  text.reserve(reps * unit.size());
  for (size_t i = 0; i < reps; ++i) text += unit;
  const size_t chars = text.size() / 3;

  EXPECT_EQ(SplitLines(text).size(), 1u);
  EXPECT_EQ(SplitParagraphs(text).size(), 1u);
  const std::vector<TextSpan> sentences = SplitSentences(text);
  ASSERT_EQ(sentences.size(), 1u);
  EXPECT_EQ(sentences[0], (TextSpan{0, text.size()}));
  const std::vector<TextSpan> words = SplitWords(text);
  ASSERT_EQ(words.size(), chars);
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] != TextSpan{3 * i, 3 * i + 3}) {
      FAIL() << "word " << i << " is " << Show(text, {words[i]});
    }
  }
}

// One letter followed by a million combining marks is one word.
TEST(SegmentTest, MillionCombiningMarks) {
  std::string text = "a";
  for (int i = 0; i < 1000000; ++i) text += "\xCC\x81";
  text += " b";
  const std::vector<TextSpan> words = SplitWords(text);
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0], (TextSpan{0, 2000001}));
  EXPECT_EQ(words[1], (TextSpan{2000002, 2000003}));
  EXPECT_EQ(SplitSentences(text).size(), 1u);
  EXPECT_EQ(SplitLines(text).size(), 1u);
}

TEST(SegmentTest, NulBytesInsideText) {
  const std::string text = "one\0two\n\0\nthree\0"s;
  ExpectSpans(text, SplitLines(text), {{0, 7}, {8, 9}, {10, 16}});
  // A line holding only NUL is not blank: NUL is not White_Space.
  EXPECT_EQ(SplitParagraphs(text).size(), 1u);
  ExpectPieces(text, SplitWords(text), {"one", "two", "three"});
}

}  // namespace
}  // namespace neardup
