// The matrix-multiply core of MatMul and Gemm: C = A * B with B packed into column panels so a
// register-tiled micro-kernel streams it, rows split over the thread pool. Written for the
// tall-and-thin products of scikit-learn models (e.g. [10000 x 20] x [20 x 64]). On x86-64 CPUs
// with AVX2 and FMA, float and double use an AVX2 kernel chosen at run time (the binary itself
// targets baseline x86-64); everything else uses a portable 16-byte-vector kernel.
//
//   PackedMatrix<float> b = PackedMatrix<float>::pack(weights, K, N, /*transposed=*/false);
//   gemm(a, /*lda=*/K, /*a_transposed=*/false, M, b, c, /*ldc=*/N, &threads);
#pragma once

#include <cstdint>
#include <vector>

namespace onnxfn {
class ThreadPool;
}

namespace onnxfn::ops {

// B (K x N) as panels of width() columns, each stored row by row (k-major); the last panel is
// zero-padded. The width suits the kernel this CPU runs. Immutable once packed, so a constant
// B is packed once per session.
template <class T>
class PackedMatrix {
 public:
  // `b` is K x N row-major, or N x K row-major when `transposed` (then B = b^T).
  static PackedMatrix pack(const T* b, int64_t K, int64_t N, bool transposed);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  int64_t width() const { return width_; }
  const T* panel(int64_t p) const { return data_.data() + p * rows_ * width_; }

 private:
  int64_t rows_ = 0, cols_ = 0, width_ = 1;
  std::vector<T> data_;
};

// C (M x N, row stride ldc) = A (M x K) * B. A is row-major with row stride lda, or, when
// `a_transposed`, A = a^T with a of shape K x M and row stride lda. `threads` may be null.
template <class T>
void gemm(const T* a, int64_t lda, bool a_transposed, int64_t M, const PackedMatrix<T>& b, T* c, int64_t ldc,
          ThreadPool* threads);

}  // namespace onnxfn::ops
