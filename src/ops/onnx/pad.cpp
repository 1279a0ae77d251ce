// Pad: grows (or, with negative pads, crops) a tensor, filling with a constant or by reflect,
// edge or wrap rules.
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

enum class PadMode { Constant, Reflect, Edge, Wrap };

// ONNX Pad: `paddings` (v1) / `pads` (v2) and float `value` attributes; pads and constant_value
// inputs (v11); axes input (v18); wrap mode (v19).
class PadKernel final : public Kernel {
 public:
  explicit PadKernel(const KernelBuildInfo& info) : version_(info.version()) {
    const Node& node = info.node();
    const std::string mode = node.get_string("mode", "constant");
    if (mode == "constant") mode_ = PadMode::Constant;
    else if (mode == "reflect") mode_ = PadMode::Reflect;
    else if (mode == "edge") mode_ = PadMode::Edge;
    else if (mode == "wrap" && version_ >= 19) mode_ = PadMode::Wrap;
    else info.fail("attribute 'mode' has an unknown value '" + mode + "'");
    if (version_ < 11) {
      pads_ = IntListArg::from_attribute(info, version_ < 2 ? "paddings" : "pads");
      value_ = node.get_float("value", 0.0f);
    } else {
      pads_ = IntListArg::from_input(info, 1, "pads");
      if (version_ >= 18) axes_ = IntListArg::from_input(info, 3, "axes");
    }
    if (!pads_.present()) info.fail(version_ < 11 ? "attribute 'pads' is required" : "input 1 (pads) is required");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const auto rank = static_cast<int64_t>(in.rank());
    std::vector<int64_t> axes;
    if (axes_.present()) {
      axes = normalize_axes(axes_.get(ctx), rank, ctx);
    } else {
      for (int64_t a = 0; a < rank; ++a) axes.push_back(a);
    }
    const std::vector<int64_t> pads = pads_.get(ctx);
    if (pads.size() != 2 * axes.size())
      ctx.fail("'pads' has " + std::to_string(pads.size()) + " entries, expected " + std::to_string(2 * axes.size()));
    for (int64_t p : pads)
      if (p < -(int64_t{1} << 40) || p > (int64_t{1} << 40)) ctx.fail("pad " + std::to_string(p) + " is out of range");
    std::vector<int64_t> begin(in.rank(), 0), end(in.rank(), 0);
    for (size_t i = 0; i < axes.size(); ++i) {
      begin[static_cast<size_t>(axes[i])] = pads[i];
      end[static_cast<size_t>(axes[i])] = pads[i + axes.size()];
    }

    // For every output axis, the source position of each output position (-1: the constant).
    // Negative pads crop first; the modes then pad the cropped range (so wrap repeats what is
    // left after cropping), as ORT does.
    Shape out_shape(in.rank());
    std::vector<std::vector<int64_t>> source(in.rank());
    for (size_t d = 0; d < in.rank(); ++d) {
      const int64_t dim = in.shape()[d];
      const int64_t lo = std::max<int64_t>(-begin[d], 0);
      const int64_t kept = dim - lo - std::max<int64_t>(-end[d], 0);
      const int64_t pad_lo = std::max<int64_t>(begin[d], 0), pad_hi = std::max<int64_t>(end[d], 0);
      if (kept < 0) ctx.fail("pads crop axis " + std::to_string(d) + " of size " + std::to_string(dim) + " below zero");
      const int64_t n = kept + pad_lo + pad_hi;
      if (mode_ == PadMode::Reflect && (pad_lo > kept - 1 || pad_hi > kept - 1) && (pad_lo > 0 || pad_hi > 0))
        ctx.fail("reflect pads on axis " + std::to_string(d) + " must not exceed " +
                 std::to_string(std::max<int64_t>(kept - 1, 0)) + " (the axis size after cropping, minus one)");
      // ORT also rejects an axis that cropping empties, even without padding on it.
      if (mode_ != PadMode::Constant && kept == 0 && (pad_lo > 0 || pad_hi > 0 || dim > 0))
        ctx.fail("cannot pad axis " + std::to_string(d) + " of size 0 (after cropping) in this mode");
      out_shape[d] = n;
    }
    // Size check (ResourceLimit) before the per-axis tables below are allocated.
    if (checked_tensor_numel(in.dtype(), out_shape, ctx.node().label() + " output") == 0) {
      ctx.output(0, in.dtype(), out_shape);
      return;
    }
    for (size_t d = 0; d < in.rank(); ++d) {
      const int64_t dim = in.shape()[d];
      const int64_t lo = std::max<int64_t>(-begin[d], 0);
      const int64_t pad_lo = std::max<int64_t>(begin[d], 0);
      const int64_t kept = dim - lo - std::max<int64_t>(-end[d], 0);
      const int64_t n = out_shape[d];
      source[d].resize(static_cast<size_t>(n));
      for (int64_t o = 0; o < n; ++o) {
        int64_t i = o - pad_lo;
        if (i < 0 || i >= kept) {
          switch (mode_) {
            case PadMode::Constant: i = -1; break;
            case PadMode::Edge: i = std::clamp<int64_t>(i, 0, kept - 1); break;
            case PadMode::Reflect: i = i < 0 ? -i : 2 * (kept - 1) - i; break;
            case PadMode::Wrap: i = ((i % kept) + kept) % kept; break;
          }
        }
        source[d][static_cast<size_t>(o)] = i < 0 ? -1 : lo + i;
      }
    }

    Tensor& out = ctx.output(0, in.dtype(), out_shape);
    const Tensor fill = fill_value(ctx, in.dtype());
    const std::vector<int64_t> strides = contiguous_strides(in.shape());
    dispatch_by_width(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* src = elements<T>(in);
      T* dst = mutable_elements<T>(out);
      const T constant = elements<T>(fill)[0];
      if (in.rank() == 0) {
        *dst = *src;
        return;
      }
      const size_t last = in.rank() - 1;
      std::vector<int64_t> pos(last, 0);
      while (true) {
        // Offset of the outer position, or -1 when any outer axis lies in the constant padding.
        int64_t base = 0;
        for (size_t d = 0; d < last && base >= 0; ++d) {
          const int64_t i = source[d][static_cast<size_t>(pos[d])];
          base = i < 0 ? -1 : base + i * strides[d];
        }
        for (int64_t i : source[last]) *dst++ = base < 0 || i < 0 ? constant : src[base + i];
        size_t d = last;
        while (true) {
          if (d == 0) return;
          --d;
          if (++pos[d] < out_shape[d]) break;
          pos[d] = 0;
        }
      }
    });
  }

 private:
  // The constant of mode constant, as a scalar of the data's type.
  Tensor fill_value(const KernelContext& ctx, DType dtype) const {
    if (version_ >= 11 && ctx.has_input(2)) {
      const Tensor& v = ctx.input(2);
      if (v.dtype() != dtype) ctx.fail("constant_value must have the element type of the data");
      if (v.numel() == 1) return v;
      if (v.numel() != 0) ctx.fail("constant_value must hold one element");
    }
    if (dtype == DType::String) return Tensor::from_strings({}, {std::string()});
    if (dtype == DType::Bool) return Tensor::scalar<bool>(value_ != 0.0f);
    Tensor t;
    dispatch_numeric(dtype, ctx, [&](auto tag) {
      using T = decltype(tag);
      t = Tensor::scalar<T>(static_cast<T>(value_));
    });
    return t;
  }

  int64_t version_;
  PadMode mode_ = PadMode::Constant;
  IntListArg pads_, axes_;
  float value_ = 0.0f;
};

}  // namespace

void register_pad_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "Pad", 1, 25, &build_kernel<PadKernel>);
}

}  // namespace onnxfn::ops
