// ThreadPool: a shared queue of parallel_for jobs whose chunks are claimed with an atomic counter.
// Workers and callers poll a little before they sleep: a run that follows the previous one within
// the spin finds its helper awake (it joins ~1 us after the job is queued), and a caller whose
// helper finishes last sees it without a futex round trip. Measured on a 10,000-row
// GradientBoosting run (0.55 ms on one thread): two threads 0.37 -> 0.30 ms (docs/benchmarks.md,
// "Threads, round 2").
#include "engine/thread_pool.h"

#include <chrono>
#include <exception>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace onnxfn {
namespace {

// How long an idle worker, or a caller waiting for its helpers, polls before blocking. Long
// enough to span the gap between back-to-back runs, short enough that a pool between requests
// costs at most this much CPU per worker and job.
constexpr auto kSpin = std::chrono::microseconds(200);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Polls `ready` until it holds or kSpin has passed (the clock read every 64 polls).
template <class Pred>
bool spin_until(Pred ready) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (int i = 1;; ++i) {
    if (ready()) return true;
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() >= deadline) return false;
  }
}

}  // namespace

struct ThreadPool::Job {
  const std::function<void(int64_t, int64_t)>* fn;
  int64_t n = 0, chunk = 0, chunks = 0;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> finished{0};
  // Workers that took the job from the queue and have not left work_on yet: raised under the pool
  // mutex (so withdrawing the queue entries settles who may still come), lowered under it too, and
  // read without it by the spinning caller. Lowering it is a worker's last touch of the job.
  std::atomic<int> users{0};
  std::mutex error_mutex;
  std::exception_ptr error;
};

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::work_on(Job& job) {
  for (;;) {
    int64_t c = job.next.fetch_add(1);
    if (c >= job.chunks) return;
    int64_t begin = c * job.chunk;
    int64_t end = std::min(job.n, begin + job.chunk);
    try {
      (*job.fn)(begin, end);
    } catch (...) {
      std::lock_guard lock(job.error_mutex);
      if (!job.error) job.error = std::current_exception();
    }
    job.finished.fetch_add(1, std::memory_order_acq_rel);
  }
}

void ThreadPool::worker_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (queue_.empty() && !stopping_) {
      lock.unlock();
      spin_until([this] { return queued_.load(std::memory_order_relaxed) > 0; });
      lock.lock();
    }
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Job* job = queue_.front();
    queue_.pop_front();
    queued_.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
    job->users.fetch_add(1);
    lock.unlock();
    work_on(*job);
    lock.lock();
    job->users.fetch_sub(1, std::memory_order_release);
    wake_.notify_all();  // the job's caller may be waiting for users to reach 0
  }
}

void ThreadPool::parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn,
                              int64_t max_chunks) {
  if (n <= 0) return;
  grain = std::max<int64_t>(grain, 1);
  if (max_chunks <= 0) max_chunks = 4 * static_cast<int64_t>(size());
  int64_t chunks = std::min<int64_t>((n + grain - 1) / grain, max_chunks);
  if (workers_.empty() || chunks <= 1) {
    // Same chunk boundaries as the parallel path, so results never depend on the thread count.
    int64_t chunk = (n + chunks - 1) / chunks;
    for (int64_t b = 0; b < n; b += chunk) fn(b, std::min(n, b + chunk));
    return;
  }
  Job job;
  job.fn = &fn;
  job.n = n;
  job.chunk = (n + chunks - 1) / chunks;
  job.chunks = (n + job.chunk - 1) / job.chunk;
  int64_t helpers = std::min<int64_t>(static_cast<int64_t>(workers_.size()), job.chunks - 1);
  {
    std::lock_guard lock(mutex_);
    for (int64_t i = 0; i < helpers; ++i) queue_.push_back(&job);
    queued_.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
  }
  wake_.notify_all();
  work_on(job);
  {
    // Entries no worker picked up are withdrawn: from here on only job.users may still touch it.
    std::lock_guard lock(mutex_);
    std::erase(queue_, &job);
    queued_.store(static_cast<int>(queue_.size()), std::memory_order_relaxed);
  }
  auto done = [&] {
    return job.users.load(std::memory_order_acquire) == 0 && job.finished.load(std::memory_order_acquire) == job.chunks;
  };
  if (!spin_until(done)) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, done);
  }
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace onnxfn
