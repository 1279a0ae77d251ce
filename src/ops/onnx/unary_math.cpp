// Unary math operators of ai.onnx (Abs, Neg, Exp, Log, Sqrt, trigonometry, Round, Sign, Erf,
// IsNaN, IsInf, Not). float inputs are computed in float, as ONNX Runtime does.
#include <cmath>

#include "ops/onnx/elementwise_common.h"
#include "ops/onnx/elementwise_families.h"

namespace onnxfn::ops::elementwise {
namespace {

// Ops whose body is one libm call on float or double.
#define ONNXFN_FLOAT_UNARY(Name, expr, grain)     \
  struct Name {                                   \
    static constexpr Types kTypes = Types::Float; \
    static constexpr int64_t kGrain = grain;      \
    template <class T>                            \
    T operator()(T x) const {                     \
      return expr;                                \
    }                                             \
  };

ONNXFN_FLOAT_UNARY(ExpOp, std::exp(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(LogOp, std::log(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(SqrtOp, std::sqrt(x), kCheapGrain)
ONNXFN_FLOAT_UNARY(ReciprocalOp, T{1} / x, kCheapGrain)
ONNXFN_FLOAT_UNARY(FloorOp, std::floor(x), kCheapGrain)
ONNXFN_FLOAT_UNARY(CeilOp, std::ceil(x), kCheapGrain)
// ONNX Round: halves go to the nearest even integer, which is rint's default rounding mode.
ONNXFN_FLOAT_UNARY(RoundOp, std::nearbyint(x), kCheapGrain)
ONNXFN_FLOAT_UNARY(SinOp, std::sin(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(CosOp, std::cos(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(TanOp, std::tan(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(AsinOp, std::asin(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(AcosOp, std::acos(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(AtanOp, std::atan(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(SinhOp, std::sinh(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(CoshOp, std::cosh(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(AsinhOp, std::asinh(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(AcoshOp, std::acosh(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(AtanhOp, std::atanh(x), kCostlyGrain)
ONNXFN_FLOAT_UNARY(ErfOp, std::erf(x), kCostlyGrain)

#undef ONNXFN_FLOAT_UNARY

// Abs and Neg of the most negative integer wrap to itself, as in ORT.
struct AbsOp {
  static constexpr Types kTypes = Types::Numeric;
  static constexpr int64_t kGrain = kCheapGrain;
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return std::abs(x);
    else if constexpr (std::is_unsigned_v<T>) return x;
    else return x < 0 ? wrap_neg(x) : x;
  }
};

struct NegOp {
  static constexpr Types kTypes = Types::Signed;
  static constexpr int64_t kGrain = kCheapGrain;
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return -x;
    else return wrap_neg(x);
  }
};

// Sign(NaN) is NaN and Sign(-0) is +0, as in ORT.
struct SignOp {
  static constexpr Types kTypes = Types::Numeric;
  static constexpr int64_t kGrain = kCheapGrain;
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(x)) return x;
      return x > 0 ? T{1} : (x < 0 ? T{-1} : T{0});
    } else if constexpr (std::is_unsigned_v<T>) {
      return static_cast<T>(x > 0 ? 1 : 0);
    } else {
      return static_cast<T>(x > 0 ? 1 : (x < 0 ? -1 : 0));
    }
  }
};

struct IsNaNOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCheapGrain;
  template <class T>
  bool operator()(T x) const {
    return std::isnan(x);
  }
};

struct IsInfOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCheapGrain;
  bool negative = true;
  bool positive = true;
  IsInfOp() = default;
  // ONNX IsInf: detect_negative / detect_positive are ints; ORT treats any non-zero as true.
  explicit IsInfOp(const KernelBuildInfo& info)
      : negative(info.node().get_int("detect_negative", 1) != 0),
        positive(info.node().get_int("detect_positive", 1) != 0) {}
  template <class T>
  bool operator()(T x) const {
    return std::isinf(x) && (x > 0 ? positive : negative);
  }
};

struct NotOp {
  static constexpr Types kTypes = Types::Bool;
  static constexpr int64_t kGrain = kCheapGrain;
  bool operator()(bool x) const { return !x; }
};

}  // namespace

void register_unary_math(KernelRegistry& r) {
  const int last = kLatestOpset;
  r.add("ai.onnx", "Abs", 1, last, make_unary<AbsOp>);
  r.add("ai.onnx", "Neg", 1, last, make_unary<NegOp>);
  r.add("ai.onnx", "Exp", 1, last, make_unary<ExpOp>);
  r.add("ai.onnx", "Log", 1, last, make_unary<LogOp>);
  r.add("ai.onnx", "Sqrt", 1, last, make_unary<SqrtOp>);
  r.add("ai.onnx", "Reciprocal", 1, last, make_unary<ReciprocalOp>);
  r.add("ai.onnx", "Floor", 1, last, make_unary<FloorOp>);
  r.add("ai.onnx", "Ceil", 1, last, make_unary<CeilOp>);
  r.add("ai.onnx", "Round", 11, last, make_unary<RoundOp>);
  r.add("ai.onnx", "Sign", 9, last, make_unary<SignOp>);
  r.add("ai.onnx", "Sin", 7, last, make_unary<SinOp>);
  r.add("ai.onnx", "Cos", 7, last, make_unary<CosOp>);
  r.add("ai.onnx", "Tan", 7, last, make_unary<TanOp>);
  r.add("ai.onnx", "Asin", 7, last, make_unary<AsinOp>);
  r.add("ai.onnx", "Acos", 7, last, make_unary<AcosOp>);
  r.add("ai.onnx", "Atan", 7, last, make_unary<AtanOp>);
  r.add("ai.onnx", "Sinh", 9, last, make_unary<SinhOp>);
  r.add("ai.onnx", "Cosh", 9, last, make_unary<CoshOp>);
  r.add("ai.onnx", "Asinh", 9, last, make_unary<AsinhOp>);
  r.add("ai.onnx", "Acosh", 9, last, make_unary<AcoshOp>);
  r.add("ai.onnx", "Atanh", 9, last, make_unary<AtanhOp>);
  r.add("ai.onnx", "Erf", 9, last, make_unary<ErfOp>);
  r.add("ai.onnx", "IsNaN", 9, last, make_unary<IsNaNOp>);
  r.add("ai.onnx", "IsInf", 10, last, make_unary<IsInfOp>);
  r.add("ai.onnx", "Not", 1, last, make_unary<NotOp>);
}

}  // namespace onnxfn::ops::elementwise
