// Tests for what every rule's cuts share: the names of their reasons,
// MergeCuts, ValidateCuts and ApplyCuts.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "neardup/clean.h"
#include "tests/test_util.h"

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

TEST(ApplyCutsTest, RemovesTheUnionOfTheCutsInAnyOrder) {
  const std::string text = "0123456789";
  EXPECT_EQ(*ApplyCuts(text, std::vector<Cut>{{2, 4}, {6, 7}}), "0145789");
  // Overlapping cuts remove the union of their bytes (this used to skip
  // the second cut and keep "45" and "67").
  EXPECT_EQ(*ApplyCuts(text, std::vector<Cut>{{2, 6}, {4, 8}}), "0189");
  EXPECT_EQ(*ApplyCuts(text, std::vector<Cut>{{2, 8}, {3, 4}}), "0189");
  // Unsorted cuts are all applied (this used to drop the earlier one).
  EXPECT_EQ(*ApplyCuts(text, std::vector<Cut>{{6, 7}, {2, 4}}), "0145789");
  EXPECT_EQ(*ApplyCuts(text, std::vector<Cut>{{9, 10}, {0, 1}, {5, 5}}),
            "12345678");
  EXPECT_EQ(*ApplyCuts(text, std::vector<Cut>{{0, 10}}), "");
  EXPECT_EQ(*ApplyCuts(text, std::vector<Cut>{}), text);
  EXPECT_EQ(CutReasonName(CutReason::kBoilerplate), std::string("boilerplate"));
}

TEST(ApplyCutsTest, RefusesInvertedAndOutOfRangeCuts) {
  const std::string text = "0123456789";
  // These used to be skipped in silence, the text coming back whole.
  const auto past = ApplyCuts(text, std::vector<Cut>{{2, 4}, {8, 20}});
  EXPECT_EQ(past.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(past.status().message().find("cut 1 [8, 20)"), std::string::npos)
      << past.status();
  const auto inverted = ApplyCuts(text, std::vector<Cut>{{6, 3}});
  EXPECT_EQ(inverted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(inverted.status().message().find("inverted"), std::string::npos);
  EXPECT_FALSE(ApplyCuts(text, std::vector<Cut>{{11, 11}}).ok());
  EXPECT_FALSE(
      ApplyCuts(text, std::vector<Cut>{{0, Cut::kNoSource}}).ok());
  EXPECT_OK(ValidateCuts(text.size(), std::vector<Cut>{{10, 10}}));
}

}  // namespace
}  // namespace neardup
