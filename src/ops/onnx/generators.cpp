// Range, OneHot and NonZero: ops whose output size depends on input values.
#include <cmath>

#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// Numeric types and bool: fn(T{}).
template <class Fn>
void dispatch_numeric_or_bool(DType dtype, const KernelContext& ctx, Fn&& fn) {
  if (dtype == DType::Bool) return fn(bool{});
  dispatch_numeric(dtype, ctx, fn);
}

// ONNX Range (v11): n = max(ceil((limit - start) / delta), 0) values made by repeated addition
// of delta, as ORT does (not start + i * delta, which rounds differently for floats).
class RangeKernel final : public Kernel {
 public:
  explicit RangeKernel(const KernelBuildInfo&) {}

  void run(KernelContext& ctx) const override {
    const Tensor& start_t = ctx.input(0);
    const Tensor& limit_t = ctx.input(1);
    const Tensor& delta_t = ctx.input(2);
    for (const Tensor* t : {&start_t, &limit_t, &delta_t}) {
      if (t->numel() != 1 || t->rank() > 1) ctx.fail("start, limit and delta must be scalars, got shape " + shape_to_string(t->shape()));
      if (t->dtype() != start_t.dtype()) ctx.fail("start, limit and delta must have the same element type");
    }
    dispatch_numeric(start_t.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      T value = start_t.data<T>()[0];
      const T limit = limit_t.data<T>()[0];
      const T delta = delta_t.data<T>()[0];
      if (delta == T{0}) ctx.fail("delta must not be zero");
      const double steps = std::ceil((1.0 * (limit - value)) / static_cast<double>(delta));
      if (std::isnan(steps) || steps > 9.0e18) ctx.fail("the range is too long or undefined");
      const int64_t n = steps > 0 ? static_cast<int64_t>(steps) : 0;
      T* out = ctx.output(0, start_t.dtype(), {n}).template mutable_data<T>();
      for (int64_t i = 0; i < n; ++i) {
        out[i] = value;
        value = static_cast<T>(value + delta);
      }
    });
  }
};

// ONNX OneHot (v9, v11): negative indices count back from depth (ORT accepts them in v9 too);
// indices outside [-depth, depth) give an all-off row. Float indices and depth are truncated.
class OneHotKernel final : public Kernel {
 public:
  explicit OneHotKernel(const KernelBuildInfo& info) : axis_(info.node().get_int("axis", -1)) {}

  void run(KernelContext& ctx) const override {
    const Tensor& indices = ctx.input(0);
    const Tensor& depth_t = ctx.input(1);
    const Tensor& values = ctx.input(2);
    if (depth_t.numel() != 1) ctx.fail("depth must hold one value, got shape " + shape_to_string(depth_t.shape()));
    if (values.numel() != 2 || values.rank() != 1) ctx.fail("values must be [off, on], got shape " + shape_to_string(values.shape()));
    int64_t depth = 0;
    dispatch_numeric(depth_t.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T d = depth_t.data<T>()[0];
      if constexpr (std::is_floating_point_v<T>) {
        if (!(d >= 1 && d < 9.0e18)) ctx.fail("depth must be a positive number");
      }
      depth = static_cast<int64_t>(d);
    });
    if (depth < 1) ctx.fail("depth must be positive, got " + std::to_string(depth));
    const auto out_rank = static_cast<int64_t>(indices.rank()) + 1;
    if (axis_ < -out_rank || axis_ >= out_rank)
      ctx.fail("axis " + std::to_string(axis_) + " is out of range for output rank " + std::to_string(out_rank));
    const auto axis = static_cast<size_t>(axis_ < 0 ? axis_ + out_rank : axis_);

    std::vector<int64_t> idx(static_cast<size_t>(indices.numel()));
    dispatch_numeric(indices.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* src = indices.data<T>();
      for (size_t i = 0; i < idx.size(); ++i) {
        if constexpr (std::is_floating_point_v<T>) {
          if (!(std::abs(src[i]) < 9.0e18)) {  // NaN, infinite or huge: no valid position
            idx[i] = -1;
            continue;
          }
        }
        int64_t v = static_cast<int64_t>(src[i]);
        if (v < 0) v += depth;
        idx[i] = v;
      }
    });
    Shape out_shape = indices.shape();
    out_shape.insert(out_shape.begin() + static_cast<std::ptrdiff_t>(axis), depth);
    Tensor& out = ctx.output(0, values.dtype(), out_shape);
    const int64_t prefix = dims_product(indices.shape(), 0, axis);
    const int64_t suffix = dims_product(indices.shape(), axis, indices.rank());
    dispatch_by_width(values.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* v = elements<T>(values);
      T* dst = mutable_elements<T>(out);
      std::fill(dst, dst + out.numel(), v[0]);
      for (int64_t p = 0; p < prefix; ++p)
        for (int64_t s = 0; s < suffix; ++s) {
          const int64_t i = idx[static_cast<size_t>(p * suffix + s)];
          if (i >= 0 && i < depth) dst[(p * depth + i) * suffix + s] = v[1];
        }
    });
  }

 private:
  int64_t axis_;
};

// ONNX NonZero: [rank, count] int64 coordinates in row-major order; a scalar gives [1, count]
// (as ORT).
class NonZeroKernel final : public Kernel {
 public:
  explicit NonZeroKernel(const KernelBuildInfo&) {}

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    std::vector<int64_t> flat;
    dispatch_numeric_or_bool(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* src = in.data<T>();
      for (int64_t i = 0; i < in.numel(); ++i)
        if (src[i] != T{}) flat.push_back(i);
    });
    const auto count = static_cast<int64_t>(flat.size());
    const size_t rank = std::max<size_t>(in.rank(), 1);
    Tensor& out = ctx.output(0, DType::Int64, {static_cast<int64_t>(rank), count});
    int64_t* dst = out.mutable_data<int64_t>();
    if (in.rank() == 0) {
      std::fill(dst, dst + count, 0);
      return;
    }
    for (int64_t k = 0; k < count; ++k) {
      int64_t rest = flat[static_cast<size_t>(k)];
      for (size_t d = in.rank(); d-- > 0;) {
        dst[static_cast<int64_t>(d) * count + k] = rest % in.shape()[d];
        rest /= in.shape()[d];
      }
    }
  }
};

}  // namespace

void register_generator_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "Range", 11, 11, &build_kernel<RangeKernel>);
  r.add("ai.onnx", "OneHot", 9, 11, &build_kernel<OneHotKernel>);
  r.add("ai.onnx", "NonZero", 9, 13, &build_kernel<NonZeroKernel>);
}

}  // namespace onnxfn::ops
