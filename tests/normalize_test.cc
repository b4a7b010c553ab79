// Tests for Normalizer, Normalize and NormalizeOptions: known answers on
// awkward input, one table per option, and a property test checking that the
// ASCII fast path and the long-run segmentation give exactly what utf8proc
// gives over the whole string.

#include <utf8proc.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/text.h"
#include "tests/test_util.h"
#include "text/normalize_internal.h"

namespace neardup {
namespace {

using ::neardup::test::Escape;
using ::neardup::test::Rng;
using namespace std::string_literals;

// ---------------------------------------------------------------------------
// Reference: utf8proc over the whole string, then the documented category
// rules applied code point by code point.

bool IsWhiteSpace(int32_t cp) {
  // clang-format off
  switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20:
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
  // clang-format on
}

std::vector<int32_t> DecodeValid(const uint8_t* s, ptrdiff_t n) {
  std::vector<int32_t> cps;
  ptrdiff_t i = 0;
  while (i < n) {
    int32_t cp = 0;
    const utf8proc_ssize_t len = utf8proc_iterate(s + i, n - i, &cp);
    if (len <= 0) {
      ADD_FAILURE() << "reference got invalid UTF-8";
      break;
    }
    cps.push_back(cp);
    i += len;
  }
  return cps;
}

void AppendUtf8(int32_t cp, std::string* out) {
  uint8_t buf[4];
  const utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
  out->append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

// Requires options.nfkc and well-formed `text`.
std::string ReferenceNormalize(std::string_view text,
                               const NormalizeOptions& options) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto len = static_cast<utf8proc_ssize_t>(text.size());
  int flags = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_IGNORE;
  if (options.case_fold) flags |= UTF8PROC_CASEFOLD;
  std::vector<int32_t> cps;
  if (!options.strip_accents) {
    utf8proc_uint8_t* mapped = nullptr;
    const utf8proc_ssize_t n =
        utf8proc_map(bytes, len, &mapped,
                     static_cast<utf8proc_option_t>(flags | UTF8PROC_COMPOSE));
    EXPECT_GE(n, 0) << utf8proc_errmsg(n);
    if (n > 0) cps = DecodeValid(mapped, n);
    std::free(mapped);
  } else {
    // NFKD (+ case fold), drop Mn, compose again.
    const auto decompose =
        static_cast<utf8proc_option_t>(flags | UTF8PROC_DECOMPOSE);
    utf8proc_ssize_t n = utf8proc_decompose(bytes, len, nullptr, 0, decompose);
    EXPECT_GE(n, 0);
    std::vector<int32_t> buf(static_cast<size_t>(n) + 1);
    n = utf8proc_decompose(bytes, len, buf.data(), n, decompose);
    buf.resize(static_cast<size_t>(n));
    std::vector<int32_t> kept;
    for (int32_t cp : buf) {
      if (utf8proc_category(cp) != UTF8PROC_CATEGORY_MN) kept.push_back(cp);
    }
    kept.push_back(0);
    const utf8proc_ssize_t m = utf8proc_normalize_utf32(
        kept.data(), static_cast<utf8proc_ssize_t>(kept.size() - 1),
        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    cps.assign(kept.begin(), kept.begin() + m);
  }

  std::string out;
  bool pending = false;
  for (int32_t cp : cps) {
    const utf8proc_category_t cat = utf8proc_category(cp);
    const bool ws = IsWhiteSpace(cp);
    const bool cc = cat == UTF8PROC_CATEGORY_CC;
    const bool punct =
        (cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO) ||
        cat == UTF8PROC_CATEGORY_SC || cat == UTF8PROC_CATEGORY_SM ||
        cat == UTF8PROC_CATEGORY_SK;
    if (ws || cc || (punct && options.punctuation_to_space)) {
      if (options.collapse_whitespace) {
        pending = !out.empty();
      } else if (ws) {
        AppendUtf8(cp, &out);
      } else {
        out.push_back(' ');
      }
      continue;
    }
    if (pending) {
      out.push_back(' ');
      pending = false;
    }
    if (options.digits_to_zero && cat == UTF8PROC_CATEGORY_ND) {
      out.push_back('0');
    } else {
      AppendUtf8(cp, &out);
    }
  }
  return out;
}

// The reference agrees with hand-computed answers (so that the property tests
// below rest on something checked).
TEST(NormalizeReferenceTest, AgreesWithKnownAnswers) {
  const NormalizeOptions defaults;
  EXPECT_EQ(ReferenceNormalize("  Hello, World! 123 ", defaults),
            "hello world 000");
  EXPECT_EQ(ReferenceNormalize("e\u0301", defaults), "\u00E9");
  EXPECT_EQ(ReferenceNormalize("a=\u0338b", defaults), "a b");
  EXPECT_EQ(ReferenceNormalize("Stra\u00DFe", defaults), "strasse");
  NormalizeOptions strip;
  strip.strip_accents = true;
  EXPECT_EQ(ReferenceNormalize("Caf\u00E9 \u0915\u093F", strip),
            "cafe \u0915\u093F");
  NormalizeOptions keep;
  keep.collapse_whitespace = false;
  EXPECT_EQ(ReferenceNormalize(" a,\tb\n", keep), " a \tb\n");
}

// ---------------------------------------------------------------------------
// Known answers with the default options.

struct NormCase {
  std::string input;
  std::string expected;
};

TEST(NormalizeTest, DefaultsOnAwkwardInput) {
  // clang-format off
  const std::vector<NormCase> cases = {
      // Empty input gives empty output.
      {"", ""},
      // ASCII: lower case, punctuation to space, digits to 0, trimmed.
      {"Hello, World! 123", "hello world 000"},
      // Leading and trailing whitespace is dropped.
      {"   hello  ", "hello"},
      {"\n\thello world\r\n", "hello world"},
      // Only whitespace and punctuation: nothing left.
      {" \t\n .,;!? ", ""},
      // A combining acute after e composes to é (NFKC).
      {"e\u0301", "\u00E9"},
      // Precomposed é is already NFKC.
      {"\u00E9", "\u00E9"},
      {"Cafe\u0301 caf\u00E9", "caf\u00E9 caf\u00E9"},
      // A combining mark reorders and composes (a + dot below + acute).
      {"a\u0301\u0323", "\u1EA1\u0301"},
      // Full-width letters and digits become ASCII, then lower case and 0.
      {"\uFF21\uFF22\uFF23\uFF11\uFF12\uFF13", "abc000"},
      // Half-width katakana with a half-width voiced mark composes to ガ.
      {"\uFF76\uFF9E", "\u30AC"},
      // Ligatures are split.
      {"\uFB01nd", "find"},
      {"\uFB03", "ffi"},
      // NBSP, thin space, ideographic space, tabs and newlines: one space.
      {"a\u00A0b", "a b"},
      {"a\u2009b", "a b"},
      {"a\u3000b", "a b"},
      {"a\t\t\nb", "a b"},
      {"a \u00A0\u2009\t\r\n\u3000 b", "a b"},
      // Other Unicode separators and NEL are whitespace.
      {"a\u2028b\u2029c\xC2\x85" "d", "a b c d"},
      // Curly quotes and dashes are punctuation.
      {"\u201CQuoted\u201D", "quoted"},
      {"it\u2019s", "it s"},
      {"a\u2014b\u2013c", "a b c"},
      // RTL text: Hebrew and Arabic letters kept, in logical (byte) order.
      {"\u05E9\u05DC\u05D5\u05DD \u05E2\u05D5\u05DC\u05DD",
       "\u05E9\u05DC\u05D5\u05DD \u05E2\u05D5\u05DC\u05DD"},
      {"\u0645\u0631\u062D\u0628\u0627", "\u0645\u0631\u062D\u0628\u0627"},
      {"abc \u05E9\u05DC\u05D5\u05DD def", "abc \u05E9\u05DC\u05D5\u05DD def"},
      // Directional marks (RLM, LRM) are default-ignorable: removed.
      {"\u200F\u05E9\u05DC\u05D5\u05DD\u200E", "\u05E9\u05DC\u05D5\u05DD"},
      // Arabic presentation form LAM-ALEF becomes two letters.
      {"\uFEFB", "\u0644\u0627"},
      // Arabic comma and Hebrew maqaf are punctuation.
      {"a\u060Cb\u05BEc", "a b c"},
      // Emoji (So) are kept; the variation selector is ignorable.
      {"\U0001F600", "\U0001F600"},
      {"I \u2764\uFE0F NY", "i \u2764 ny"},
      // ZWJ sequences lose their joiners.
      {"\U0001F468\u200D\U0001F469\u200D\U0001F467",
       "\U0001F468\U0001F469\U0001F467"},
      // Other symbols kept: © and the replacement character.
      {"\u00A9 2024", "\u00A9 0000"},
      {"a\uFFFDb", "a\uFFFDb"},
      // CJK kept; CJK punctuation (full-width comma, ideographic stop) to
      // space.
      {"\u4E2D\u6587\u5B57\u7B26", "\u4E2D\u6587\u5B57\u7B26"},
      {"\u4E2D\u6587\uFF0C\u6D4B\u8BD5\u3002", "\u4E2D\u6587 \u6D4B\u8BD5"},
      // Hangul conjoining jamo compose to a syllable.
      {"\u1100\u1161\u11A8", "\uAC01"},
      // Square era name ㍻ expands to 平成.
      {"\u337B", "\u5E73\u6210"},
      // Full case folding.
      {"Stra\u00DFe", "strasse"},
      {"\u03A3\u039F\u03A6\u039F\u03A3", "\u03C3\u03BF\u03C6\u03BF\u03C3"},
      {"\u0130", "i\u0307"},
      // Compatibility characters fold to letters: Kelvin, Ohm, Roman twelve,
      // DZ digraph with caron, trade mark.
      {"\u212A", "k"},
      {"\u2126", "\u03C9"},
      {"\u216B", "xii"},
      {"\u01C5", "d\u017E"},
      {"\u2122", "tm"},
      // Digits of other scripts become 0.
      {"\u0663", "0"},
      {"\u0662\u0660\u0662\u0664", "0000"},
      {"\u0967\u0968\u0969", "000"},
      {"\uFF13", "0"},
      // Superscripts become digits, then 0; ½ is 1 FRACTION SLASH 2.
      {"x\u00B2", "x0"},
      {"\u00BD", "0 0"},
      // Currency, math and modifier symbols are spaces.
      {"$100", "000"},
      {"1+1=2", "0 0 0"},
      {"a^b`c", "a b c"},
      {"\u20AC5", "0"},
      // = followed by a combining long solidus overlay composes to ≠ (Sm).
      {"a=\u0338b", "a b"},
      {"=\u0338", ""},
      // An ellipsis character expands to three dots, then spaces.
      {"a\u2026b", "a b"},
      // Soft hyphen, zero-width joiner and space, BOM: removed.
      {"co\u00ADop", "coop"},
      {"a\u200Db", "ab"},
      {"a\u200Bb", "ab"},
      {"\uFEFFbom", "bom"},
      // NUL bytes and control characters are whitespace.
      {"a\0b"s, "a b"},
      {"\0\0"s, ""},
      {"a\x01\x7F" "b", "a b"},
      {"a\0\0 \x1F b"s, "a b"},
      // C1 control (U+0090) is a control character too.
      {"a\xC2\x90" "b", "a b"},
  };
  // clang-format on
  Normalizer normalizer;
  for (const NormCase& c : cases) {
    SCOPED_TRACE("input: \"" + Escape(c.input) + "\"");
    std::string out = "stale";
    EXPECT_EQ(normalizer.Normalize(c.input, &out), 0u);
    EXPECT_EQ(Escape(out), Escape(c.expected));
    EXPECT_EQ(Escape(Normalize(c.input)), Escape(c.expected));
    EXPECT_EQ(Escape(ReferenceNormalize(c.input, NormalizeOptions())),
              Escape(c.expected))
        << "(the test's own reference disagrees)";
  }
}

// Precomposed and decomposed forms normalize to the same bytes.
TEST(NormalizeTest, CanonicalEquivalentsAgree) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"\u00E9", "e\u0301"},
      {"\u00C5ngstr\u00F6m", "A\u030Angstro\u0308m"},
      {"\u1E69", "s\u0323\u0307"},
      {"\u1E69", "s\u0307\u0323"},
      {"\uAC01", "\u1100\u1161\u11A8"},
      {"\u212B", "\u00C5"},  // ANGSTROM SIGN
  };
  for (const auto& [a, b] : pairs) {
    EXPECT_EQ(Escape(Normalize(a)), Escape(Normalize(b)))
        << Escape(a) << " vs " << Escape(b);
  }
}

