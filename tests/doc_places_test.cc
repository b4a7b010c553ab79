// Tests for DocPlaces, the dedup job's file and line of each document:
// what it returns is what was added, across file changes and once a line
// needs more than 32 bits.

#include "pipeline/doc_places.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace neardup {
namespace {

using internal::DocPlaces;

// Documents of several files (some files give none, so file numbers jump),
// lines growing with gaps (rejected and blank lines), and from some point
// lines past 2^32: every document reads back as added, before and after
// the lines widen.
TEST(DocPlacesTest, ReturnsWhatWasAddedAcrossFilesAndWideLines) {
  test::Rng rng(12);
  DocPlaces places;
  std::vector<std::pair<uint32_t, uint64_t>> added;
  uint32_t file = 0;
  uint64_t line = 0;
  for (int i = 0; i < 30000; ++i) {
    if (rng.Uniform(1000) == 0) {  // the next file (or one after it)
      file += 1 + static_cast<uint32_t>(rng.Uniform(3));
      line = 0;
    }
    line += 1 + rng.Uniform(3);
    if (i == 20000) line = uint64_t{UINT32_MAX} - 5;  // crosses 2^32 soon
    places.Add(file, line);
    added.push_back({file, line});
    if (i == 19999) {  // still narrow: all read back
      for (size_t d = 0; d < added.size(); ++d) {
        ASSERT_EQ(places.file(d), added[d].first) << d;
        ASSERT_EQ(places.line(d), added[d].second) << d;
      }
    }
  }
  uint64_t widest = 0;
  for (const auto& [f, l] : added) widest = std::max(widest, l);
  ASSERT_GT(widest, uint64_t{UINT32_MAX});
  ASSERT_EQ(places.size(), added.size());
  for (size_t d = 0; d < added.size(); ++d) {
    ASSERT_EQ(places.file(d), added[d].first) << d;
    ASSERT_EQ(places.line(d), added[d].second) << d;
  }
}

// A first document whose line needs 64 bits, and a single file.
TEST(DocPlacesTest, WideFromTheFirstDocument) {
  DocPlaces places;
  EXPECT_EQ(places.size(), 0u);
  places.Add(7, uint64_t{1} << 40);
  places.Add(7, 3);
  ASSERT_EQ(places.size(), 2u);
  EXPECT_EQ(places.file(0), 7u);
  EXPECT_EQ(places.file(1), 7u);
  EXPECT_EQ(places.line(0), uint64_t{1} << 40);
  EXPECT_EQ(places.line(1), 3u);
}

}  // namespace
}  // namespace neardup
