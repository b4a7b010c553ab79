// Tests of the threaded loop (src/pipeline/parallel.cc): every index once,
// workers numbered in range, for any thread count and grain; and of the
// pool that keeps its threads from call to call (WorkerPool).

#include "neardup/internal/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
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

TEST(WorkerPoolTest, EveryIndexOnceOnThreadsKeptFromCallToCall) {
  for (int threads : {1, 2, 3, 8}) {
    WorkerPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    // One pool, many calls of every shape, as a job's batches use it.
    for (size_t grain : {0, 1, 3, 8, 100}) {
      for (size_t n : {0, 1, 2, 5, 17, 1000}) {
        std::vector<std::atomic<int>> seen(n);
        std::atomic<bool> worker_in_range{true};
        pool.ParallelFor(
            n,
            [&](int worker, size_t i) {
              if (worker < 0 || worker >= threads) worker_in_range = false;
              ++seen[i];
            },
            grain);
        for (size_t i = 0; i < n; ++i) {
          ASSERT_EQ(seen[i], 1) << threads << " " << grain << " " << n;
        }
        EXPECT_TRUE(worker_in_range);
      }
    }
  }
}

TEST(WorkerPoolTest, KeptThreadsWorkWhileTheCallerDoesSomethingElse) {
  WorkerPool pool(2);
  std::vector<std::atomic<int>> seen(2);
  // grain 0: index 1 is the kept thread's, index 0 the caller's (Finish).
  pool.Start(2, [&](int, size_t i) { ++seen[i]; }, /*grain=*/0);
  // Liveness, not speed: the kept thread's index is done before Finish
  // (a pool that works only in Finish never gets there: the test fails at
  // the bound instead of hanging).
  const auto bound = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (seen[1] == 0 && std::chrono::steady_clock::now() < bound) {
    std::this_thread::yield();
  }
  EXPECT_EQ(seen[1], 1);
  EXPECT_EQ(seen[0], 0);
  pool.Finish();
  EXPECT_EQ(seen[0], 1);
  EXPECT_EQ(seen[1], 1);
  pool.Finish();  // nothing in flight: a no-op
}

TEST(WorkerPoolTest, OneThreadDoesEverythingInFinish) {
  WorkerPool pool(1);
  std::vector<int> seen(10, 0);
  pool.Start(10, [&](int worker, size_t i) { seen[i] += 1 + worker; });
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 0), 10);
  pool.Finish();
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 10);
}

TEST(WorkerPoolTest, StartAndDestructionFinishTheCallInFlight) {
  std::vector<std::atomic<int>> seen(500);
  {
    auto pool = std::make_unique<WorkerPool>(3);
    pool->Start(200, [&](int, size_t i) { ++seen[i]; });
    // A second Start finishes the first before it begins.
    pool->Start(300, [&](int, size_t i) { ++seen[200 + i]; });
  }  // destroyed with the second call in flight
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 1) << i;
}

}  // namespace
}  // namespace neardup::internal