// ---------------------------------------------------------------------------
// Invalid UTF-8: counted, replaced by U+FFFD (So, kept), then normalized.

TEST(NormalizeTest, InvalidUtf8IsCountedAndReplaced) {
  struct Case {
    std::string input;
    std::string expected;
    size_t count;
  };
  const std::string f(test::kFffd);
  // clang-format off
  const std::vector<Case> cases = {
      {"ok", "ok", 0},
      // C3 alone is one maximal subpart; '(' is punctuation.
      {"a\xC3(b", "a" + f + " b", 1},
      // Overlong: two subparts.
      {"\xC0\xAF", f + f, 2},
      // Surrogate: three subparts.
      {"\xED\xA0\x80x", f + f + f + "x", 3},
      // Truncated emoji followed by ASCII.
      {"\xF0\x9F\x98" "A", f + "a", 1},
      // Above U+10FFFF.
      {"X\xF4\x90\x80\x80", "x" + f + f + f + f, 4},
      // An error between a letter and its combining mark.
      {"e\xFF\xCC\x81", "e" + f + "\xCC\x81", 1},
      // A lone byte at the end after whitespace.
      {"word \xE2\x82", "word " + f, 1},
  };
  // clang-format on
  Normalizer normalizer;
  for (const Case& c : cases) {
    SCOPED_TRACE("input: \"" + Escape(c.input) + "\"");
    std::string out;
    EXPECT_EQ(normalizer.Normalize(c.input, &out), c.count);
    EXPECT_EQ(Escape(out), Escape(c.expected));
    EXPECT_TRUE(IsValidUtf8(out));
    EXPECT_EQ(Escape(Normalize(c.input)), Escape(c.expected));
  }
}

