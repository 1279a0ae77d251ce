// Activation operators of ai.onnx (Relu, LeakyRelu, PRelu, Sigmoid, HardSigmoid, Tanh, Softplus,
// Softsign, Elu, Selu, Celu, ThresholdedRelu, Gelu, HardSwish, Mish), with ORT's formulas where
// the evaluation order changes the last bits.
#include <cmath>

#include "ops/onnx/elementwise_common.h"
#include "ops/onnx/elementwise_families.h"

namespace onnxfn::ops::elementwise {
namespace {

struct ReluOp {
  // Relu-14 added the signed integer types; earlier versions get them too (same semantics).
  static constexpr Types kTypes = Types::Signed;
  static constexpr int64_t kGrain = kCheapGrain;
  // max(x, 0) keeping x when the comparison is false: Relu(-0) = -0 and Relu(NaN) = NaN, as ORT.
  template <class T>
  T operator()(T x) const {
    return x < T{0} ? T{0} : x;
  }
};

struct LeakyReluOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCheapGrain;
  float alpha;
  explicit LeakyReluOp(const KernelBuildInfo& info) : alpha(info.node().get_float("alpha", 0.01f)) {}
  template <class T>
  T operator()(T x) const {
    return x >= T{0} ? x : static_cast<T>(alpha) * x;
  }
};

struct SigmoidOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCostlyGrain;
  // float: ORT uses MLAS's rational approximation, which is within 2e-7 absolute of this exact
  // form but loses relative accuracy below about 1e-4 (e.g. 2e-3 relative at x = -10).
  // double: ORT's form, 1 - s for negative inputs.
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) {
      return 1.0f / (1.0f + std::exp(-x));
    } else {
      const T s = T{1} / (T{1} + std::exp(-std::abs(x)));
      return x >= 0 ? s : T{1} - s;
    }
  }
};

struct HardSigmoidOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCheapGrain;
  float alpha, beta;
  explicit HardSigmoidOp(const KernelBuildInfo& info)
      : alpha(info.node().get_float("alpha", 0.2f)), beta(info.node().get_float("beta", 0.5f)) {}
  // NaN stays NaN (ORT), so clamp with comparisons that are false for NaN.
  template <class T>
  T operator()(T x) const {
    const T v = static_cast<T>(alpha) * x + static_cast<T>(beta);
    return v > T{1} ? T{1} : (v < T{0} ? T{0} : v);
  }
};

struct TanhOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCostlyGrain;
  template <class T>
  T operator()(T x) const {
    return std::tanh(x);
  }
};

// log(1 + e^x) without overflow for large x. ORT 1.32 differs by type and we follow it: float
// keeps the far negative tail (Softplus(-100) = 3.8e-44), double computes log(e^x + 1), which is 0
// below x = -37.
template <class T>
T softplus(T x) {
  if constexpr (std::is_same_v<T, float>) return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  else return x > T{0} ? x + std::log(std::exp(-x) + T{1}) : std::log(std::exp(x) + T{1});
}

struct SoftplusOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCostlyGrain;
  template <class T>
  T operator()(T x) const {
    return softplus(x);
  }
};

struct SoftsignOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCheapGrain;
  template <class T>
  T operator()(T x) const {
    return x / (T{1} + std::abs(x));
  }
};

// Elu, Selu and Celu use exp(x) - 1 rather than expm1, as ORT does (it differs for tiny |x|).
struct EluOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCostlyGrain;
  float alpha;
  explicit EluOp(const KernelBuildInfo& info) : alpha(info.node().get_float("alpha", 1.0f)) {}
  template <class T>
  T operator()(T x) const {
    return x >= T{0} ? x : static_cast<T>(alpha) * (std::exp(x) - T{1});
  }
};

struct SeluOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCostlyGrain;
  float alpha, gamma;
  explicit SeluOp(const KernelBuildInfo& info)
      : alpha(info.node().get_float("alpha", 1.67326319217681884765625f)),
        gamma(info.node().get_float("gamma", 1.05070102214813232421875f)) {}
  template <class T>
  T operator()(T x) const {
    const T g = static_cast<T>(gamma);
    return x > T{0} ? g * x : g * (static_cast<T>(alpha) * (std::exp(x) - T{1}));
  }
};

struct CeluOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCostlyGrain;
  float alpha;
  explicit CeluOp(const KernelBuildInfo& info) : alpha(info.node().get_float("alpha", 1.0f)) {
    if (alpha == 0.0f) info.fail("attribute 'alpha' must not be 0");
  }
  template <class T>
  T operator()(T x) const {
    const T a = static_cast<T>(alpha);
    // std::max(x, 0) / std::min(v, 0) return their first argument for NaN, as ORT propagates it.
    return std::max(x, T{0}) + std::min(a * (std::exp(x / a) - T{1}), T{0});
  }
};

