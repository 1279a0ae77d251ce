// Shared machinery of the elementwise kernel families: element-type sets, the numpy broadcast
// plan with merged dimensions, and the loops that apply a functor to whole tensors in parallel.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "ops/kernel_support.h"

namespace onnxfn::ops::elementwise {

// Elements per parallel chunk: cheap arithmetic is memory bound and only pays for threads on
// large tensors; transcendental functions pay much earlier.
inline constexpr int64_t kCheapGrain = 1 << 15;
inline constexpr int64_t kCostlyGrain = 1 << 11;

// Element-type sets that ops declare; dispatch only instantiates code for the types in the set.
enum class Types {
  Float,    // float, double
  Signed,   // float, double, int8..int64
  Numeric,  // every number type
  Unsigned, // uint8..uint64
  Bool,     // bool only (logical ops)
  Any,      // numbers, bool and string
};

template <Types S, class Fn>
void dispatch_types(DType dtype, const KernelContext& ctx, Fn&& fn) {
  if constexpr (S == Types::Float) {
    dispatch_float(dtype, ctx, fn);
  } else if constexpr (S == Types::Numeric) {
    dispatch_numeric(dtype, ctx, fn);
  } else if constexpr (S == Types::Signed) {
    switch (dtype) {
      case DType::Float: return fn(float{});
      case DType::Double: return fn(double{});
      case DType::Int64: return fn(int64_t{});
      case DType::Int32: return fn(int32_t{});
      case DType::Int16: return fn(int16_t{});
      case DType::Int8: return fn(int8_t{});
      default: ctx.fail("element type " + dtype_name(dtype) + " is not supported here (signed number expected)");
    }
  } else if constexpr (S == Types::Any) {
    dispatch_any(dtype, ctx, fn);
  } else if constexpr (S == Types::Bool) {
    if (dtype != DType::Bool) ctx.fail("element type " + dtype_name(dtype) + " is not supported here (bool expected)");
    fn(bool{});
  } else {
    switch (dtype) {
      case DType::UInt64: return fn(uint64_t{});
      case DType::UInt32: return fn(uint32_t{});
      case DType::UInt16: return fn(uint16_t{});
      case DType::UInt8: return fn(uint8_t{});
      default: ctx.fail("element type " + dtype_name(dtype) + " is not supported here (unsigned integer expected)");
    }
  }
}

// Integer arithmetic that wraps like two's complement hardware (as ORT's does) instead of being
// undefined on signed overflow; small types go through uint32 so their promotion cannot overflow.
template <class T>
using WrapType = std::conditional_t<(sizeof(T) < 4), uint32_t, std::make_unsigned_t<T>>;

template <class T>
T wrap_add(T a, T b) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(static_cast<WrapType<T>>(a) + static_cast<WrapType<T>>(b));
  else return a + b;
}
template <class T>
T wrap_sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(static_cast<WrapType<T>>(a) - static_cast<WrapType<T>>(b));
  else return a - b;
}
template <class T>
T wrap_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(static_cast<WrapType<T>>(a) * static_cast<WrapType<T>>(b));
  else return a * b;
}
template <class T>
T wrap_neg(T a) {
  return wrap_sub(T{0}, a);
}

// A non-owning reference to a callable, so the loops below are compiled once rather than once
// per operator and element type (std::function would allocate and add code per instantiation).
template <class Sig>
class FunctionRef;
template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  template <class F>
  FunctionRef(const F& f)  // NOLINT: implicit, like std::function
      : object_(&f), call_([](const void* o, Args... args) -> R { return (*static_cast<const F*>(o))(args...); }) {}
  R operator()(Args... args) const { return call_(object_, args...); }

 private:
  const void* object_;
  R (*call_)(const void*, Args...);
};

// Runs fn(begin, end) over [0, n): inline for small n, otherwise in chunks on the session's pool.
// Elementwise results never depend on how the range is split.
void parallel_range(const KernelContext& ctx, int64_t n, int64_t grain, FunctionRef<void(int64_t, int64_t)> fn);

