// The X input of the linear and SVM models: one row (rank 1) or rows x features (rank 2) of
// float, double, int64 or int32, read as float the way ORT casts it before its float GEMM.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/kernel.h"

namespace onnxfn::ops::ml {

class FloatRows {
 public:
  // BadInput (through ctx) for a scalar, a rank above 2 or another element type.
  FloatRows(const KernelContext& ctx, const Tensor& x);
  FloatRows(const FloatRows&) = delete;
  FloatRows& operator=(const FloatRows&) = delete;

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  const float* row(int64_t i) const { return data_ + i * cols_; }

 private:
  std::vector<float> converted_;  // empty when X is already float
  const float* data_ = nullptr;
  int64_t rows_ = 0;
  int64_t cols_ = 0;
};

// Dot product of float vectors, accumulated in double: ORT's float GEMM rounds differently
// anyway, and the double sum keeps our error well below the 1e-5 parity tolerance.
inline float dot(const float* a, const float* b, int64_t n) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(a[i]) * b[i];
  return static_cast<float>(sum);
}

// Rows per parallel_for chunk for row-wise model kernels: small batches stay on one thread.
inline constexpr int64_t kRowGrain = 256;

}  // namespace onnxfn::ops::ml
