// Tests for UTF-8 validation and repair (IsValidUtf8, FindInvalidUtf8,
// RepairUtf8) against the maximal-subpart policy documented in text.h.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/text.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using ::neardup::test::Escape;
using ::neardup::test::Rng;
using namespace std::string_literals;

std::string Fffd(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += test::kFffd;
  return out;
}

// Encodes any value below 0x200000 the way UTF-8 would (surrogates included,
// which makes the ill-formed sequences the tests need).
std::string EncodeRaw(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return out;
}

// Reference decoder written straight from Unicode 15 Table 3-7. Returns the
// length of the well-formed sequence at s[i], or 0 and sets *bad to the
// length of the maximal subpart (at least 1) when it is ill-formed.
size_t RefSequenceAt(std::string_view s, size_t i, size_t* bad) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = b(i);
  if (b0 < 0x80) return 1;
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
  } else if (b0 == 0xE0) {
    need = 3;
    lo = 0xA0;
  } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
    need = 3;
  } else if (b0 == 0xED) {
    need = 3;
    hi = 0x9F;
  } else if (b0 == 0xF0) {
    need = 4;
    lo = 0x90;
  } else if (b0 >= 0xF1 && b0 <= 0xF3) {
    need = 4;
  } else if (b0 == 0xF4) {
    need = 4;
    hi = 0x8F;
  } else {
    *bad = 1;
    return 0;
  }
  for (size_t k = 1; k < need; ++k) {
    const unsigned char l = k == 1 ? lo : 0x80;
    const unsigned char h = k == 1 ? hi : 0xBF;
    if (i + k >= s.size() || b(i + k) < l || b(i + k) > h) {
      *bad = k;
      return 0;
    }
  }
  return need;
}

struct RefResult {
  std::string repaired;
  size_t count = 0;
  size_t first_invalid = 0;
};

RefResult RefRepair(std::string_view s) {
  RefResult r;
  r.first_invalid = s.size();
  size_t i = 0;
  while (i < s.size()) {
    size_t bad = 0;
    const size_t n = RefSequenceAt(s, i, &bad);
    if (n > 0) {
      r.repaired.append(s.substr(i, n));
      i += n;
    } else {
      if (r.count == 0) r.first_invalid = i;
      ++r.count;
      r.repaired += test::kFffd;
      i += bad;
    }
  }
  return r;
}

// Checks all three functions on one input against the expected repair.
void ExpectUtf8(std::string_view input, std::string_view expected_repair,
                size_t expected_count, size_t expected_first_invalid) {
  SCOPED_TRACE("input: \"" + Escape(input) + "\"");
  EXPECT_EQ(IsValidUtf8(input), expected_count == 0);
  EXPECT_EQ(FindInvalidUtf8(input), expected_first_invalid);
  std::string out = "stale contents that must be replaced";
  EXPECT_EQ(RepairUtf8(input, &out), expected_count);
  EXPECT_EQ(Escape(out), Escape(expected_repair));
  // The repaired text is always well-formed and repairs to itself.
  EXPECT_TRUE(IsValidUtf8(out));
  std::string again;
  EXPECT_EQ(RepairUtf8(out, &again), 0u);
  EXPECT_EQ(again, out);
}

struct Utf8Case {
  std::string input;
  std::string repaired;
  size_t count;
  size_t first_invalid;
};

