// Intra-op thread pool. One pool per Session, shared by every concurrent run(): parallel_for jobs
// from several callers interleave, and each caller works on its own job too, so a busy pool
// never blocks a caller.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace onnxfn {

class ThreadPool {
 public:
  // `threads` counts the caller: a pool of 1 runs everything inline.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(begin, end) on disjoint chunks covering [0, n), each at least `grain` long (but the
  // last), at most `max_chunks` of them (0: four per thread). Rethrows the first exception.
  // Chunk boundaries depend on n, grain and max_chunks, not on timing.
  void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn, int64_t max_chunks = 0);

 private:
  struct Job;
  void worker_loop();
  static void work_on(Job& job);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job*> queue_;
  std::atomic<int> queued_{0};  // queue_.size(), read by spinning workers without the mutex
  bool stopping_ = false;
};

// CPUs this process may actually use: the affinity mask, capped by a cgroup CPU quota (v2
// cpu.max or v1 cfs_quota_us), rounded up; at least 1. This is how a Lambda memory size or a
// container limit becomes a thread count.
int available_cpus();

}  // namespace onnxfn
