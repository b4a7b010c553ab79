// Tests for the shingle layer: the documented hash definitions (recomputed
// here independently with xxHash), short documents, normalization, seeds,
// scratch reuse and huge input.

#include "neardup/shingle.h"

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "shingle/shingle_kernels.h"
#include "shingle/word_hashes.h"
#include "tests/test_util.h"
#include "xxhash.h"

namespace neardup {
namespace {

std::vector<uint64_t> HashOf(std::string_view text, ShingleOptions options = {}) {
  auto shingler = Shingler::Create(options);
  EXPECT_TRUE(shingler.ok());
  std::vector<uint64_t> hashes;
  shingler->Hash(text, &hashes);
  return hashes;
}

// The definition from shingle.h, written out: token hashes, then XXH3 over
// n little-endian 8-byte words (this test runs on little-endian hosts).
uint64_t ReferenceWordShingle(const std::vector<std::string>& tokens,
                              uint64_t seed) {
  std::vector<uint64_t> token_hashes;
  for (const std::string& t : tokens) {
    token_hashes.push_back(XXH3_64bits_withSeed(t.data(), t.size(), seed));
  }
  return XXH3_64bits_withSeed(token_hashes.data(), token_hashes.size() * 8,
                              seed);
}

TEST(ShinglerTest, CreateValidatesShingleSize) {
  for (int n : {0, -1, kMaxShingleSize + 1}) {
    ShingleOptions options;
    options.n = n;
    EXPECT_EQ(Shingler::Create(options).status().code(),
              absl::StatusCode::kInvalidArgument)
        << n;
  }
  for (int n : {1, 5, kMaxShingleSize}) {
    ShingleOptions options;
    options.n = n;
    EXPECT_OK(Shingler::Create(options));
  }
}

TEST(ShinglerTest, WordShinglesFollowTheDocumentedFormula) {
  // Normalized: "the cat the hat and 0 bats" -> 7 tokens. n = 5, the
  // default, is hashed by a loop of its own; 3 by the general one.
  const std::vector<std::string> tokens = {"the", "cat", "the", "hat",
                                           "and", "0",   "bats"};
  for (const size_t n : {size_t{3}, size_t{5}}) {
    const std::vector<uint64_t> hashes =
        HashOf("The cat, the HAT! And 7 bats.",
               {.n = static_cast<int>(n), .seed = 11});
    ASSERT_EQ(hashes.size(), tokens.size() - n + 1) << n;
    for (size_t i = 0; i < hashes.size(); ++i) {
      const std::vector<std::string> run(tokens.begin() + i,
                                         tokens.begin() + i + n);
      EXPECT_EQ(hashes[i], ReferenceWordShingle(run, 11)) << n << " " << i;
    }
  }
}

// Long texts, so that the default shingle's vector kernel (eight shingles a
// step, where the CPU has one) hashes most of them and the scalar loop the
// rest: every count of words from 1 to 40 and a few long ones, two seeds.
TEST(ShinglerTest, LongTextsFollowTheDocumentedFormula) {
  std::mt19937_64 random(7);
  for (const uint64_t seed : {uint64_t{0}, uint64_t{0x9E3779B97F4A7C15}}) {
    std::vector<size_t> counts;
    for (size_t c = 1; c <= 40; ++c) counts.push_back(c);
    for (size_t c : {257, 1000, 4099}) counts.push_back(c);
    for (const size_t words : counts) {
      std::vector<std::string> tokens;
      std::string text;
      for (size_t w = 0; w < words; ++w) {
        std::string token;
        // 1 to 20 bytes: every path of XXH3 under 17 bytes and a few longer.
        for (size_t k = 1 + random() % 20; k > 0; --k) {
          token += static_cast<char>('a' + random() % 26);
        }
        text += (w > 0 ? " " : "") + token;
        tokens.push_back(token);
      }
      const std::vector<uint64_t> hashes = HashOf(text, {.seed = seed});
      const size_t n = 5;
      ASSERT_EQ(hashes.size(), words < n ? 1 : words - n + 1) << words;
      for (size_t i = 0; i < hashes.size(); ++i) {
        const auto end = tokens.begin() + std::min(i + n, words);
        ASSERT_EQ(hashes[i], ReferenceWordShingle({tokens.begin() + i, end},
                                                  seed))
            << words << " words, shingle " << i << ", seed " << seed;
      }
    }
  }
}

// Each vector kernel against XXH3 itself: runs of 3 and of 5 tokens,
// every count from n to 64 (whole steps and what is left for the caller),
// random token hashes, seeds that carry and borrow in every byte of the
// secret's words.
TEST(ShinglerTest, VectorKernelsMatchXxh3) {
  if (internal::VectorTokenRunsKernels(3).empty() &&
      internal::VectorTokenRunsKernels(5).empty()) {
    GTEST_SKIP() << "no vector kernel on this CPU";
  }
  std::mt19937_64 random(11);
  std::vector<uint64_t> tokens(64);
  for (const size_t n : {size_t{3}, size_t{5}}) {
    for (const internal::TokenRunsFn kernel :
         internal::VectorTokenRunsKernels(n)) {
      for (const uint64_t seed : {uint64_t{0}, uint64_t{1}, ~uint64_t{0},
                                  uint64_t{0x8000000000000000}, random()}) {
        for (size_t count = n; count <= tokens.size(); ++count) {
          for (uint64_t& t : tokens) t = random();
          std::vector<uint64_t> out(count, 0);
          const size_t done = kernel(tokens.data(), count, seed, out.data());
          const size_t runs = count - n + 1;
          ASSERT_LE(done, runs) << count;
          ASSERT_GE(done + 8, runs) << count;  // only a partial step left
          for (size_t i = 0; i < done; ++i) {
            ASSERT_EQ(out[i],
                      XXH3_64bits_withSeed(tokens.data() + i, 8 * n, seed))
                << "n " << n << ", count " << count << ", run " << i
                << ", seed " << seed;
          }
        }
      }
    }
  }
}

// Each word kernel against XXH3 itself: words of every length from 1 to
// 16 bytes in every lane, with the bytes past a short word's end set (they
// must not count), and seeds that carry and borrow.
TEST(ShinglerTest, WordKernelsMatchXxh3) {
  if (internal::VectorWordKernels().empty()) {
    GTEST_SKIP() << "no vector kernel on this CPU";
  }
  std::mt19937_64 random(13);
  for (const internal::HashWords8Fn kernel : internal::VectorWordKernels()) {
    for (const uint64_t seed : {uint64_t{0}, uint64_t{1}, ~uint64_t{0},
                                uint64_t{0x80000000}, random()}) {
      for (int round = 0; round < 200; ++round) {
        unsigned char bytes[internal::WordGroup::kWords][24];
        internal::WordGroup group;
        for (size_t j = 0; j < internal::WordGroup::kWords; ++j) {
          for (unsigned char& c : bytes[j]) {
            c = static_cast<unsigned char>(random());
          }
          group.len[j] = 1 + (round * internal::WordGroup::kWords + j) % 16;
          std::memcpy(&group.first[j], bytes[j], 8);
          const size_t last = group.len[j] > 8 ? group.len[j] - 8 : 0;
          std::memcpy(&group.last[j], bytes[j] + last, 8);
        }
        uint64_t out[internal::WordGroup::kWords];
        kernel(group, seed, out);
        for (size_t j = 0; j < internal::WordGroup::kWords; ++j) {
          ASSERT_EQ(out[j], XXH3_64bits_withSeed(bytes[j], group.len[j], seed))
              << "length " << group.len[j] << ", lane " << j << ", seed "
              << seed;
        }
      }
    }
  }
}

// The shared hashing the clean layer calls: the words of a text appended
// after what the vector holds, as XXH3_64bits of each word (seed 0) or with
// a seed, and runs of every length 1 to 8 (the kernels' 3 and 5 among them)
// as XXH3 of the run; long texts, so whole vector steps and what is left.
TEST(ShinglerTest, SharedWordAndRunHashesMatchXxh3) {
  std::mt19937_64 random(17);
  for (const uint64_t seed : {uint64_t{0}, uint64_t{0x9E3779B97F4A7C15}}) {
    for (const size_t words : {size_t{1}, size_t{7}, size_t{9}, size_t{300}}) {
      std::string text;
      std::vector<uint64_t> expected = {42};  // held before: kept in front
      for (size_t w = 0; w < words; ++w) {
        std::string word;
        for (size_t k = 1 + random() % 20; k > 0; --k) {
          word += static_cast<char>('a' + random() % 26);
        }
        if (random() % 7 == 0) word += "\xC3\xA9";  // a non-ASCII letter
        text += (w > 0 ? " " : "") + word;
        expected.push_back(seed == 0 ? XXH3_64bits(word.data(), word.size())
                                     : XXH3_64bits_withSeed(
                                           word.data(), word.size(), seed));
      }
      std::vector<uint64_t> hashes = {42};
      internal::AppendWordHashes(text, seed, &hashes);
      ASSERT_EQ(hashes, expected) << words << " words, seed " << seed;
      hashes.erase(hashes.begin());
      for (size_t n = 1; n <= 8; ++n) {
        std::vector<uint64_t> runs(hashes.size(), 7);
        internal::HashTokenRuns(hashes.data(), hashes.size(), n, seed,
                                runs.data());
        for (size_t i = 0; i < hashes.size(); ++i) {
          const uint64_t want =
              i + n <= hashes.size()
                  ? XXH3_64bits_withSeed(hashes.data() + i, 8 * n, seed)
                  : 7;  // past the last whole run: untouched
          ASSERT_EQ(runs[i], want) << "n " << n << ", run " << i << " of "
                                   << hashes.size() << ", seed " << seed;
        }
      }
    }
  }
}

TEST(ShinglerTest, ShortDocumentsGetExactlyOneShingle) {
  // Fewer than n words: one shingle over all words.
  EXPECT_EQ(HashOf("two words"),
            std::vector<uint64_t>{ReferenceWordShingle({"two", "words"}, 0)});
  // No words at all (empty, whitespace, punctuation): the hash of nothing.
  const uint64_t nothing = XXH3_64bits_withSeed("", 0, 0);
  for (std::string_view text : {"", "   \n\t ", "!!! ... ???", "\xFF"}) {
    const std::vector<uint64_t> hashes = HashOf(text);
    ASSERT_EQ(hashes.size(), 1u) << text;
    if (text != "\xFF") EXPECT_EQ(hashes[0], nothing) << text;
  }
  // Invalid byte becomes U+FFFD, a symbol that is its own token.
  EXPECT_EQ(HashOf("\xFF"), std::vector<uint64_t>{ReferenceWordShingle(
                                {"\xEF\xBF\xBD"}, 0)});
}

TEST(ShinglerTest, CountIsTokensMinusNPlusOne) {
  std::string text;
  for (int k = 1; k <= 30; ++k) {
    text += "w" + std::to_string(k % 7 == 0 ? 1 : k) + " ";
    const size_t expected = k < 5 ? 1 : static_cast<size_t>(k - 5 + 1);
    EXPECT_EQ(HashOf(text).size(), expected) << k;
  }
}

TEST(ShinglerTest, NormalizationMakesVariantsEqual) {
  EXPECT_EQ(HashOf("Hello,   World! It is 2024 in “Paris”."),
            HashOf("hello world it is 1999 in paris"));
  EXPECT_EQ(HashOf("ＣＡＦＥ\u0301 au lait, s'il vous plaît"),
            HashOf("café au lait s il vous plaît"));
  EXPECT_NE(HashOf("one two three four five"),
            HashOf("one two three four six"));
}

TEST(ShinglerTest, SeedChangesEveryHash) {
  const auto a = HashOf("one two three four five six seven", {.seed = 1});
  const auto b = HashOf("one two three four five six seven", {.seed = 2});
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NE(a[i], b[i]);
}

TEST(ShinglerTest, WordOrderMatters) {
  EXPECT_NE(HashOf("alpha beta gamma", {.n = 2}),
            HashOf("gamma beta alpha", {.n = 2}));
  // Unigrams are a bag of words: the same multiset in another order.
  auto a = HashOf("alpha beta gamma", {.n = 1});
  auto b = HashOf("gamma beta alpha", {.n = 1});
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
}

TEST(ShinglerTest, CharacterShinglesHashCodePointWindows) {
  ShingleOptions options;
  options.kind = ShingleKind::kChar;
  options.n = 3;
  options.seed = 5;
  // Normalized "é a€" has code points é, ' ', a, '€'... '€' is a currency
  // symbol and becomes a space, trimmed at the end: "é a".
  const std::vector<uint64_t> hashes = HashOf("É a€", options);
  const std::string normalized = "\xC3\xA9 a";
  ASSERT_EQ(hashes.size(), 1u);
  EXPECT_EQ(hashes[0], XXH3_64bits_withSeed(normalized.data(),
                                            normalized.size(), 5));
  // Four code points, n = 2: windows "éx", "xy", "yz" over multibyte text.
  options.n = 2;
  const std::vector<uint64_t> h2 = HashOf("éxyz", options);
  ASSERT_EQ(h2.size(), 3u);
  EXPECT_EQ(h2[0], XXH3_64bits_withSeed("\xC3\xA9x", 3, 5));
  EXPECT_EQ(h2[1], XXH3_64bits_withSeed("xy", 2, 5));
  EXPECT_EQ(h2[2], XXH3_64bits_withSeed("yz", 2, 5));
}

TEST(ShinglerTest, CjkAndThaiAreShingledPerCharacter) {
  // Six Han/kana characters and no spaces: six tokens, four trigrams.
  EXPECT_EQ(HashOf("東京の新聞社", {.n = 3}).size(), 4u);
  EXPECT_EQ(HashOf("東京の新聞社", {.n = 3})[0],
            ReferenceWordShingle({"東", "京", "の"}, 0));
  // Thai: the tone mark stays with its consonant: ข่ + า + ว.
  EXPECT_EQ(HashOf("ข่าว", {.n = 1}).size(), 3u);
}

TEST(ShinglerTest, SpansMatchHashes) {
  auto shingler = Shingler::Create({.n = 2});
  ASSERT_OK(shingler);
  std::vector<uint64_t> hashes;
  shingler->Hash("Red fish, blue fish; old fish", &hashes);
  const std::string normalized(shingler->normalized());
  EXPECT_EQ(normalized, "red fish blue fish old fish");
  std::vector<TextSpan> spans;
  shingler->SpansNormalized(normalized, &spans);
  ASSERT_EQ(spans.size(), hashes.size());
  EXPECT_EQ(spans[0].In(normalized), "red fish");
  EXPECT_EQ(spans[4].In(normalized), "old fish");
  // Re-hashing each span's text gives the shingle's hash.
  std::vector<uint64_t> again;
  for (size_t i = 0; i < spans.size(); ++i) {
    shingler->HashNormalized(spans[i].In(normalized), &again);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0], hashes[i]) << i;
  }
}

