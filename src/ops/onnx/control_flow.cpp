// Control flow with subgraph bodies: Scan (skl2onnx's KNN distance loop) and If. Bodies are
// compiled once at session creation (CompiledGraph) and read the enclosing graph's values
// through the running Scope.
#include "engine/compiled_graph.h"
#include "ops/onnx/register.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// The slice `index` of `t` along `axis`, with that axis removed.
Tensor slice_along(const Tensor& t, int64_t axis, int64_t index, const KernelContext& ctx) {
  Shape shape = t.shape();
  std::vector<int64_t> strides = contiguous_strides(shape);
  int64_t offset = index * strides[static_cast<size_t>(axis)];
  shape.erase(shape.begin() + axis);
  strides.erase(strides.begin() + axis);
  Tensor out = Tensor::zeros(t.dtype(), shape);
  dispatch_by_width(t.dtype(), ctx, [&](auto carrier) {
    using T = decltype(carrier);
    strided_copy(elements<T>(t) + offset, shape, strides, mutable_elements<T>(out));
  });
  return out;
}

// Stacks equally shaped slices into one tensor with a new dimension at `axis`.
void stack_into(const std::vector<Tensor>& slices, int64_t axis, Tensor& out, const KernelContext& ctx) {
  const Shape& slice_shape = slices.front().shape();
  const int64_t count = static_cast<int64_t>(slices.size());
  int64_t slice_numel = slices.front().numel();
  // First stack along axis 0 densely, then move that axis to `axis` with one strided copy.
  Shape stacked_shape = slice_shape;
  stacked_shape.insert(stacked_shape.begin(), count);
  Tensor stacked = axis == 0 ? out : Tensor::zeros(out.dtype(), stacked_shape);
  dispatch_by_width(out.dtype(), ctx, [&](auto carrier) {
    using T = decltype(carrier);
    T* dst = mutable_elements<T>(stacked);
    for (int64_t i = 0; i < count; ++i) {
      if (slices[static_cast<size_t>(i)].shape() != slice_shape)
        ctx.fail("scan output slices have different shapes: " + shape_to_string(slice_shape) + " and " +
                 shape_to_string(slices[static_cast<size_t>(i)].shape()));
      copy_elements(elements<T>(slices[static_cast<size_t>(i)]), slice_numel, dst + i * slice_numel);
    }
    if (axis == 0) return;
    std::vector<int64_t> src = contiguous_strides(stacked_shape);
    std::vector<int64_t> strides(src.begin() + 1, src.end());
    strides.insert(strides.begin() + axis, src[0]);
    strided_copy(elements<T>(stacked), out.shape(), strides, mutable_elements<T>(out));
  });
}

// ONNX Scan (opset 9+): N loop-carried states, then M scan inputs sliced along their axes.
class ScanKernel final : public Kernel {
 public:
  explicit ScanKernel(const KernelBuildInfo& info) {
    const Node& n = info.node();
    const Graph* body = n.find_graph("body");
    if (!body) info.fail("attribute 'body' is missing");
    num_scan_inputs_ = n.require_int("num_scan_inputs");
    int64_t num_inputs = static_cast<int64_t>(n.inputs.size());
    if (num_scan_inputs_ < 1 || num_scan_inputs_ > num_inputs)
      info.fail("num_scan_inputs " + std::to_string(num_scan_inputs_) + " does not fit " + std::to_string(num_inputs) + " inputs");
    num_states_ = num_inputs - num_scan_inputs_;
    if (static_cast<int64_t>(body->inputs.size()) != num_inputs)
      info.fail("the body takes " + std::to_string(body->inputs.size()) + " inputs, the node has " + std::to_string(num_inputs));
    num_scan_outputs_ = static_cast<int64_t>(body->outputs.size()) - num_states_;
    if (num_scan_outputs_ < 0 || static_cast<int64_t>(n.outputs.size()) > num_states_ + num_scan_outputs_)
      info.fail("the body's outputs do not match the node's loop states and scan outputs");
    input_axes_ = n.find_ints("scan_input_axes").value_or(std::vector<int64_t>(static_cast<size_t>(num_scan_inputs_), 0));
    input_dirs_ = n.find_ints("scan_input_directions").value_or(std::vector<int64_t>(static_cast<size_t>(num_scan_inputs_), 0));
    output_axes_ = n.find_ints("scan_output_axes").value_or(std::vector<int64_t>(static_cast<size_t>(num_scan_outputs_), 0));
    output_dirs_ = n.find_ints("scan_output_directions").value_or(std::vector<int64_t>(static_cast<size_t>(num_scan_outputs_), 0));
    if (static_cast<int64_t>(input_axes_.size()) != num_scan_inputs_ || static_cast<int64_t>(input_dirs_.size()) != num_scan_inputs_)
      info.fail("scan_input_axes/scan_input_directions need " + std::to_string(num_scan_inputs_) + " entries");
    if (static_cast<int64_t>(output_axes_.size()) != num_scan_outputs_ || static_cast<int64_t>(output_dirs_.size()) != num_scan_outputs_)
      info.fail("scan_output_axes/scan_output_directions need " + std::to_string(num_scan_outputs_) + " entries");
    body_ = info.compile_subgraph(*body);
  }

