// CompiledGraph: kernel selection, constant folding, buffer lifetimes, and the run loop.
#include "engine/compiled_graph.h"

#include <set>

namespace onnxfn {

class CompiledGraph::RunScope : public Scope {
 public:
  RunScope(const CompiledGraph& g, std::vector<Value>& slots, const Scope* outer) : g_(g), slots_(slots), outer_(outer) {}
  const Value* lookup(const std::string& name) const override {
    auto it = g_.slots_.find(name);
    if (it != g_.slots_.end() && !g_.slot_is_outer_[static_cast<size_t>(it->second)]) {
      const Value& v = slots_[static_cast<size_t>(it->second)];
      return v.empty() ? nullptr : &v;
    }
    return outer_ ? outer_->lookup(name) : nullptr;
  }

 private:
  const CompiledGraph& g_;
  std::vector<Value>& slots_;
  const Scope* outer_;
};

namespace {

// Names a graph (or any graph nested in it) reads without defining them: its outer-scope uses.
void collect_free_names(const Graph& g, std::set<std::string>& free) {
  std::set<std::string> defined;
  for (const auto& i : g.inputs) defined.insert(i.name);
  for (const auto& i : g.initializers) defined.insert(i.name);
  for (const Node& n : g.nodes)
    for (const auto& o : n.outputs) defined.insert(o);
  std::set<std::string> used;
  for (const Node& n : g.nodes) {
    for (const auto& in : n.inputs)
      if (!in.empty()) used.insert(in);
    for (const Attribute& a : n.attributes) {
      if (a.g) collect_free_names(*a.g, used);
      for (const auto& sub : a.graphs) collect_free_names(*sub, used);
    }
  }
  for (const auto& o : g.outputs) used.insert(o.name);
  for (const auto& u : used)
    if (!defined.count(u)) free.insert(u);
}

// ONNX Runtime refuses at load a graph output whose declared type contradicts the type its node
// produces ("Type Error: Type (tensor(double)) of output arg (Y) of node (lin) does not match
// expected type (tensor(float))"): a different element type, or a tensor declared where the
// node yields a sequence or map. Unknown on either side is no contradiction. A declared rank or
// dimension that differs is not refused (ONNX Runtime only warns and merges leniently, measured
// with onnxruntime 1.2x on LinearRegressor declared [N] and [N,1,1]), so neither is it here.
void check_declared_output(const ValueInfo& declared, const Node& node, size_t index, const OutputType& yields) {
  const TypeInfo& type = declared.type;
  if (yields.kind == TypeInfo::Kind::Unknown || type.kind == TypeInfo::Kind::Unknown) return;
  const bool kind_differs = yields.kind != type.kind;
  const bool elem_differs = !kind_differs && type.kind == TypeInfo::Kind::Tensor && yields.elem != DType::Undefined &&
                            type.elem != DType::Undefined && yields.elem != type.elem;
  if (!kind_differs && !elem_differs) return;
  auto kind_text = [](TypeInfo::Kind kind) -> std::string {
    switch (kind) {
      case TypeInfo::Kind::Tensor: return "a tensor";
      case TypeInfo::Kind::SparseTensor: return "a sparse tensor";
      case TypeInfo::Kind::Sequence: return "a sequence";
      case TypeInfo::Kind::Map: return "a map";
      case TypeInfo::Kind::Optional: return "an optional";
      case TypeInfo::Kind::Unknown: break;
    }
    return "unknown";
  };
  std::string produced_text = yields.kind == TypeInfo::Kind::Tensor ? "tensor(" + dtype_name(yields.elem) + ")" : kind_text(yields.kind);
  std::string declared_text = type.kind == TypeInfo::Kind::Tensor ? "tensor(" + dtype_name(type.elem) + ")" : type.to_string();
  throw_error(ErrorKind::BadModel, node.label() + ": output " + std::to_string(index) + " '" + declared.name + "' is " + produced_text +
                                       ", but the graph declares it as " + declared_text);
}

// The frame used while folding constants at load time: only constants exist.
class ConstantScope : public Scope {
 public:
  const Value* lookup(const std::string&) const override { return nullptr; }
};

}  // namespace

std::unique_ptr<CompiledGraph> compile_subgraph(const Graph& graph, const Model& model, const CompiledGraph& outer) {
  return std::make_unique<CompiledGraph>(graph, model, outer.kernels(), &outer);
}

std::unique_ptr<CompiledGraph> KernelBuildInfo::compile_subgraph(const Graph& body) const {
  ONNXFN_ASSERT(owner_ != nullptr);  // kernels are built by a CompiledGraph, which passes itself
  return onnxfn::compile_subgraph(body, model_, *owner_);
}

CompiledGraph::~CompiledGraph() = default;

bool CompiledGraph::defines(const std::string& name) const {
  auto it = slots_.find(name);
  if (it != slots_.end() && !slot_is_outer_[static_cast<size_t>(it->second)]) return true;
  return outer_ && outer_->defines(name);
}

int CompiledGraph::slot(const std::string& name) {
  auto [it, inserted] = slots_.emplace(name, static_cast<int>(slot_names_.size()));
  if (inserted) {
    slot_names_.push_back(name);
    slot_is_outer_.push_back(false);
  }
  return it->second;
}

CompiledGraph::CompiledGraph(const Graph& graph, const Model& model, const KernelRegistry& kernels, const CompiledGraph* outer,
                             Graph* owned_graph, ThreadPool* build_threads)
    : graph_(graph), kernels_(kernels), outer_(outer) {

  // Every unsupported operator is reported at once, before anything is built.
  std::set<std::string> problems;
  std::vector<KernelRegistry::Resolution> resolved;
  resolved.reserve(graph.nodes.size());
  for (const Node& n : graph.nodes) {
    resolved.push_back(kernels_.resolve(n.domain, n.op_type, model.opset(n.domain)));
    if (!resolved.back().factory) problems.insert(resolved.back().problem);
  }
  for (const Initializer& init : graph.initializers)
    if (!init.tensor.defined())
      problems.insert("initializer '" + init.name + "' has element type " + dtype_name(init.dtype) + ", which onnxfn does not support");
  if (!problems.empty()) {
    std::string msg = "the model uses operators or types onnxfn does not support:";
    for (const auto& p : problems) msg += "\n  - " + p;
    throw_error(ErrorKind::Unsupported, msg);
  }

  for (const ValueInfo& in : graph.inputs) input_slots_.push_back(slot(in.name));
  std::unordered_map<int, const Tensor*> constant_of;
  for (const Initializer& init : graph.initializers) {
    int s = slot(init.name);
    constants_.emplace_back(s, init.tensor);
  }
  // Graph inputs shadow initializers of the same name (IR >= 4 default values): the caller's
  // value wins, so such initializers are not treated as constants for folding.
  std::set<int> input_set(input_slots_.begin(), input_slots_.end());
  for (auto& [s, t] : constants_)
    if (!input_set.count(s)) constant_of[s] = &t;

  auto slot_of_use = [&](const std::string& name) -> int {
    if (name.empty()) return -1;
    if (!slots_.count(name) && outer_ && outer_->defines(name)) {
      int s = slot(name);
      slot_is_outer_[static_cast<size_t>(s)] = true;
      return s;
    }
    return slot(name);
  };

  ThreadPool fold_threads(1);
  BufferPool fold_buffers;
  ConstantScope no_scope;
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    const Node& n = graph.nodes[k];
    Step step;
    step.node = &n;
    std::vector<const Tensor*> constants;
    bool all_constant = true;
    for (const std::string& in : n.inputs) {
      int s = slot_of_use(in);
      step.inputs.push_back(s);
      auto it = constant_of.find(s);
      constants.push_back(s >= 0 && it != constant_of.end() ? it->second : nullptr);
      if (s >= 0 && it == constant_of.end()) all_constant = false;
    }
    for (const std::string& out : n.outputs) step.outputs.push_back(out.empty() ? -1 : slot(out));
    bool has_subgraph = false;
    std::set<std::string> captured;
    for (const Attribute& a : n.attributes) {
      has_subgraph |= a.g || !a.graphs.empty();
      if (a.g) collect_free_names(*a.g, captured);
      for (const auto& sub : a.graphs) collect_free_names(*sub, captured);
    }
    // Values the bodies read must stay alive (and be computed) until this step has run.
    for (const std::string& name : captured)
      if (slots_.count(name) || (outer_ && outer_->defines(name))) step.captures.push_back(slot_of_use(name));

    KernelBuildInfo info(n, resolved[k].version, constants, model, this,
                         owned_graph == &graph ? &owned_graph->nodes[k] : nullptr, build_threads);
    step.kernel = resolved[k].factory(info);
    for (size_t i = 0; i < n.outputs.size(); ++i)
      for (const ValueInfo& declared : graph.outputs)
        if (!n.outputs[i].empty() && declared.name == n.outputs[i]) check_declared_output(declared, n, i, step.kernel->output_type(i));

    if (all_constant && !has_subgraph && step.kernel->foldable()) {
      // Initializer-only subgraph: run it once now and keep its outputs as constants.
      std::vector<const Value*> in_ptrs;
      std::vector<Value> in_values;
      in_values.reserve(constants.size());
      for (const Tensor* t : constants) in_values.push_back(t ? Value(*t) : Value());
      for (const Value& v : in_values) in_ptrs.push_back(v.empty() ? nullptr : &v);
      std::vector<Value> out_values(n.outputs.size());
      std::vector<Value*> out_ptrs;
      for (size_t i = 0; i < out_values.size(); ++i) out_ptrs.push_back(n.outputs[i].empty() ? nullptr : &out_values[i]);
      try {
        KernelContext ctx(n, in_ptrs, out_ptrs, fold_buffers, fold_threads, no_scope);
        step.kernel->run(ctx);
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::ResourceLimit) throw;
        throw_error(ErrorKind::BadModel, std::string("while folding constants: ") + e.what());
      }
      bool all_tensors = true;
      for (size_t i = 0; i < out_values.size(); ++i)
        if (out_ptrs[i] && !out_values[i].is_tensor()) all_tensors = false;
      if (all_tensors) {
        for (size_t i = 0; i < out_values.size(); ++i) {
          if (!out_ptrs[i]) continue;
          constants_.emplace_back(step.outputs[i], std::get<Tensor>(std::move(out_values[i].v)));
        }
        // constants_ may have reallocated: rebuild the pointer index.
        constant_of.clear();
        for (auto& [s, t] : constants_)
          if (!input_set.count(s)) constant_of[s] = &t;
        continue;
      }
    }
    steps_.push_back(std::move(step));
  }

  for (const ValueInfo& out : graph.outputs) output_slots_.push_back(slot_of_use(out.name));
  plan_lifetimes();
}

