// Binary arithmetic of ai.onnx with numpy broadcasting: Add, Sub, Mul, Div, Pow, Mod, BitShift.
// Opset < 7 Add/Sub/Mul/Div/Pow use the legacy `broadcast`/`axis` attributes.
#include <cmath>

#include "ops/onnx/cast_convert.h"
#include "ops/onnx/elementwise_common.h"
#include "ops/onnx/elementwise_families.h"

namespace onnxfn::ops::elementwise {
namespace {

// Integer division and modulo by zero fail like ORT's ("Integer division by zero") instead of
// trapping; a scan of the divisor keeps the arithmetic loop free of the check.
template <class T>
void check_no_zero_divisor(const Tensor& b, const KernelContext& ctx, const char* what) {
  if constexpr (std::is_integral_v<T>) {
    for (T v : b.span<T>())
      if (v == T{0}) ctx.fail(std::string("integer ") + what + " by zero");
  }
}

struct AddOp {
  static constexpr Types kTypes = Types::Numeric;
  static constexpr int64_t kGrain = kCheapGrain;
  template <class T>
  T operator()(T a, T b) const {
    return wrap_add(a, b);
  }
};

struct SubOp {
  static constexpr Types kTypes = Types::Numeric;
  static constexpr int64_t kGrain = kCheapGrain;
  template <class T>
  T operator()(T a, T b) const {
    return wrap_sub(a, b);
  }
};

struct MulOp {
  static constexpr Types kTypes = Types::Numeric;
  static constexpr int64_t kGrain = kCheapGrain;
  template <class T>
  T operator()(T a, T b) const {
    return wrap_mul(a, b);
  }
};

// Integer division truncates toward zero (C semantics, as ORT). MIN / -1 wraps to MIN here;
// ORT dies of SIGFPE on it for int32/int64.
struct DivOp {
  static constexpr Types kTypes = Types::Numeric;
  static constexpr int64_t kGrain = kCheapGrain;
  template <class T>
  void check(const Tensor& b, const KernelContext& ctx) const {
    check_no_zero_divisor<T>(b, ctx, "division");
  }
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T> || std::is_unsigned_v<T>) return static_cast<T>(a / b);
    else return b == T{-1} ? wrap_neg(a) : static_cast<T>(a / b);
  }
};

// ONNX Mod-10/13: fmod=0 gives the sign of the divisor (Python %), fmod=1 the sign of the
// dividend (C fmod). Floating-point inputs need fmod=1: ORT rejects fmod=0 for them.
struct ModOp {
  static constexpr Types kTypes = Types::Numeric;
  static constexpr int64_t kGrain = kCheapGrain;
  bool c_fmod = false;
  explicit ModOp(const KernelBuildInfo& info) {
    int64_t fmod = info.node().get_int("fmod", 0);
    if (fmod != 0 && fmod != 1) info.fail("attribute 'fmod' must be 0 or 1, got " + std::to_string(fmod));
    c_fmod = fmod == 1;
  }
  template <class T>
  void check(const Tensor& b, const KernelContext& ctx) const {
    if (std::is_floating_point_v<T> && !c_fmod)
      throw_error(ErrorKind::BadModel,
                  ctx.node().label() + ": attribute 'fmod' must be 1 for floating-point inputs");
    check_no_zero_divisor<T>(b, ctx, "modulo");
  }
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      return std::fmod(a, b);
    } else if constexpr (std::is_unsigned_v<T>) {
      return static_cast<T>(a % b);
    } else {
      if (b == T{-1}) return T{0};  // MIN % -1 would trap
      auto r = static_cast<T>(a % b);
      if (!c_fmod && r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
      return r;
    }
  }
};

// ONNX BitShift-11 on unsigned integers; shifting by the bit width or more gives 0 (ORT).
struct BitShiftOp {
  static constexpr Types kTypes = Types::Unsigned;
  static constexpr int64_t kGrain = kCheapGrain;
  bool left = true;
  explicit BitShiftOp(const KernelBuildInfo& info) {
    std::optional<std::string> direction = info.node().find_string("direction");
    if (!direction) info.fail("required attribute 'direction' is missing");
    if (*direction != "LEFT" && *direction != "RIGHT")
      info.fail("attribute 'direction' must be \"LEFT\" or \"RIGHT\", got \"" + *direction + "\"");
    left = *direction == "LEFT";
  }
  template <class T>
  T operator()(T a, T b) const {
    if (b >= sizeof(T) * 8) return T{0};
    using W = WrapType<T>;
    return static_cast<T>(left ? static_cast<W>(a) << b : static_cast<W>(a) >> b);
  }
};

