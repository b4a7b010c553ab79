// Tests for version.h: the version string and the self-check of the
// known-answer tables on every kernel this CPU has.

#include "neardup/version.h"

#include <string>

#include "gtest/gtest.h"
#include "known_answers.h"
#include "neardup/text.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

TEST(VersionTest, MatchesMacros) {
  EXPECT_EQ(Version(), std::to_string(NEARDUP_VERSION_MAJOR) + "." +
                           std::to_string(NEARDUP_VERSION_MINOR) + "." +
                           std::to_string(NEARDUP_VERSION_PATCH));
}

TEST(VersionTest, SelfTestPassesAndReportsEveryCheck) {
  std::string report;
  ASSERT_OK(SelfTest(&report));
  EXPECT_NE(report.find(" 0 failed"), std::string::npos) << report;
  EXPECT_EQ(report.find("FAIL"), std::string::npos) << report;
  // One line per normalization and shingle vector at least.
  const size_t lines = std::count(report.begin(), report.end(), '\n');
  EXPECT_GT(lines, internal::NormalizeVectors().size() +
                       internal::ShingleVectors().size());
  EXPECT_OK(SelfTest(nullptr));
}

TEST(VersionTest, KnownAnswerTextIsStable) {
  // The generator is part of the tables' definition.
  EXPECT_EQ(internal::KnownAnswerText(1, 0), "");
  EXPECT_EQ(internal::KnownAnswerText(0, 60), internal::KnownAnswerText(0, 60));
  EXPECT_NE(internal::KnownAnswerText(0, 60), internal::KnownAnswerText(1, 60));
  EXPECT_TRUE(IsValidUtf8(internal::KnownAnswerText(3, 500)));
}

TEST(VersionTest, FoldIsOrderDependent) {
  const uint64_t a[] = {1, 2, 3};
  const uint64_t b[] = {3, 2, 1};
  EXPECT_EQ(internal::Fold(std::span<const uint64_t>(a)), 1u + 2 * 3 + 3 * 5);
  EXPECT_NE(internal::Fold(std::span<const uint64_t>(a)),
            internal::Fold(std::span<const uint64_t>(b)));
}

}  // namespace
}  // namespace neardup