// y[i] = f(x[i]) over the whole tensor.
template <class TIn, class TOut, class F>
void map_unary(const KernelContext& ctx, const Tensor& x, Tensor& y, int64_t grain, const F& f) {
  const TIn* in = x.data<TIn>();
  TOut* out = y.mutable_data<TOut>();
  parallel_range(ctx, x.numel(), grain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) out[i] = f(in[i]);
  });
}

// A kernel applying Op to every element. Op declares the element types it accepts
// (static constexpr Types kTypes), its parallel grain (kGrain) and a const
// `template <class T> R operator()(T)`; R is the output element type.
template <class Op>
class UnaryKernel final : public Kernel {
 public:
  explicit UnaryKernel(Op op) : op_(std::move(op)) {}
  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    dispatch_types<Op::kTypes>(x.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      using R = decltype(op_(T{}));
      Tensor& y = ctx.output(0, dtype_of<R>(), x.shape());
      map_unary<T, R>(ctx, x, y, Op::kGrain, op_);
    });
  }

 private:
  Op op_;
};

// Kernel factory for UnaryKernel<Op>; Op may take the build info to read its attributes.
template <class Op>
std::unique_ptr<Kernel> make_unary(const KernelBuildInfo& info) {
  if constexpr (std::is_constructible_v<Op, const KernelBuildInfo&>) {
    return std::make_unique<UnaryKernel<Op>>(Op(info));
  } else {
    (void)info;
    return std::make_unique<UnaryKernel<Op>>(Op{});
  }
}

// Numpy broadcast of K inputs into one output. Output dims of size 1 are dropped and adjacent
// dims that every input either spans or broadcasts alike are merged, so [N,F] + [F] becomes one
// outer dim and a contiguous inner run, and same-shape or scalar operands become a single run.
template <size_t K>
struct BroadcastPlan {
  Shape out_shape;
  int64_t numel = 0;
  std::vector<int64_t> dims;                    // merged dims, outermost first; never empty
  std::array<std::vector<int64_t>, K> strides;  // element strides of each input per merged dim
};

template <size_t K>
BroadcastPlan<K> plan_broadcast(const std::array<const Shape*, K>& shapes, const KernelContext& ctx);

extern template BroadcastPlan<2> plan_broadcast<2>(const std::array<const Shape*, 2>&, const KernelContext&);
extern template BroadcastPlan<3> plan_broadcast<3>(const std::array<const Shape*, 3>&, const KernelContext&);

// A block of the output: `rows` rows of `len` consecutive output elements (rows follow each
// other in the output). Along a row, input k starts at offsets[k] and advances by steps[k] (0 or
// 1) per element; the next row starts row_strides[k] further. Handing whole blocks of rows to
// the kernels keeps [N,F] op [F] (a scaler on N rows of F features) as cheap as same-shape
// operands even when F is small.
struct Run {
  const int64_t* offsets;
  const int64_t* steps;
  const int64_t* row_strides;
  int64_t out;
  int64_t rows;
  int64_t len;
};
using RunFn = FunctionRef<void(const Run&)>;

// Calls run() on blocks that cover the output exactly once, split across threads for large
// outputs.
void for_each_run(const std::vector<int64_t>& dims, const std::vector<int64_t>* strides, size_t inputs,
                  int64_t numel, const KernelContext& ctx, int64_t grain, RunFn run);

template <size_t K>
void for_each_run(const BroadcastPlan<K>& plan, const KernelContext& ctx, int64_t grain, RunFn run) {
  for_each_run(plan.dims, plan.strides.data(), K, plan.numel, ctx, grain, run);
}

