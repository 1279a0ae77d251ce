// CumSum (running sums along an axis) and Trilu (upper/lower triangle of the last two dims).
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// ONNX CumSum (v11, v14 adds types): axis input; exclusive starts from 0; reverse runs backwards.
class CumSumKernel final : public Kernel {
 public:
  explicit CumSumKernel(const KernelBuildInfo& info)
      : exclusive_(info.node().get_int("exclusive", 0) != 0), reverse_(info.node().get_int("reverse", 0) != 0) {}

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const int64_t rank = std::max<int64_t>(static_cast<int64_t>(in.rank()), 1);
    const auto axis = static_cast<size_t>(normalize_axis(read_scalar_int(ctx.input(1), ctx, "axis"), rank, ctx));
    Tensor& out = ctx.output(0, in.dtype(), in.shape());
    if (in.numel() == 0) return;
    const int64_t n = in.rank() == 0 ? 1 : in.shape()[axis];
    const int64_t inner = dims_product(in.shape(), axis + 1, in.rank());
    const int64_t outer = in.numel() / (n * inner);
    dispatch_numeric(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* src = in.data<T>();
      T* dst = out.mutable_data<T>();
      std::vector<T> acc(static_cast<size_t>(inner));
      for (int64_t o = 0; o < outer; ++o) {
        std::fill(acc.begin(), acc.end(), T{0});
        for (int64_t s = 0; s < n; ++s) {
          const int64_t k = reverse_ ? n - 1 - s : s;
          const int64_t at = (o * n + k) * inner;
          for (int64_t i = 0; i < inner; ++i) {
            const T x = src[at + i];
            auto& a = acc[static_cast<size_t>(i)];
            if (exclusive_) {
              dst[at + i] = a;
              a = static_cast<T>(a + x);
            } else {
              a = static_cast<T>(a + x);
              dst[at + i] = a;
            }
          }
        }
      }
    });
  }

 private:
  bool exclusive_, reverse_;
};

// ONNX Trilu (v14): keeps j - i >= k (upper) or j - i <= k (lower) in each matrix, zeroes the rest.
class TriluKernel final : public Kernel {
 public:
  explicit TriluKernel(const KernelBuildInfo& info) : upper_(info.node().get_int("upper", 1) != 0) {}

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    if (in.rank() < 2) ctx.fail("the input must have rank 2 or more, got " + shape_to_string(in.shape()));
    const int64_t k = ctx.has_input(1) ? read_scalar_int(ctx.input(1), ctx, "k") : 0;
    Tensor& out = ctx.output(0, in.dtype(), in.shape());
    const int64_t rows = in.shape()[in.rank() - 2];
    const int64_t cols = in.shape()[in.rank() - 1];
    const int64_t matrices = dims_product(in.shape(), 0, in.rank() - 2);
    dispatch_by_width(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* src = elements<T>(in);
      T* dst = mutable_elements<T>(out);  // zero-filled (empty strings)
      for (int64_t m = 0; m < matrices; ++m)
        for (int64_t i = 0; i < rows; ++i)
          for (int64_t j = 0; j < cols; ++j) {
            const bool keep = upper_ ? j - i >= k : j - i <= k;
            const int64_t at = (m * rows + i) * cols + j;
            if (keep) dst[at] = src[at];
          }
    });
  }

 private:
  bool upper_;
};

}  // namespace

void register_cumsum_trilu_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "CumSum", 11, 14, &build_kernel<CumSumKernel>);
  r.add("ai.onnx", "Trilu", 14, 14, &build_kernel<TriluKernel>);
}

}  // namespace onnxfn::ops