// ---------------------------------------------------------------------------
// Each option switched off (or on) alone changes exactly what it should.

struct OptionCase {
  const char* option;
  bool NormalizeOptions::*field;
  bool value;  // the non-default value under test
  std::string input;
  std::string with_default;
  std::string with_value;
};

TEST(NormalizeOptionsTest, EachOptionAlone) {
  using O = NormalizeOptions;
  // clang-format off
  const std::vector<OptionCase> cases = {
      // nfkc off: full-width letters are only case folded.
      {"nfkc", &O::nfkc, false, "\uFF21\uFF22\uFF23", "abc",
       "\uFF41\uFF42\uFF43"},
      // nfkc off: full-width digits are still Nd, so still 0.
      {"nfkc", &O::nfkc, false, "\uFF11\uFF12", "00", "00"},
      // nfkc off: superscript two stays (No, not a decimal digit).
      {"nfkc", &O::nfkc, false, "x\u00B2", "x0", "x\u00B2"},
      // nfkc off: the soft hyphen is no longer removed.
      {"nfkc", &O::nfkc, false, "co\u00ADop", "coop", "co\u00ADop"},
      // nfkc off: the Arabic ligature stays a presentation form.
      {"nfkc", &O::nfkc, false, "\uFEFB", "\u0644\u0627", "\uFEFB"},
      // nfkc off: Roman numeral twelve is only case folded to ⅻ.
      {"nfkc", &O::nfkc, false, "\u216B", "xii", "\u217B"},
      // nfkc off: circled digit one (No) stays.
      {"nfkc", &O::nfkc, false, "\u2460", "0", "\u2460"},
      // nfkc off: ASCII is unaffected.
      {"nfkc", &O::nfkc, false, "Hello, World 42", "hello world 00",
       "hello world 00"},

      // case_fold off.
      {"case_fold", &O::case_fold, false, "Stra\u00DFe", "strasse",
       "Stra\u00DFe"},
      {"case_fold", &O::case_fold, false, "\u03A3\u039F\u03A6\u039F\u03A3",
       "\u03C3\u03BF\u03C6\u03BF\u03C3", "\u03A3\u039F\u03A6\u039F\u03A3"},
      {"case_fold", &O::case_fold, false, "\uFF21\uFF22\uFF23", "abc", "ABC"},
      {"case_fold", &O::case_fold, false, "\u0130stanbul", "i\u0307stanbul",
       "\u0130stanbul"},
      {"case_fold", &O::case_fold, false, "Hello, World!", "hello world",
       "Hello World"},
      // case_fold off: Kelvin sign still becomes K under NFKC.
      {"case_fold", &O::case_fold, false, "\u212A", "k", "K"},

      // strip_accents on.
      {"strip_accents", &O::strip_accents, true, "caf\u00E9", "caf\u00E9",
       "cafe"},
      {"strip_accents", &O::strip_accents, true, "e\u0301", "\u00E9", "e"},
      {"strip_accents", &O::strip_accents, true, "\u00C5ngstr\u00F6m",
       "\u00E5ngstr\u00F6m", "angstrom"},
      {"strip_accents", &O::strip_accents, true,
       "\u0395\u03BB\u03BB\u03B7\u03BD\u03B9\u03BA\u03AC",
       "\u03B5\u03BB\u03BB\u03B7\u03BD\u03B9\u03BA\u03AC",
       "\u03B5\u03BB\u03BB\u03B7\u03BD\u03B9\u03BA\u03B1"},
      // strip_accents on: Devanagari spacing vowel signs (Mc) are kept
      // (किताब).
      {"strip_accents", &O::strip_accents, true,
       "\u0915\u093F\u0924\u093E\u092C", "\u0915\u093F\u0924\u093E\u092C",
       "\u0915\u093F\u0924\u093E\u092C"},
      // strip_accents on: Hangul syllables decompose canonically to jamo
      // (no Mn) and must come back composed.
      {"strip_accents", &O::strip_accents, true, "\uD55C\uAD6D\uC5B4",
       "\uD55C\uAD6D\uC5B4", "\uD55C\uAD6D\uC5B4"},
      // strip_accents on: the Japanese voiced mark is Mn (が -> か).
      {"strip_accents", &O::strip_accents, true, "\u304C", "\u304C",
       "\u304B"},
      // strip_accents on: ASCII unaffected.
      {"strip_accents", &O::strip_accents, true, "Plain ASCII 7",
       "plain ascii 0", "plain ascii 0"},

      // punctuation_to_space off.
      {"punctuation_to_space", &O::punctuation_to_space, false,
       "Hello, world!", "hello world", "hello, world!"},
      {"punctuation_to_space", &O::punctuation_to_space, false,
       "\u201CHi\u201D\u2014there", "hi there", "\u201Chi\u201D\u2014there"},
      {"punctuation_to_space", &O::punctuation_to_space, false, "$5+3=8",
       "0 0 0", "$0+0=0"},
      {"punctuation_to_space", &O::punctuation_to_space, false, "a^b`c",
       "a b c", "a^b`c"},
      {"punctuation_to_space", &O::punctuation_to_space, false, "a=\u0338b",
       "a b", "a\u2260b"},
      // punctuation_to_space off: whitespace still collapses.
      {"punctuation_to_space", &O::punctuation_to_space, false, " a ,  b ",
       "a b", "a , b"},

      // digits_to_zero off.
      {"digits_to_zero", &O::digits_to_zero, false,
       "\uFF21\uFF22\uFF23\uFF11\uFF12\uFF13", "abc000", "abc123"},
      {"digits_to_zero", &O::digits_to_zero, false, "\u0663 and \u0969",
       "0 and 0", "\u0663 and \u0969"},
      {"digits_to_zero", &O::digits_to_zero, false, "2024-01-15",
       "0000 00 00", "2024 01 15"},
      // digits_to_zero off: superscript two still becomes 2 under NFKC.
      {"digits_to_zero", &O::digits_to_zero, false, "x\u00B2", "x0", "x2"},

      // collapse_whitespace off: whitespace kept as it is, untrimmed.
      {"collapse_whitespace", &O::collapse_whitespace, false, "  a \t b\n",
       "a b", "  a \t b\n"},
      // collapse_whitespace off: each other control character is one space.
      {"collapse_whitespace", &O::collapse_whitespace, false, "a\x01\x02" "b",
       "a b", "a  b"},
      {"collapse_whitespace", &O::collapse_whitespace, false, "a\0\0b"s,
       "a b", "a  b"},
      // collapse_whitespace off: each punctuation character is one space.
      {"collapse_whitespace", &O::collapse_whitespace, false, "a, b",
       "a b", "a  b"},
      // collapse_whitespace off: OGHAM SPACE MARK (untouched by NFKC) kept.
      {"collapse_whitespace", &O::collapse_whitespace, false, "a\u1680b",
       "a b", "a\u1680b"},
      // collapse_whitespace off: NBSP still becomes U+0020 under NFKC.
      {"collapse_whitespace", &O::collapse_whitespace, false, "a\u00A0b",
       "a b", "a b"},
      {"collapse_whitespace", &O::collapse_whitespace, false, "\n", "",
       "\n"},
  };
  // clang-format on
  for (const OptionCase& c : cases) {
    SCOPED_TRACE(std::string(c.option) + " input: \"" + Escape(c.input) + "\"");
    NormalizeOptions options;
    EXPECT_NE(options.*c.field, c.value) << "the case must flip a default";
    EXPECT_EQ(Escape(Normalize(c.input, options)), Escape(c.with_default));
    options.*c.field = c.value;
    EXPECT_EQ(Escape(Normalize(c.input, options)), Escape(c.with_value));
    Normalizer normalizer(options);
    EXPECT_EQ(normalizer.options().*c.field, c.value);
    std::string out;
    EXPECT_EQ(normalizer.Normalize(c.input, &out), 0u);
    EXPECT_EQ(Escape(out), Escape(c.with_value));
  }
}