struct ThresholdedReluOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCheapGrain;
  float alpha;
  explicit ThresholdedReluOp(const KernelBuildInfo& info) : alpha(info.node().get_float("alpha", 1.0f)) {}
  template <class T>
  T operator()(T x) const {
    return x > static_cast<T>(alpha) ? x : T{0};
  }
};

// ONNX Gelu-20; ORT evaluates 0.5 * x * (f + 1) with f = erf(x / sqrt 2) or, for "tanh",
// f = tanh(x * (C x^2 + B)), B = sqrt(2 / pi), C = 0.044715 B.
struct GeluOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCostlyGrain;
  bool tanh_approximation = false;
  explicit GeluOp(const KernelBuildInfo& info) {
    std::string approximate = info.node().get_string("approximate", "none");
    if (approximate != "none" && approximate != "tanh")
      info.fail("attribute 'approximate' must be \"none\" or \"tanh\", got \"" + approximate + "\"");
    tanh_approximation = approximate == "tanh";
  }
  template <class T>
  T operator()(T x) const {
    T f;
    if (tanh_approximation) {
      constexpr T b = static_cast<T>(0.7978845608028654);    // sqrt(2 / pi)
      constexpr T c = static_cast<T>(0.035677408136300125);  // 0.044715 * sqrt(2 / pi)
      f = std::tanh(x * (c * x * x + b));
    } else {
      f = std::erf(x * static_cast<T>(0.70710678118654752440));
    }
    return T{0.5} * x * (f + T{1});
  }
};

// HardSwish = x * HardSigmoid(x) with alpha = 1/6 rounded to float, also for double inputs (ORT).
struct HardSwishOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCheapGrain;
  template <class T>
  T operator()(T x) const {
    constexpr T alpha = static_cast<T>(1.0f / 6.0f);
    return x * std::max(T{0}, std::min(T{1}, x * alpha + T{0.5}));
  }
};

struct MishOp {
  static constexpr Types kTypes = Types::Float;
  static constexpr int64_t kGrain = kCostlyGrain;
  template <class T>
  T operator()(T x) const {
    return x * std::tanh(softplus(x));
  }
};

// PRelu: y = x < 0 ? slope * x : x. ONNX describes the slope as unidirectionally broadcast to X;
// ORT broadcasts both ways (the output takes the broadcast shape), and so do we.
class PReluKernel final : public Kernel {
 public:
  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Tensor& slope = ctx.input(1);
    if (slope.dtype() != x.dtype())
      ctx.fail("slope type " + dtype_name(slope.dtype()) + " differs from input type " + dtype_name(x.dtype()));
    dispatch_numeric(x.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      broadcast_binary<T, T>(ctx, x, slope, kCheapGrain, [](T v, T s) {
        if constexpr (std::is_unsigned_v<T>) {
          (void)s;
          return v;  // PRelu-9 allows unsigned types, which are never negative
        } else {
          return v < T{0} ? wrap_mul(s, v) : v;
        }
      });
    });
  }
};

}  // namespace

void register_activations(KernelRegistry& r) {
  const int last = kLatestOpset;
  r.add("ai.onnx", "Relu", 1, last, make_unary<ReluOp>);
  r.add("ai.onnx", "LeakyRelu", 1, last, make_unary<LeakyReluOp>);
  r.add("ai.onnx", "Sigmoid", 1, last, make_unary<SigmoidOp>);
  r.add("ai.onnx", "HardSigmoid", 1, last, make_unary<HardSigmoidOp>);
  r.add("ai.onnx", "Tanh", 1, last, make_unary<TanhOp>);
  r.add("ai.onnx", "Softplus", 1, last, make_unary<SoftplusOp>);
  r.add("ai.onnx", "Softsign", 1, last, make_unary<SoftsignOp>);
  r.add("ai.onnx", "Elu", 1, last, make_unary<EluOp>);
  r.add("ai.onnx", "Selu", 1, last, make_unary<SeluOp>);
  r.add("ai.onnx", "Celu", 12, last, make_unary<CeluOp>);
  r.add("ai.onnx", "ThresholdedRelu", 10, last, make_unary<ThresholdedReluOp>);
  r.add("ai.onnx", "Gelu", 20, last, make_unary<GeluOp>);
  r.add("ai.onnx", "HardSwish", 14, last, make_unary<HardSwishOp>);
  r.add("ai.onnx", "Mish", 18, last, make_unary<MishOp>);
  // PRelu before 7 had no broadcasting rule for slopes of more than one element: not supported.
  r.add("ai.onnx", "PRelu", 7, last, [](const KernelBuildInfo&) -> std::unique_ptr<Kernel> {
    return std::make_unique<PReluKernel>();
  });
}

}  // namespace onnxfn::ops::elementwise
