// Softmax, LogSoftmax and Hardmax. Before opset 13 the input is coerced to 2-D at `axis`
// (default 1) and normalised over everything from `axis` on; from 13 over the one axis
// (default -1).
#include <cmath>

#include "engine/thread_pool.h"
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

enum class SoftmaxOp { Softmax, LogSoftmax, Hardmax };

// One vector of n values, `stride` apart: softmax = exp(x - max) / sum, log-softmax =
// x - max - log(sum), hardmax = 1 at the first maximum.
template <class T, SoftmaxOp Op>
void normalise(const T* x, T* y, int64_t n, int64_t stride) {
  T max = x[0];
  int64_t arg = 0;
  for (int64_t i = 1; i < n; ++i)
    if (x[i * stride] > max) {
      max = x[i * stride];
      arg = i;
    }
  if constexpr (Op == SoftmaxOp::Hardmax) {
    for (int64_t i = 0; i < n; ++i) y[i * stride] = i == arg ? T{1} : T{0};
  } else {
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
      const T e = std::exp(x[i * stride] - max);
      if constexpr (Op == SoftmaxOp::Softmax) y[i * stride] = e;
      sum += static_cast<double>(e);
    }
    if constexpr (Op == SoftmaxOp::Softmax) {
      const T scale = static_cast<T>(1.0 / sum);
      for (int64_t i = 0; i < n; ++i) y[i * stride] *= scale;
    } else {
      const T shift = max + static_cast<T>(std::log(sum));
      for (int64_t i = 0; i < n; ++i) y[i * stride] = x[i * stride] - shift;
    }
  }
}

template <SoftmaxOp Op>
class SoftmaxKernel final : public Kernel {
 public:
  explicit SoftmaxKernel(const KernelBuildInfo& info)
      : coerce_2d_(info.version() < 13), axis_(info.node().get_int("axis", info.version() < 13 ? 1 : -1)) {}

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const auto rank = static_cast<int64_t>(in.rank());
    if (rank == 0) ctx.fail("the input must have rank 1 or more");
    const auto axis = static_cast<size_t>(normalize_axis(axis_, rank, ctx));
    const int64_t outer = dims_product(in.shape(), 0, axis);
    const int64_t n = coerce_2d_ ? dims_product(in.shape(), axis, in.rank()) : in.shape()[axis];
    const int64_t inner = coerce_2d_ ? 1 : dims_product(in.shape(), axis + 1, in.rank());
    Tensor& out = ctx.output(0, in.dtype(), in.shape());
    if (out.numel() == 0) return;
    dispatch_float(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* x = in.data<T>();
      T* y = out.mutable_data<T>();
      const int64_t vectors = outer * inner;
      auto work = [&](int64_t begin, int64_t end) {
        for (int64_t v = begin; v < end; ++v) {
          const int64_t o = v / inner, i = v % inner;
          const int64_t at = o * n * inner + i;
          normalise<T, Op>(x + at, y + at, n, inner);
        }
      };
      if (in.numel() < (int64_t{1} << 15)) {
        work(0, vectors);
      } else {
        ctx.threads().parallel_for(vectors, std::max<int64_t>(1, (int64_t{1} << 13) / n), work);
      }
    });
  }

 private:
  bool coerce_2d_;
  int64_t axis_;
};

}  // namespace

void register_softmax_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "Softmax", 1, 12, &build_kernel<SoftmaxKernel<SoftmaxOp::Softmax>>);
  r.add("ai.onnx", "Softmax", 13, 13, &build_kernel<SoftmaxKernel<SoftmaxOp::Softmax>>);
  r.add("ai.onnx", "LogSoftmax", 1, 12, &build_kernel<SoftmaxKernel<SoftmaxOp::LogSoftmax>>);
  r.add("ai.onnx", "LogSoftmax", 13, 13, &build_kernel<SoftmaxKernel<SoftmaxOp::LogSoftmax>>);
  r.add("ai.onnx", "Hardmax", 1, 12, &build_kernel<SoftmaxKernel<SoftmaxOp::Hardmax>>);
  r.add("ai.onnx", "Hardmax", 13, 13, &build_kernel<SoftmaxKernel<SoftmaxOp::Hardmax>>);
}

}  // namespace onnxfn::ops
