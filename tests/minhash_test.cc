// Tests for MinHash: option validation, identical values on every kernel,
// set semantics, and the statistics of the estimator: over many pairs of
// known Jaccard similarity the estimate is unbiased and its variance is the
// binomial J(1 - J) / K that independent permutations give.

#include "neardup/minhash.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/shingle.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using test::Rng;

std::vector<uint64_t> RandomSet(Rng& rng, size_t size) {
  std::vector<uint64_t> v(size);
  for (auto& x : v) x = rng.Next();
  return v;
}

TEST(MinHashTest, CreateValidatesOptions) {
  for (int k : {0, -3, kMaxPermutations + 1}) {
    EXPECT_EQ(MinHasher::Create({.num_perm = k}).status().code(),
              absl::StatusCode::kInvalidArgument)
        << k;
  }
  EXPECT_OK(MinHasher::Create({.num_perm = 1}));
  EXPECT_OK(MinHasher::Create({.num_perm = kMaxPermutations}));
  auto auto_kernel = MinHasher::Create({});
  ASSERT_OK(auto_kernel);
  EXPECT_NE(auto_kernel->kernel(), MinHashKernel::kAuto);
  EXPECT_EQ(auto_kernel->num_perm(), 112);
}

TEST(MinHashTest, EveryKernelGivesTheSameSignature) {
  Rng rng(1);
  int compared = 0;
  for (int k : {1, 5, 8, 12, 16, 24, 31, 32, 100, 112, 128, 256, 1000}) {
    for (size_t size : {1u, 2u, 7u, 100u, 1500u}) {
      const uint64_t seed = rng.Next();
      const std::vector<uint64_t> set = RandomSet(rng, size);
      auto portable =
          MinHasher::Create({.num_perm = k, .seed = seed}, MinHashKernel::kPortable);
      ASSERT_OK(portable);
      const std::vector<uint32_t> expected = portable->Sign(set);
      for (MinHashKernel kernel : {MinHashKernel::kAvx2, MinHashKernel::kAvx512}) {
        if (!MinHashKernelSupported(kernel)) continue;
        auto simd = MinHasher::Create({.num_perm = k, .seed = seed}, kernel);
        ASSERT_OK(simd);
        EXPECT_EQ(simd->Sign(set), expected)
            << MinHashKernelName(kernel) << " k=" << k << " size=" << size;
        ++compared;
      }
    }
  }
  if (!MinHashKernelSupported(MinHashKernel::kAvx2)) {
    GTEST_SKIP() << "no SIMD kernel on this CPU";
  }
  EXPECT_GT(compared, 0);
}

// The SIMD kernels build a * x + c from 32-bit halves (AVX2 keeps only the
// high halves): values at the ends of each half, where every carry and
// wrap-around happens, give the portable kernel's minima too.
TEST(MinHashTest, EveryKernelAgreesAtTheEndsOfEachHalf) {
  std::vector<uint64_t> set;
  for (const uint64_t hi : {0ull, 1ull, 0x7FFFFFFFull, 0x80000000ull,
                            0xFFFFFFFEull, 0xFFFFFFFFull}) {
    for (const uint64_t lo : {0ull, 1ull, 0x7FFFFFFFull, 0x80000000ull,
                              0xFFFFFFFEull, 0xFFFFFFFFull}) {
      set.push_back(hi << 32 | lo);
    }
  }
  Rng rng(9);
  int compared = 0;
  for (int seed = 0; seed < 50; ++seed) {
    for (size_t size : {size_t{1}, size_t{3}, set.size()}) {
      // One value, three, all: small sets make each value a minimum.
      const size_t start = static_cast<size_t>(rng.Uniform(set.size()));
      std::vector<uint64_t> subset;
      for (size_t i = 0; i < size; ++i) {
        subset.push_back(set[(start + i) % set.size()]);
      }
      auto portable = MinHasher::Create({.num_perm = 112, .seed = rng.Next()},
                                        MinHashKernel::kPortable);
      ASSERT_OK(portable);
      for (MinHashKernel kernel : {MinHashKernel::kAvx2, MinHashKernel::kAvx512}) {
        if (!MinHashKernelSupported(kernel)) continue;
        auto simd = MinHasher::Create(
            {.num_perm = 112, .seed = portable->options().seed}, kernel);
        ASSERT_OK(simd);
        EXPECT_EQ(simd->Sign(subset), portable->Sign(subset))
            << MinHashKernelName(kernel) << " seed " << seed;
        ++compared;
      }
    }
  }
  if (compared == 0) GTEST_SKIP() << "no SIMD kernel on this CPU";
}

