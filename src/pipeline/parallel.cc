// The threaded loop of the pipeline layer and the Python module
// (neardup/internal/parallel.h).

#include "neardup/internal/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace neardup::internal {

int JobThreads(int threads) {
  return threads > 0 ? threads
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void ParallelFor(int threads, size_t n,
                 const std::function<void(int worker, size_t i)>& fn,
                 size_t grain) {
  threads = static_cast<int>(
      std::clamp<size_t>(static_cast<size_t>(std::max(threads, 1)), 1,
                         std::max<size_t>(n, 1)));
  std::atomic<size_t> next{0};
  auto work = [&](int w) {
    if (grain == 0) {
      for (size_t i = n * w / threads; i < n * (w + 1) / threads; ++i) fn(w, i);
      return;
    }
    for (;;) {
      const size_t begin = next.fetch_add(grain, std::memory_order_relaxed);
      if (begin >= n) return;
      const size_t end = std::min(n, begin + grain);
      for (size_t i = begin; i < end; ++i) fn(w, i);
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < threads; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& t : pool) t.join();
}

}  // namespace neardup::internal