TEST(Utf8Test, KnownAnswerTable) {
  // clang-format off
  const std::vector<Utf8Case> cases = {
      // Empty input: valid, nothing to replace, first invalid == size == 0.
      {"", "", 0, 0},
      // Plain ASCII.
      {"abc", "abc", 0, 3},
      // NUL and DEL are well-formed one-byte sequences.
      {"a\0b\x7F"s, "a\0b\x7F"s, 0, 4},
      // Truncated two-byte sequence followed by ASCII: C3 alone is the
      // maximal subpart, '(' is kept.
      {"a\xC3(b", "a" + Fffd(1) + "(b", 1, 1},
      // Overlong "/" (C0 AF): C0 is never a lead byte, so C0 and AF are each
      // their own maximal subpart.
      {"\xC0\xAF", Fffd(2), 2, 0},
      // Overlong with C1, the other never-valid two-byte lead.
      {"\xC1\xBF", Fffd(2), 2, 0},
      // Smallest two-byte sequence U+0080 and largest U+07FF are valid.
      {"\xC2\x80\xDF\xBF", "\xC2\x80\xDF\xBF", 0, 4},
      // Three-byte overlong (E0 80 80): E0 needs A0..BF next, so E0 is a
      // subpart of its own, then two lone continuation bytes.
      {"\xE0\x80\x80", Fffd(3), 3, 0},
      // Smallest three-byte sequence U+0800 is valid.
      {"\xE0\xA0\x80", "\xE0\xA0\x80", 0, 3},
      // Truncated three-byte sequence at the end (E2 82 of the euro sign):
      // one maximal subpart, one U+FFFD.
      {"\xE2\x82", Fffd(1), 1, 0},
      // The complete euro sign is valid.
      {"\xE2\x82\xAC", "\xE2\x82\xAC", 0, 3},
      // Truncated three-byte sequence interrupted by ASCII.
      {"\xE2\x82x", Fffd(1) + "x", 1, 0},
      // Truncated E0 A0 at the end: E0 A0 is a valid prefix, one subpart.
      {"x\xE0\xA0", "x" + Fffd(1), 1, 1},
      // High surrogate U+D800 (ED A0 80): ED needs 80..9F next, so three
      // subparts.
      {"\xED\xA0\x80", Fffd(3), 3, 0},
      // Low surrogate U+DFFF (ED BF BF): three subparts.
      {"\xED\xBF\xBF", Fffd(3), 3, 0},
      // U+D7FF, the last code point before the surrogates, is valid.
      {"\xED\x9F\xBF", "\xED\x9F\xBF", 0, 3},
      // U+E000, the first after the surrogates, is valid.
      {"\xEE\x80\x80", "\xEE\x80\x80", 0, 3},
      // Noncharacters U+FFFE and U+FFFF are well-formed UTF-8.
      {"\xEF\xBF\xBE\xEF\xBF\xBF", "\xEF\xBF\xBE\xEF\xBF\xBF", 0, 6},
      // U+FFFD itself is valid and is not counted as a replacement.
      {"\xEF\xBF\xBD", "\xEF\xBF\xBD", 0, 3},
      // Above U+10FFFF (F4 90 80 80): F4 needs 80..8F next, four subparts.
      {"\xF4\x90\x80\x80", Fffd(4), 4, 0},
      // U+10FFFF, the last code point, is valid.
      {"\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF", 0, 4},
      // Four-byte overlong (F0 80 80 80): F0 needs 90..BF next.
      {"\xF0\x80\x80\x80", Fffd(4), 4, 0},
      // U+10000, the smallest four-byte sequence, is valid.
      {"\xF0\x90\x80\x80", "\xF0\x90\x80\x80", 0, 4},
      // A valid four-byte emoji (U+1F600) is left untouched.
      {"hi \xF0\x9F\x98\x80!", "hi \xF0\x9F\x98\x80!", 0, 8},
      // Truncated four-byte sequence F0 9F 98 at the end: one subpart.
      {"\xF0\x9F\x98", Fffd(1), 1, 0},
      // Truncated four-byte sequence followed by ASCII: one subpart.
      {"\xF0\x9F\x98" "A", Fffd(1) + "A", 1, 0},
      // F5 is never a lead byte: each of the four bytes is a subpart.
      {"\xF5\x80\x80\x80", Fffd(4), 4, 0},
      // Old five-byte form (F8 ...): five subparts.
      {"\xF8\x88\x80\x80\x80", Fffd(5), 5, 0},
      // FE and FF never occur in UTF-8.
      {"\xFE\xFF", Fffd(2), 2, 0},
      // A lone continuation byte.
      {"\x80", Fffd(1), 1, 0},
      // Two lone continuation bytes are two subparts, not one.
      {"\x80\xBF", Fffd(2), 2, 0},
      // A lone lead byte at the end.
      {"ab\xC2", "ab" + Fffd(1), 1, 2},
      // Lead byte followed by another lead: the first is a subpart, the
      // second starts a valid U+0080.
      {"\xC2\xC2\x80", Fffd(1) + "\xC2\x80", 1, 0},
      // Truncated three-byte prefix followed by a valid euro sign.
      {"\xE1\x80\xE2\x82\xAC", Fffd(1) + "\xE2\x82\xAC", 1, 0},
      // Unicode 15 Table 3-8 (U+FFFD for non-shortest forms / truncations):
      // 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 -> a FFFD FFFD FFFD b FFFD c
      // FFFD FFFD d.
      {"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
       "a" + Fffd(3) + "b" + Fffd(1) + "c" + Fffd(2) + "d", 6, 1},
      // Valid multibyte text before the first error: offset is in bytes.
      {"caf\xC3\xA9\xFF", "caf\xC3\xA9" + Fffd(1), 1, 5},
  };
  // clang-format on
  for (const Utf8Case& c : cases) {
    ExpectUtf8(c.input, c.repaired, c.count, c.first_invalid);
  }
}

