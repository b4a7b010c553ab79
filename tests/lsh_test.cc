// Tests for the index layer: the LSH probability and parameter choice
// (against an independent brute-force minimization), band keys, sort-based
// candidates, and the SimHash permuted tables against brute force.

#include "neardup/lsh.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/cluster.h"
#include "neardup/internal/dedup_stages.h"
#include "neardup/minhash.h"
#include "tests/test_util.h"
#include "xxhash.h"

namespace neardup {
namespace {

using test::Rng;

TEST(LshTest, CandidateProbabilityFormula) {
  const LshParams p{14, 8};
  EXPECT_NEAR(CandidateProbability(0.8, p), 1 - std::pow(1 - std::pow(0.8, 8), 14),
              1e-12);
  EXPECT_NEAR(CandidateProbability(0.8, p), 0.92355, 1e-5);
  EXPECT_EQ(CandidateProbability(0.0, p), 0.0);
  EXPECT_EQ(CandidateProbability(1.0, p), 1.0);
}

TEST(LshTest, DefaultChoiceAtPointEightIsFourteenByEight) {
  auto p = OptimalLshParams(0.8, 112);
  ASSERT_OK(p);
  EXPECT_EQ(p->bands, 14);
  EXPECT_EQ(p->rows, 8);
  // datasketch's equal weights choose fewer, longer bands here.
  auto even = OptimalLshParams(0.8, 112, 0.5, 0.5);
  ASSERT_OK(even);
  EXPECT_EQ(even->bands, 9);
  EXPECT_EQ(even->rows, 12);
}

TEST(LshTest, RejectsBadArguments) {
  for (double t : {0.0, 1.0, -0.5, 1.5, std::nan("")}) {
    EXPECT_EQ(OptimalLshParams(t, 112).status().code(),
              absl::StatusCode::kInvalidArgument)
        << t;
  }
  EXPECT_FALSE(OptimalLshParams(0.5, 0).ok());
}

// Brute force with a finer, different quadrature (midpoint rule): the
// chosen parameters are within quadrature error of the best weighted error.
TEST(LshTest, ChoiceMinimizesWeightedErrorArea) {
  auto area = [](double t, LshParams p, double wfp, double wfn) {
    constexpr int kSteps = 4000;
    double fp = 0, fn = 0;
    for (int i = 0; i < kSteps; ++i) {
      const double s = (i + 0.5) / kSteps;
      const double pr = CandidateProbability(s, p);
      if (s < t) fp += pr / kSteps;
      else fn += (1 - pr) / kSteps;
    }
    return wfp * fp + wfn * fn;
  };
  for (int k : {16, 64, 112, 128}) {
    for (double t : {0.3, 0.5, 0.7, 0.85, 0.95}) {
      auto chosen = OptimalLshParams(t, k);
      ASSERT_OK(chosen);
      EXPECT_LE(chosen->bands * chosen->rows, k);
      double best = INFINITY;
      for (int b = 1; b <= k; ++b) {
        for (int r = 1; b * r <= k; ++r) best = std::min(best, area(t, {b, r}, 0.05, 0.95));
      }
      EXPECT_LE(area(t, *chosen, 0.05, 0.95), best + 1e-4) << "k=" << k << " t=" << t;
    }
  }
}

TEST(LshTest, HigherThresholdsUseLongerBands) {
  int last_rows = 0;
  for (double t : {0.3, 0.5, 0.7, 0.9}) {
    auto p = OptimalLshParams(t, 128);
    ASSERT_OK(p);
    EXPECT_GE(p->rows, last_rows) << t;
    last_rows = p->rows;
  }
}

TEST(LshTest, BandKeyIsXxh3OfTheBandSeededByBand) {
  const std::vector<uint32_t> sig = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(BandKey(sig, 0, 4), XXH3_64bits_withSeed(sig.data(), 16, 0));
  EXPECT_EQ(BandKey(sig, 1, 4), XXH3_64bits_withSeed(sig.data() + 4, 16, 1));
  // The same values in another band have another key.
  const std::vector<uint32_t> twice = {1, 2, 1, 2};
  EXPECT_NE(BandKey(twice, 0, 2), BandKey(twice, 1, 2));
}

TEST(LshTest, CandidatesFromEqualKeys) {
  const std::vector<uint64_t> keys = {5, 3, 5, 7, 3, 5};
  std::vector<std::pair<uint64_t, uint32_t>> scratch;
  std::vector<DocPair> pairs;
  CandidateStats stats;
  ASSERT_OK(CandidatesFromKeys(keys, {}, &scratch, &pairs, &stats));
  EXPECT_EQ(pairs, (std::vector<DocPair>{{1, 4}, {0, 2}, {0, 5}, {2, 5}}));
  EXPECT_EQ(stats.buckets, 2u);
  EXPECT_EQ(stats.pairs, 4u);
  EXPECT_EQ(stats.largest_bucket, 3u);
  EXPECT_EQ(stats.oversized_buckets, 0u);
}

TEST(LshTest, OversizedBucketsStayLinearAndConnected) {
  constexpr uint32_t kCopies = 1000;
  std::vector<uint64_t> keys(kCopies, 42);
  keys.push_back(7);  // one document alone
  std::vector<std::pair<uint64_t, uint32_t>> scratch;
  std::vector<DocPair> pairs;
  CandidateStats stats;
  ASSERT_OK(CandidatesFromKeys(keys, {.max_bucket_pairs_size = 10}, &scratch,
                               &pairs, &stats));
  EXPECT_EQ(stats.oversized_buckets, 1u);
  EXPECT_EQ(pairs.size(), 2u * (kCopies - 1) - 1);
  DisjointSets sets(keys.size());
  for (const auto& [a, b] : pairs) {
    EXPECT_LT(a, b);
    sets.Union(a, b);
  }
  for (uint32_t i = 0; i < kCopies; ++i) EXPECT_EQ(sets.Find(i), 0u);
  EXPECT_EQ(sets.Find(kCopies), kCopies);
}

std::vector<DocPair> BruteForceNear(const std::vector<uint64_t>& fp, int k) {
  std::vector<DocPair> out;
  for (uint32_t i = 0; i < fp.size(); ++i) {
    for (uint32_t j = i + 1; j < fp.size(); ++j) {
      if (std::popcount(fp[i] ^ fp[j]) <= k) out.push_back({i, j});
    }
  }
  return out;
}

TEST(LshTest, SimHashTablesFindExactlyTheNearPairs) {
  Rng rng(9);
  for (int k = 0; k <= 5; ++k) {
    std::vector<uint64_t> fp;
    for (int i = 0; i < 1500; ++i) {
      if (!fp.empty() && rng.Uniform(3) == 0) {
        // A near copy of an earlier fingerprint: flip 0 .. k + 1 bits.
        uint64_t v = fp[rng.Uniform(fp.size())];
        const int flips = static_cast<int>(rng.Uniform(k + 2));
        for (int f = 0; f < flips; ++f) v ^= uint64_t{1} << rng.Uniform(64);
        fp.push_back(v);
      } else {
        fp.push_back(rng.Next());
      }
    }
    CandidateStats stats;
    EXPECT_EQ(*SimHashNearPairs(fp, k, {}, &stats), BruteForceNear(fp, k))
        << "k=" << k;
  }
}

TEST(LshTest, SimHashSkewedBucketsAreBoundedButConnected) {
  // 2000 identical fingerprints: all pairs would be 2 million comparisons.
  std::vector<uint64_t> fp(2000, 0x0123456789ABCDEFull);
  CandidateStats stats;
  const auto pairs =
      *SimHashNearPairs(fp, 3, {.max_bucket_pairs_size = 16}, &stats);
  EXPECT_GT(stats.oversized_buckets, 0u);
  EXPECT_LT(stats.pairs, 2000u * 17 * 10);
  DisjointSets sets(fp.size());
  for (const auto& [a, b] : pairs) sets.Union(a, b);
  for (uint32_t i = 0; i < fp.size(); ++i) EXPECT_EQ(sets.Find(i), 0u);
}

// Regression: distances outside 0 .. 8 used to give no pairs, as if no
// document had a near copy.
TEST(LshTest, SimHashNearPairsRefusesADistanceOutsideZeroToEight) {
  const std::vector<uint64_t> fp(4, 0x0123456789ABCDEFull);
  CandidateStats stats;
  for (int bad : {9, -1, 64}) {
    const auto pairs = SimHashNearPairs(fp, bad, {}, &stats);
    EXPECT_EQ(pairs.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_NE(pairs.status().message().find(std::to_string(bad)),
              std::string_view::npos);
  }
  EXPECT_EQ(SimHashNearPairs(fp, 0, {}, &stats)->size(), 6u);
}

// Regression: BandKey(112 values, band 20, 8 rows) read past the signature.
TEST(LshTest, CheckedBandKeyRefusesABandPastTheSignature) {
  const std::vector<uint32_t> sig(112, 7);
  EXPECT_EQ(CheckedBandKey(sig, 20, 8).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(CheckedBandKey(sig, 14, 8).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(CheckedBandKey(sig, -1, 8).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckedBandKey(sig, 0, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckedBandKey(sig, 1 << 30, 1 << 30).status().code(),
            absl::StatusCode::kOutOfRange);  // no overflow to a small value
  EXPECT_EQ(*CheckedBandKey(sig, 13, 8), BandKey(sig, 13, 8));
#ifndef NDEBUG
  EXPECT_DEATH(BandKey(sig, 20, 8), "");
#endif
}

TEST(LshTest, SortedKeyFunctionsRefuseUnsortedOrMismatchedInput) {
  std::vector<DocPair> pairs;
  CandidateStats stats;
  // Unsorted: a bucket split in two would lose its pairs in silence.
  const std::vector<std::pair<uint64_t, uint32_t>> unsorted = {
      {5, 0}, {3, 1}, {5, 2}};
  EXPECT_EQ(internal::CandidatesFromSortedKeys(unsorted, {}, &pairs, &stats).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(pairs.empty());
  const std::vector<uint64_t> keys = {1, 1, 2};
  const std::vector<uint64_t> fps = {0, 1, 2};
  const std::vector<uint32_t> two_docs = {0, 1};
  EXPECT_EQ(internal::SimHashPairsFromSortedKeys(keys, fps, two_docs, 3, {}, &pairs,
                                       &stats)
                .code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<uint32_t> docs = {0, 1, 2};
  EXPECT_EQ(
      internal::SimHashPairsFromSortedKeys(keys, fps, docs, 9, {}, &pairs, &stats).code(),
      absl::StatusCode::kInvalidArgument);
  const std::vector<uint64_t> unsorted_keys = {2, 1, 1};
  EXPECT_EQ(internal::SimHashPairsFromSortedKeys(unsorted_keys, fps, docs, 3, {}, &pairs,
                                       &stats)
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(pairs.empty());
  EXPECT_OK(internal::SimHashPairsFromSortedKeys(keys, fps, docs, 3, {}, &pairs, &stats));
  EXPECT_EQ(pairs, (std::vector<DocPair>{{0, 1}}));
  std::vector<std::pair<uint64_t, uint32_t>> scratch;
  EXPECT_FALSE(CandidatesFromKeys(keys, {}, nullptr, &pairs, &stats).ok());
}

// SortRepeatedKeys keeps the pairs of every repeated key, sorted as
// std::sort sorts them, so the candidates are those of the whole band
// sorted: checked on band-shaped inputs (hashed keys, documents in order,
// copies sharing a key) and on hostile ones (keys alike in their low bits,
// so every pair looks repeated; alike in their high bits, so one bucket
// takes them all; a single key; documents out of order).
TEST(LshTest, SortRepeatedKeysGivesTheCandidatesOfAFullSort) {
  using Pair = std::pair<uint64_t, uint32_t>;
  Rng rng(16);
  std::vector<uint64_t> scratch;
  int shape_count = 0;
  for (const size_t n : {0, 1, 2, 100, 4096, 4097, 5000, 20000, 100000, 300000}) {
    for (int shape = 0; shape < 6; ++shape) {
      std::vector<Pair> pairs(n);
      for (size_t d = 0; d < n; ++d) {
        uint64_t key = rng.Next();
        switch (shape) {
          case 0:  // a band: about one document in five shares its key
            if (d > 0 && rng.Uniform(5) == 0) key = pairs[rng.Uniform(d)].first;
            break;
          case 1:  // most keys repeated
            if (d > 0 && rng.Uniform(4) != 0) key = pairs[rng.Uniform(d)].first;
            break;
          case 2:  // alike low bits: every pair looks repeated
            key = (key << 24) | 0xABCDEF;
            if (d > 0 && rng.Uniform(3) == 0) key = pairs[rng.Uniform(d)].first;
            break;
          case 3:  // alike high bits: one bucket
            key = key >> 40;
            if (d > 0 && rng.Uniform(3) == 0) key = pairs[rng.Uniform(d)].first;
            break;
          case 4:  // one key
            key = 42;
            break;
          default:  // few repeats, with buckets of up to 70
            if (d > 70 && rng.Uniform(500) == 0) {
              const uint64_t shared = rng.Next();
              for (size_t k = 0; k < rng.Uniform(70); ++k) {
                pairs[d - 1 - k].first = shared;
              }
            }
            break;
        }
        pairs[d] = {key, static_cast<uint32_t>(d)};
      }
      if (shape == 2) {  // documents out of order too
        for (size_t i = n; i > 1; --i) {
          std::swap(pairs[i - 1].second, pairs[rng.Uniform(i)].second);
        }
      }
      std::vector<Pair> sorted = pairs;
      std::sort(sorted.begin(), sorted.end());
      std::vector<Pair> expected;  // the pairs of repeated keys
      for (size_t i = 0; i < n; ++i) {
        if ((i > 0 && sorted[i - 1].first == sorted[i].first) ||
            (i + 1 < n && sorted[i + 1].first == sorted[i].first)) {
          expected.push_back(sorted[i]);
        }
      }
      // The 12-byte pairs the dedup job holds, from the same input.
      std::vector<internal::KeyedDoc> packed(n);
      for (size_t i = 0; i < n; ++i) {
        packed[i] = {pairs[i].first, pairs[i].second};
      }
      const absl::Span<const Pair> kept =
          internal::SortRepeatedKeys(absl::MakeSpan(pairs), &scratch);
      ASSERT_TRUE(std::is_sorted(kept.begin(), kept.end())) << n << " " << shape;
      const absl::Span<const internal::KeyedDoc> kept_packed =
          internal::SortRepeatedKeys(absl::MakeSpan(packed), &scratch);
      ASSERT_EQ(kept_packed.size(), kept.size()) << n << " " << shape;
      for (size_t i = 0; i < kept.size(); ++i) {
        ASSERT_EQ(kept_packed[i].first, kept[i].first) << n << " " << shape;
        ASSERT_EQ(kept_packed[i].second, kept[i].second) << n << " " << shape;
      }
      std::vector<Pair> repeated;
      for (size_t i = 0; i < kept.size(); ++i) {
        if ((i > 0 && kept[i - 1].first == kept[i].first) ||
            (i + 1 < kept.size() && kept[i + 1].first == kept[i].first)) {
          repeated.push_back(kept[i]);
        }
      }
      ASSERT_EQ(repeated, expected) << n << " " << shape;
      // Every pair kept is one of the input's, once.
      ASSERT_TRUE(std::includes(sorted.begin(), sorted.end(), kept.begin(),
                                kept.end()));
      ASSERT_TRUE(std::adjacent_find(kept.begin(), kept.end()) == kept.end());
      CandidateOptions options;
      options.max_bucket_pairs_size = 20;
      std::vector<DocPair> want, got;
      CandidateStats want_stats, got_stats;
      ASSERT_OK(internal::CandidatesFromSortedKeys(sorted, options, &want,
                                                   &want_stats));
      ASSERT_OK(internal::CandidatesFromSortedKeys(kept, options, &got,
                                                   &got_stats));
      EXPECT_EQ(got, want) << n << " " << shape;
      std::vector<DocPair> got_packed;
      CandidateStats packed_stats;
      ASSERT_OK(internal::CandidatesFromSortedKeys(kept_packed, options,
                                                   &got_packed, &packed_stats));
      EXPECT_EQ(got_packed, want) << n << " " << shape;
      EXPECT_EQ(packed_stats.pairs, want_stats.pairs);
      EXPECT_EQ(got_stats.buckets, want_stats.buckets);
      EXPECT_EQ(got_stats.pairs, want_stats.pairs);
      EXPECT_EQ(got_stats.oversized_buckets, want_stats.oversized_buckets);
      EXPECT_EQ(got_stats.largest_bucket, want_stats.largest_bucket);
      ++shape_count;
    }
  }
  EXPECT_EQ(shape_count, 60);
}

TEST(LshTest, OptimalLshParamsRefusesBadWeightsAndSizes) {
  EXPECT_FALSE(OptimalLshParams(0.8, 112, -1, 0).ok());
  EXPECT_FALSE(OptimalLshParams(0.8, 112, 0, 0).ok());
  EXPECT_FALSE(OptimalLshParams(0.8, 112, std::nan(""), 0.5).ok());
  EXPECT_FALSE(OptimalLshParams(0.8, 112, 0.5, INFINITY).ok());
  EXPECT_FALSE(OptimalLshParams(0.8, kMaxPermutations + 1).ok());
  EXPECT_FALSE(OptimalLshParams(std::nan(""), 112).ok());
  EXPECT_OK(OptimalLshParams(0.8, 112, 0, 1));
}

}  // namespace
}  // namespace neardup
