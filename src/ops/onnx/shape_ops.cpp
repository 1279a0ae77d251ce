// Shape, Size, and the ops that only change a tensor's shape (Reshape, Flatten, Squeeze,
// Unsqueeze): their outputs share the input's storage.
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// ONNX Shape: start/end (v15) select a slice of the dims, clamped to [0, rank].
class ShapeKernel final : public Kernel {
 public:
  explicit ShapeKernel(const KernelBuildInfo& info) {
    if (info.version() >= 15) {
      start_ = info.node().get_int("start", 0);
      end_ = info.node().find_int("end");
    }
  }

  void run(KernelContext& ctx) const override {
    const Shape& shape = ctx.input(0).shape();
    const auto rank = static_cast<int64_t>(shape.size());
    auto clamp = [rank](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank); };
    const int64_t begin = clamp(start_);
    const int64_t end = std::max(begin, end_ ? clamp(*end_) : rank);
    Tensor& out = ctx.output(0, DType::Int64, {end - begin});
    std::copy(shape.begin() + begin, shape.begin() + end, out.mutable_data<int64_t>());
  }

 private:
  int64_t start_ = 0;
  std::optional<int64_t> end_;
};

class SizeKernel final : public Kernel {
 public:
  explicit SizeKernel(const KernelBuildInfo&) {}
  void run(KernelContext& ctx) const override {
    const int64_t n = ctx.input(0).numel();
    ctx.output(0, DType::Int64, {}).mutable_data<int64_t>()[0] = n;
  }
};

// ONNX Reshape: `shape` attribute (v1), input (v5); 0 copies the input dim unless allowzero
// (v14); one -1 is inferred. For zero-size inputs with a 0 in the request, ORT infers -1 from
// the non-zero dims on both sides (e.g. [0,3] -> [-1,0] gives [3,0]); we match ORT.
class ReshapeKernel final : public Kernel {
 public:
  explicit ReshapeKernel(const KernelBuildInfo& info) {
    if (info.version() < 5) {
      shape_ = IntListArg::from_attribute(info, "shape");
      if (!shape_.present()) info.fail("attribute 'shape' is required");
    } else {
      shape_ = IntListArg::from_input(info, 1, "shape");
      if (!shape_.present()) info.fail("input 1 (shape) is required");
    }
    allow_zero_ = info.version() >= 14 && info.node().get_int("allowzero", 0) != 0;
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    Shape requested = shape_.get(ctx);
    const Shape& in_shape = in.shape();
    auto fail = [&](const std::string& why) {
      ctx.fail("cannot reshape " + shape_to_string(in_shape) + " to " + shape_to_string(requested) + ": " + why);
    };
    Shape out = requested;
    std::optional<size_t> unknown;
    int64_t known_product = 1;
    int64_t nonzero_product = 1;
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i] < -1) fail("a dimension is less than -1");
      if (out[i] == -1) {
        if (unknown) fail("more than one dimension is -1");
        unknown = i;
        continue;
      }
      if (out[i] == 0 && !allow_zero_) {
        if (i >= in_shape.size()) fail("a 0 at index " + std::to_string(i) + " has no input dimension to copy");
        out[i] = in_shape[i];
      }
      if (out[i] != 0) {
        nonzero_product = checked_product(nonzero_product, out[i], fail);
      }
      known_product = out[i] == 0 ? 0 : checked_product(known_product, out[i], fail);
    }
    const int64_t in_numel = in.numel();
    if (unknown) {
      if (known_product == 0) {
        if (in_numel != 0) fail("the input has elements but the requested shape has a zero dimension");
        int64_t in_nonzero = 1;
        for (int64_t d : in_shape)
          if (d != 0) in_nonzero *= d;
        if (in_nonzero % nonzero_product != 0) fail("the sizes are incompatible");
        out[*unknown] = in_nonzero / nonzero_product;
      } else {
        if (in_numel % known_product != 0) fail("the element count is not divisible");
        out[*unknown] = in_numel / known_product;
      }
    } else if (known_product != in_numel) {
      fail("the element counts differ");
    }
    ctx.set_output(0, in.reshaped(std::move(out)));
  }

 private:
  template <class Fail>
  static int64_t checked_product(int64_t a, int64_t b, const Fail& fail) {
    int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) fail("the requested shape overflows");
    return r;
  }

  IntListArg shape_;
  bool allow_zero_ = false;
};

