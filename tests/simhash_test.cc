// Tests for SimHash: the documented per-bit majority rule against a direct
// implementation, hand-worked cases, term-frequency weighting, and distance
// growing with dissimilarity on real-shaped documents.

#include "neardup/simhash.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/shingle.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using test::Rng;

uint64_t ReferenceSimHash(const std::vector<uint64_t>& features) {
  uint64_t fp = 0;
  for (int bit = 0; bit < 64; ++bit) {
    size_t ones = 0;
    for (uint64_t f : features) ones += (f >> bit) & 1;
    if (2 * ones > features.size()) fp |= uint64_t{1} << bit;
  }
  return fp;
}

TEST(SimHashTest, HandWorkedCases) {
  EXPECT_EQ(SimHash({}), 0u);
  EXPECT_EQ(SimHash(std::vector<uint64_t>{0xDEADBEEFu}), 0xDEADBEEFu);
  // Bits 1, 2, 3 are each set in two of three features; bit 0 in none.
  EXPECT_EQ(SimHash(std::vector<uint64_t>{0b1100, 0b1010, 0b0110}), 0b1110u);
  // A tie (one of two) gives 0.
  EXPECT_EQ(SimHash(std::vector<uint64_t>{0b1, 0b0}), 0u);
  EXPECT_EQ(SimHash(std::vector<uint64_t>{~uint64_t{0}, ~uint64_t{0}, 0}),
            ~uint64_t{0});
}

TEST(SimHashTest, MatchesDirectMajorityAcrossBatchBoundaries) {
  Rng rng(3);
  for (size_t n : {1u, 2u, 254u, 255u, 256u, 510u, 511u, 10000u}) {
    std::vector<uint64_t> features(n);
    for (auto& f : features) f = rng.Next() & rng.Next();  // biased bits
    EXPECT_EQ(SimHash(features), ReferenceSimHash(features)) << n;
  }
}

TEST(SimHashTest, RepeatsWeighByTermFrequency) {
  // One feature repeated three times outvotes two others.
  const std::vector<uint64_t> features = {0xF0, 0xF0, 0xF0, 0x0F, 0x0F};
  EXPECT_EQ(SimHash(features), 0xF0u);
  EXPECT_EQ(SimHash(std::vector<uint64_t>{0xF0, 0x0F, 0x0F}), 0x0Fu);
}

TEST(SimHashTest, HammingDistance) {
  EXPECT_EQ(HammingDistance(0, 0), 0);
  EXPECT_EQ(HammingDistance(0, ~uint64_t{0}), 64);
  EXPECT_EQ(HammingDistance(0b1011, 0b0001), 2);
}

// Edited copies of 60 generated documents: identical copies are at
// distance 0, and the mean distance grows with the fraction of words
// replaced.
TEST(SimHashTest, DistanceGrowsWithDissimilarity) {
  auto shingler = Shingler::Create({.n = 3});
  ASSERT_OK(shingler);
  const double rates[] = {0.0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8};
  double mean[std::size(rates)] = {};
  Rng rng(5);
  std::vector<uint64_t> ha, hb;
  constexpr int kDocs = 60;
  for (int doc = 0; doc < kDocs; ++doc) {
    std::vector<std::string> words;
    for (int i = 0; i < 500; ++i) {
      words.push_back(test::Word(rng.Uniform(3000)));
    }
    std::string a;
    for (const auto& w : words) a += w + " ";
    shingler->Hash(a, &ha);
    const uint64_t fa = SimHash(ha);
    for (size_t r = 0; r < std::size(rates); ++r) {
      std::string b;
      for (const auto& w : words) {
        b += (rng.Uniform(1000) < rates[r] * 1000 ? "z" + test::Word(rng.Uniform(1 << 20)) : w) + " ";
      }
      shingler->Hash(b, &hb);
      mean[r] += HammingDistance(fa, SimHash(hb)) / static_cast<double>(kDocs);
    }
  }
  EXPECT_EQ(mean[0], 0.0);
  for (size_t r = 1; r < std::size(rates); ++r) {
    EXPECT_GT(mean[r], mean[r - 1]) << "rate " << rates[r];
  }
  // Unrelated halves of the bits: 80% replaced is far from near-duplicate.
  EXPECT_GT(mean[std::size(rates) - 1], 20.0);
}

}  // namespace
}  // namespace neardup
