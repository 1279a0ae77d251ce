// Storage::slices (ZipMap's per-row scores) and Tensor::for_overwrite (request tensors the decoder
// fills): slices are aligned, disjoint, zeroed and outlive the vector that made them; a tensor
// for overwrite has its padding zeroed and the requested size.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "common/tensor.h"

namespace onnxfn {
namespace {

TEST(StorageSlices, AreAlignedDisjointZeroedAndOutliveTheirVector) {
  std::shared_ptr<Storage> kept;
  {
    auto parts = Storage::slices(5, 12);
    ASSERT_EQ(parts.size(), 5u);
    for (size_t i = 0; i < parts.size(); ++i) {
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(parts[i]->bytes()) % 64, 0u);
      EXPECT_EQ(parts[i]->capacity(), 12u);
      for (size_t b = 0; b < 12; ++b) EXPECT_EQ(parts[i]->bytes()[b], std::byte{0});
      std::memset(parts[i]->bytes(), static_cast<int>(i + 1), 12);
    }
    for (size_t i = 0; i < parts.size(); ++i)  // no slice's writes reached another
      for (size_t b = 0; b < 12; ++b) EXPECT_EQ(parts[i]->bytes()[b], static_cast<std::byte>(i + 1));
    kept = parts[3];
  }
  const Tensor t = Tensor::with_storage(DType::Float, {3}, kept);
  std::uint32_t word = 0;
  std::memcpy(&word, t.data<float>(), 4);
  EXPECT_EQ(word, 0x04040404u);  // still readable after the other slices are gone (ASan checks it)
}

TEST(StorageSlices, RefusesMoreThanTheTensorLimit) {
  const uint64_t limit = tensor_byte_limit();
  set_tensor_byte_limit(1 << 20);
  EXPECT_THROW(Storage::slices(1 << 20, 4), Error);
  set_tensor_byte_limit(limit);
}

TEST(TensorForOverwrite, HasTheShapeAndZeroPaddingPastTheElements) {
  Tensor t = Tensor::for_overwrite(DType::Float, {2, 3});
  EXPECT_EQ(t.numel(), 6);
  EXPECT_EQ(t.storage()->capacity(), 24u);
  const std::byte* padding = t.storage()->bytes() + 24;
  for (size_t b = 0; b < 64 - 24; ++b) EXPECT_EQ(padding[b], std::byte{0});
}

}  // namespace
}  // namespace onnxfn