TEST(NormalizeOptionsTest, DefaultsAreDocumented) {
  const NormalizeOptions o;
  EXPECT_TRUE(o.nfkc);
  EXPECT_TRUE(o.case_fold);
  EXPECT_FALSE(o.strip_accents);
  EXPECT_TRUE(o.punctuation_to_space);
  EXPECT_TRUE(o.digits_to_zero);
  EXPECT_TRUE(o.collapse_whitespace);
}

// Two options off together: without NFKC and without collapsing, NBSP is
// kept as it is.
TEST(NormalizeOptionsTest, NoNfkcNoCollapseKeepsNbsp) {
  NormalizeOptions o;
  o.nfkc = false;
  o.collapse_whitespace = false;
  EXPECT_EQ(Escape(Normalize("A\u00A0B", o)), Escape("a\u00A0b"));
}

TEST(NormalizeOptionsTest, EverythingOff) {
  NormalizeOptions o;
  o.nfkc = false;
  o.case_fold = false;
  o.punctuation_to_space = false;
  o.digits_to_zero = false;
  o.collapse_whitespace = false;
  const std::string text = " Hello,\tW\u00D6RLD \uFF21 \u00B2 42! ";
  EXPECT_EQ(Escape(Normalize(text, o)), Escape(text));
  // Control characters are still spaces.
  EXPECT_EQ(Normalize("a\0b"s, o), "a b");
}

// ---------------------------------------------------------------------------
// Normalizer reuse: state does not leak from one call to the next.

TEST(NormalizerTest, ReuseDoesNotLeakState) {
  Normalizer n;
  std::string out = "garbage";
  EXPECT_EQ(n.Normalize("Hello  ", &out), 0u);
  EXPECT_EQ(out, "hello");
  EXPECT_EQ(n.Normalize("  World", &out), 0u);
  EXPECT_EQ(out, "world");
  EXPECT_EQ(n.Normalize("", &out), 0u);
  EXPECT_EQ(out, "");
  EXPECT_EQ(n.Normalize("x\xFF", &out), 1u);
  EXPECT_EQ(out, "x\uFFFD");
  EXPECT_EQ(n.Normalize("y", &out), 0u);
  EXPECT_EQ(out, "y");
  // A long non-ASCII word, then short ones.
  std::string greek;
  for (int i = 0; i < 500; ++i) greek += "\u0391\u0301";
  std::string want;
  for (int i = 0; i < 500; ++i) want += "\u03AC";
  EXPECT_EQ(n.Normalize(greek, &out), 0u);
  EXPECT_EQ(Escape(out), Escape(want));
  EXPECT_EQ(n.Normalize("e\u0301 ", &out), 0u);
  EXPECT_EQ(Escape(out), Escape("\u00E9"));
  EXPECT_EQ(n.Normalize("\u00A0", &out), 0u);
  EXPECT_EQ(out, "");
}

// ---------------------------------------------------------------------------
// Property: Normalize equals the whole-string utf8proc reference.

// Pieces the generator strings together. Lone combining marks land after
// whatever piece came before: ASCII letters, digits, punctuation, spaces.
const std::vector<std::string>& AsciiPieces() {
  static const auto* p = new std::vector<std::string>{
      "the", "Quick", "BROWN", "x",    "e",  "a",    "n", "o", "s",
      "A",   "C",     "I",     "0",    "42", "2024", " ", " ", "  ",
      "\t",  "\n",    "\r\n",  "\v",   "\f", ",",    ".", "!", "?",
      ";",   ":",     "'",     "\"",   "-",  "(",    ")", "[", "]",
      "{",   "}",     "$",     "+",    "=",  "<",    ">", "^", "`",
      "_",   "~",     "@",     "#",    "%",  "&",    "*", "/", "\\",
      "|",   "\x01",  "\x1F",  "\x7F", "\0"s};
  return *p;
}

