// Tests for PairVerdicts, the dedup job's cache of refused pairs: what it
// returns is the verdict last remembered for that very pair, or kUnknown.

#include "pipeline/pair_verdicts.h"

#include <cstdint>
#include <map>
#include <utility>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using internal::PairVerdicts;

TEST(PairVerdictsTest, ReturnsWhatWasRemembered) {
  PairVerdicts verdicts(16);
  EXPECT_EQ(verdicts.Find(1, 2), PairVerdicts::kUnknown);
  verdicts.Remember(1, 2, 0);
  verdicts.Remember(3, 0xFFFFFFFFu, 0xFE);  // the largest verdict
  verdicts.Remember(0, 1, 0x7E);
  EXPECT_EQ(verdicts.Find(1, 2), 0);
  EXPECT_EQ(verdicts.Find(3, 0xFFFFFFFFu), 0xFE);
  EXPECT_EQ(verdicts.Find(0, 1), 0x7E);
  EXPECT_EQ(verdicts.Find(2, 1), PairVerdicts::kUnknown);  // a < b only
  EXPECT_EQ(verdicts.Find(1, 3), PairVerdicts::kUnknown);
  verdicts.Remember(1, 2, 5);  // replaced
  EXPECT_EQ(verdicts.Find(1, 2), 5);
  verdicts.Remember(7, 7, 1);  // not a pair
  EXPECT_EQ(verdicts.Find(7, 7), PairVerdicts::kUnknown);
  const PairVerdicts none;  // no slots: remembers nothing
  EXPECT_EQ(none.Find(1, 2), PairVerdicts::kUnknown);
}

// Far more pairs than slots, many of them alike (neighbouring documents,
// the same first document): a lookup misses or gives the pair's own last
// verdict, never another pair's.
TEST(PairVerdictsTest, NeverReturnsAnotherPairsVerdict) {
  test::Rng rng(7);
  PairVerdicts verdicts(1024);
  EXPECT_EQ(PairVerdicts::BytesFor(1000), 1024 * sizeof(uint64_t));
  std::map<std::pair<uint32_t, uint32_t>, uint8_t> last;
  size_t found = 0;
  for (int i = 0; i < 200000; ++i) {
    uint32_t a = static_cast<uint32_t>(rng.Uniform(i % 2 ? 50 : 1u << 31));
    uint32_t b = a + 1 + static_cast<uint32_t>(rng.Uniform(i % 3 ? 3000 : 1u << 30));
    if (rng.Uniform(4) == 0) {
      const uint8_t v = static_cast<uint8_t>(rng.Uniform(0xFF));  // not 0xFF
      verdicts.Remember(a, b, v);
      last[{a, b}] = v;
    }
    const uint8_t got = verdicts.Find(a, b);
    if (got == PairVerdicts::kUnknown) continue;
    ++found;
    const auto it = last.find({a, b});
    ASSERT_NE(it, last.end()) << a << " " << b;
    ASSERT_EQ(got, it->second) << a << " " << b;
  }
  EXPECT_GT(found, 10000u);
}

}  // namespace
}  // namespace neardup
