// Transpose: permutes the axes of a tensor of any element type.
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

class TransposeKernel final : public Kernel {
 public:
  explicit TransposeKernel(const KernelBuildInfo& info) {
    if (auto perm = info.node().find_ints("perm")) {
      std::vector<bool> seen(perm->size(), false);
      for (int64_t p : *perm) {
        if (p < 0 || p >= static_cast<int64_t>(perm->size()) || seen[static_cast<size_t>(p)])
          info.fail("attribute 'perm' must be a permutation of 0.." + std::to_string(perm->size() - 1));
        seen[static_cast<size_t>(p)] = true;
      }
      perm_ = std::move(*perm);
    }
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const size_t rank = in.rank();
    std::vector<int64_t> perm = perm_;
    if (perm.empty() && rank > 0) {
      for (size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
    }
    if (perm.size() != rank)
      ctx.fail("attribute 'perm' has " + std::to_string(perm.size()) + " entries but the input has rank " +
               std::to_string(rank));
    const std::vector<int64_t> in_strides = contiguous_strides(in.shape());
    Shape out_shape(rank);
    std::vector<int64_t> strides(rank);
    for (size_t i = 0; i < rank; ++i) {
      out_shape[i] = in.shape()[static_cast<size_t>(perm[i])];
      strides[i] = in_strides[static_cast<size_t>(perm[i])];
    }
    Tensor& out = ctx.output(0, in.dtype(), out_shape);
    dispatch_by_width(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      strided_copy(elements<T>(in), out_shape, strides, mutable_elements<T>(out));
    });
  }

 private:
  std::vector<int64_t> perm_;  // empty: reverse the axes
};

}  // namespace

void register_transpose_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "Transpose", 1, 25, &build_kernel<TransposeKernel>);
}

}  // namespace onnxfn::ops
