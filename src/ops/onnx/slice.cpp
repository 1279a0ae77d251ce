// Slice: a strided window of a tensor, with negative steps and numpy-style clamping.
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// ONNX Slice: starts/ends/axes attributes (v1); starts, ends, axes, steps inputs (v10).
class SliceKernel final : public Kernel {
 public:
  explicit SliceKernel(const KernelBuildInfo& info) {
    if (info.version() < 10) {
      starts_ = IntListArg::from_attribute(info, "starts");
      ends_ = IntListArg::from_attribute(info, "ends");
      axes_ = IntListArg::from_attribute(info, "axes");
      if (!starts_.present() || !ends_.present()) info.fail("attributes 'starts' and 'ends' are required");
    } else {
      starts_ = IntListArg::from_input(info, 1, "starts");
      ends_ = IntListArg::from_input(info, 2, "ends");
      axes_ = IntListArg::from_input(info, 3, "axes");
      steps_ = IntListArg::from_input(info, 4, "steps");
      if (!starts_.present() || !ends_.present()) info.fail("inputs 1 (starts) and 2 (ends) are required");
    }
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const auto rank = static_cast<int64_t>(in.rank());
    const std::vector<int64_t> starts = starts_.get(ctx);
    const std::vector<int64_t> ends = ends_.get(ctx);
    if (starts.size() != ends.size())
      ctx.fail("'starts' has " + std::to_string(starts.size()) + " entries and 'ends' has " + std::to_string(ends.size()));
    std::vector<int64_t> axes = axes_.get(ctx);
    if (!axes_.present()) {
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    }
    if (axes.size() != starts.size())
      ctx.fail("'axes' has " + std::to_string(axes.size()) + " entries, 'starts' has " + std::to_string(starts.size()));
    axes = normalize_axes(axes, rank, ctx);
    std::vector<int64_t> steps = steps_.get(ctx);
    if (!steps_.present()) steps.assign(starts.size(), 1);
    if (steps.size() != starts.size())
      ctx.fail("'steps' has " + std::to_string(steps.size()) + " entries, 'starts' has " + std::to_string(starts.size()));

    Shape out_shape = in.shape();
    std::vector<int64_t> strides = contiguous_strides(in.shape());
    int64_t offset = 0;
    bool empty = in.numel() == 0;
    for (size_t i = 0; i < axes.size(); ++i) {
      const auto axis = static_cast<size_t>(axes[i]);
      const int64_t dim = in.shape()[axis];
      const int64_t step = steps[i];
      if (step == 0) ctx.fail("'steps' has a 0 for axis " + std::to_string(axis));
      if (dim == 0) {
        empty = true;
        continue;
      }
      int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
      int64_t end = ends[i] < 0 ? ends[i] + dim : ends[i];
      int64_t count = 0;
      if (step > 0) {
        start = std::clamp<int64_t>(start, 0, dim);
        end = std::clamp<int64_t>(end, 0, dim);
        // Ceil division without overflow: end - start is within [-dim, dim].
        count = end > start ? (end - start - 1) / step + 1 : 0;
      } else {
        start = std::clamp<int64_t>(start, 0, dim - 1);
        end = std::clamp<int64_t>(end, -1, dim - 1);
        count = start > end ? (start - end - 1) / (step == INT64_MIN ? INT64_MAX : -step) + 1 : 0;
      }
      out_shape[axis] = count;
      if (count == 0) empty = true;
      if (!empty) offset += start * strides[axis];
      strides[axis] *= count > 1 ? step : 1;
    }
    Tensor& out = ctx.output(0, in.dtype(), out_shape);
    if (empty || out.numel() == 0) return;
    dispatch_by_width(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      strided_copy(elements<T>(in) + offset, out_shape, strides, mutable_elements<T>(out));
    });
  }

 private:
  IntListArg starts_, ends_, axes_, steps_;
};

}  // namespace

void register_slice_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "Slice", 1, 13, &build_kernel<SliceKernel>);
}

}  // namespace onnxfn::ops
