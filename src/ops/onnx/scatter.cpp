// ScatterElements: a copy of data with elements replaced (or combined, v16/v18) at indexed spots.
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

enum class Reduction { None, Add, Mul, Max, Min };

// ONNX ScatterElements: reduction none (v11), add/mul (v16), max/min (v18). Updates land in
// index order, so with reduction none the last duplicate wins (as ORT).
class ScatterElementsKernel final : public Kernel {
 public:
  explicit ScatterElementsKernel(const KernelBuildInfo& info) : axis_(info.node().get_int("axis", 0)) {
    const std::string r = info.version() >= 16 ? info.node().get_string("reduction", "none") : "none";
    if (r == "none") reduction_ = Reduction::None;
    else if (r == "add") reduction_ = Reduction::Add;
    else if (r == "mul") reduction_ = Reduction::Mul;
    else if (r == "max" && info.version() >= 18) reduction_ = Reduction::Max;
    else if (r == "min" && info.version() >= 18) reduction_ = Reduction::Min;
    else info.fail("attribute 'reduction' has an unknown value '" + r + "'");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& data = ctx.input(0);
    const Tensor& indices = ctx.input(1);
    const Tensor& updates = ctx.input(2);
    const auto rank = static_cast<int64_t>(data.rank());
    if (rank == 0) ctx.fail("data must have rank 1 or more");
    if (indices.shape() != updates.shape())
      ctx.fail("indices " + shape_to_string(indices.shape()) + " and updates " + shape_to_string(updates.shape()) +
               " must have the same shape");
    if (updates.dtype() != data.dtype()) ctx.fail("updates must have the element type of data");
    if (indices.rank() != data.rank()) ctx.fail("indices must have the rank of data");
    const auto axis = static_cast<size_t>(normalize_axis(axis_, rank, ctx));
    for (size_t d = 0; d < data.rank(); ++d)
      if (d != axis && indices.shape()[d] > data.shape()[d])
        ctx.fail("indices shape " + shape_to_string(indices.shape()) + " exceeds data shape " + shape_to_string(data.shape()));
    if (indices.dtype() != DType::Int64 && indices.dtype() != DType::Int32)
      ctx.fail("indices must be int64 or int32, got " + dtype_name(indices.dtype()));

    // Target offsets, all checked before anything is written.
    const int64_t dim = data.shape()[axis];
    const std::vector<int64_t> strides = contiguous_strides(data.shape());
    const Shape& ishape = indices.shape();
    std::vector<int64_t> targets(static_cast<size_t>(indices.numel()));
    std::vector<int64_t> pos(ishape.size(), 0);
    int64_t base = 0;
    for (size_t n = 0; n < targets.size(); ++n) {
      int64_t i = indices.dtype() == DType::Int64 ? indices.data<int64_t>()[n] : indices.data<int32_t>()[n];
      if (i < -dim || i >= dim)
        ctx.fail("index " + std::to_string(i) + " is out of range [" + std::to_string(-dim) + ", " + std::to_string(dim - 1) + "]");
      if (i < 0) i += dim;
      targets[n] = base + i * strides[axis];
      for (size_t d = ishape.size(); d-- > 0;) {
        const int64_t step = d == axis ? 0 : strides[d];
        base += step;
        if (++pos[d] < ishape[d]) break;
        base -= step * ishape[d];
        pos[d] = 0;
      }
    }

    Tensor& out = ctx.output(0, data.dtype(), data.shape());
    if (reduction_ == Reduction::None) {
      dispatch_by_width(data.dtype(), ctx, [&](auto tag) {
        using T = decltype(tag);
        T* dst = mutable_elements<T>(out);
        copy_elements(elements<T>(data), data.numel(), dst);
        const T* upd = elements<T>(updates);
        for (size_t n = 0; n < targets.size(); ++n) dst[targets[n]] = upd[n];
      });
      return;
    }
    dispatch_numeric(data.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      T* dst = out.mutable_data<T>();
      copy_elements(data.data<T>(), data.numel(), dst);
      const T* upd = updates.data<T>();
      for (size_t n = 0; n < targets.size(); ++n) {
        T& y = dst[targets[n]];
        switch (reduction_) {
          case Reduction::Add: y = static_cast<T>(y + upd[n]); break;
          case Reduction::Mul: y = static_cast<T>(y * upd[n]); break;
          case Reduction::Max: y = std::max(y, upd[n]); break;
          case Reduction::Min: y = std::min(y, upd[n]); break;
          case Reduction::None: break;
        }
      }
    });
  }

 private:
  int64_t axis_;
  Reduction reduction_ = Reduction::None;
};

}  // namespace

void register_scatter_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "ScatterElements", 11, 18, &build_kernel<ScatterElementsKernel>);
}

}  // namespace onnxfn::ops
