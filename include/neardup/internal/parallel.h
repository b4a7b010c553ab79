// Private to neardup: the one loop that spreads work over threads, used by
// the jobs of the pipeline layer and by the Python module's batch calls.
// Not part of the library's interface: no stability promise.

#ifndef NEARDUP_INTERNAL_PARALLEL_H_
#define NEARDUP_INTERNAL_PARALLEL_H_

#include <cstddef>
#include <functional>

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

}  // namespace neardup::internal

#endif  // NEARDUP_INTERNAL_PARALLEL_H_
