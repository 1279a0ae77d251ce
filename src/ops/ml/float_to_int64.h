// Float-to-int64 conversion with the result ORT gets from static_cast on x86-64 (cvttsd2si):
// truncation toward zero, and INT64_MIN ("integer indefinite") for NaN and out-of-range values,
// where C++ leaves the cast undefined.
#pragma once

#include <cstdint>
#include <limits>

namespace onnxfn::ops::ml {

inline int64_t truncate_to_int64(double v) {
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

}  // namespace onnxfn::ops::ml
