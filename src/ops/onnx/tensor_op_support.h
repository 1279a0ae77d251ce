// Helpers shared by the ai.onnx shape, data-movement, reduction and linear-algebra kernels
// (register_tensor.cpp): element moves by width, strided copies, attribute-or-input int lists.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ops/kernel_support.h"

namespace onnxfn::ops {

// Kernel factory for KernelRegistry::add: K's constructor parses and checks the node.
template <class K>
std::unique_ptr<Kernel> build_kernel(const KernelBuildInfo& info) {
  return std::make_unique<K>(info);
}

// Calls fn(T{}) with a carrier type that moves elements of `dtype` without interpreting them:
// std::string for strings, otherwise the unsigned integer of the element's width. Data-movement
// kernels use it so that one instantiation serves float, int32 and uint32 alike (binary size).
template <class Fn>
void dispatch_by_width(DType dtype, const KernelContext& ctx, Fn&& fn) {
  if (dtype == DType::String) return fn(std::string{});
  if (dtype_is_supported(dtype)) {
    switch (dtype_size(dtype)) {
      case 1: return fn(uint8_t{});
      case 2: return fn(uint16_t{});
      case 4: return fn(uint32_t{});
      case 8: return fn(uint64_t{});
      default: break;
    }
  }
  ctx.fail("element type " + dtype_name(dtype) + " is not supported here");
}

// Element pointers for a carrier type chosen by dispatch_by_width (no element-type check).
template <class T>
const T* elements(const Tensor& t) {
  if constexpr (std::is_same_v<T, std::string>) {
    return t.data<std::string>();
  } else {
    return static_cast<const T*>(t.raw_data());
  }
}
template <class T>
T* mutable_elements(Tensor& t) {
  if constexpr (std::is_same_v<T, std::string>) {
    return t.mutable_data<std::string>();
  } else {
    return static_cast<T*>(t.mutable_raw_data());
  }
}

template <class T>
void copy_elements(const T* src, int64_t n, T* dst) {
  if (n <= 0) return;
  if constexpr (std::is_trivially_copyable_v<T>) {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(T));
  } else {
    std::copy(src, src + n, dst);
  }
}

// Row-major strides (in elements) of a dense tensor of `shape`.
std::vector<int64_t> contiguous_strides(const Shape& shape);

// A strided view after dropping unit dims and merging dims that are contiguous with each other,
// so copy loops run over as few, as long rows as possible.
struct StridedView {
  Shape shape;
  std::vector<int64_t> strides;
};
StridedView simplify_view(const Shape& shape, const std::vector<int64_t>& strides);

// Writes the view of `in` with `shape` and element `strides` (0 for broadcast, negative for
// reversed axes) densely, row-major, into `out`.
template <class T>
void strided_copy(const T* in, const Shape& shape, const std::vector<int64_t>& strides, T* out) {
  for (int64_t d : shape)
    if (d == 0) return;
  StridedView v = simplify_view(shape, strides);
  const size_t rank = v.shape.size();
  if (rank == 0) {
    *out = *in;
    return;
  }
  const int64_t inner = v.shape[rank - 1];
  const int64_t inner_stride = v.strides[rank - 1];
  std::vector<int64_t> index(rank - 1, 0);
  int64_t offset = 0;
  while (true) {
    const T* src = in + offset;
    if (inner_stride == 1) {
      copy_elements(src, inner, out);
    } else if (inner_stride == 0) {
      std::fill(out, out + inner, *src);
    } else {
      for (int64_t i = 0; i < inner; ++i) out[i] = src[i * inner_stride];
    }
    out += inner;
    // Odometer over the outer dims; the last one is the row copied above.
    size_t d = rank - 1;
    while (true) {
      if (d == 0) return;
      --d;
      offset += v.strides[d];
      if (++index[d] < v.shape[d]) break;
      offset -= v.strides[d] * v.shape[d];
      index[d] = 0;
    }
  }
}

// Reads a 1-D (or scalar) int64/int32 constant at build time; BadModel naming `what` otherwise.
std::vector<int64_t> constant_int64s(const Tensor& t, const KernelBuildInfo& info, std::string_view what);

// An integer list that a node takes from an attribute (older opsets) or an input (newer ones).
// A constant input is read once at build time.
class IntListArg {
 public:
  IntListArg() = default;
  static IntListArg from_attribute(const KernelBuildInfo& info, std::string_view name);
  static IntListArg from_input(const KernelBuildInfo& info, size_t index, std::string_view what);

  bool present() const { return present_; }
  // The values when known at build time.
  const std::optional<std::vector<int64_t>>& known() const { return known_; }
  std::vector<int64_t> get(const KernelContext& ctx) const;

 private:
  bool present_ = false;
  std::optional<std::vector<int64_t>> known_;
  size_t input_ = 0;
};

// Maps axes into [0, rank); BadInput for out-of-range values and, unless allowed, repeats.
std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank, const KernelContext& ctx,
                                    bool allow_repeats = false);

// The scalar (or one-element) input i as int64, from any integer type.
int64_t read_scalar_int(const Tensor& t, const KernelContext& ctx, std::string_view what);

}  // namespace onnxfn::ops
