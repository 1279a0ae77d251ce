// Faults in, on another CPU, the heap pages a model's load is about to touch, so that the kernel
// zeroes them while the init thread decodes (the Lambda init, src/lambda/runtime.cpp).
//
//   { HeapPrefault warm(expected_bytes);  load(); }  // joined when `warm` goes out of scope
#pragma once

#include <cstddef>
#include <thread>

namespace onnxfn::lambda {

class HeapPrefault {
 public:
  // Populates up to `bytes` of the heap's free top chunk (where the next large allocations come
  // from) with MADV_POPULATE_WRITE, which never changes a page's contents, so it is safe while
  // the caller allocates and writes there. Does nothing where that is not available (Linux before
  // 5.14, a heap not grown by src/cli/main.cxx) or when `bytes` is 0.
  explicit HeapPrefault(size_t bytes);
  ~HeapPrefault();
  HeapPrefault(const HeapPrefault&) = delete;
  HeapPrefault& operator=(const HeapPrefault&) = delete;

 private:
  std::thread worker_;
};

}  // namespace onnxfn::lambda
