// Variadic elementwise reductions of ai.onnx: Max, Min, Sum, Mean over any number of inputs,
// with numpy broadcasting from version 8 (same shapes required before).
#include <cmath>

#include "ops/onnx/elementwise_common.h"
#include "ops/onnx/elementwise_families.h"

namespace onnxfn::ops::elementwise {
namespace {

// Max and Min propagate NaN, and keep the first operand when the two compare equal (so
// Max(-0, +0) = -0), as ORT 1.32 does.
struct MaxOp {
  static constexpr Types kTypes = Types::Numeric;
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(b)) return b;
    }
    return a < b ? b : a;
  }
};

struct MinOp {
  static constexpr Types kTypes = Types::Numeric;
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(b)) return b;
    }
    return b < a ? b : a;
  }
};

// ONNX Sum (and Mean) are defined on floating-point types only, as ORT implements them.
struct SumOp {
  static constexpr Types kTypes = Types::Float;
  template <class T>
  T operator()(T a, T b) const {
    return a + b;
  }
};

// Mean = Sum * (1 / n), in the input type: ORT multiplies by the reciprocal (which differs from
// dividing in the last bit for n = 3).
struct MeanOp : SumOp {};

template <class Op>
class VariadicKernel final : public Kernel {
 public:
  explicit VariadicKernel(bool broadcasting) : broadcasting_(broadcasting) {}

  void run(KernelContext& ctx) const override {
    const size_t n = ctx.input_count();
    std::vector<const Tensor*> inputs;
    for (size_t i = 0; i < n; ++i) {
      const Tensor& t = ctx.input(i);
      if (t.dtype() != ctx.input(0).dtype())
        ctx.fail("input " + std::to_string(i) + " has type " + dtype_name(t.dtype()) + ", input 0 has " +
                 dtype_name(ctx.input(0).dtype()));
      if (!broadcasting_ && t.shape() != ctx.input(0).shape())
        ctx.fail("input " + std::to_string(i) + " has shape " + shape_to_string(t.shape()) +
                 "; before opset 8 all inputs must have the shape of input 0, " + shape_to_string(ctx.input(0).shape()));
      inputs.push_back(&t);
    }
    Shape out_shape = inputs[0]->shape();
    for (size_t i = 1; i < n; ++i) out_shape = broadcast_shapes(out_shape, inputs[i]->shape(), ctx);
    dispatch_types<Op::kTypes>(inputs[0]->dtype(), ctx, [&](auto tag) { compute<decltype(tag)>(ctx, inputs, out_shape); });
  }

 private:
  template <class T>
  void compute(KernelContext& ctx, const std::vector<const Tensor*>& inputs, const Shape& out_shape) const {
    const Op op{};
    Tensor* y = nullptr;
    size_t next = 1;
    // The usual case, the first two inputs already span the output: one pass for them.
    if (inputs.size() >= 2 && broadcast_shapes(inputs[0]->shape(), inputs[1]->shape(), ctx) == out_shape) {
      y = &broadcast_binary<T, T>(ctx, *inputs[0], *inputs[1], kCheapGrain, op);
      next = 2;
    } else {
      y = &ctx.output(0, dtype_of<T>(), out_shape);
      accumulate<T>(ctx, *y, *inputs[0], [](T, T v) { return v; });
    }
    for (size_t i = next; i < inputs.size(); ++i) accumulate<T>(ctx, *y, *inputs[i], op);
    if constexpr (std::is_same_v<Op, MeanOp>) {
      const T scale = T{1} / static_cast<T>(inputs.size());
      T* out = y->mutable_data<T>();
      parallel_range(ctx, y->numel(), kCheapGrain, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) out[i] *= scale;
      });
    }
  }

  // y = f(y, x) in place, x broadcast to y's shape.
  template <class T, class F>
  static void accumulate(const KernelContext& ctx, Tensor& y, const Tensor& x, const F& f) {
    const BroadcastPlan<2> plan = plan_broadcast<2>({&y.shape(), &x.shape()}, ctx);
    const T* px = x.data<T>();
    T* out = y.mutable_data<T>();
    for_each_run(plan, ctx, kCheapGrain, [&](const Run& run) {
      const int64_t len = run.len;
      for (int64_t row = 0; row < run.rows; ++row) {
        const T* v = px + run.offsets[1] + row * run.row_strides[1];
        T* r = out + run.out + row * len;
        if (run.steps[1] == 1) {
          for (int64_t i = 0; i < len; ++i) r[i] = f(r[i], v[i]);
        } else {
          const T s = v[0];
          for (int64_t i = 0; i < len; ++i) r[i] = f(r[i], s);
        }
      }
    });
  }

  bool broadcasting_;
};

template <class Op>
std::unique_ptr<Kernel> make_variadic(const KernelBuildInfo& info) {
  if (info.input_count() == 0) info.fail("needs at least one input");
  return std::make_unique<VariadicKernel<Op>>(info.version() >= 8);
}

}  // namespace

void register_variadic(KernelRegistry& r) {
  const int last = kLatestOpset;
  r.add("ai.onnx", "Max", 1, last, make_variadic<MaxOp>);
  r.add("ai.onnx", "Min", 1, last, make_variadic<MinOp>);
  r.add("ai.onnx", "Sum", 1, last, make_variadic<SumOp>);
  r.add("ai.onnx", "Mean", 1, last, make_variadic<MeanOp>);
}

}  // namespace onnxfn::ops::elementwise
