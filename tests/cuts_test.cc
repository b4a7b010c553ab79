// Tests for what every rule's cuts share: the names of their reasons, and
// MergeCuts.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/clean.h"

namespace neardup {
namespace {

TEST(CutReasonNameTest, EveryReasonHasItsName) {
  const std::vector<std::string> names = {"repeated_block", "repeated_line",
                                          "boilerplate", "syndicated"};
  ASSERT_EQ(names.size(), kCutReasonCount);
  for (size_t r = 0; r < kCutReasonCount; ++r) {
    EXPECT_EQ(CutReasonName(static_cast<CutReason>(r)), names[r]);
  }
}

TEST(MergeCutsTest, SortedWithoutOverlaps) {
  const std::vector<Cut> a = {{0, 10}, {20, 30}};
  const std::vector<Cut> b = {{5, 12}, {22, 25}, {40, 41}};
  const std::vector<Cut> m = MergeCuts(a, b);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].begin, 0u);
  EXPECT_EQ(m[0].end, 10u);
  EXPECT_EQ(m[1].begin, 10u);  // trimmed
  EXPECT_EQ(m[1].end, 12u);
  EXPECT_EQ(m[2].begin, 20u);
  EXPECT_EQ(m[3].begin, 40u);
}

}  // namespace
}  // namespace neardup