const std::vector<std::string>& MarkPieces() {
  static const auto* p = new std::vector<std::string>{
      "\u0301", "\u0300", "\u0338", "\u0308", "\u0327", "\u0323", "\u030A",
      "\u0316", "\u0303", "\u20D2", "\u0345", "\u3099", "\u093F", "\u0B3E"};
  return *p;
}

const std::vector<std::string>& UnicodePieces() {
  static const auto* p =
      new std::vector<std::string>{"e\u0301",
                                   "=\u0338",
                                   "<\u0338",
                                   ">\u0338",
                                   "A\u030A",
                                   "n\u0303",
                                   "C\u0327",
                                   "o\u0308\u0304",
                                   "a\u0316\u0301",
                                   "\uFF21\uFF22\uFF23",
                                   "\uFF58",
                                   "\uFF11\uFF12",
                                   "\uFF01",
                                   "\uFF08",
                                   "\uFF04",
                                   "\u03B1\u03B2\u03B3",
                                   "\u03A3\u039F\u03A6\u039F\u03A3",
                                   "\u03AC",
                                   "\u0390",
                                   "\u1FB3",
                                   "\u4E2D\u6587",
                                   "\u65E5\u672C\u8A9E",
                                   "\u3002",
                                   "\u3001",
                                   "\u300C",
                                   "\u300D",
                                   "\U0001F600",
                                   "\u2764\uFE0F",
                                   "\U0001F44D\U0001F3FD",
                                   "\U0001F468\u200D\U0001F469",
                                   "\u00A0",
                                   "\u2009",
                                   "\u3000",
                                   "\u202F",
                                   "\u1680",
                                   "\u2028",
                                   "\xC2\x85",
                                   "\uFB01",
                                   "\u00DF",
                                   "\u00AD",
                                   "\u200D",
                                   "\uFEFF",
                                   "\u200B",
                                   "\u05E9\u05DC",
                                   "\u0645\u0631",
                                   "\u0663",
                                   "\u0967\u0968",
                                   "\u0915\u093F",
                                   "\u1100\u1161\u11A8",
                                   "\u1100",
                                   "\u1161",
                                   "\u11A8",
                                   "\uAC01",
                                   "\u212A",
                                   "\u0130",
                                   "\u00BD",
                                   "\u00B2",
                                   "\u216B",
                                   "\u01C5",
                                   "\uFF76\uFF9E",
                                   "\uFF76",
                                   "\uFF9E",
                                   "\u0B47\u0B3E",
                                   "\u0B47",
                                   "\u20AC",
                                   "\u00A9",
                                   "\u2122",
                                   "\u2026",
                                   "\u2014",
                                   "\u201C",
                                   "\u201D",
                                   "\u2019",
                                   "\u00E9",
                                   "\u00C5",
                                   "\uFFFD",
                                   "\u1E9E",
                                   "\u0149"};
  return *p;
}

std::string RandomText(Rng& rng, int max_pieces) {
  std::string s;
  const int n = static_cast<int>(rng.Uniform(max_pieces + 1));
  for (int i = 0; i < n; ++i) {
    const uint64_t kind = rng.Uniform(10);
    if (kind < 5) {
      s += AsciiPieces()[rng.Uniform(AsciiPieces().size())];
    } else if (kind < 7) {
      s += MarkPieces()[rng.Uniform(MarkPieces().size())];
    } else {
      s += UnicodePieces()[rng.Uniform(UnicodePieces().size())];
    }
  }
  return s;
}

// A run without spaces, well over 300 bytes: letters of scripts written with
// and without spaces, and combining marks.
std::string RandomLongRun(Rng& rng) {
  static const std::vector<std::string> run = {
      "\u03B1", "\u03A9", "\u03AC",  "\u0391\u0301", "\u0301", "\u0308",
      "\u0316", "\u4E2D", "\u6587",  "\u1100",       "\u1161", "\u11A8",
      "\uAC00", "e",      "E\u0301", "\u0435",       "\u0419", "\uFF21",
      "\uFF76", "\uFF9E", "\u0B47",  "\u0B3E",       "\u00DF", "\uFB01",
      "\u0663", "7"};
  std::string s;
  const size_t target = 300 + rng.Uniform(900);
  while (s.size() < target) s += run[rng.Uniform(run.size())];
  return s;
}

std::vector<NormalizeOptions> PropertyOptionSets() {
  std::vector<NormalizeOptions> sets(6);
  sets[1].case_fold = false;
  sets[2].strip_accents = true;
  sets[3].punctuation_to_space = false;
  sets[4].digits_to_zero = false;
  sets[5].collapse_whitespace = false;
  return sets;
}

std::string Describe(const NormalizeOptions& o) {
  return "nfkc=" + std::to_string(o.nfkc) +
         " case_fold=" + std::to_string(o.case_fold) +
         " strip_accents=" + std::to_string(o.strip_accents) +
         " punct=" + std::to_string(o.punctuation_to_space) +
         " digits=" + std::to_string(o.digits_to_zero) +
         " collapse=" + std::to_string(o.collapse_whitespace);
}

// Removes characters from `text` while `fails` still holds, so that a
// failure is reported on the smallest input that shows it.
template <typename Fails>
std::string Shrink(std::string text, const Fails& fails) {
  bool progress = true;
  while (progress) {
    progress = false;
    for (size_t chunk = std::max<size_t>(text.size() / 2, 1);; chunk /= 2) {
      for (size_t i = 0; i < text.size();) {
        size_t j = std::min(i + chunk, text.size());
        while (j < text.size() && (text[j] & 0xC0) == 0x80) ++j;
        std::string candidate = text.substr(0, i) + text.substr(j);
        if (fails(candidate)) {
          text = std::move(candidate);
          progress = true;
        } else {
          i = j;
        }
      }
      if (chunk == 1) break;
    }
  }
  return text;
}

std::string Head(std::string_view s) {
  if (s.size() <= 240) return Escape(s);
  return Escape(s.substr(0, 240)) + "... (" + std::to_string(s.size()) +
         " bytes)";
}

// Describes where two strings first differ, with a little context.
std::string FirstDifference(std::string_view want, std::string_view got) {
  const auto is_continuation = [](std::string_view s, size_t k) {
    return k < s.size() && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80;
  };
  size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  while (i > 0 && is_continuation(want, i)) --i;
  size_t from = i > 12 ? i - 12 : 0;
  while (from > 0 && is_continuation(want, from)) --from;
  return "first difference at output byte " + std::to_string(i) +
         ": expected \"..." + Escape(want.substr(from, i - from + 24)) +
         "...\", got \"..." + Escape(got.substr(from, i - from + 24)) + "...\"";
}

