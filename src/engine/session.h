// Session: a Model compiled for execution (DESIGN.md, Core objects: Session).
//
//   Session s(load_model("model.onnx"), ops::all_kernels(), {.threads = 0});  // 0: the CPUs the process may use
//   NamedValues out = s.run({{"X", Value(tensor)}});       // const: call from many threads at once
//
// Creation picks a kernel per node (domain, op type, operator version) from the registry it is
// given (ops::all_kernels() above the engine; a test may pass its own), reports every
// unsupported operator in one Unsupported error, folds initializer-only subgraphs, and plans
// buffer lifetimes. run() keeps all per-call state in the call.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/named_values.h"
#include "common/value.h"
#include "engine/compiled_graph.h"
#include "engine/kernel.h"
#include "engine/kernel_registry.h"
#include "engine/thread_pool.h"
#include "model/model.h"

namespace onnxfn {

struct SessionOptions {
  int threads = 0;  // intra-op threads including the caller; 0 = available_cpus()
};

class Session {
 public:
  // `kernels` must outlive the Session.
  Session(Model model, const KernelRegistry& kernels, const SessionOptions& options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Feeds the named inputs, returns every graph output in model order. Throws BadInput for
  // unknown, missing or mistyped inputs and for inputs that a kernel rejects.
  NamedValues run(const NamedValues& inputs) const;

  const Model& model() const { return model_; }
  const std::vector<ValueInfo>& inputs() const { return model_.graph.inputs; }
  const std::vector<ValueInfo>& outputs() const { return model_.graph.outputs; }
  int threads() const { return pool_->size(); }
  // The session's intra-op pool, shared with callers that split work around run() (the pipeline).
  ThreadPool& thread_pool() const { return *pool_; }
  // Nodes left to run after constant folding.
  size_t step_count() const { return graph_->step_count(); }
  const CompiledGraph& compiled_graph() const { return *graph_; }

 private:
  void check_input(const ValueInfo& info, const Value& value) const;

  Model model_;
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<CompiledGraph> graph_;
};

}  // namespace onnxfn
