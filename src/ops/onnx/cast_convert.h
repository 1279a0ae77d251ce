// Number-to-number conversion as ONNX Runtime's Cast performs it on x86-64, without the undefined
// behaviour of a plain static_cast from an out-of-range float. Used by Cast and Pow.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace onnxfn::ops {

// Truncating float -> signed integer of `Bits` bits as SSE's cvtt* instructions do: NaN and
// values outside the range give the "integer indefinite" value, the most negative integer.
template <class Int, class F>
Int truncate_or_indefinite(F v) {
  constexpr F limit = static_cast<F>(static_cast<double>(uint64_t{1} << (sizeof(Int) * 8 - 1)));
  if (!(v >= -limit && v < limit)) return std::numeric_limits<Int>::min();
  return static_cast<Int>(v);
}

// double -> float with IEEE round-to-nearest overflow to +-inf, spelled out because a C++
// static_cast of an out-of-range double is undefined.
inline float narrow_to_float(double v) {
  constexpr double kOverflow = 340282356779733661637539395458142568448.0;  // 2^128 - 2^103
  if (v >= kOverflow) return std::numeric_limits<float>::infinity();
  if (v <= -kOverflow) return -std::numeric_limits<float>::infinity();
  return static_cast<float>(v);
}

// ONNX Cast (float -> integer) leaves out-of-range results undefined; these are the values ORT
// 1.32 produces on x86-64 (Eigen's vectorised cast), checked against it for NaN, +-inf and values
// beyond each type's range:
//  - int64/int32: truncate, out of range or NaN -> the most negative value;
//  - int16/int8/uint16/uint8: the int32 result, wrapped to the narrow type;
//  - uint32/uint64: values >= 2^(n-1) convert as (v - 2^(n-1)) with the top bit flipped back.
// (ORT's scalar tail loop gives other values for negative out-of-range inputs to uint32.)
template <class To, class From>
To convert_number(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From{0};
  } else if constexpr (std::is_same_v<From, bool>) {
    return static_cast<To>(v ? 1 : 0);
  } else if constexpr (std::is_same_v<To, float> && std::is_same_v<From, double>) {
    return narrow_to_float(v);
  } else if constexpr (std::is_floating_point_v<To> || std::is_integral_v<From>) {
    // Integer -> integer wraps (defined since C++20); anything -> float rounds to nearest.
    return static_cast<To>(v);
  } else if constexpr (std::is_same_v<To, int64_t>) {
    return truncate_or_indefinite<int64_t>(v);
  } else if constexpr (std::is_same_v<To, uint64_t>) {
    constexpr From top = static_cast<From>(9223372036854775808.0);
    if (v >= top) return static_cast<uint64_t>(truncate_or_indefinite<int64_t>(v - top)) ^ (uint64_t{1} << 63);
    return static_cast<uint64_t>(truncate_or_indefinite<int64_t>(v));
  } else if constexpr (std::is_same_v<To, uint32_t>) {
    constexpr From top = static_cast<From>(2147483648.0);
    if (v >= top) return static_cast<uint32_t>(truncate_or_indefinite<int32_t>(v - top)) ^ (uint32_t{1} << 31);
    return static_cast<uint32_t>(truncate_or_indefinite<int32_t>(v));
  } else {
    return static_cast<To>(truncate_or_indefinite<int32_t>(v));
  }
}

}  // namespace onnxfn::ops