  void run(KernelContext& ctx) const override {
    const size_t states = static_cast<size_t>(num_states_);
    std::vector<Value> state(states);
    for (size_t i = 0; i < states; ++i) state[i] = ctx.input_value(i);
    std::vector<const Tensor*> scans;
    std::vector<int64_t> axes;
    int64_t length = -1;
    for (int64_t j = 0; j < num_scan_inputs_; ++j) {
      const Tensor& t = ctx.input(states + static_cast<size_t>(j));
      int64_t axis = normalize_axis(input_axes_[static_cast<size_t>(j)], static_cast<int64_t>(t.rank()), ctx);
      if (t.rank() == 0) ctx.fail("scan input " + std::to_string(j) + " is a scalar");
      int64_t len = t.dim(static_cast<size_t>(axis));
      if (length >= 0 && len != length)
        ctx.fail("scan inputs have different sequence lengths: " + std::to_string(length) + " and " + std::to_string(len));
      length = len;
      scans.push_back(&t);
      axes.push_back(axis);
    }
    std::vector<std::vector<Tensor>> slices(static_cast<size_t>(num_scan_outputs_));
    for (int64_t step = 0; step < length; ++step) {
      std::vector<Value> body_inputs = state;
      for (size_t j = 0; j < scans.size(); ++j) {
        int64_t at = input_dirs_[j] == 1 ? length - 1 - step : step;
        body_inputs.emplace_back(slice_along(*scans[j], axes[j], at, ctx));
      }
      std::vector<Value> outs = body_->run(std::move(body_inputs), &ctx.scope(), ctx.threads());
      for (size_t i = 0; i < states; ++i) state[i] = std::move(outs[i]);
      for (size_t k = 0; k < slices.size(); ++k) slices[k].push_back(outs[states + k].tensor("scan output"));
    }
    for (size_t i = 0; i < states; ++i) ctx.set_output(i, std::move(state[i]));
    for (size_t k = 0; k < slices.size(); ++k) {
      if (!ctx.wants_output(states + k)) continue;
      if (length <= 0) ctx.fail("scan over an empty sequence cannot produce scan outputs");
      auto& parts = slices[k];
      if (output_dirs_[k] == 1) std::reverse(parts.begin(), parts.end());
      Shape shape = parts.front().shape();
      int64_t axis = output_axes_[k];
      int64_t out_rank = static_cast<int64_t>(shape.size()) + 1;
      if (axis < -out_rank || axis >= out_rank) ctx.fail("scan_output_axes entry " + std::to_string(axis) + " is out of range");
      if (axis < 0) axis += out_rank;
      shape.insert(shape.begin() + axis, length);
      Tensor& out = ctx.output(states + k, parts.front().dtype(), shape);
      stack_into(parts, axis, out, ctx);
    }
  }

 private:
  int64_t num_scan_inputs_ = 0, num_states_ = 0, num_scan_outputs_ = 0;
  std::vector<int64_t> input_axes_, input_dirs_, output_axes_, output_dirs_;
  std::unique_ptr<CompiledGraph> body_;
};

// ONNX If: runs then_branch or else_branch by a boolean scalar.
class IfKernel final : public Kernel {
 public:
  explicit IfKernel(const KernelBuildInfo& info) {
    const Graph* then_graph = info.node().find_graph("then_branch");
    const Graph* else_graph = info.node().find_graph("else_branch");
    if (!then_graph || !else_graph) info.fail("attributes 'then_branch' and 'else_branch' are required");
    if (!then_graph->inputs.empty() || !else_graph->inputs.empty()) info.fail("If branches take no inputs");
    if (then_graph->outputs.size() != else_graph->outputs.size() || then_graph->outputs.size() < info.node().outputs.size())
      info.fail("the branches must produce the node's outputs");
    then_ = info.compile_subgraph(*then_graph);
    else_ = info.compile_subgraph(*else_graph);
  }
  bool foldable() const override { return false; }

  void run(KernelContext& ctx) const override {
    const Tensor& cond = ctx.input(0);
    if (cond.numel() != 1 || cond.dtype() != DType::Bool) ctx.fail("the condition must be a single bool");
    const CompiledGraph& branch = cond.data<bool>()[0] ? *then_ : *else_;
    std::vector<Value> outs = branch.run({}, &ctx.scope(), ctx.threads());
    for (size_t i = 0; i < ctx.output_count(); ++i) ctx.set_output(i, std::move(outs[i]));
  }

 private:
  std::unique_ptr<CompiledGraph> then_, else_;
};

}  // namespace

void register_control_flow_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "Scan", 9, 25, build_kernel<ScanKernel>);
  r.add("ai.onnx", "If", 1, 25, build_kernel<IfKernel>);
}

}  // namespace onnxfn::ops
