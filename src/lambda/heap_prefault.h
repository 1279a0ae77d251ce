// Faults in, on another CPU, the heap pages a model's load is about to touch, so that the kernel
// zeroes them while the init thread decodes (the Lambda init, src/lambda/runtime.cpp).
//
//   { HeapPrefault warm(expected_bytes);  load(); }  // joined when `warm` goes out of scope
#pragma once

#include <cstddef>
#include <functional>
#include <thread>

namespace onnxfn::lambda {

class HeapPrefault {
 public:
  // Populates up to `bytes` of the heap's free top chunk (where the next large allocations come
  // from) with MADV_POPULATE_WRITE, which never changes a page's contents, so it is safe while
  // the caller allocates and writes there. Does nothing where that is not available (Linux before
  // 5.14, a heap not grown by src/cli/main.cxx) or when `bytes` is 0.
  // `then` (may be empty) runs on the same thread afterwards: other init work that does not need
  // the model, without a second thread's start-up on the init thread. It must not throw.
  explicit HeapPrefault(size_t bytes, std::function<void()> then = {});
  ~HeapPrefault();
  HeapPrefault(const HeapPrefault&) = delete;
  HeapPrefault& operator=(const HeapPrefault&) = delete;

 private:
  std::thread worker_;
};

}  // namespace onnxfn::lambda
