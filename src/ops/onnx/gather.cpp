// Gather, GatherElements and GatherND: pick elements or slices by index, for any element type.
// Negative indices count from the end; an index out of range is a BadInput naming the node.
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// Indices as int64, each checked against [-dim, dim) and made non-negative.
std::vector<int64_t> checked_indices(const Tensor& indices, int64_t dim, const KernelContext& ctx) {
  std::vector<int64_t> out(static_cast<size_t>(indices.numel()));
  if (indices.dtype() == DType::Int64) {
    std::copy(indices.span<int64_t>().begin(), indices.span<int64_t>().end(), out.begin());
  } else if (indices.dtype() == DType::Int32) {
    std::copy(indices.span<int32_t>().begin(), indices.span<int32_t>().end(), out.begin());
  } else {
    ctx.fail("indices must be int64 or int32, got " + dtype_name(indices.dtype()));
  }
  for (int64_t& i : out) {
    if (i < -dim || i >= dim)
      ctx.fail("index " + std::to_string(i) + " is out of range [" + std::to_string(-dim) + ", " + std::to_string(dim - 1) +
               "]");
    if (i < 0) i += dim;
  }
  return out;
}

// ONNX Gather: out = data.shape[:axis] + indices.shape + data.shape[axis+1:].
class GatherKernel final : public Kernel {
 public:
  explicit GatherKernel(const KernelBuildInfo& info) : axis_(info.node().get_int("axis", 0)) {}

  void run(KernelContext& ctx) const override {
    const Tensor& data = ctx.input(0);
    const Tensor& indices = ctx.input(1);
    const auto rank = static_cast<int64_t>(data.rank());
    if (rank == 0) ctx.fail("data must have rank 1 or more");
    const auto axis = static_cast<size_t>(normalize_axis(axis_, rank, ctx));
    const int64_t dim = data.shape()[axis];
    const std::vector<int64_t> idx = checked_indices(indices, dim, ctx);
    Shape out_shape(data.shape().begin(), data.shape().begin() + static_cast<std::ptrdiff_t>(axis));
    out_shape.insert(out_shape.end(), indices.shape().begin(), indices.shape().end());
    out_shape.insert(out_shape.end(), data.shape().begin() + static_cast<std::ptrdiff_t>(axis) + 1, data.shape().end());
    Tensor& out = ctx.output(0, data.dtype(), out_shape);
    const int64_t outer = dims_product(data.shape(), 0, axis);
    const int64_t block = dims_product(data.shape(), axis + 1, data.rank());
    dispatch_by_width(data.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* src = elements<T>(data);
      T* dst = mutable_elements<T>(out);
      for (int64_t o = 0; o < outer; ++o) {
        const T* base = src + o * dim * block;
        for (int64_t i : idx) {
          if (block == 1) {
            *dst = base[i];
          } else {
            copy_elements(base + i * block, block, dst);
          }
          dst += block;
        }
      }
    });
  }

 private:
  int64_t axis_;
};

// ONNX GatherElements: out has the shape of indices; out[i] = data[i with i[axis] = indices[i]].
class GatherElementsKernel final : public Kernel {
 public:
  explicit GatherElementsKernel(const KernelBuildInfo& info) : axis_(info.node().get_int("axis", 0)) {}

  void run(KernelContext& ctx) const override {
    const Tensor& data = ctx.input(0);
    const Tensor& indices = ctx.input(1);
    const auto rank = static_cast<int64_t>(data.rank());
    if (rank == 0) ctx.fail("data must have rank 1 or more");
    if (indices.rank() != data.rank())
      ctx.fail("indices have rank " + std::to_string(indices.rank()) + " but data has rank " + std::to_string(data.rank()));
    const auto axis = static_cast<size_t>(normalize_axis(axis_, rank, ctx));
    for (size_t d = 0; d < data.rank(); ++d)
      if (d != axis && indices.shape()[d] > data.shape()[d])
        ctx.fail("indices shape " + shape_to_string(indices.shape()) + " exceeds data shape " + shape_to_string(data.shape()) +
                 " on axis " + std::to_string(d));
    const std::vector<int64_t> idx = checked_indices(indices, data.shape()[axis], ctx);
    Tensor& out = ctx.output(0, data.dtype(), indices.shape());
    if (out.numel() == 0) return;
    const std::vector<int64_t> strides = contiguous_strides(data.shape());
    const Shape& ishape = indices.shape();
    dispatch_by_width(data.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* src = elements<T>(data);
      T* dst = mutable_elements<T>(out);
      std::vector<int64_t> pos(ishape.size(), 0);
      int64_t base = 0;  // offset of pos in data, without the axis term
      for (size_t n = 0; n < idx.size(); ++n) {
        dst[n] = src[base + idx[n] * strides[axis]];
        for (size_t d = ishape.size(); d-- > 0;) {
          const int64_t step = d == axis ? 0 : strides[d];
          base += step;
          if (++pos[d] < ishape[d]) break;
          base -= step * ishape[d];
          pos[d] = 0;
        }
      }
    });
  }

 private:
  int64_t axis_;
};

