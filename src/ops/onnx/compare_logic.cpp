// Comparison and logic operators of ai.onnx (Equal, Less, Greater, LessOrEqual, GreaterOrEqual,
// And, Or, Xor): bool outputs with numpy broadcasting, legacy `broadcast`/`axis` before opset 7.
#include "ops/onnx/elementwise_common.h"
#include "ops/onnx/elementwise_families.h"

namespace onnxfn::ops::elementwise {
namespace {

// Equal accepts bool and (from Equal-19) strings too; NaN compares unequal to everything.
struct EqualOp {
  static constexpr Types kTypes = Types::Any;
  static constexpr int64_t kGrain = kCheapGrain;
  template <class T>
  bool operator()(const T& a, const T& b) const {
    return a == b;
  }
};

#define ONNXFN_COMPARE(Name, expr)                  \
  struct Name {                                     \
    static constexpr Types kTypes = Types::Numeric; \
    static constexpr int64_t kGrain = kCheapGrain;  \
    template <class T>                              \
    bool operator()(T a, T b) const {               \
      return expr;                                  \
    }                                               \
  };

ONNXFN_COMPARE(LessOp, a < b)
ONNXFN_COMPARE(GreaterOp, a > b)
ONNXFN_COMPARE(LessOrEqualOp, a <= b)
ONNXFN_COMPARE(GreaterOrEqualOp, a >= b)

#undef ONNXFN_COMPARE

#define ONNXFN_LOGIC(Name, expr)                   \
  struct Name {                                    \
    static constexpr Types kTypes = Types::Bool;   \
    static constexpr int64_t kGrain = kCheapGrain; \
    bool operator()(bool a, bool b) const {        \
      return expr;                                 \
    }                                              \
  };

ONNXFN_LOGIC(AndOp, a && b)
ONNXFN_LOGIC(OrOp, a || b)
ONNXFN_LOGIC(XorOp, a != b)

#undef ONNXFN_LOGIC

}  // namespace

void register_compare_logic(KernelRegistry& r) {
  const int last = kLatestOpset;
  r.add("ai.onnx", "Equal", 1, last, make_binary<EqualOp>);
  r.add("ai.onnx", "Less", 1, last, make_binary<LessOp>);
  r.add("ai.onnx", "Greater", 1, last, make_binary<GreaterOp>);
  r.add("ai.onnx", "LessOrEqual", 12, last, make_binary<LessOrEqualOp>);
  r.add("ai.onnx", "GreaterOrEqual", 12, last, make_binary<GreaterOrEqualOp>);
  r.add("ai.onnx", "And", 1, last, make_binary<AndOp>);
  r.add("ai.onnx", "Or", 1, last, make_binary<OrOp>);
  r.add("ai.onnx", "Xor", 1, last, make_binary<XorOp>);
}

}  // namespace onnxfn::ops::elementwise