// out = f(a, b) with numpy broadcasting. TOut is what f returns. The three inner loops (both
// contiguous, a repeated, b repeated) are what same-shape, scalar and row-broadcast operands
// reduce to; keeping them separate lets the compiler vectorise each.
template <class TA, class TB, class F>
Tensor& broadcast_binary(KernelContext& ctx, const Tensor& a, const Tensor& b, int64_t grain, const F& f,
                         size_t output = 0) {
  using TOut = std::invoke_result_t<const F&, TA, TB>;
  const BroadcastPlan<2> plan = plan_broadcast<2>({&a.shape(), &b.shape()}, ctx);
  Tensor& y = ctx.output(output, dtype_of<TOut>(), plan.out_shape);
  const TA* pa = a.data<TA>();
  const TB* pb = b.data<TB>();
  TOut* out = y.mutable_data<TOut>();
  for_each_run(plan, ctx, grain, [&](const Run& run) {
    const int64_t len = run.len;
    for (int64_t row = 0; row < run.rows; ++row) {
      const TA* x = pa + run.offsets[0] + row * run.row_strides[0];
      const TB* z = pb + run.offsets[1] + row * run.row_strides[1];
      TOut* r = out + run.out + row * len;
      if (run.steps[0] == 1 && run.steps[1] == 1) {
        for (int64_t i = 0; i < len; ++i) r[i] = f(x[i], z[i]);
      } else if (run.steps[0] == 0 && run.steps[1] == 1) {
        const TA s = x[0];
        for (int64_t i = 0; i < len; ++i) r[i] = f(s, z[i]);
      } else if (run.steps[0] == 1) {
        const TB s = z[0];
        for (int64_t i = 0; i < len; ++i) r[i] = f(x[i], s);
      } else {
        const TOut v = f(x[0], z[0]);
        for (int64_t i = 0; i < len; ++i) r[i] = v;
      }
    }
  });
  return y;
}

// ONNX opset < 7 binary ops (Add-1/6, Pow-1, Equal-1, And-1, ...): without `broadcast` the shapes
// must match; with broadcast=1, B's shape must equal a contiguous run of A's dims starting at
// `axis` (default: the trailing dims). Returns B's shape padded with 1s so that numpy
// broadcasting gives the legacy result.
struct LegacyBroadcast {
  bool enabled = false;  // the node is an opset < 7 version that uses these attributes
  bool broadcast = false;
  std::optional<int64_t> axis;

  static LegacyBroadcast from_node(const KernelBuildInfo& info);
  Shape b_shape(const Shape& a, const Shape& b, const KernelContext& ctx) const;
};

// A kernel computing Op(a, b) with numpy broadcasting (or, before opset 7, the legacy rule).
// Op declares kTypes, kGrain and a const `template <class T> R operator()(T, T)`; it may also
// declare `template <class T> void check(const Tensor& b, const KernelContext&) const` to
// validate the second operand first (integer division by zero).
template <class Op>
class BinaryKernel final : public Kernel {
 public:
  BinaryKernel(Op op, LegacyBroadcast legacy) : op_(std::move(op)), legacy_(legacy) {}
  void run(KernelContext& ctx) const override {
    const Tensor& a = ctx.input(0);
    Tensor b = ctx.input(1);
    if (a.dtype() != b.dtype())
      ctx.fail("input types differ: " + dtype_name(a.dtype()) + " and " + dtype_name(b.dtype()));
    if (legacy_.enabled) b = b.reshaped(legacy_.b_shape(a.shape(), b.shape(), ctx));
    dispatch_types<Op::kTypes>(a.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (requires { op_.template check<T>(b, ctx); }) op_.template check<T>(b, ctx);
      broadcast_binary<T, T>(ctx, a, b, Op::kGrain, op_);
    });
  }

 private:
  Op op_;
  LegacyBroadcast legacy_;
};

// Kernel factory for BinaryKernel<Op>.
template <class Op>
std::unique_ptr<Kernel> make_binary(const KernelBuildInfo& info) {
  LegacyBroadcast legacy = LegacyBroadcast::from_node(info);
  if constexpr (std::is_constructible_v<Op, const KernelBuildInfo&>) {
    return std::make_unique<BinaryKernel<Op>>(Op(info), legacy);
  } else {
    return std::make_unique<BinaryKernel<Op>>(Op{}, legacy);
  }
}

}  // namespace onnxfn::ops::elementwise
