// Constant and ConstantOfShape: tensors made from attributes. Constant's output is folded at
// load time like an initializer.
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// ONNX Constant: exactly one of value (v1), sparse_value (v11), value_float(s) / value_int(s) /
// value_string(s) (v12).
class ConstantKernel final : public Kernel {
 public:
  explicit ConstantKernel(const KernelBuildInfo& info) {
    const Node& node = info.node();
    int found = 0;
    for (const Attribute& a : node.attributes) {
      const bool typed_value = a.name.rfind("value_", 0) == 0;
      if (a.name != "value" && a.name != "sparse_value" && !typed_value) continue;
      ++found;
      if (a.name == "sparse_value") info.unsupported("attribute 'sparse_value' (sparse tensors) is not supported");
      if (typed_value && info.version() < 12)
        info.fail("attribute '" + a.name + "' needs opset 12 or later (version " + std::to_string(info.version()) + ")");
    }
    if (found != 1)
      info.fail("exactly one of the attributes value, value_float(s), value_int(s), value_string(s) must be set, got " +
                std::to_string(found));
    if (const Tensor* t = node.find_tensor("value")) {
      value_ = *t;
    } else if (auto f = node.find_float("value_float")) {
      value_ = Tensor::scalar<float>(*f);
    } else if (auto fs = node.find_floats("value_floats")) {
      value_ = Tensor::from_vector<float>({static_cast<int64_t>(fs->size())}, *fs);
    } else if (auto i = node.find_int("value_int")) {
      value_ = Tensor::scalar<int64_t>(*i);
    } else if (auto is = node.find_ints("value_ints")) {
      value_ = Tensor::from_vector<int64_t>({static_cast<int64_t>(is->size())}, *is);
    } else if (auto s = node.find_string("value_string")) {
      value_ = Tensor::from_strings({}, {*s});
    } else if (auto ss = node.find_strings("value_strings")) {
      value_ = Tensor::from_strings({static_cast<int64_t>(ss->size())}, *ss);
    } else {
      info.fail("unknown value attribute");
    }
    if (!value_.defined()) info.unsupported("the value's element type is not supported");
  }

  void run(KernelContext& ctx) const override { ctx.set_output(0, value_); }

 private:
  Tensor value_;
};

// ONNX ConstantOfShape: input 0 is the 1-D int64 shape; `value` is a one-element tensor
// (default float 0).
class ConstantOfShapeKernel final : public Kernel {
 public:
  explicit ConstantOfShapeKernel(const KernelBuildInfo& info) {
    if (const Tensor* t = info.node().find_tensor("value")) {
      if (!t->defined()) info.unsupported("the value's element type is not supported");
      if (t->numel() != 1 || t->rank() > 1)
        info.fail("attribute 'value' must hold exactly one element, got shape " + shape_to_string(t->shape()));
      value_ = t->reshaped({});
    } else {
      value_ = Tensor::scalar<float>(0.0f);
    }
  }

  void run(KernelContext& ctx) const override {
    const Tensor& shape_input = ctx.input(0);
    if (shape_input.rank() != 1) ctx.fail("the shape input must be 1-D, got shape " + shape_to_string(shape_input.shape()));
    Shape shape = read_int64s(shape_input, ctx);
    for (int64_t d : shape)
      if (d < 0) ctx.fail("the requested shape " + shape_to_string(shape) + " has a negative dimension");
    Tensor& out = ctx.output(0, value_.dtype(), shape);
    dispatch_by_width(value_.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      T* dst = mutable_elements<T>(out);
      std::fill(dst, dst + out.numel(), elements<T>(value_)[0]);
    });
  }

 private:
  Tensor value_;
};

}  // namespace

void register_constant_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "Constant", 1, 25, &build_kernel<ConstantKernel>);
  r.add("ai.onnx", "ConstantOfShape", 9, 25, &build_kernel<ConstantOfShapeKernel>);
}

}  // namespace onnxfn::ops