void CompiledGraph::plan_lifetimes() {
  std::vector<int> last_use(slot_names_.size(), -1);
  for (size_t k = 0; k < steps_.size(); ++k) {
    for (const auto* uses : {&steps_[k].inputs, &steps_[k].captures})
      for (int s : *uses)
        if (s >= 0) last_use[static_cast<size_t>(s)] = static_cast<int>(k);
    for (int s : steps_[k].outputs)  // an output nobody reads dies right after its step
      if (s >= 0 && last_use[static_cast<size_t>(s)] < static_cast<int>(k)) last_use[static_cast<size_t>(s)] = static_cast<int>(k);
  }
  for (int s : output_slots_)
    if (s >= 0) last_use[static_cast<size_t>(s)] = -1;  // graph outputs live until the end
  for (size_t s = 0; s < last_use.size(); ++s)
    if (last_use[s] >= 0) steps_[static_cast<size_t>(last_use[s])].release.push_back(static_cast<int>(s));
  // Outputs that nobody reads are not computed at all when the kernel can skip them.
  std::vector<bool> read(slot_names_.size(), false);
  for (const Step& st : steps_)
    for (const auto* uses : {&st.inputs, &st.captures})
      for (int s : *uses)
        if (s >= 0) read[static_cast<size_t>(s)] = true;
  for (int s : output_slots_)
    if (s >= 0) read[static_cast<size_t>(s)] = true;
  for (Step& st : steps_)
    for (int& s : st.outputs)
      if (s >= 0 && !read[static_cast<size_t>(s)]) s = -1;
}

