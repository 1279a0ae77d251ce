// Shared kernel helpers.
#include "ops/kernel_support.h"

namespace onnxfn::ops {

int64_t normalize_axis(int64_t axis, int64_t rank, const KernelContext& ctx) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
    ctx.fail("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

int64_t normalize_axis(int64_t axis, int64_t rank, const KernelBuildInfo& info) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
    info.fail("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const KernelContext& ctx) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      ctx.fail("shapes " + shape_to_string(a) + " and " + shape_to_string(b) + " cannot be broadcast together");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    size_t o = i + (out.size() - shape.size());
    strides[o] = shape[i] == 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

std::vector<int64_t> read_int64s(const Tensor& t, const KernelContext& ctx) {
  if (t.rank() > 1) ctx.fail("expected a 1-D tensor of integers, got shape " + shape_to_string(t.shape()));
  if (t.dtype() == DType::Int64) return {t.span<int64_t>().begin(), t.span<int64_t>().end()};
  if (t.dtype() == DType::Int32) return {t.span<int32_t>().begin(), t.span<int32_t>().end()};
  ctx.fail("expected int64 or int32 values, got " + dtype_name(t.dtype()));
}

int64_t dims_product(const Shape& shape, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < shape.size(); ++i) p *= shape[i];
  return p;
}

}  // namespace onnxfn::ops