// Returns true if Normalize agrees with the reference on `text` (which must
// be well-formed); otherwise records a failure with a shrunk input.
bool MatchesReference(Normalizer& n, const std::string& text) {
  const auto fails = [&n](const std::string& t) {
    std::string out;
    const size_t count = n.Normalize(t, &out);
    return count != 0 || out != ReferenceNormalize(t, n.options());
  };
  if (!fails(text)) return true;
  const std::string small = Shrink(text, fails);
  std::string out;
  const size_t count = n.Normalize(small, &out);
  ADD_FAILURE() << Describe(n.options()) << "\n  input:    \"" << Head(text)
                << "\"\n  shrunk:   \"" << Escape(small) << "\"\n  expected: \""
                << Escape(ReferenceNormalize(small, n.options()))
                << "\" (0 repairs)\n  actual:   \"" << Escape(out) << "\" ("
                << count << " repairs)\n  "
                << FirstDifference(ReferenceNormalize(small, n.options()), out);
  return false;
}

// Every ASCII byte alone, every pair, and every ASCII byte followed by every
// combining mark: the boundaries between the fast path and the full path.
bool AsciiBoundariesMatch(const NormalizeOptions& options) {
  Normalizer n(options);
  for (int a = 0; a < 128; ++a) {
    const std::string one(1, static_cast<char>(a));
    if (!MatchesReference(n, one)) return false;
    for (int b = 0; b < 128; ++b) {
      if (!MatchesReference(n, one + static_cast<char>(b))) return false;
    }
    for (const std::string& mark : MarkPieces()) {
      if (!MatchesReference(n, one + mark) ||
          !MatchesReference(n, "x" + one + mark + "y") ||
          !MatchesReference(n, "x " + one + mark + mark + " y")) {
        return false;
      }
    }
  }
  return true;
}

TEST(NormalizePropertyTest, AsciiBoundariesMatchReference) {
  for (const NormalizeOptions& options : PropertyOptionSets()) {
    EXPECT_TRUE(AsciiBoundariesMatch(options)) << Describe(options);
  }
}

// Random pure-ASCII strings (all 128 byte values).
TEST(NormalizePropertyTest, RandomAsciiMatchesReference) {
  Rng rng(0xA5C11);
  for (const NormalizeOptions& options : PropertyOptionSets()) {
    Normalizer n(options);
    for (int iter = 0; iter < 2000; ++iter) {
      std::string s(rng.Uniform(200), ' ');
      for (char& c : s) {
        c = static_cast<char>(rng.Uniform(4) == 0 ? rng.Uniform(128)
                                                  : 'a' + rng.Uniform(26));
      }
      if (!MatchesReference(n, s)) break;
    }
  }
}

// Appends up to max_words - 1 words of 1 to max_length ASCII letters and
// digits, each followed by one of `stops` one time in stop_one_in, else by
// a space.
void AppendRunningText(Rng& rng, const std::vector<std::string>& stops,
                       int max_words, int max_length, int stop_one_in,
                       std::string* text) {
  static const char kWordBytes[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const int words = static_cast<int>(rng.Uniform(max_words));
  for (int w = 0; w < words; ++w) {
    const int length = 1 + static_cast<int>(rng.Uniform(max_length));
    for (int k = 0; k < length; ++k) {
      *text += kWordBytes[rng.Uniform(sizeof(kWordBytes) - 1)];
    }
    *text += rng.Uniform(stop_one_in) == 0 ? stops[rng.Uniform(stops.size())]
                                           : " ";
  }
}

// Running text: words of ASCII letters (some capitals) and digits with
// single spaces, now and then a mark of punctuation, two spaces, a leading
// or trailing space, an accented word or a typographic separator. The
// ASCII fast path takes 16 bytes of such words at a time; these put every
// kind of stop at every position of those 16.
TEST(NormalizePropertyTest, RandomRunningTextMatchesReference) {
  static const std::vector<std::string> stops = {
      ",", ". ", "  ", "\n", "-", "'", "\t", "caf\xC3\xA9", "\xE2\x80\x99",
      "\xE2\x80\x94", "\xC2\xA0", "E\xCC\x81", "\xEF\xAC\x81", "\r\n"};
  Rng rng(0x5111D);
  for (const NormalizeOptions& options : PropertyOptionSets()) {
    Normalizer n(options);
    for (int iter = 0; iter < 3000; ++iter) {
      std::string s = rng.Uniform(4) == 0 ? " " : "";
      AppendRunningText(rng, stops, /*max_words=*/30, /*max_length=*/10,
                        /*stop_one_in=*/8, &s);
      if (!s.empty() && s.back() == ' ' && rng.Uniform(2) == 0) s.pop_back();
      if (!MatchesReference(n, s)) break;
    }
  }
}

// The body of CollapseAsciiTest.VectorKernelMatchesByteLoop for one kernel.
void ExpectCollapseMatchesByteLoop(internal::CollapseAsciiFn fast) {
  static const std::vector<std::string> stops = {
      ",",        ". ",           "  ",           "\n",          "-",
      "'",        "\t",           "\x0B",         "\x7F",         "(\"",
      "\xC3\xA9", "\xE2\x80\x99", "\xE2\x80\x94", "\xE2\x80\xA6", "\xC2\xA0",
      "\xE2\x80", "\xC2",         "\xCC\x81",     "\r\n",         " \xE2\x80\x9C"};
  Rng rng(0xC0114E5E);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    // Half the texts long with few stops: whole 64-byte steps.
    const bool long_runs = rng.Uniform(2) == 0;
    AppendRunningText(rng, stops, /*max_words=*/long_runs ? 90 : 24,
                      /*max_length=*/12, /*stop_one_in=*/long_runs ? 30 : 4,
                      &text);
    if (rng.Uniform(3) == 0 && !text.empty()) text.pop_back();
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    const size_t start = n == 0 ? 0 : rng.Uniform(n + 1);
    internal::CollapseOptions options;
    options.fold = rng.Uniform(4) != 0;
    options.zero = rng.Uniform(4) != 0;
    internal::CollapseState entry;
    // What the full path leaves: kept bytes, never a trailing space.
    entry.len = rng.Uniform(3) == 0 ? 0 : 1 + rng.Uniform(20);
    entry.pending = rng.Uniform(2) == 0;
    entry.seg_in = start;
    entry.seg_out = entry.len;
    entry.seg_pending = entry.pending;
    std::vector<char> want(entry.len + (n - start) + 1, 'x');
    std::vector<char> got = want;
    internal::CollapseState want_state = entry;
    internal::CollapseState got_state = entry;
    const size_t want_stop =
        internal::CollapseAscii(p, n, start, options, &want_state, want.data());
    const size_t got_stop = fast(p, n, start, options, &got_state, got.data());
    const std::string context = "text \"" + Escape(text) + "\" from " +
                                std::to_string(start) + ", len " +
                                std::to_string(entry.len) + ", pending " +
                                std::to_string(entry.pending);
    ASSERT_EQ(got_stop, want_stop) << context;
    ASSERT_EQ(got_state.len, want_state.len) << context;
    ASSERT_EQ(std::string(got.data(), got_state.len),
              std::string(want.data(), want_state.len))
        << context;
    ASSERT_EQ(got_state.pending, want_state.pending) << context;
    ASSERT_EQ(got_state.seg_in, want_state.seg_in) << context;
    ASSERT_EQ(got_state.seg_out, want_state.seg_out) << context;
    ASSERT_EQ(got_state.seg_pending, want_state.seg_pending) << context;
  }
}

