// ArgMax and ArgMin: int64 position of the largest / smallest element along an axis.
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// ONNX ArgMax/ArgMin: axis (negative from v11), keepdims, select_last_index (v12). Ties give
// the first index unless select_last_index. A NaN is never "greater" than the current best, so
// it only wins when it comes first (as ORT).
template <bool IsMax>
class ArgReduceKernel final : public Kernel {
 public:
  explicit ArgReduceKernel(const KernelBuildInfo& info)
      : axis_(info.node().get_int("axis", 0)),
        keepdims_(info.node().get_int("keepdims", 1) != 0),
        select_last_(info.version() >= 12 && info.node().get_int("select_last_index", 0) != 0) {
    if (axis_ < 0 && info.version() < 11) info.fail("attribute 'axis' must not be negative before opset 11");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const auto rank = static_cast<int64_t>(in.rank());
    if (rank == 0) ctx.fail("the input must have rank 1 or more");
    const auto axis = static_cast<size_t>(normalize_axis(axis_, rank, ctx));
    Shape out_shape = in.shape();
    if (keepdims_) out_shape[axis] = 1;
    else out_shape.erase(out_shape.begin() + static_cast<std::ptrdiff_t>(axis));
    const int64_t n = in.shape()[axis];
    const int64_t inner = dims_product(in.shape(), axis + 1, in.rank());
    const int64_t outer = dims_product(in.shape(), 0, axis);
    if (n == 0 && outer * inner > 0) ctx.fail("cannot take the position of an extreme over the empty axis " + std::to_string(axis));
    Tensor& out = ctx.output(0, DType::Int64, out_shape);
    int64_t* dst = out.mutable_data<int64_t>();
    dispatch_numeric(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* src = in.data<T>();
      std::vector<T> best(static_cast<size_t>(inner));
      for (int64_t o = 0; o < outer; ++o) {
        const T* x = src + o * n * inner;
        int64_t* idx = dst + o * inner;
        std::copy(x, x + inner, best.begin());
        std::fill(idx, idx + inner, 0);
        for (int64_t k = 1; k < n; ++k) {
          const T* row = x + k * inner;
          for (int64_t i = 0; i < inner; ++i) {
            const T v = row[i];
            T& b = best[static_cast<size_t>(i)];
            const bool better = IsMax ? v > b : v < b;
            if (better || (select_last_ && v == b)) {
              b = v;
              idx[i] = k;
            }
          }
        }
      }
    });
  }

 private:
  int64_t axis_;
  bool keepdims_;
  bool select_last_;
};

}  // namespace

void register_arg_reduce_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "ArgMax", 1, 13, &build_kernel<ArgReduceKernel<true>>);
  r.add("ai.onnx", "ArgMin", 1, 13, &build_kernel<ArgReduceKernel<false>>);
}

}  // namespace onnxfn::ops