TEST(Utf8Test, RepairReplacesOutputContents) {
  std::string out = "previous";
  EXPECT_EQ(RepairUtf8("", &out), 0u);
  EXPECT_EQ(out, "");
  out = "previous";
  EXPECT_EQ(RepairUtf8("x\xFF", &out), 1u);
  EXPECT_EQ(out, "x" + Fffd(1));
}

TEST(Utf8Test, EveryScalarValueIsValid) {
  std::string all;
  for (uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    all += EncodeRaw(cp);
  }
  EXPECT_TRUE(IsValidUtf8(all));
  EXPECT_EQ(FindInvalidUtf8(all), all.size());
  std::string out;
  EXPECT_EQ(RepairUtf8(all, &out), 0u);
  EXPECT_TRUE(out == all);
}

TEST(Utf8Test, EverySurrogateIsThreeReplacements) {
  for (uint32_t cp = 0xD800; cp <= 0xDFFF; ++cp) {
    const std::string s = "ab" + EncodeRaw(cp) + "cd";
    ASSERT_FALSE(IsValidUtf8(s)) << std::hex << cp;
    ASSERT_EQ(FindInvalidUtf8(s), 2u) << std::hex << cp;
    std::string out;
    ASSERT_EQ(RepairUtf8(s, &out), 3u) << std::hex << cp;
    ASSERT_EQ(out, "ab" + Fffd(3) + "cd") << std::hex << cp;
  }
}

TEST(Utf8Test, OverlongEncodingsAreInvalid) {
  // Every code point below 0x80 written in two bytes, and every one below
  // 0x800 written in three, is an overlong form.
  for (uint32_t cp = 0; cp < 0x80; ++cp) {
    const std::string two = {static_cast<char>(0xC0 | (cp >> 6)),
                             static_cast<char>(0x80 | (cp & 0x3F))};
    std::string out;
    ASSERT_EQ(RepairUtf8(two, &out), 2u) << cp;
    ASSERT_EQ(out, Fffd(2)) << cp;
  }
  for (uint32_t cp = 0; cp < 0x800; cp += 7) {
    const std::string three = {static_cast<char>(0xE0),
                               static_cast<char>(0x80 | (cp >> 6)),
                               static_cast<char>(0x80 | (cp & 0x3F))};
    std::string out;
    ASSERT_EQ(RepairUtf8(three, &out), 3u) << cp;
    ASSERT_EQ(out, Fffd(3)) << cp;
    ASSERT_FALSE(IsValidUtf8(three)) << cp;
  }
}

