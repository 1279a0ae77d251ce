// ThreadPool: chunks cover the range once with boundaries that depend on n, grain and max_chunks
// only; back-to-back and concurrent jobs (workers spinning or asleep) complete; errors come back.
#include "engine/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace onnxfn {
namespace {

using Chunks = std::set<std::pair<int64_t, int64_t>>;

Chunks chunks_of(ThreadPool& pool, int64_t n, int64_t grain, int64_t max_chunks) {
  std::mutex m;
  Chunks out;
  pool.parallel_for(n, grain, [&](int64_t b, int64_t e) {
    std::lock_guard lock(m);
    out.emplace(b, e);
  }, max_chunks);
  return out;
}

TEST(ThreadPool, chunks_cover_the_range_once_and_do_not_depend_on_the_thread_count) {
  ThreadPool one(1), two(2), three(3);
  for (const int64_t n : {1, 511, 512, 513, 10000}) {
    const int64_t blocks = (n + 511) / 512;
    const Chunks want = chunks_of(one, n, 512, blocks);
    EXPECT_EQ(static_cast<int64_t>(want.size()), blocks) << n;
    int64_t next = 0;
    for (const auto& [b, e] : want) {
      EXPECT_EQ(b, next);
      EXPECT_LE(e - b, 512);
      next = e;
    }
    EXPECT_EQ(next, n);
    EXPECT_EQ(chunks_of(two, n, 512, blocks), want) << n;
    EXPECT_EQ(chunks_of(three, n, 512, blocks), want) << n;
  }
}

// Jobs back to back find the helper spinning; jobs after a pause longer than the spin find it
// asleep; two callers at once share the pool. Every element is counted exactly once each time.
TEST(ThreadPool, jobs_back_to_back_after_a_pause_and_from_two_callers_complete) {
  ThreadPool pool(2);
  auto run = [&pool](int64_t n) {
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    pool.parallel_for(n, 16, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)].fetch_add(1);
    }, 64);
    for (const auto& h : hits)
      if (h.load() != 1) return false;
    return true;
  };
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(run(1000 + i)) << i;
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    ASSERT_TRUE(run(777)) << i;
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 2; ++c)
    callers.emplace_back([&] {
      for (int i = 0; i < 200; ++i)
        if (!run(500 + i)) failures.fetch_add(1);
    });
  for (auto& t : callers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(ThreadPool, an_exception_in_a_chunk_reaches_the_caller_and_the_pool_stays_usable) {
  ThreadPool pool(2);
  EXPECT_THROW(pool.parallel_for(100, 1, [](int64_t b, int64_t) {
    if (b == 37) throw std::runtime_error("chunk 37");
  }, 100), std::runtime_error);
  std::atomic<int64_t> sum{0};
  pool.parallel_for(100, 1, [&](int64_t b, int64_t e) { sum.fetch_add(e - b); }, 100);
  EXPECT_EQ(sum.load(), 100);
}

}  // namespace
}  // namespace onnxfn