// ONNX Flatten: axis in [0, rank] (v1) or [-rank, rank] (v11) splits the dims into two.
class FlattenKernel final : public Kernel {
 public:
  explicit FlattenKernel(const KernelBuildInfo& info)
      : axis_(info.node().get_int("axis", 1)), allow_negative_(info.version() >= 11) {
    if (axis_ < 0 && !allow_negative_) info.fail("attribute 'axis' must not be negative before opset 11");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const auto rank = static_cast<int64_t>(in.rank());
    if (axis_ < -rank || axis_ > rank)
      ctx.fail("axis " + std::to_string(axis_) + " is out of range for rank " + std::to_string(rank));
    const auto axis = static_cast<size_t>(axis_ < 0 ? axis_ + rank : axis_);
    const int64_t outer = dims_product(in.shape(), 0, axis);
    const int64_t inner = dims_product(in.shape(), axis, in.rank());
    ctx.set_output(0, in.reshaped({outer, inner}));
  }

 private:
  int64_t axis_;
  bool allow_negative_;
};

// ONNX Squeeze: axes attribute (v1, v11), optional input (v13). Without axes, every dim of
// size 1 is removed; a listed dim that is not 1 is an error (as ORT).
class SqueezeKernel final : public Kernel {
 public:
  explicit SqueezeKernel(const KernelBuildInfo& info)
      : axes_(info.version() < 13 ? IntListArg::from_attribute(info, "axes") : IntListArg::from_input(info, 1, "axes")) {}

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const Shape& shape = in.shape();
    std::vector<bool> drop(shape.size(), false);
    if (axes_.present()) {
      for (int64_t a : normalize_axes(axes_.get(ctx), static_cast<int64_t>(shape.size()), ctx, true)) {
        if (shape.empty()) ctx.fail("a scalar has no axis to squeeze");
        if (shape[static_cast<size_t>(a)] != 1)
          ctx.fail("cannot squeeze axis " + std::to_string(a) + " of shape " + shape_to_string(shape) + ": its size is not 1");
        drop[static_cast<size_t>(a)] = true;
      }
    } else {
      for (size_t i = 0; i < shape.size(); ++i) drop[i] = shape[i] == 1;
    }
    Shape out;
    for (size_t i = 0; i < shape.size(); ++i)
      if (!drop[i]) out.push_back(shape[i]);
    ctx.set_output(0, in.reshaped(std::move(out)));
  }

 private:
  IntListArg axes_;
};

// ONNX Unsqueeze: axes attribute (v1, v11), input (v13), relative to the output rank.
class UnsqueezeKernel final : public Kernel {
 public:
  explicit UnsqueezeKernel(const KernelBuildInfo& info)
      : axes_(info.version() < 13 ? IntListArg::from_attribute(info, "axes") : IntListArg::from_input(info, 1, "axes")) {
    if (!axes_.present()) info.fail(info.version() < 13 ? "attribute 'axes' is required" : "input 1 (axes) is required");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const std::vector<int64_t> axes = axes_.get(ctx);
    const auto out_rank = static_cast<int64_t>(in.rank() + axes.size());
    std::vector<bool> inserted(static_cast<size_t>(out_rank), false);
    for (int64_t a : normalize_axes(axes, out_rank, ctx)) inserted[static_cast<size_t>(a)] = true;
    Shape out;
    size_t next = 0;
    for (int64_t i = 0; i < out_rank; ++i) out.push_back(inserted[static_cast<size_t>(i)] ? 1 : in.shape()[next++]);
    ctx.set_output(0, in.reshaped(std::move(out)));
  }

 private:
  IntListArg axes_;
};

}  // namespace

void register_shape_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "Shape", 1, 25, &build_kernel<ShapeKernel>);
  r.add("ai.onnx", "Size", 1, 25, &build_kernel<SizeKernel>);
  r.add("ai.onnx", "Reshape", 1, 25, &build_kernel<ReshapeKernel>);
  r.add("ai.onnx", "Flatten", 1, 25, &build_kernel<FlattenKernel>);
  r.add("ai.onnx", "Squeeze", 1, 25, &build_kernel<SqueezeKernel>);
  r.add("ai.onnx", "Unsqueeze", 1, 25, &build_kernel<UnsqueezeKernel>);
}

}  // namespace onnxfn::ops
