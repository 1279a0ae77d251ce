// Overflow-checked size arithmetic for numbers that come from untrusted files and requests:
// every allocation sized by such a number goes through these first (see STYLE.md, ggml loaders).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace onnxfn {

inline std::optional<uint64_t> checked_mul(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

inline std::optional<uint64_t> checked_add(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Element count of a shape; nullopt if a dim is negative or the product overflows.
inline std::optional<uint64_t> checked_numel(std::span<const int64_t> dims) {
  uint64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return std::nullopt;
    auto next = checked_mul(n, static_cast<uint64_t>(d));
    if (!next) return std::nullopt;
    n = *next;
  }
  return n;
}

}  // namespace onnxfn
