// The threaded loop of the pipeline layer and the Python module
// (neardup/internal/parallel.h).

#include "neardup/internal/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace neardup::internal {
namespace {

// Worker w's share of fn over [0, n) among `workers`: with grain 0 the
// w-th contiguous range, else `grain` indices at a time from *next.
void RunShare(int w, int workers, size_t n, size_t grain,
              std::atomic<size_t>& next,
              const std::function<void(int, size_t)>& fn) {
  if (w >= workers) return;
  const size_t ws = static_cast<size_t>(w);
  const size_t all = static_cast<size_t>(workers);
  if (grain == 0) {
    for (size_t i = n * ws / all; i < n * (ws + 1) / all; ++i) fn(w, i);
    return;
  }
  for (;;) {
    const size_t begin = next.fetch_add(grain, std::memory_order_relaxed);
    if (begin >= n) return;
    const size_t end = std::min(n, begin + grain);
    for (size_t i = begin; i < end; ++i) fn(w, i);
  }
}

// The threads that take part in a call over n indices: at most n (and 1).
int Participants(int threads, size_t n) {
  return static_cast<int>(std::clamp<size_t>(
      static_cast<size_t>(std::max(threads, 1)), 1, std::max<size_t>(n, 1)));
}

}  // namespace

int JobThreads(int threads) {
  return threads > 0 ? threads
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void ParallelFor(int threads, size_t n,
                 const std::function<void(int worker, size_t i)>& fn,
                 size_t grain) {
  threads = Participants(threads, n);
  std::atomic<size_t> next{0};
  auto work = [&](int w) { RunShare(w, threads, n, grain, next, fn); };
  std::vector<std::thread> pool;
  for (int w = 1; w < threads; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& t : pool) t.join();
}

WorkerPool::WorkerPool(int threads) {
  for (int w = 1; w < threads; ++w) helpers_.emplace_back([this, w] { Help(w); });
}

WorkerPool::~WorkerPool() {
  Finish();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

void WorkerPool::Start(size_t n, std::function<void(int, size_t)> fn,
                       size_t grain) {
  Finish();
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = std::move(fn);
    n_ = n;
    grain_ = grain;
    workers_ = Participants(threads(), n);
    next_.store(0, std::memory_order_relaxed);
    helping_ = static_cast<int>(helpers_.size());
    in_flight_ = true;
    ++call_;
  }
  start_cv_.notify_all();
}

void WorkerPool::Finish() {
  if (!in_flight_) return;
  Work(0);
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [this] { return helping_ == 0; });
  in_flight_ = false;
}

void WorkerPool::Work(int worker) {
  RunShare(worker, workers_, n_, grain_, next_, fn_);
}

void WorkerPool::Help(int worker) {
  uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    start_cv_.wait(lock, [&] { return stop_ || call_ != seen; });
    if (stop_) return;
    seen = call_;
    lock.unlock();
    Work(worker);
    lock.lock();
    if (--helping_ == 0) done_cv_.notify_one();
  }
}

BackgroundTask::BackgroundTask() : thread_([this] { Run(); }) {}

BackgroundTask::~BackgroundTask() {
  Wait();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void BackgroundTask::Start(std::function<void()> fn) {
  Wait();
  {
    std::lock_guard<std::mutex> lock(mu_);
    task_ = std::move(fn);
    given_ = true;
    busy_ = true;
  }
  cv_.notify_all();
}

void BackgroundTask::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !busy_; });
}

void BackgroundTask::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || given_; });
    if (!given_) return;  // stop_, and nothing left to run
    given_ = false;
    std::function<void()> fn = std::move(task_);
    task_ = nullptr;
    lock.unlock();
    fn();
    fn = nullptr;  // what the task holds goes before Wait returns
    lock.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

}  // namespace neardup::internal
