// Private to neardup: the one loop that spreads work over threads, used by
// the jobs of the pipeline layer and by the Python module's batch calls.
// Not part of the library's interface: no stability promise.

#ifndef NEARDUP_INTERNAL_PARALLEL_H_
#define NEARDUP_INTERNAL_PARALLEL_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace neardup::internal {

// The thread count of a job: `threads` when positive, else every core.
int JobThreads(int threads);

// Calls fn(worker, i) for every i in [0, n) on `threads` threads (the
// caller's among them; at most n), worker being the thread's number in
// [0, threads), and returns when every call returned. With `grain` > 0
// (the default, 4), each worker takes the next `grain` indices whenever it
// finishes its own, so that a long document (or a thread the machine runs
// less often) does not leave the other threads idle; which worker gets an
// index then varies from run to run, so fn's results must not depend on it
// (give each i its own place). With `grain` 0, the indices are split into
// `threads` contiguous ranges, worker w taking the w-th.
// fn must be safe to call concurrently for different workers.
void ParallelFor(int threads, size_t n,
                 const std::function<void(int worker, size_t i)>& fn,
                 size_t grain = 4);

// ParallelFor's work on threads kept from one call to the next, for a job
// that spreads many batches over threads while its own thread reads the
// next one: Start hands a batch to the pool's threads and returns at once,
// the caller reads on, then Finish makes the caller a worker of what is
// left of the batch and waits for the rest. So a job runs `threads`
// threads in all, never more than it asked for: threads made anew for
// each batch, beside a reading thread, start on their parent's core, and
// the scheduler can take longer than a batch to move one to an idle core
// (on a 2-core VM, a fifth of the signing stage's time went that way).
//
//   WorkerPool pool(threads);
//   pool.Start(n, fn);   // threads - 1 workers begin
//   ...                  // the caller's own work
//   pool.Finish();       // the caller helps, then every fn(w, i) returned
class WorkerPool {
 public:
  // `threads` workers in all (at least 1): the caller's thread, worker 0
  // in Finish, and threads - 1 kept here, waiting between calls.
  explicit WorkerPool(int threads);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  // Finishes a call in flight, then stops the threads.
  ~WorkerPool();

  int threads() const { return static_cast<int>(helpers_.size()) + 1; }

  // Begins fn(worker, i) for every i in [0, n) on the pool's own threads,
  // with ParallelFor's `grain` and the same rule for fn, and returns at
  // once (with no thread of its own the pool does it all in Finish). A
  // call in flight is finished first. fn must stay valid until Finish.
  void Start(size_t n, std::function<void(int worker, size_t i)> fn,
             size_t grain = 4);
  // Takes part in the call in flight as worker 0 until no index is left,
  // then returns when every call of fn returned. A no-op without a call in
  // flight.
  void Finish();
  // Start, then Finish.
  void ParallelFor(size_t n, std::function<void(int worker, size_t i)> fn,
                   size_t grain = 4) {
    Start(n, std::move(fn), grain);
    Finish();
  }

 private:
  void Help(int worker);  // a kept thread's loop
  void Work(int worker);  // worker's share of the call in flight

  std::mutex mu_;
  std::condition_variable start_cv_;  // a call begins, or the pool stops
  std::condition_variable done_cv_;   // the last helper finished its share
  uint64_t call_ = 0;                 // calls started
  int helping_ = 0;                   // kept threads still in the call
  bool in_flight_ = false;
  bool stop_ = false;
  // The call in flight, set by Start under mu_ while no thread reads it.
  std::function<void(int, size_t)> fn_;
  size_t n_ = 0;
  size_t grain_ = 0;
  int workers_ = 0;  // taking part: at most n
  std::atomic<size_t> next_{0};
  std::vector<std::thread> helpers_;
};

// One task at a time on another thread, for work that overlaps the
// caller's (a batch is prepared or counted while the next one is read).
// The thread is kept from task to task (see WorkerPool). One thread at a
// time calls Start; Wait may be called from any.
class BackgroundTask {
 public:
  BackgroundTask();
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;
  // Waits for the task: a job that returns early (an error, an interrupt)
  // must not leave a thread running on its state. Then stops the thread.
  ~BackgroundTask();

  // Waits for the task running, if any, then runs `fn` on the task's
  // thread.
  void Start(std::function<void()> fn);
  // Returns when the task started last has returned.
  void Wait();

 private:
  void Run();  // the thread's loop

  std::mutex mu_;
  std::condition_variable cv_;  // a task is given, returned, or stop_
  std::function<void()> task_;
  bool given_ = false;  // task_ holds a task not yet taken
  bool busy_ = false;   // a task was given and has not returned
  bool stop_ = false;
  std::thread thread_;  // declared last: starts once the rest is set
};

}  // namespace neardup::internal

#endif  // NEARDUP_INTERNAL_PARALLEL_H_