// ONNX GatherND: the last dim of indices addresses data's leading dims after batch_dims (v12).
class GatherNDKernel final : public Kernel {
 public:
  explicit GatherNDKernel(const KernelBuildInfo& info)
      : batch_dims_(info.version() >= 12 ? info.node().get_int("batch_dims", 0) : 0) {
    if (batch_dims_ < 0) info.fail("attribute 'batch_dims' must not be negative");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& data = ctx.input(0);
    const Tensor& indices = ctx.input(1);
    const auto b = static_cast<size_t>(batch_dims_);
    if (indices.rank() < 1 || data.rank() < 1) ctx.fail("data and indices must have rank 1 or more");
    if (b >= indices.rank() || b >= data.rank())
      ctx.fail("batch_dims " + std::to_string(b) + " must be less than the ranks of data and indices");
    for (size_t d = 0; d < b; ++d)
      if (data.shape()[d] != indices.shape()[d])
        ctx.fail("batch dimension " + std::to_string(d) + " differs between data " + shape_to_string(data.shape()) +
                 " and indices " + shape_to_string(indices.shape()));
    const auto m = static_cast<size_t>(indices.shape().back());
    if (m < 1 || b + m > data.rank())
      ctx.fail("the last dimension of indices (" + std::to_string(m) + ") must be in [1, " +
               std::to_string(data.rank() - b) + "]");
    if (indices.dtype() != DType::Int64 && indices.dtype() != DType::Int32)
      ctx.fail("indices must be int64 or int32, got " + dtype_name(indices.dtype()));

    Shape out_shape(indices.shape().begin(), indices.shape().end() - 1);
    out_shape.insert(out_shape.end(), data.shape().begin() + static_cast<std::ptrdiff_t>(b + m), data.shape().end());
    Tensor& out = ctx.output(0, data.dtype(), out_shape);
    const int64_t block = dims_product(data.shape(), b + m, data.rank());
    const int64_t batches = dims_product(data.shape(), 0, b);
    const int64_t batch_stride = dims_product(data.shape(), b, data.rank());
    const int64_t tuples_per_batch = dims_product(indices.shape(), b, indices.rank() - 1);
    const std::vector<int64_t> strides = contiguous_strides(data.shape());

    // Element offsets of every index tuple, checked once.
    std::vector<int64_t> offsets(static_cast<size_t>(batches * tuples_per_batch));
    for (size_t t = 0; t < offsets.size(); ++t) {
      int64_t off = static_cast<int64_t>(t) / std::max<int64_t>(tuples_per_batch, 1) * batch_stride;
      for (size_t k = 0; k < m; ++k) {
        const size_t at = t * m + k;
        int64_t i = indices.dtype() == DType::Int64 ? indices.data<int64_t>()[at] : indices.data<int32_t>()[at];
        const int64_t dim = data.shape()[b + k];
        if (i < -dim || i >= dim)
          ctx.fail("index " + std::to_string(i) + " is out of range [" + std::to_string(-dim) + ", " +
                   std::to_string(dim - 1) + "] for data axis " + std::to_string(b + k));
        if (i < 0) i += dim;
        off += i * strides[b + k];
      }
      offsets[t] = off;
    }
    dispatch_by_width(data.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* src = elements<T>(data);
      T* dst = mutable_elements<T>(out);
      for (int64_t off : offsets) {
        copy_elements(src + off, block, dst);
        dst += block;
      }
    });
  }

 private:
  int64_t batch_dims_;
};

}  // namespace

void register_gather_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "Gather", 1, 13, &build_kernel<GatherKernel>);
  r.add("ai.onnx", "GatherElements", 11, 13, &build_kernel<GatherElementsKernel>);
  r.add("ai.onnx", "GatherND", 11, 13, &build_kernel<GatherNDKernel>);
}

}  // namespace onnxfn::ops