// SignCountingDistinct signs as Sign does and counts each value once (0
// and repeats included), as an unordered_set does, with every kernel
// (AVX2 and AVX-512 count during their first pass, whatever its width), one
// table reused from set to set.
TEST(MinHashTest, SignCountingDistinctCountsEachValueOnce) {
  Rng rng(5);
  std::vector<uint64_t> table;
  for (int k : {1, 8, 12, 16, 24, 32, 112}) {
    // 20000: past 2^16 slots at four per value, the table half full.
    for (const size_t n : {0, 1, 2, 7, 100, 700, 5000, 20000}) {
      std::vector<uint64_t> values;
      for (size_t i = 0; i < n; ++i) {
        // A small range gives repeats and zeros; equal low bits, long
        // probe runs.
        values.push_back(i % 3 == 0   ? rng.Uniform(n / 2 + 1)
                         : i % 5 == 0 ? rng.Next() << 20
                                      : rng.Next());
      }
      const std::unordered_set<uint64_t> set(values.begin(), values.end());
      for (MinHashKernel kernel : {MinHashKernel::kPortable, MinHashKernel::kAvx2,
                                   MinHashKernel::kAvx512}) {
        if (!MinHashKernelSupported(kernel)) continue;
        auto hasher = MinHasher::Create({.num_perm = k, .seed = 3}, kernel);
        ASSERT_OK(hasher);
        std::vector<uint32_t> row(static_cast<size_t>(k));
        size_t distinct = 99;
        ASSERT_OK(hasher->SignCountingDistinct(values, absl::MakeSpan(row),
                                               &table, &distinct));
        EXPECT_EQ(distinct, set.size())
            << MinHashKernelName(kernel) << " k=" << k << " n=" << n;
        EXPECT_EQ(row, hasher->Sign(values))
            << MinHashKernelName(kernel) << " k=" << k << " n=" << n;
      }
    }
  }
  auto hasher = MinHasher::Create({.num_perm = 8});
  ASSERT_OK(hasher);
  std::vector<uint32_t> short_row(7, 5);
  size_t distinct = 0;
  EXPECT_FALSE(hasher->SignCountingDistinct({1, 2}, absl::MakeSpan(short_row),
                                            &table, &distinct)
                   .ok());
  EXPECT_EQ(short_row, std::vector<uint32_t>(7, 5));
}

TEST(MinHashTest, UnsupportedKernelIsAnError) {
  for (MinHashKernel kernel : {MinHashKernel::kAvx2, MinHashKernel::kAvx512}) {
    if (MinHashKernelSupported(kernel)) continue;
    EXPECT_EQ(MinHasher::Create({}, kernel).status().code(),
              absl::StatusCode::kUnavailable);
  }
}

TEST(MinHashTest, SignatureDependsOnTheSetOnly) {
  Rng rng(2);
  const std::vector<uint64_t> set = RandomSet(rng, 300);
  std::vector<uint64_t> shuffled = set;
  std::reverse(shuffled.begin(), shuffled.end());
  shuffled.insert(shuffled.end(), set.begin(), set.begin() + 100);  // repeats
  auto hasher = MinHasher::Create({});
  ASSERT_OK(hasher);
  EXPECT_EQ(hasher->Sign(set), hasher->Sign(shuffled));
  // A different seed gives a different signature of the same set.
  auto other = MinHasher::Create({.seed = 99});
  ASSERT_OK(other);
  EXPECT_LT(*EstimateJaccard(hasher->Sign(set), other->Sign(set)), 0.1);
}

