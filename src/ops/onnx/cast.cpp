// Cast and CastLike between every element type onnxfn holds (numbers, bool, string), with
// ONNX Runtime's string formatting and parsing.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "ops/onnx/cast_convert.h"
#include "ops/onnx/elementwise_common.h"
#include "ops/onnx/elementwise_families.h"

namespace onnxfn::ops::elementwise {
namespace {

// ONNX Cast to string leaves the format open; ORT writes floats with printf "%.8g" of the value
// as double (for double inputs too), "NaN", "INF" and "-INF", integers with std::to_string and
// bools as "1" / "0".
template <class S>
std::string number_to_string(S v) {
  if constexpr (std::is_same_v<S, bool>) {
    return v ? "1" : "0";
  } else if constexpr (std::is_floating_point_v<S>) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v < 0 ? "-INF" : "INF";
    char buffer[64];
    int n = std::snprintf(buffer, sizeof buffer, "%.8g", static_cast<double>(v));
    return std::string(buffer, static_cast<size_t>(std::clamp(n, 0, static_cast<int>(sizeof buffer) - 1)));
  } else {
    return std::to_string(v);
  }
}

// ORT parses with std::stod (then narrows to float), std::stoll or std::stoull (then wraps to the
// narrow type; bool is stoull != 0). So leading spaces, trailing text ("12abc" -> 12), hex and
// "nan"/"inf"/"infinity" in any case are accepted, "1.5" -> int gives 1, "-1" -> uint8 gives 255;
// an empty or non-numeric string, or one out of the double/int64/uint64 range (including
// denormal doubles), is an error.
template <class D>
D string_to_number(const std::string& s, const KernelContext& ctx) {
  try {
    if constexpr (std::is_floating_point_v<D>) {
      return convert_number<D>(std::stod(s));
    } else if constexpr (std::is_same_v<D, bool>) {
      return std::stoull(s) != 0;
    } else if constexpr (std::is_unsigned_v<D>) {
      return static_cast<D>(std::stoull(s));
    } else {
      return static_cast<D>(std::stoll(s));
    }
  } catch (const std::logic_error&) {  // invalid_argument, out_of_range
    ctx.fail("cannot convert string \"" + s.substr(0, 64) + "\" to " + dtype_name(dtype_of<D>()));
  }
}

template <class S, class D>
void convert_tensor(KernelContext& ctx, const Tensor& x, Tensor& y) {
  constexpr bool strings = std::is_same_v<S, std::string> || std::is_same_v<D, std::string>;
  map_unary<S, D>(ctx, x, y, strings ? kCostlyGrain : kCheapGrain, [&](const S& v) -> D {
    if constexpr (std::is_same_v<D, std::string>) return number_to_string(v);
    else if constexpr (std::is_same_v<S, std::string>) return string_to_number<D>(v, ctx);
    else return convert_number<D>(v);
  });
}

// Cast (target from the `to` attribute) and CastLike (target = the type of input 1). The
// `saturate` (Cast-19) and `round_mode` (Cast-24) attributes only concern float8 types.
class CastKernel final : public Kernel {
 public:
  explicit CastKernel(std::optional<DType> to) : to_(to) {}

  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const DType to = to_ ? *to_ : ctx.input(1).dtype();
    if (!dtype_is_supported(to)) ctx.fail("cannot cast to " + dtype_name(to));
    if (x.dtype() == to) {
      ctx.set_output(0, x);  // tensors are immutable once published: share the storage
      return;
    }
    dispatch_any(x.dtype(), ctx, [&](auto src) {
      dispatch_any(to, ctx, [&](auto dst) {
        using S = decltype(src);
        using D = decltype(dst);
        if constexpr (!std::is_same_v<S, D>) {
          Tensor& y = ctx.output(0, to, x.shape());
          convert_tensor<S, D>(ctx, x, y);
        }
      });
    });
  }

  OutputType output_type(size_t i) const override {
    return i == 0 && to_ ? OutputType{TypeInfo::Kind::Tensor, *to_} : OutputType{};
  }

 private:
  std::optional<DType> to_;
};

// Cast-1 names the type as a string ("FLOAT", "INT64": TensorProto.DataType names); Cast-6 and
// later use the enum value.
DType cast_target(const KernelBuildInfo& info) {
  DType to = DType::Undefined;
  if (info.version() < 6) {
    std::optional<std::string> name = info.node().find_string("to");
    if (!name) info.fail("required attribute 'to' is missing");
    std::string lower = *name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    std::optional<DType> parsed = dtype_from_name(lower);
    if (!parsed || *parsed == DType::Undefined) info.fail("attribute 'to' names no ONNX type: \"" + *name + "\"");
    to = *parsed;
  } else {
    std::optional<int64_t> code = info.node().find_int("to");
    if (!code) info.fail("required attribute 'to' is missing");
    if (*code <= 0 || *code > kMaxDTypeCode) info.fail("attribute 'to' is not an ONNX type: " + std::to_string(*code));
    to = static_cast<DType>(*code);
  }
  if (!dtype_is_supported(to)) info.unsupported("casting to " + dtype_name(to) + " is not supported");
  return to;
}

}  // namespace

void register_cast(KernelRegistry& r) {
  r.add("ai.onnx", "Cast", 1, kLatestOpset, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<CastKernel>(cast_target(info));
  });
  r.add("ai.onnx", "CastLike", 15, kLatestOpset, [](const KernelBuildInfo&) -> std::unique_ptr<Kernel> {
    return std::make_unique<CastKernel>(std::nullopt);
  });
}

}  // namespace onnxfn::ops::elementwise