// The ASCII fast path reads 8 bytes at a time: an error at every offset
// around and across 8-byte words must be found at exactly that offset.
TEST(Utf8Test, ErrorAtEveryOffsetOfAnAsciiRun) {
  const std::vector<std::string> bad = {"\x80",     "\xFF",         "\xC3",
                                        "\xE2\x82", "\xED\xA0\x80", "\xF4\x90"};
  for (const std::string& b : bad) {
    for (size_t pos = 0; pos < 72; ++pos) {
      for (size_t tail : {0, 1, 9, 17}) {
        const std::string s =
            std::string(pos, 'a') + b + std::string(tail, 'z');
        SCOPED_TRACE("pos " + std::to_string(pos) + " tail " +
                     std::to_string(tail) + " bad " + Escape(b));
        const RefResult ref = RefRepair(s);
        ASSERT_EQ(ref.first_invalid, pos);
        ASSERT_FALSE(IsValidUtf8(s));
        ASSERT_EQ(FindInvalidUtf8(s), pos);
        std::string out;
        ASSERT_EQ(RepairUtf8(s, &out), ref.count);
        ASSERT_EQ(out, ref.repaired);
      }
    }
  }
  // And no false alarm on long valid runs that end mid-word.
  for (size_t len = 0; len < 72; ++len) {
    const std::string s =
        std::string(len, 'q') + "\xC3\xA9" + std::string(len, '~');
    ASSERT_TRUE(IsValidUtf8(s)) << len;
    ASSERT_EQ(FindInvalidUtf8(s), s.size()) << len;
  }
}

// Every string of one or two bytes, and every three-byte string that starts
// with a byte >= 0xC0, against the reference decoder.
TEST(Utf8Test, ExhaustiveShortStringsMatchReference) {
  std::string out;
  for (int a = 0; a < 256; ++a) {
    const std::string one(1, static_cast<char>(a));
    const RefResult r1 = RefRepair(one);
    ASSERT_EQ(RepairUtf8(one, &out), r1.count) << a;
    ASSERT_EQ(out, r1.repaired) << a;
    ASSERT_EQ(IsValidUtf8(one), r1.count == 0) << a;
    for (int b = 0; b < 256; ++b) {
      const std::string two = {static_cast<char>(a), static_cast<char>(b)};
      const RefResult r2 = RefRepair(two);
      ASSERT_EQ(RepairUtf8(two, &out), r2.count) << Escape(two);
      ASSERT_EQ(out, r2.repaired) << Escape(two);
      ASSERT_EQ(IsValidUtf8(two), r2.count == 0) << Escape(two);
      ASSERT_EQ(FindInvalidUtf8(two), r2.first_invalid) << Escape(two);
    }
  }
  for (int a = 0xC0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c = 0; c < 256; ++c) {
        const std::string three = {static_cast<char>(a), static_cast<char>(b),
                                   static_cast<char>(c)};
        const RefResult r = RefRepair(three);
        ASSERT_EQ(RepairUtf8(three, &out), r.count) << Escape(three);
        ASSERT_EQ(out, r.repaired) << Escape(three);
        ASSERT_EQ(FindInvalidUtf8(three), r.first_invalid) << Escape(three);
      }
    }
  }
}

// Four-byte leads against interesting second, third and fourth bytes.
TEST(Utf8Test, FourByteBoundariesMatchReference) {
  const std::vector<int> probes = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
                                   0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF0, 0xFF};
  std::string out;
  for (int a = 0xF0; a <= 0xF7; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c : probes) {
        for (int d : probes) {
          const std::string s = {'x',
                                 static_cast<char>(a),
                                 static_cast<char>(b),
                                 static_cast<char>(c),
                                 static_cast<char>(d),
                                 'y'};
          const RefResult r = RefRepair(s);
          ASSERT_EQ(RepairUtf8(s, &out), r.count) << Escape(s);
          ASSERT_EQ(out, r.repaired) << Escape(s);
          ASSERT_EQ(IsValidUtf8(s), r.count == 0) << Escape(s);
          ASSERT_EQ(FindInvalidUtf8(s), r.first_invalid) << Escape(s);
        }
      }
    }
  }
}

