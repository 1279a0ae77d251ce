// Concat and Split: join tensors along an axis, and cut one tensor into pieces along an axis.
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// ONNX Concat: axis optional with default 1 in v1, required from v4, negative from v11.
class ConcatKernel final : public Kernel {
 public:
  explicit ConcatKernel(const KernelBuildInfo& info) {
    std::optional<int64_t> axis = info.node().find_int("axis");
    if (!axis && info.version() >= 4) info.fail("attribute 'axis' is required");
    axis_ = axis.value_or(1);
    if (axis_ < 0 && info.version() < 11) info.fail("attribute 'axis' must not be negative before opset 11");
    if (info.input_count() == 0) info.fail("needs at least one input");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& first = ctx.input(0);
    const auto rank = static_cast<int64_t>(first.rank());
    if (rank == 0) ctx.fail("cannot concatenate scalars");
    const auto axis = static_cast<size_t>(normalize_axis(axis_, rank, ctx));
    Shape out_shape = first.shape();
    out_shape[axis] = 0;
    std::vector<const Tensor*> inputs;
    for (size_t i = 0; i < ctx.input_count(); ++i) {
      const Tensor& t = ctx.input(i);
      if (t.dtype() != first.dtype())
        ctx.fail("input " + std::to_string(i) + " has type " + dtype_name(t.dtype()) + ", input 0 has " + dtype_name(first.dtype()));
      bool same = t.rank() == first.rank();
      for (size_t d = 0; same && d < t.rank(); ++d) same = d == axis || t.shape()[d] == first.shape()[d];
      if (!same)
        ctx.fail("input " + std::to_string(i) + " has shape " + shape_to_string(t.shape()) + ", incompatible with " +
                 shape_to_string(first.shape()) + " along axis " + std::to_string(axis));
      out_shape[axis] += t.shape()[axis];
      inputs.push_back(&t);
    }
    Tensor& out = ctx.output(0, first.dtype(), out_shape);
    const int64_t outer = dims_product(out_shape, 0, axis);
    dispatch_by_width(first.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      T* dst = mutable_elements<T>(out);
      for (int64_t o = 0; o < outer; ++o) {
        for (const Tensor* t : inputs) {
          const int64_t block = dims_product(t->shape(), axis, t->rank());
          copy_elements(elements<T>(*t) + o * block, block, dst);
          dst += block;
        }
      }
    });
  }

 private:
  int64_t axis_ = 1;
};

// ONNX Split: sizes from the `split` attribute (v2, v11) or input (v13), or num_outputs (v18,
// the last piece smaller); otherwise equal pieces, one per output, which must divide evenly.
class SplitKernel final : public Kernel {
 public:
  explicit SplitKernel(const KernelBuildInfo& info)
      : axis_(info.node().get_int("axis", 0)), outputs_(static_cast<int64_t>(info.node().outputs.size())) {
    if (axis_ < 0 && info.version() < 11) info.fail("attribute 'axis' must not be negative before opset 11");
    if (outputs_ == 0) info.fail("needs at least one output");
    split_ = info.version() < 13 ? IntListArg::from_attribute(info, "split") : IntListArg::from_input(info, 1, "split");
    if (info.version() >= 18) {
      num_outputs_ = info.node().find_int("num_outputs");
      if (num_outputs_ && split_.present()) info.fail("both the 'split' input and the 'num_outputs' attribute are given");
      if (!num_outputs_ && !split_.present()) info.fail("neither the 'split' input nor the 'num_outputs' attribute is given");
      if (num_outputs_ && *num_outputs_ != outputs_)
        info.fail("attribute 'num_outputs' is " + std::to_string(*num_outputs_) + " but the node has " +
                  std::to_string(outputs_) + " outputs");
    }
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const auto rank = static_cast<int64_t>(in.rank());
    if (rank == 0) ctx.fail("cannot split a scalar");
    const auto axis = static_cast<size_t>(normalize_axis(axis_, rank, ctx));
    const int64_t dim = in.shape()[axis];
    // An empty 'split' input counts as absent (as ORT).
    std::vector<int64_t> sizes = split_.get(ctx);
    if (!sizes.empty()) {
      if (static_cast<int64_t>(sizes.size()) != outputs_)
        ctx.fail("'split' has " + std::to_string(sizes.size()) + " entries but the node has " + std::to_string(outputs_) +
                 " outputs");
      int64_t total = 0;
      for (int64_t s : sizes) {
        if (s < 0) ctx.fail("'split' has a negative size " + std::to_string(s));
        if (__builtin_add_overflow(total, s, &total)) ctx.fail("'split' sizes overflow");
      }
      if (total != dim)
        ctx.fail("'split' sizes add up to " + std::to_string(total) + " but axis " + std::to_string(axis) + " has " +
                 std::to_string(dim));
    } else if (num_outputs_) {
      const int64_t chunk = (dim + outputs_ - 1) / outputs_;
      const int64_t last = dim - chunk * (outputs_ - 1);
      if (last < 0)
        ctx.fail("num_outputs " + std::to_string(outputs_) + " would give a negative last piece for size " + std::to_string(dim));
      sizes.assign(static_cast<size_t>(outputs_), chunk);
      sizes.back() = last;
    } else {
      if (dim % outputs_ != 0)
        ctx.fail("axis " + std::to_string(axis) + " of size " + std::to_string(dim) + " cannot be split evenly into " +
                 std::to_string(outputs_) + " outputs");
      sizes.assign(static_cast<size_t>(outputs_), dim / outputs_);
    }

    const int64_t outer = dims_product(in.shape(), 0, axis);
    const int64_t inner = dims_product(in.shape(), axis + 1, in.rank());
    dispatch_by_width(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* src = elements<T>(in);
      int64_t start = 0;
      for (size_t k = 0; k < sizes.size(); ++k) {
        Shape shape = in.shape();
        shape[axis] = sizes[k];
        if (ctx.wants_output(k)) {
          Tensor& out = ctx.output(k, in.dtype(), shape);
          T* dst = mutable_elements<T>(out);
          const int64_t block = sizes[k] * inner;
          for (int64_t o = 0; o < outer; ++o) copy_elements(src + o * dim * inner + start * inner, block, dst + o * block);
        }
        start += sizes[k];
      }
    });
  }

 private:
  int64_t axis_;
  int64_t outputs_;
  IntListArg split_;
  std::optional<int64_t> num_outputs_;
};

}  // namespace

void register_concat_split_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "Concat", 1, 13, &build_kernel<ConcatKernel>);
  r.add("ai.onnx", "Split", 2, 18, &build_kernel<SplitKernel>);
}

}  // namespace onnxfn::ops
