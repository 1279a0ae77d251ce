// Small helpers shared by kernels: element-type dispatch, axis normalisation, broadcasting,
// and reading shape-like inputs. One place for each, so kernels stay short.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/kernel.h"

namespace onnxfn::ops {

// Calls fn(T{}) with T the C++ type of `dtype`, for the numeric types the engine computes with.
// Throws BadInput naming the node for other types.
template <class Fn>
void dispatch_numeric(DType dtype, const KernelContext& ctx, Fn&& fn) {
  switch (dtype) {
    case DType::Float: fn(float{}); return;
    case DType::Double: fn(double{}); return;
    case DType::Int64: fn(int64_t{}); return;
    case DType::Int32: fn(int32_t{}); return;
    case DType::Int16: fn(int16_t{}); return;
    case DType::Int8: fn(int8_t{}); return;
    case DType::UInt64: fn(uint64_t{}); return;
    case DType::UInt32: fn(uint32_t{}); return;
    case DType::UInt16: fn(uint16_t{}); return;
    case DType::UInt8: fn(uint8_t{}); return;
    default: ctx.fail("element type " + dtype_name(dtype) + " is not supported here");
  }
}

// Like dispatch_numeric but also bool and string: for ops that only move elements around.
template <class Fn>
void dispatch_any(DType dtype, const KernelContext& ctx, Fn&& fn) {
  if (dtype == DType::Bool) return fn(bool{});
  if (dtype == DType::String) return fn(std::string{});
  dispatch_numeric(dtype, ctx, fn);
}

// Float and double only.
template <class Fn>
void dispatch_float(DType dtype, const KernelContext& ctx, Fn&& fn) {
  if (dtype == DType::Float) return fn(float{});
  if (dtype == DType::Double) return fn(double{});
  ctx.fail("element type " + dtype_name(dtype) + " is not supported here (float or double expected)");
}

// Maps a possibly negative axis into [0, rank); throws `fail` style errors through `where`.
int64_t normalize_axis(int64_t axis, int64_t rank, const KernelContext& ctx);
int64_t normalize_axis(int64_t axis, int64_t rank, const KernelBuildInfo& info);

// Numpy-style multidirectional broadcast of two shapes; BadInput on mismatch.
Shape broadcast_shapes(const Shape& a, const Shape& b, const KernelContext& ctx);

// Strides (in elements) of `shape` viewed as `out` after broadcasting: 0 where broadcast.
std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out);

// Reads a 1-D (or scalar) int64/int32 tensor, e.g. a shape or axes input.
std::vector<int64_t> read_int64s(const Tensor& t, const KernelContext& ctx);

// Product of dims in [begin, end).
int64_t dims_product(const Shape& shape, size_t begin, size_t end);

}  // namespace onnxfn::ops