// Random mixtures of valid characters, ASCII runs, truncated sequences and
// random bytes, against the reference decoder.
TEST(Utf8Test, RandomStringsMatchReference) {
  Rng rng(0x7574663874657374ull);
  std::string out;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    const int pieces = static_cast<int>(rng.Uniform(24));
    for (int p = 0; p < pieces; ++p) {
      switch (rng.Uniform(6)) {
        case 0:  // an ASCII run, often longer than one 8-byte word
          s.append(rng.Uniform(20), static_cast<char>('a' + rng.Uniform(26)));
          break;
        case 1: {  // a valid scalar value of 1-4 bytes
          uint32_t cp;
          do {
            const uint32_t limits[] = {0x80, 0x800, 0x10000, 0x110000};
            cp = static_cast<uint32_t>(rng.Uniform(limits[rng.Uniform(4)]));
          } while (cp >= 0xD800 && cp <= 0xDFFF);
          s += EncodeRaw(cp);
          break;
        }
        case 2: {  // a valid sequence cut short
          const std::string full = EncodeRaw(
              static_cast<uint32_t>(0x800 + rng.Uniform(0x10000 - 0x800)));
          s += full.substr(0, 1 + rng.Uniform(full.size() - 1));
          break;
        }
        case 3:  // any byte at all
          s.push_back(static_cast<char>(rng.Uniform(256)));
          break;
        case 4:  // a surrogate or an out-of-range four-byte form
          s += EncodeRaw(static_cast<uint32_t>(
              rng.Uniform(2) ? 0xD800 + rng.Uniform(0x800)
                             : 0x110000 + rng.Uniform(0xEFFFF)));
          break;
        default:  // a continuation byte
          s.push_back(static_cast<char>(0x80 + rng.Uniform(64)));
          break;
      }
    }
    const RefResult r = RefRepair(s);
    ASSERT_EQ(IsValidUtf8(s), r.count == 0) << Escape(s);
    ASSERT_EQ(FindInvalidUtf8(s), r.first_invalid) << Escape(s);
    ASSERT_EQ(RepairUtf8(s, &out), r.count) << Escape(s);
    ASSERT_EQ(out, r.repaired) << Escape(s);
  }
}

// Texts of 64 bytes and more are first checked by the vector validator:
// running text of a few hundred bytes, valid or with one piece of damage
// anywhere (at every offset of the first vectors, and at random), is judged
// as the reference judges it, and an error is found at its offset.
TEST(Utf8Test, LongTextsMatchReference) {
  static const std::vector<std::string> valid = {
      "word ", "caf\xC3\xA9 ", "\xE2\x80\x99", "\xE4\xB8\xAD\xE6\x96\x87",
      "\xF0\x9F\x98\x80", "\xCC\x81", "Zebra. "};
  static const std::vector<std::string> bad = {
      "\x80", "\xFF", "\xC3", "\xE2\x82", "\xED\xA0\x80", "\xF4\x90\x80\x80",
      "\xC0\xAF", "\xF0\x9F\x98"};
  Rng rng(0x10C6F00D);
  std::string out;
  for (int iter = 0; iter < 6000; ++iter) {
    std::string s;
    const size_t want = 64 + rng.Uniform(400);
    while (s.size() < want) s += valid[rng.Uniform(valid.size())];
    if (iter % 3 != 0) {
      const size_t at = iter < 2000 ? static_cast<size_t>(iter) % 140
                                    : rng.Uniform(s.size() + 1);
      s.insert(std::min(at, s.size()), bad[rng.Uniform(bad.size())]);
    }
    const RefResult r = RefRepair(s);
    ASSERT_EQ(IsValidUtf8(s), r.count == 0) << Escape(s);
    ASSERT_EQ(FindInvalidUtf8(s), r.first_invalid) << Escape(s);
    ASSERT_EQ(RepairUtf8(s, &out), r.count) << Escape(s);
    ASSERT_EQ(out, r.repaired) << Escape(s);
  }
}

TEST(Utf8Test, LargeInputs) {
  // 8 MB of ASCII with a single error near the end.
  std::string s(8 << 20, 'k');
  s[s.size() - 3] = '\xC3';
  EXPECT_FALSE(IsValidUtf8(s));
  EXPECT_EQ(FindInvalidUtf8(s), s.size() - 3);
  std::string out;
  EXPECT_EQ(RepairUtf8(s, &out), 1u);
  EXPECT_EQ(out.size(), s.size() + 2);
  EXPECT_EQ(out.substr(out.size() - 5), std::string(test::kFffd) + "kk");
  // 1M lone continuation bytes: one replacement each.
  const std::string cont(1 << 20, '\x80');
  EXPECT_EQ(RepairUtf8(cont, &out), size_t{1} << 20);
  EXPECT_EQ(out.size(), 3 * (size_t{1} << 20));
}

}  // namespace
}  // namespace neardup