// ONNX Pow-12+: base and exponent may differ in type; the result has the base's type. Matches
// ORT's arithmetic: float^float in float, every other pair in double (C++ promotion of
// std::pow), converted back like Cast; an exponent that is constant along a run and equals 2
// or 3 is computed as x*x or x*x*x in the base type.
template <class T, class E>
T pow_value(T x, E y) {
  if constexpr (std::is_same_v<T, float> && std::is_same_v<E, float>) {
    return std::pow(x, y);
  } else {
    return convert_number<T>(std::pow(static_cast<double>(x), static_cast<double>(y)));
  }
}

template <class Fn>
void dispatch_pow_type(DType dtype, const KernelContext& ctx, const char* what, Fn&& fn) {
  switch (dtype) {
    case DType::Float: return fn(float{});
    case DType::Double: return fn(double{});
    case DType::Int32: return fn(int32_t{});
    case DType::Int64: return fn(int64_t{});
    default:
      ctx.fail(std::string(what) + " type " + dtype_name(dtype) + " is not supported (float, double, int32, int64)");
  }
}

// The spec allows any numeric exponent type (the ONNX backend tests use uint32/uint64 with a
// float base); they all go through the double path of pow_value.
template <class Fn>
void dispatch_pow_exponent(DType dtype, const KernelContext& ctx, Fn&& fn) {
  switch (dtype) {
    case DType::Int8: return fn(int8_t{});
    case DType::Int16: return fn(int16_t{});
    case DType::UInt8: return fn(uint8_t{});
    case DType::UInt16: return fn(uint16_t{});
    case DType::UInt32: return fn(uint32_t{});
    case DType::UInt64: return fn(uint64_t{});
    default: return dispatch_pow_type(dtype, ctx, "exponent", fn);
  }
}

class PowKernel final : public Kernel {
 public:
  explicit PowKernel(LegacyBroadcast legacy) : legacy_(legacy) {}

  void run(KernelContext& ctx) const override {
    const Tensor& a = ctx.input(0);
    Tensor b = ctx.input(1);
    if (legacy_.enabled) b = b.reshaped(legacy_.b_shape(a.shape(), b.shape(), ctx));
    dispatch_pow_type(a.dtype(), ctx, "base", [&](auto base_tag) {
      dispatch_pow_exponent(b.dtype(), ctx, [&](auto exp_tag) {
        compute<decltype(base_tag), decltype(exp_tag)>(ctx, a, b);
      });
    });
  }

 private:
  template <class T, class E>
  static void compute(KernelContext& ctx, const Tensor& a, const Tensor& b) {
    const BroadcastPlan<2> plan = plan_broadcast<2>({&a.shape(), &b.shape()}, ctx);
    Tensor& y = ctx.output(0, dtype_of<T>(), plan.out_shape);
    const T* pa = a.data<T>();
    const E* pb = b.data<E>();
    T* out = y.mutable_data<T>();
    for_each_run(plan, ctx, kCostlyGrain, [&](const Run& run) {
      const int64_t len = run.len;
      for (int64_t row = 0; row < run.rows; ++row) {
        const T* x = pa + run.offsets[0] + row * run.row_strides[0];
        const E* e = pb + run.offsets[1] + row * run.row_strides[1];
        T* r = out + run.out + row * len;
        if (run.steps[0] == 1 && run.steps[1] == 0) {
          const E s = e[0];
          if (s == E{2}) {
            for (int64_t i = 0; i < len; ++i) r[i] = wrap_mul(x[i], x[i]);
          } else if (s == E{3}) {
            for (int64_t i = 0; i < len; ++i) r[i] = wrap_mul(wrap_mul(x[i], x[i]), x[i]);
          } else {
            for (int64_t i = 0; i < len; ++i) r[i] = pow_value(x[i], s);
          }
        } else {
          const int64_t sx = run.steps[0], se = run.steps[1];
          for (int64_t i = 0; i < len; ++i) r[i] = pow_value(x[i * sx], e[i * se]);
        }
      }
    });
  }

  LegacyBroadcast legacy_;
};

}  // namespace

void register_binary_arithmetic(KernelRegistry& r) {
  const int last = kLatestOpset;
  r.add("ai.onnx", "Add", 1, last, make_binary<AddOp>);
  r.add("ai.onnx", "Sub", 1, last, make_binary<SubOp>);
  r.add("ai.onnx", "Mul", 1, last, make_binary<MulOp>);
  r.add("ai.onnx", "Div", 1, last, make_binary<DivOp>);
  r.add("ai.onnx", "Mod", 10, last, make_binary<ModOp>);
  r.add("ai.onnx", "BitShift", 11, last, make_binary<BitShiftOp>);
  r.add("ai.onnx", "Pow", 1, last, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<PowKernel>(LegacyBroadcast::from_node(info));
  });
}

}  // namespace onnxfn::ops::elementwise