std::vector<Value> CompiledGraph::run(std::vector<Value> inputs, const Scope* outer_scope, ThreadPool& threads) const {
  ONNXFN_ASSERT(inputs.size() == input_slots_.size());
  std::vector<Value> slots(slot_names_.size());
  for (const auto& [s, t] : constants_) slots[static_cast<size_t>(s)] = Value(t);
  for (size_t i = 0; i < inputs.size(); ++i) slots[static_cast<size_t>(input_slots_[i])] = std::move(inputs[i]);
  for (size_t s = 0; s < slots.size(); ++s) {
    if (!slot_is_outer_[s]) continue;
    const Value* v = outer_scope ? outer_scope->lookup(slot_names_[s]) : nullptr;
    if (!v) throw_error(ErrorKind::Internal, "internal error: outer-scope value '" + slot_names_[s] + "' is not available");
    slots[s] = *v;
  }
  RunScope frame(*this, slots, outer_scope);
  BufferPool buffers;
  std::vector<const Value*> in_ptrs;
  std::vector<Value*> out_ptrs;
  for (const Step& step : steps_) {
    in_ptrs.clear();
    out_ptrs.clear();
    for (int s : step.inputs) in_ptrs.push_back(s >= 0 ? &slots[static_cast<size_t>(s)] : nullptr);
    for (int s : step.outputs) out_ptrs.push_back(s >= 0 ? &slots[static_cast<size_t>(s)] : nullptr);
    KernelContext ctx(*step.node, in_ptrs, out_ptrs, buffers, threads, frame);
    step.kernel->run(ctx);
    for (int s : step.release) {
      Value& v = slots[static_cast<size_t>(s)];
      if (auto* t = std::get_if<Tensor>(&v.v)) {
        std::shared_ptr<Storage> storage = t->storage();
        v = Value();
        buffers.give(std::move(storage));
      } else {
        v = Value();
      }
    }
  }
  std::vector<Value> outputs;
  outputs.reserve(output_slots_.size());
  for (size_t i = 0; i < output_slots_.size(); ++i) {
    int s = output_slots_[i];
    bool reused_later = false;
    for (size_t j = i + 1; j < output_slots_.size(); ++j) reused_later |= output_slots_[j] == s;
    if (reused_later) outputs.push_back(slots[static_cast<size_t>(s)]);
    else outputs.push_back(std::move(slots[static_cast<size_t>(s)]));
  }
  return outputs;
}

}  // namespace onnxfn
