// Tests of the batch calls: the same values as one document at a time, for
// any thread count; each pair of candidates once; sizes checked.

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/pipeline.h"
#include "neardup/simhash.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using test::Rng;

std::vector<std::string> Texts(size_t n) {
  Rng rng(17);
  std::vector<std::string> texts;
  for (size_t i = 0; i < n; ++i) {
    std::string t;
    for (int w = 0; w < 30; ++w) t += test::Word(rng.Uniform(400)) + " ";
    texts.push_back(t);
  }
  // Copies with one word changed: candidates to find.
  for (size_t i = 0; i < n / 4; ++i) texts.push_back("changed " + texts[i]);
  return texts;
}

std::vector<std::string_view> Views(const std::vector<std::string>& texts) {
  return std::vector<std::string_view>(texts.begin(), texts.end());
}

TEST(BatchTest, SignTextsEqualsOneAtATimeForAnyThreadCount) {
  const auto texts = Texts(200);
  const auto views = Views(texts);
  auto hasher = MinHasher::Create({.num_perm = 64});
  ASSERT_OK(hasher);
  auto shingler = Shingler::Create({});
  ASSERT_OK(shingler);
  std::vector<uint32_t> expected;
  std::vector<uint64_t> hashes;
  for (const std::string& t : texts) {
    shingler->Hash(t, &hashes);
    const auto sig = hasher->Sign(hashes);
    expected.insert(expected.end(), sig.begin(), sig.end());
  }
  for (const int threads : {0, 1, 3}) {
    std::vector<uint32_t> out(texts.size() * 64);
    ASSERT_OK(SignTexts(views, {}, *hasher, threads, absl::MakeSpan(out)));
    EXPECT_EQ(out, expected) << threads;
  }
  std::vector<uint32_t> short_out(texts.size() * 64 - 1);
  EXPECT_EQ(SignTexts(views, {}, *hasher, 1, absl::MakeSpan(short_out)).code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<uint32_t> out(texts.size() * 64);
  EXPECT_EQ(SignTexts(views, {}, *hasher, -1, absl::MakeSpan(out)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignTexts(views, {.n = 0}, *hasher, 1, absl::MakeSpan(out)).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BatchTest, SimHashTextsEqualsOneAtATime) {
  const auto texts = Texts(50);
  auto shingler = Shingler::Create({.n = 3});
  ASSERT_OK(shingler);
  std::vector<uint64_t> out(texts.size()), hashes;
  ASSERT_OK(SimHashTexts(Views(texts), {.n = 3}, 2, absl::MakeSpan(out)));
  for (size_t i = 0; i < texts.size(); ++i) {
    shingler->Hash(texts[i], &hashes);
    EXPECT_EQ(out[i], SimHash(hashes)) << i;
  }
  std::vector<uint64_t> wrong(texts.size() + 1);
  EXPECT_FALSE(SimHashTexts(Views(texts), {.n = 3}, 2, absl::MakeSpan(wrong)).ok());
}

TEST(BatchTest, BandKeysEstimatesAndCandidatesOfAllBands) {
  const auto texts = Texts(80);
  const size_t n = texts.size(), k = 112;
  auto hasher = MinHasher::Create({.num_perm = 112});
  ASSERT_OK(hasher);
  std::vector<uint32_t> sigs(n * k);
  ASSERT_OK(SignTexts(Views(texts), {}, *hasher, 2, absl::MakeSpan(sigs)));
  const LshParams lsh{14, 8};
  std::vector<uint64_t> keys(n * 14);
  ASSERT_OK(BandKeysOfRows(sigs, k, lsh, absl::MakeSpan(keys)));
  for (size_t i = 0; i < n; i += 7) {
    EXPECT_EQ(keys[3 * n + i],
              BandKey(absl::MakeConstSpan(sigs).subspan(i * k, k), 3, 8));
  }
  auto pairs = CandidatesOfSignatures(sigs, k, lsh);
  ASSERT_OK(pairs);
  // Each pair once, ordered; every copy (i + 80, i) found.
  for (size_t p = 1; p < pairs->size(); ++p) EXPECT_LT((*pairs)[p - 1], (*pairs)[p]);
  size_t copies = 0;
  for (const DocPair& p : *pairs) {
    EXPECT_LT(p.first, p.second);
    copies += p.second == p.first + 80;
  }
  EXPECT_EQ(copies, 20u);
  // Estimates over rows: row i of a against row i of b.
  std::vector<double> est(20);
  ASSERT_OK(EstimateJaccardRows(absl::MakeConstSpan(sigs).subspan(0, 20 * k),
                                absl::MakeConstSpan(sigs).subspan(80 * k, 20 * k),
                                k, absl::MakeSpan(est)));
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(est[i], *EstimateJaccard(absl::MakeConstSpan(sigs).subspan(i * k, k),
                                       absl::MakeConstSpan(sigs).subspan((80 + i) * k, k)));
    EXPECT_GT(est[i], 0.5);
  }
  // Sizes are checked.
  EXPECT_FALSE(BandKeysOfRows(sigs, k, {15, 8}, absl::MakeSpan(keys)).ok());
  EXPECT_FALSE(BandKeysOfRows(absl::MakeConstSpan(sigs).subspan(1), k, lsh,
                              absl::MakeSpan(keys)).ok());
  EXPECT_FALSE(EstimateJaccardRows(sigs, absl::MakeConstSpan(sigs).subspan(k), k,
                                   absl::MakeSpan(est)).ok());
  EXPECT_FALSE(CandidatesOfSignatures(sigs, 0, lsh).ok());
}

}  // namespace
}  // namespace neardup
