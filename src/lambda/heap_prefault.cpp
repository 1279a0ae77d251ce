// Heap prefaulting for the Lambda init (see heap_prefault.h).
#include "lambda/heap_prefault.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; older C libraries' headers lack it
#endif

namespace onnxfn::lambda {

HeapPrefault::HeapPrefault(size_t bytes) {
  constexpr uintptr_t kPage = 4096;
  const auto end = reinterpret_cast<uintptr_t>(sbrk(0));
  const uintptr_t top = end - mallinfo2().keepcost;  // the free top chunk: [top, end)
  const uintptr_t first = (top + kPage - 1) & ~(kPage - 1);
  const uintptr_t last = std::min(end, first + bytes) & ~(kPage - 1);
  if (bytes == 0 || last <= first) return;
  worker_ = std::thread([first, last] { madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE); });
}

HeapPrefault::~HeapPrefault() {
  if (worker_.joinable()) worker_.join();
}

}  // namespace onnxfn::lambda
