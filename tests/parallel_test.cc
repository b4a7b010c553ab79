// Tests of the threaded loop (src/pipeline/parallel.cc): every index once,
// workers numbered in range, for any thread count and grain.

#include "neardup/internal/parallel.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include "gtest/gtest.h"

namespace neardup::internal {
namespace {

TEST(ParallelForTest, EveryIndexOnceWithWorkersInRange) {
  // grain 0: contiguous ranges; else chunks taken as workers finish.
  for (size_t grain : {0, 1, 3, 8, 100}) {
    for (int threads : {0, 1, 2, 3, 8}) {
      for (size_t n : {0, 1, 2, 5, 17}) {
        std::vector<std::atomic<int>> seen(n);
        std::atomic<bool> worker_in_range{true};
        ParallelFor(
            threads, n,
            [&](int worker, size_t i) {
              if (worker < 0 || worker >= std::max(threads, 1)) {
                worker_in_range = false;
              }
              ++seen[i];
            },
            grain);
        for (size_t i = 0; i < n; ++i) {
          EXPECT_EQ(seen[i], 1) << grain << " " << threads << " " << n;
        }
        EXPECT_TRUE(worker_in_range);
      }
    }
  }
  EXPECT_GE(JobThreads(0), 1);
  EXPECT_EQ(JobThreads(3), 3);
}

}  // namespace
}  // namespace neardup::internal
