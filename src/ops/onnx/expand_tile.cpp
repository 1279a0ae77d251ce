// Expand and Tile: repeat a tensor's elements by broadcasting to a shape, or by whole copies
// along each axis. Both are strided copies with zero strides on the repeated axes.
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// ONNX Expand: numpy bidirectional broadcast of the input with the requested shape.
class ExpandKernel final : public Kernel {
 public:
  explicit ExpandKernel(const KernelBuildInfo& info) : shape_(IntListArg::from_input(info, 1, "shape")) {
    if (!shape_.present()) info.fail("input 1 (shape) is required");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const Shape requested = shape_.get(ctx);
    for (int64_t d : requested)
      if (d < 0) ctx.fail("the requested shape " + shape_to_string(requested) + " has a negative dimension");
    const Shape out_shape = broadcast_shapes(in.shape(), requested, ctx);
    Tensor& out = ctx.output(0, in.dtype(), out_shape);
    if (out.numel() == 0) return;
    const std::vector<int64_t> strides = broadcast_strides(in.shape(), out_shape);
    dispatch_by_width(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      strided_copy(elements<T>(in), out_shape, strides, mutable_elements<T>(out));
    });
  }

 private:
  IntListArg shape_;
};

// ONNX Tile (v6): `repeats` input, one non-negative count per axis.
class TileKernel final : public Kernel {
 public:
  explicit TileKernel(const KernelBuildInfo& info) : repeats_(IntListArg::from_input(info, 1, "repeats")) {
    if (!repeats_.present()) info.fail("input 1 (repeats) is required");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const std::vector<int64_t> repeats = repeats_.get(ctx);
    if (repeats.size() != in.rank())
      ctx.fail("'repeats' has " + std::to_string(repeats.size()) + " entries but the input has rank " +
               std::to_string(in.rank()));
    // Output axis d is (copy k, position i) in row-major order, so the output is the dense
    // layout of shape [r0, d0, r1, d1, ...] with strides [0, s0, 0, s1, ...].
    const std::vector<int64_t> in_strides = contiguous_strides(in.shape());
    Shape out_shape, view_shape;
    std::vector<int64_t> view_strides;
    for (size_t d = 0; d < in.rank(); ++d) {
      if (repeats[d] < 0) ctx.fail("'repeats' has a negative value " + std::to_string(repeats[d]));
      int64_t n = 0;
      if (__builtin_mul_overflow(in.shape()[d], repeats[d], &n)) ctx.fail("the tiled shape overflows");
      out_shape.push_back(n);
      view_shape.insert(view_shape.end(), {repeats[d], in.shape()[d]});
      view_strides.insert(view_strides.end(), {0, in_strides[d]});
    }
    Tensor& out = ctx.output(0, in.dtype(), out_shape);
    if (out.numel() == 0) return;
    dispatch_by_width(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      strided_copy(elements<T>(in), view_shape, view_strides, mutable_elements<T>(out));
    });
  }

 private:
  IntListArg repeats_;
};

}  // namespace

void register_expand_tile_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "Expand", 8, 13, &build_kernel<ExpandKernel>);
  r.add("ai.onnx", "Tile", 6, 13, &build_kernel<TileKernel>);
}

}  // namespace onnxfn::ops