TEST(ShinglerTest, ReusingOneShinglerGivesFreshResults) {
  auto shingler = Shingler::Create({});
  ASSERT_OK(shingler);
  const std::string long_doc(50000, 'x');
  std::vector<uint64_t> first, second, third;
  shingler->Hash("a b c d e f g h", &first);
  shingler->Hash(long_doc + " a b c", &second);
  shingler->Hash("a b c d e f g h", &third);
  EXPECT_EQ(first, third);
  EXPECT_EQ(first.size(), 4u);
  EXPECT_EQ(second.size(), 1u);
}

TEST(ShinglerTest, ReportsRepairedUtf8) {
  auto shingler = Shingler::Create({});
  ASSERT_OK(shingler);
  std::vector<uint64_t> hashes;
  EXPECT_EQ(shingler->Hash("ok \xC0\xAF and \xE2\x82", &hashes), 3u);
  EXPECT_EQ(shingler->Hash("clean text", &hashes), 0u);
}

TEST(ShinglerTest, HugeSingleLineAndNulBytes) {
  // 100 MB on one line: 12.5 M eight-byte words "wordNNN " of 16 variants.
  std::string text;
  text.reserve(100u << 20);
  const char* words[] = {"alpha", "beta", "gamma", "delta"};
  size_t count = 0;
  while (text.size() < (100u << 20)) {
    text += words[count % 4];
    text += std::string_view("\0 ", 2);  // NUL is a control: a separator
    ++count;
  }
  auto shingler = Shingler::Create({});
  ASSERT_OK(shingler);
  std::vector<uint64_t> hashes;
  EXPECT_EQ(shingler->Hash(text, &hashes), 0u);
  EXPECT_EQ(hashes.size(), count - 4);
  // The text cycles with period 4, so there are exactly 4 distinct 5-grams.
  std::sort(hashes.begin(), hashes.end());
  EXPECT_EQ(std::unique(hashes.begin(), hashes.end()) - hashes.begin(), 4);
}

}  // namespace
}  // namespace neardup
