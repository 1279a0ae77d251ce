// Helpers shared by the ai.onnx shape, data-movement, reduction and linear-algebra kernels.
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {

std::vector<int64_t> contiguous_strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

StridedView simplify_view(const Shape& shape, const std::vector<int64_t>& strides) {
  StridedView v;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    if (!v.shape.empty() && v.strides.back() == strides[i] * shape[i]) {
      v.shape.back() *= shape[i];
      v.strides.back() = strides[i];
    } else {
      v.shape.push_back(shape[i]);
      v.strides.push_back(strides[i]);
    }
  }
  return v;
}

std::vector<int64_t> constant_int64s(const Tensor& t, const KernelBuildInfo& info, std::string_view what) {
  if (t.rank() > 1) info.fail(std::string(what) + " must be a 1-D tensor, got shape " + shape_to_string(t.shape()));
  if (t.dtype() == DType::Int64) return {t.span<int64_t>().begin(), t.span<int64_t>().end()};
  if (t.dtype() == DType::Int32) return {t.span<int32_t>().begin(), t.span<int32_t>().end()};
  info.fail(std::string(what) + " must hold int64 values, got " + dtype_name(t.dtype()));
}

IntListArg IntListArg::from_attribute(const KernelBuildInfo& info, std::string_view name) {
  IntListArg a;
  if (auto v = info.node().find_ints(name)) {
    a.present_ = true;
    a.known_ = std::move(*v);
  }
  return a;
}

IntListArg IntListArg::from_input(const KernelBuildInfo& info, size_t index, std::string_view what) {
  IntListArg a;
  if (!info.has_input(index)) return a;
  a.present_ = true;
  a.input_ = index;
  if (const Tensor* c = info.constant(index)) a.known_ = constant_int64s(*c, info, what);
  return a;
}

std::vector<int64_t> IntListArg::get(const KernelContext& ctx) const {
  if (known_) return *known_;
  if (!present_) return {};
  return read_int64s(ctx.input(input_), ctx);
}

std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank, const KernelContext& ctx,
                                    bool allow_repeats) {
  std::vector<int64_t> out;
  out.reserve(axes.size());
  std::vector<bool> seen(static_cast<size_t>(std::max<int64_t>(rank, 1)), false);
  for (int64_t a : axes) {
    int64_t n = normalize_axis(a, rank, ctx);
    if (seen[static_cast<size_t>(n)]) {
      if (allow_repeats) continue;
      ctx.fail("axis " + std::to_string(a) + " is repeated in the axes");
    }
    seen[static_cast<size_t>(n)] = true;
    out.push_back(n);
  }
  return out;
}

int64_t read_scalar_int(const Tensor& t, const KernelContext& ctx, std::string_view what) {
  if (t.numel() != 1 || t.rank() > 1)
    ctx.fail(std::string(what) + " must be a scalar, got shape " + shape_to_string(t.shape()));
  switch (t.dtype()) {
    case DType::Int64: return t.data<int64_t>()[0];
    case DType::Int32: return t.data<int32_t>()[0];
    case DType::Int16: return t.data<int16_t>()[0];
    case DType::Int8: return t.data<int8_t>()[0];
    case DType::UInt8: return t.data<uint8_t>()[0];
    case DType::UInt16: return t.data<uint16_t>()[0];
    case DType::UInt32: return t.data<uint32_t>()[0];
    default: ctx.fail(std::string(what) + " must be an integer, got " + dtype_name(t.dtype()));
  }
}

}  // namespace onnxfn::ops
