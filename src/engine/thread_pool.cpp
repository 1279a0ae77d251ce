// ThreadPool: a shared queue of parallel_for jobs whose chunks are claimed with an atomic counter.
#include "engine/thread_pool.h"

#include <atomic>
#include <exception>

namespace onnxfn {

struct ThreadPool::Job {
  const std::function<void(int64_t, int64_t)>* fn;
  int64_t n = 0, chunk = 0, chunks = 0;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> finished{0};
  int users = 0;  // workers currently inside work_on (guarded by the pool mutex)
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
    job.finished.fetch_add(1);
  }
}

void ThreadPool::worker_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Job* job = queue_.front();
    queue_.pop_front();
    ++job->users;
    lock.unlock();
    work_on(*job);
    lock.lock();
    --job->users;
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
  }
  wake_.notify_all();
  work_on(job);
  {
    std::unique_lock lock(mutex_);
    // Entries no worker picked up are withdrawn; then wait for workers still inside the job.
    std::erase(queue_, &job);
    wake_.wait(lock, [&] { return job.users == 0 && job.finished.load() == job.chunks; });
  }
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace onnxfn