// Each vector kernel of the collapsing ASCII path (16 and 64 bytes at a
// time, as the CPU allows) against the byte loop, from every kind of state
// the full path can leave (an empty or a written output, a space pending or
// not, a segment started anywhere), on running text whose stops fall at
// every position of a 16- or 64-byte step and on the last bytes of the
// text: the same bytes written, the same stop and the same state. The
// output buffer has exactly the room the kernels may assume, so a store
// past it is a heap overflow under the sanitizers.
TEST(CollapseAsciiTest, VectorKernelMatchesByteLoop) {
  const std::vector<internal::CollapseAsciiFn> kernels =
      internal::VectorCollapseKernels();
  if (kernels.empty()) GTEST_SKIP() << "no vector kernel on this CPU";
  for (size_t k = 0; k < kernels.size(); ++k) {
    SCOPED_TRACE("kernel " + std::to_string(k) + " of " +
                 std::to_string(kernels.size()) + ", widest first");
    ExpectCollapseMatchesByteLoop(kernels[k]);
    if (HasFatalFailure()) return;
  }
}

// Thousands of random strings mixing ASCII and non-ASCII pieces.
TEST(NormalizePropertyTest, RandomMixedTextMatchesReference) {
  Rng rng(0x4E4F524D);
  for (const NormalizeOptions& options : PropertyOptionSets()) {
    Normalizer n(options);
    for (int iter = 0; iter < 4000; ++iter) {
      const std::string text = RandomText(rng, 40);
      if (!MatchesReference(n, text)) break;
      if (iter % 16 == 0) {
        ASSERT_EQ(Escape(Normalize(text, options)),
                  Escape(ReferenceNormalize(text, options)))
            << Escape(text);
      }
    }
  }
}