TEST(MinHashTest, EmptySetAndShortOutput) {
  auto hasher = MinHasher::Create({.num_perm = 16});
  ASSERT_OK(hasher);
  const std::vector<uint32_t> sig = hasher->Sign(absl::Span<const uint64_t>());
  EXPECT_EQ(sig, std::vector<uint32_t>(16, 0xFFFFFFFFu));
  // An output span that is too short is an error, and left untouched.
  std::vector<uint32_t> small(8, 7);
  const uint64_t one = 1;
  EXPECT_EQ(hasher->Sign(absl::MakeConstSpan(&one, 1), absl::MakeSpan(small))
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(small, std::vector<uint32_t>(8, 7));
  std::vector<uint32_t> fits(16);
  EXPECT_OK(hasher->Sign(absl::MakeConstSpan(&one, 1), absl::MakeSpan(fits)));
}

TEST(MinHashTest, EstimateJaccardCountsAgreement) {
  EXPECT_EQ(*EstimateJaccard(std::vector<uint32_t>{1, 2, 3, 4},
                            std::vector<uint32_t>{1, 9, 3, 9}),
            0.5);
  EXPECT_EQ(*EstimateJaccard(std::vector<uint32_t>{5, 6},
                            std::vector<uint32_t>{5, 6}),
            1.0);
}

// Regression: a 112-value and a 64-value signature used to give 0.0, a
// similarity, instead of an error.
TEST(MinHashTest, EstimateJaccardRefusesSignaturesOfOtherLengths) {
  const auto mismatched = EstimateJaccard(std::vector<uint32_t>(112, 1),
                                          std::vector<uint32_t>(64, 1));
  EXPECT_EQ(mismatched.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(mismatched.status().message().find("112 and 64"),
            std::string_view::npos)
      << mismatched.status();
  EXPECT_FALSE(EstimateJaccard({}, {}).ok());
}

TEST(MinHashTest, ExactJaccardOfSets) {
  using V = std::vector<uint64_t>;
  EXPECT_DOUBLE_EQ(ExactJaccard(V{1, 2, 3}, V{2, 3, 4}), 0.5);
  EXPECT_DOUBLE_EQ(ExactJaccard(V{1, 1, 2, 2}, V{2, 1}), 1.0);  // repeats
  EXPECT_DOUBLE_EQ(ExactJaccard(V{}, V{}), 1.0);
  EXPECT_DOUBLE_EQ(ExactJaccard(V{}, V{1}), 0.0);
  EXPECT_DOUBLE_EQ(ExactJaccard(V{1, 2, 3, 4}, V{5, 6, 7, 8}), 0.0);
  EXPECT_DOUBLE_EQ(ExactJaccard(V{1, 2, 3, 4, 5}, V{5}), 0.2);
}

TEST(MinHashTest, EstimateContainmentIsTheSharedPartImpliedByJaccard) {
  // |A & B| = J (|A| + |B|) / (1 + J).
  EXPECT_DOUBLE_EQ(EstimateContainment(1.0, 50, 50), 1.0);
  EXPECT_DOUBLE_EQ(EstimateContainment(0.0, 50, 80), 0.0);
  EXPECT_DOUBLE_EQ(EstimateContainment(0.5, 100, 50), 1.0);   // B inside A
  EXPECT_DOUBLE_EQ(EstimateContainment(0.25, 100, 50), 0.6);  // 30 shared
  EXPECT_DOUBLE_EQ(EstimateContainment(0.25, 50, 100), 0.6);  // symmetric
  EXPECT_DOUBLE_EQ(EstimateContainment(0.9, 100, 10), 1.0);   // capped
  EXPECT_DOUBLE_EQ(EstimateContainment(0.3, 0, 0), 1.0);
  EXPECT_DOUBLE_EQ(EstimateContainment(0.3, 0, 7), 0.0);
}

// From MinHash estimates of pairs whose smaller set lies 90% inside a
// larger one up to 3 times its size, the estimated containment is within
// 0.2 of 0.9 in at least 95% of the pairs.
TEST(MinHashTest, EstimatedContainmentFollowsTheExactOne) {
  auto hasher = MinHasher::Create({.num_perm = 112, .seed = 3});
  ASSERT_OK(hasher);
  test::Rng rng(41);
  int close = 0, pairs = 0;
  for (const size_t small : {60, 200, 600}) {
    for (const double ratio : {1.0, 2.0, 3.0}) {
      for (int trial = 0; trial < 40; ++trial) {
        std::vector<uint64_t> a, b;
        const size_t shared = small * 9 / 10;
        for (size_t i = 0; i < shared; ++i) a.push_back(rng.Next());
        b = a;
        for (size_t i = shared; i < small; ++i) b.push_back(rng.Next());
        while (a.size() < static_cast<size_t>(small * ratio)) a.push_back(rng.Next());
        const double j = *EstimateJaccard(hasher->Sign(a), hasher->Sign(b));
        const double c = EstimateContainment(j, a.size(), b.size());
        close += std::abs(c - 0.9) <= 0.2;
        ++pairs;
      }
    }
  }
  EXPECT_GE(close, pairs * 95 / 100) << close << " of " << pairs;
}

TEST(MinHashTest, CompareSlotsCountsWhichSideHoldsEachMinimum) {
  const std::vector<uint32_t> a = {1, 5, 7, 9}, b = {1, 6, 7, 2};
  auto slots = CompareSlots(a, b);
  ASSERT_OK(slots);
  EXPECT_EQ(slots->equal, 2u);
  EXPECT_EQ(slots->a_lower, 1u);
  EXPECT_EQ(slots->b_lower, 1u);
  EXPECT_FALSE(CompareSlots(a, std::vector<uint32_t>{1}).ok());
  EXPECT_FALSE(CompareSlots({}, {}).ok());
}

TEST(MinHashTest, ContainmentFromSlotsAtTheEnds) {
  // Identical, or no minimum of the shorter's own: whole containment.
  EXPECT_DOUBLE_EQ(EstimateContainment(SlotCounts{112, 0, 0}, 100, 100), 1.0);
  EXPECT_DOUBLE_EQ(EstimateContainment(SlotCounts{40, 0, 72}, 100, 280), 1.0);
  EXPECT_DOUBLE_EQ(EstimateContainment(SlotCounts{40, 72, 0}, 280, 100), 1.0);
  // Nothing shared; empty sets.
  EXPECT_DOUBLE_EQ(EstimateContainment(SlotCounts{0, 50, 62}, 100, 100), 0.0);
  EXPECT_DOUBLE_EQ(EstimateContainment(SlotCounts{}, 0, 0), 1.0);
  EXPECT_DOUBLE_EQ(EstimateContainment(SlotCounts{}, 0, 5), 0.0);
  // In between: the counts in their expected proportions give the shared
  // count back. 80 of 100 and 200 shared: union 220, so 80 : 20 : 120.
  const double c = EstimateContainment(SlotCounts{80, 20, 120}, 100, 200);
  EXPECT_NEAR(c, 0.8, 1e-6);
  EXPECT_DOUBLE_EQ(EstimateContainment(SlotCounts{80, 120, 20}, 200, 100), c);
}

// Pairs of random sets whose smaller lies partly (containment 0.85) or
// wholly inside the larger, at size ratios 1.5 to 5: the estimate from the
// slots' order errs less than the one from the Jaccard alone, most of all
// for a whole excerpt, and misjudges the excerpt rule (asymmetry 5) no more
// often.
TEST(MinHashTest, ContainmentFromSlotsBeatsTheOneFromJaccard) {
  auto hasher = MinHasher::Create({.num_perm = 112, .seed = 5});
  ASSERT_OK(hasher);
  test::Rng rng(43);
  auto excerpt = [](double c, size_t small, size_t large) {
    const double shared = c * static_cast<double>(small);
    return static_cast<double>(large) - shared >=
           5 * (static_cast<double>(small) - shared);
  };
  for (const double containment : {0.85, 1.0}) {
    double slots_error = 0, jaccard_error = 0;
    int slots_wrong = 0, jaccard_wrong = 0, pairs = 0;
    for (const double ratio : {1.5, 2.0, 3.0, 5.0}) {
      for (int trial = 0; trial < 60; ++trial) {
        const size_t small = 200;
        const auto shared = static_cast<size_t>(containment * small);
        std::vector<uint64_t> a, b;
        for (size_t i = 0; i < shared; ++i) a.push_back(rng.Next());
        b = a;
        for (size_t i = shared; i < small; ++i) b.push_back(rng.Next());
        const auto large = static_cast<size_t>(ratio * small);
        while (a.size() < large) a.push_back(rng.Next());
        const std::vector<uint32_t> sa = hasher->Sign(a), sb = hasher->Sign(b);
        const double exact = ExactContainment(a, b);
        const double from_slots =
            EstimateContainment(*CompareSlots(sa, sb), a.size(), b.size());
        const double from_jaccard = EstimateContainment(
            *EstimateJaccard(sa, sb), a.size(), b.size());
        slots_error += std::abs(from_slots - exact);
        jaccard_error += std::abs(from_jaccard - exact);
        const bool truth = excerpt(exact, small, large);
        slots_wrong += excerpt(from_slots, small, large) != truth;
        jaccard_wrong += excerpt(from_jaccard, small, large) != truth;
        ++pairs;
      }
    }
    SCOPED_TRACE(containment);
    EXPECT_LT(slots_error, 0.75 * jaccard_error)
        << slots_error / pairs << " against " << jaccard_error / pairs;
    EXPECT_LE(slots_wrong, jaccard_wrong)
        << slots_wrong << " against " << jaccard_wrong << " of " << pairs;
    if (containment == 1.0) EXPECT_LT(slots_error, 0.4 * jaccard_error);
  }
}

TEST(MinHashTest, ExactContainmentIsSharedOverTheSmallerSet) {
  using V = std::vector<uint64_t>;
  EXPECT_DOUBLE_EQ(ExactContainment(V{1, 2, 3, 4, 5}, V{5}), 1.0);
  EXPECT_DOUBLE_EQ(ExactContainment(V{5, 6}, V{1, 2, 3, 4, 5}), 0.5);
  EXPECT_DOUBLE_EQ(ExactContainment(V{1, 1, 2}, V{2, 2, 3}), 0.5);  // repeats
  EXPECT_DOUBLE_EQ(ExactContainment(V{}, V{}), 1.0);
  EXPECT_DOUBLE_EQ(ExactContainment(V{}, V{1}), 0.0);
  EXPECT_DOUBLE_EQ(ExactContainment(V{1, 2}, V{3, 4}), 0.0);
}

// For each target J: 300 pairs A = S + X, B = S + Y of random 64-bit
// shingles with |S| / |S + X + Y| = J exactly. The mean estimate must be
// within 4 standard errors of J, and the sample variance within 25% of the
// binomial variance J(1-J)/K: correlated permutations would inflate it.
TEST(MinHashTest, EstimatorIsUnbiasedWithBinomialVariance) {
  constexpr int kPairs = 300;
  for (int k : {112, 256}) {
    auto hasher = MinHasher::Create({.num_perm = k, .seed = 7});
    ASSERT_OK(hasher);
    Rng rng(1000 + k);
    for (double target : {0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95}) {
      // |S| = s, |X| = |Y| = d, J = s / (s + 2d); total union 400.
      const size_t s = static_cast<size_t>(std::lround(400 * target));
      const size_t d = (400 - s) / 2;
      const double exact = static_cast<double>(s) / (s + 2 * d);
      double sum = 0, sum_sq = 0;
      for (int pair = 0; pair < kPairs; ++pair) {
        const std::vector<uint64_t> shared = RandomSet(rng, s);
        std::vector<uint64_t> a = shared, b = shared;
        for (size_t i = 0; i < d; ++i) a.push_back(rng.Next());
        for (size_t i = 0; i < d; ++i) b.push_back(rng.Next());
        ASSERT_DOUBLE_EQ(ExactJaccard(a, b), exact);
        const double e = *EstimateJaccard(hasher->Sign(a), hasher->Sign(b));
        sum += e;
        sum_sq += e * e;
      }
      const double mean = sum / kPairs;
      const double variance = sum_sq / kPairs - mean * mean;
      const double binomial = exact * (1 - exact) / k;
      EXPECT_NEAR(mean, exact, 4 * std::sqrt(binomial / kPairs))
          << "k=" << k << " J=" << exact;
      EXPECT_NEAR(variance / binomial, 1.0, 0.25)
          << "k=" << k << " J=" << exact << " variance " << variance;
    }
  }
}

// The same on real-shaped input: documents made of words, edited copies,
// shingled by the Shingler; every estimate is within 4.5 binomial standard
// errors of the exact Jaccard of the two shingle sets.
TEST(MinHashTest, EstimatesTrackExactJaccardOnEditedDocuments) {
  auto shingler = Shingler::Create({});
  auto hasher = MinHasher::Create({});
  ASSERT_OK(shingler);
  ASSERT_OK(hasher);
  Rng rng(42);
  std::vector<uint64_t> ha, hb;
  int within = 0, total = 0;
  for (int doc = 0; doc < 200; ++doc) {
    std::vector<std::string> words;
    for (int i = 0; i < 400; ++i) {
      words.push_back(test::Word(rng.Uniform(5000)));
    }
    std::string a, b;
    const uint64_t edit_per_mille = rng.Uniform(300);
    for (const std::string& w : words) {
      a += w + " ";
      b += (rng.Uniform(1000) < edit_per_mille ? "x" + test::Word(rng.Next() % 99999) : w) + " ";
    }
    shingler->Hash(a, &ha);
    shingler->Hash(b, &hb);
    const double exact = ExactJaccard(ha, hb);
    const double estimate = *EstimateJaccard(hasher->Sign(ha), hasher->Sign(hb));
    const double se = std::sqrt(std::max(exact * (1 - exact), 0.01) / 112);
    within += std::abs(estimate - exact) <= 4.5 * se;
    ++total;
  }
  EXPECT_EQ(within, total);
}

}  // namespace
}  // namespace neardup
