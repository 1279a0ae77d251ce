// CompiledGraph: one graph (the main graph or a control-flow body) turned into an execution plan:
// value slots, a kernel per node, constants folded, and the step after which each slot dies so
// its buffer can be reused within the same call.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/kernel.h"
#include "engine/kernel_registry.h"
#include "engine/thread_pool.h"
#include "model/model.h"

namespace onnxfn {

// The values of one running graph, reachable by name from nested graphs (outer scope).
class Scope {
 public:
  virtual ~Scope() = default;
  virtual const Value* lookup(const std::string& name) const = 0;
};

class CompiledGraph {
 public:
  // `outer` resolves names defined by enclosing graphs (null for the main graph); `kernels` picks
  // each node's kernel and must outlive the graph. Throws Unsupported listing every node without
  // a kernel. `owned_graph` is `graph` itself when the caller owns it mutably and lets kernels free
  // attribute lists they have compiled (KernelBuildInfo::release_lists); null otherwise.
  // `build_threads`: a pool kernels may split their build over (KernelBuildInfo::build_threads).
  CompiledGraph(const Graph& graph, const Model& model, const KernelRegistry& kernels, const CompiledGraph* outer,
                Graph* owned_graph = nullptr, ThreadPool* build_threads = nullptr);
  ~CompiledGraph();

  // Runs with one value per graph input (in graph order); returns one value per graph output.
  // `outer_scope` supplies outer-scope values (null for the main graph).
  std::vector<Value> run(std::vector<Value> inputs, const Scope* outer_scope, ThreadPool& threads) const;

  const Graph& graph() const { return graph_; }
  const KernelRegistry& kernels() const { return kernels_; }
  size_t step_count() const { return steps_.size(); }
  // Each step's node and kernel, in run order (nodes folded into constants are not steps).
  std::vector<std::pair<const Node*, const Kernel*>> step_kernels() const {
    std::vector<std::pair<const Node*, const Kernel*>> out;
    for (const Step& s : steps_) out.emplace_back(s.node, s.kernel.get());
    return out;
  }
  // True if `name` is defined here or in an enclosing graph.
  bool defines(const std::string& name) const;

 private:
  struct Step {
    const Node* node;
    std::unique_ptr<Kernel> kernel;
    std::vector<int> inputs;   // slot per input, -1 when omitted
    std::vector<int> outputs;  // slot per output, -1 when omitted
    std::vector<int> release;  // slots whose last use is this step
    std::vector<int> captures; // slots that the node's subgraphs read from this graph
  };
  class RunScope;

  int slot(const std::string& name);  // creates on first use; outer-scope names get an outer slot
  void plan_lifetimes();

  const Graph& graph_;
  const KernelRegistry& kernels_;
  const CompiledGraph* outer_;
  std::unordered_map<std::string, int> slots_;
  std::vector<std::string> slot_names_;
  std::vector<bool> slot_is_outer_;
  std::vector<Step> steps_;
  std::vector<std::pair<int, Tensor>> constants_;
  std::vector<int> input_slots_;
  std::vector<int> output_slots_;
};

// Called by KernelBuildInfo::compile_subgraph for control-flow operators: the body uses the
// kernels of the graph that encloses it.
std::unique_ptr<CompiledGraph> compile_subgraph(const Graph& graph, const Model& model, const CompiledGraph& outer);

}  // namespace onnxfn