// Ill-formed bytes anywhere (right after ASCII, inside non-ASCII runs):
// the result is the reference applied to the repaired text, and the count is
// the number of repairs.
TEST(NormalizePropertyTest, RandomTextWithInvalidBytesMatchesReference) {
  static const std::vector<std::string> bad = {
      "\xFF",         "\x80",     "\xC3",         "\xE2\x82",
      "\xF0\x9F\x98", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80"};
  Rng rng(0xBADB17E5);
  Normalizer n;
  for (int iter = 0; iter < 4000; ++iter) {
    std::string text;
    const int pieces = static_cast<int>(rng.Uniform(12));
    for (int k = 0; k < pieces; ++k) {
      text += RandomText(rng, 4);
      if (rng.Uniform(2) == 0) text += bad[rng.Uniform(bad.size())];
    }
    std::string repaired;
    const size_t repairs = RepairUtf8(text, &repaired);
    std::string out;
    ASSERT_EQ(n.Normalize(text, &out), repairs) << Escape(text);
    ASSERT_EQ(Escape(out), Escape(ReferenceNormalize(repaired, n.options())))
        << "input: \"" << Escape(text) << "\"";
  }
}

// Non-ASCII words longer than 300 bytes, alone and between ASCII text.
TEST(NormalizePropertyTest, LongRunsMatchReference) {
  Rng rng(0x10A6);
  for (const NormalizeOptions& options : PropertyOptionSets()) {
    Normalizer n(options);
    for (int iter = 0; iter < 300; ++iter) {
      std::string text;
      switch (iter % 3) {
        case 0:
          text = RandomLongRun(rng);
          break;
        case 1:
          text = RandomText(rng, 8) + RandomLongRun(rng) + RandomText(rng, 8);
          break;
        default:
          text = RandomLongRun(rng) + "e" + RandomLongRun(rng);
          break;
      }
      if (!MatchesReference(n, text)) break;
    }
    // Combining marks that canonical ordering must sort (ccc 230 and 220
    // alternating), 30 to a base (the Stream-Safe limit; longer runs are
    // cut, see LongAlternatingMarkRunsAreNormalizedInPieces), in a run far
    // beyond 300 bytes.
    std::string marks;
    for (int base = 0; base < 40; ++base) {
      marks += base % 2 ? "a" : "\u03B1";
      for (int i = 0; i < 15; ++i) marks += "\u0301\u0316";
    }
    MatchesReference(n, marks);
    MatchesReference(n, "x " + marks + " y");
    // Greek without spaces, each letter with an accent.
    std::string greek;
    for (int i = 0; i < 300; ++i) greek += "\u03B1\u0301\u03A9\u0308";
    MatchesReference(n, greek);
    // CJK without spaces, then conjoining jamo split across the run.
    std::string cjk;
    for (int i = 0; i < 200; ++i) cjk += "\u4E2D\u1100\u1161\u11A8";
    MatchesReference(n, cjk);
    // Two-part Oriya vowel sign written as two code points, repeated.
    std::string oriya;
    for (int i = 0; i < 200; ++i) oriya += "\u0B15\u0B47\u0B3E";
    MatchesReference(n, oriya);
  }
}

// A pair that NFKC composes into one character, placed at every offset of a
// run without spaces that is long enough to be cut into segments: no cut may
// separate the pair.
TEST(NormalizeTest, LongRunCutPointsKeepCompositions) {
  struct Pair {
    const char* name;
    std::string input;
    std::string composed;
  };
  const std::vector<Pair> pairs = {
      // Half-width katakana KA + half-width voiced mark (Lm) -> ガ.
      {"FF76 FF9E", "\uFF76\uFF9E", "\u30AC"},
      // Half-width HA + half-width semi-voiced mark (Lm) -> パ.
      {"FF8A FF9F", "\uFF8A\uFF9F", "\u30D1"},
      // Hangul compatibility jamo KIYEOK + A (both Lo) -> 가.
      {"3131 314F", "\u3131\u314F", "\uAC00"},
      // Half-width Hangul KIYEOK + A -> 가.
      {"FFA1 FFC2", "\uFFA1\uFFC2", "\uAC00"},
      // Conjoining jamo L + V -> 가.
      {"1100 1161", "\u1100\u1161", "\uAC00"},
      // Syllable LV + conjoining T -> 각.
      {"AC00 11A8", "\uAC00\u11A8", "\uAC01"},
      // Oriya two-part vowel sign (Mc + Mc) -> ୋ.
      {"0B47 0B3E", "\u0B47\u0B3E", "\u0B4B"},
      // Latin letter + combining acute -> é.
      {"e 0301", "e\u0301", "\u00E9"},
  };
  const std::vector<std::string> fillers = {"\u4E2D", "\u03B1", "x"};
  for (const Pair& pair : pairs) {
    for (const std::string& filler : fillers) {
      int failures = 0;
      std::string first_failure;
      for (int pad = 1; pad <= 300; ++pad) {
        std::string before;
        for (int i = 0; i < pad; ++i) before += filler;
        std::string after;
        for (int i = 0; i < 150; ++i) after += filler;
        const std::string got = Normalize(before + pair.input + after);
        if (got != before + pair.composed + after) {
          if (failures++ == 0) {
            first_failure = std::to_string(pad) + " x \"" + Escape(filler) +
                            "\" + pair: got \"" +
                            Escape(got.substr(before.size(), 12)) +
                            "...\" where the pair should be \"" +
                            Escape(pair.composed) + "\"";
          }
        }
      }
      EXPECT_EQ(failures, 0) << pair.name << ": first at " << first_failure;
    }
  }
}

// ---------------------------------------------------------------------------
// Huge inputs: results checked by size and content, never by time.

TEST(NormalizeTest, HundredMegabyteLine) {
  const std::string unit =
      "Abcdefghijklmnopqrstuvwxyz1234 ZYXWVUTSRQPONMLKJIHGFEDCBA5678?! ";
  const std::string norm_unit =
      "abcdefghijklmnopqrstuvwxyz0000 zyxwvutsrqponmlkjihgfedcba0000 ";
  ASSERT_EQ(unit.size(), 64u);
  ASSERT_EQ(norm_unit.size(), 62u);
  const size_t reps = (size_t{100} << 20) / unit.size();
  std::string text;
  text.reserve(reps * unit.size());
  for (size_t i = 0; i < reps; ++i) text += unit;

  Normalizer n;
  std::string out;
  ASSERT_EQ(n.Normalize(text, &out), 0u);
  ASSERT_EQ(out.size(), reps * norm_unit.size() - 1);
  for (size_t i = 0; i + 1 < reps; ++i) {
    if (out.compare(i * 62, 62, norm_unit) != 0) {
      FAIL() << "unit " << i << " is \"" << Escape(out.substr(i * 62, 62))
             << "\"";
    }
  }
  EXPECT_EQ(out.substr(out.size() - 61), norm_unit.substr(0, 61));
}

TEST(NormalizeTest, TenMegabytesOfCjkWithoutSpaces) {
  const std::string unit = "\u4E2D\u6587\u5B57\u7B26\u6D4B\u8BD5";
  const size_t reps = (size_t{10} << 20) / unit.size();
  std::string text;
  for (size_t i = 0; i < reps; ++i) text += unit;
  std::string out;
  Normalizer n;
  ASSERT_EQ(n.Normalize(text, &out), 0u);
  EXPECT_EQ(out.size(), text.size());
  EXPECT_TRUE(out == text);

  // The same with an ideographic full stop (punctuation) after each unit.
  std::string stopped;
  for (size_t i = 0; i < reps / 4; ++i) stopped += unit + "\u3002";
  ASSERT_EQ(n.Normalize(stopped, &out), 0u);
  ASSERT_EQ(out.size(), (reps / 4) * (unit.size() + 1) - 1);
  for (size_t i = 0; i < reps / 4; ++i) {
    const std::string_view got(out.data() + i * (unit.size() + 1), unit.size());
    if (got != unit) FAIL() << "unit " << i << ": " << Escape(got);
  }
}

TEST(NormalizeTest, MillionCombiningMarksAfterOneLetter) {
  std::string text = "a";
  for (int i = 0; i < 1000000; ++i) text += "\u0301";
  // NFKC composes the first mark with the letter; the others stay, blocked
  // by the same combining class.
  std::string want = "\u00E1";
  for (int i = 1; i < 1000000; ++i) want += "\u0301";
  std::string out;
  Normalizer n;
  ASSERT_EQ(n.Normalize(text, &out), 0u);
  ASSERT_EQ(out.size(), want.size());
  EXPECT_TRUE(out == want);
  EXPECT_TRUE(out == ReferenceNormalize(text, NormalizeOptions()));

  NormalizeOptions strip;
  strip.strip_accents = true;
  EXPECT_EQ(Head(Normalize(text, strip)), "a");
  EXPECT_EQ(Head(Normalize(text + " B", strip)), "a b");
}

TEST(NormalizeTest, NulBytesInsideText) {
  const std::string text = "\0Hello\0\0World\0"s;
  EXPECT_EQ(Normalize(text), "hello world");
  std::string big;
  for (int i = 0; i < 100000; ++i) big += "ab\0"s;
  const std::string out = Normalize(big);
  ASSERT_EQ(out.size(), 100000u * 3 - 1);
  EXPECT_EQ(out.substr(0, 6), "ab ab ");
}

// Alternating combining marks of two classes force canonical reordering of
// the whole run; without the Stream-Safe cut this input takes hours (the
// sort is quadratic), with it milliseconds. Checked by content: every mark
// survives, and the first acute composes with the letter.
TEST(NormalizeTest, LongAlternatingMarkRunsAreNormalizedInPieces) {
  constexpr int kPairs = 500000;
  std::string text = "a";
  for (int i = 0; i < kPairs; ++i) text += "\u0301\u0316";
  const std::string out = Normalize(text);
  auto count = [&out](std::string_view needle) {
    size_t n = 0;
    for (size_t pos = out.find(needle); pos != std::string::npos;
         pos = out.find(needle, pos + needle.size())) {
      ++n;
    }
    return n;
  };
  EXPECT_EQ(count("\u0316"), static_cast<size_t>(kPairs));
  EXPECT_EQ(count("\u0301"), static_cast<size_t>(kPairs - 1));
  EXPECT_EQ(count("\u00E1"), 1u);
  // "a" + U+0301 (3 bytes) became U+00E1 (2 bytes).
  EXPECT_EQ(out.size(), text.size() - 1);
}

}  // namespace
}  // namespace neardup
