// Tensors that borrow the caller's memory (Tensor::borrow, the Python package's no-copy inputs):
// they read in place, run through a session unchanged, and the buffer pool never takes their
// storage for reuse (it would write into the caller's array).
#include <gtest/gtest.h>

#include <vector>

#include "common/tensor.h"
#include "engine/kernel.h"

namespace onnxfn {
namespace {

TEST(BorrowedTensor, ReadsTheCallersMemoryInPlace) {
  const std::vector<float> values = {1.f, 2.f, 3.f, 4.f, 5.f, 6.f};
  const Tensor t = Tensor::borrow(DType::Float, {2, 3}, values.data());
  EXPECT_EQ(t.data<float>(), values.data());
  EXPECT_EQ(t.numel(), 6);
  EXPECT_EQ(t.span<float>()[5], 6.f);
  EXPECT_EQ(t.storage()->capacity(), 0u);
}

TEST(BorrowedTensor, TheBufferPoolNeverReusesBorrowedStorage) {
  std::vector<double> values(64, 7.0);
  BufferPool pool;
  {
    Tensor t = Tensor::borrow(DType::Double, {64}, values.data());
    std::shared_ptr<Storage> storage = t.storage();
    t = Tensor();
    pool.give(std::move(storage));  // sole owner now: an owned buffer would be pooled
  }
  const std::shared_ptr<Storage> fresh = pool.take(64 * sizeof(double));
  EXPECT_NE(fresh->bytes(), reinterpret_cast<std::byte*>(values.data()));
  EXPECT_EQ(values, std::vector<double>(64, 7.0));  // take() zero-fills what it hands out
}

}  // namespace
}  // namespace onnxfn
