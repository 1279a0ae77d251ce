// The kernel interface: a Kernel is built once per node at session creation (attributes parsed
// and checked, constant inputs pre-processed) and run many times, concurrently, through a
// KernelContext that holds one call's inputs, outputs and scratch.
#pragma once

#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/value.h"
#include "model/model.h"

namespace onnxfn {

class ThreadPool;
class KernelContext;
class CompiledGraph;
class Scope;

// What a kernel yields at one output whatever the call's inputs, as far as it knows at build time:
// a tensor of float for a regressor's scores, a sequence for ZipMap. Unknown parts stay unknown.
struct OutputType {
  TypeInfo::Kind kind = TypeInfo::Kind::Unknown;  // Unknown: depends on the inputs, or not said
  DType elem = DType::Undefined;                  // tensors: Undefined when it follows an input
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual void run(KernelContext& ctx) const = 0;
  // False for kernels whose outputs must not be computed at load time (random generators).
  virtual bool foldable() const { return true; }
  // What output i always is. The engine refuses a graph whose declared output type contradicts
  // it, as ONNX Runtime's type check at load does.
  virtual OutputType output_type(size_t /*i*/) const { return {}; }
  // What the kernel compiled its attributes into, for `inspect`: tree ensembles report their node
  // count and the bytes of their layouts. All zero for kernels with nothing to report.
  struct Footprint {
    uint64_t tree_nodes = 0;
    uint64_t compiled_bytes = 0;    // the layout single rows walk, built at session creation
    uint64_t batch_plan_bytes = 0;  // the batch layout (built on first batch; built here to measure it)
  };
  virtual Footprint footprint() const { return {}; }
};

// What a kernel factory sees of its node at session creation.
class KernelBuildInfo {
 public:
  KernelBuildInfo(const Node& node, int64_t version, std::vector<const Tensor*> constants, const Model& model,
                  const CompiledGraph* owner, Node* owned_node = nullptr, ThreadPool* build_threads = nullptr)
      : node_(node),
        version_(version),
        constants_(std::move(constants)),
        model_(model),
        owner_(owner),
        owned_node_(owned_node),
        build_threads_(build_threads) {}

  const Node& node() const { return node_; }
  // The operator version whose semantics apply (resolved from the model's opset import).
  int64_t version() const { return version_; }
  const Model& model() const { return model_; }
  // The session's pool, for a kernel whose build is worth splitting (a large forest's layout);
  // null when the kernel is built outside a session's main graph: build on the caller alone.
  ThreadPool* build_threads() const { return build_threads_; }
  size_t input_count() const { return node_.inputs.size(); }
  bool has_input(size_t i) const { return i < node_.inputs.size() && !node_.inputs[i].empty(); }
  // Non-null when input i is an initializer or a value folded at load time.
  const Tensor* constant(size_t i) const { return i < constants_.size() ? constants_[i] : nullptr; }

  // Compiles a graph attribute (control-flow body) whose outer scope is this node's graph.
  std::unique_ptr<CompiledGraph> compile_subgraph(const Graph& body) const;

  // Frees the list values (and tensor) of attribute `name` once the kernel has compiled them, when
  // the session owns the node (the main graph of a Session; subgraphs and other callers keep
  // theirs). Afterwards the attribute reads as an empty list of its type: only for attributes the
  // kernel alone reads, at build time. Returns whether anything was freed.
  bool release_lists(std::string_view name) const;
  // Moves the list of Ints attribute `name` out when the session owns the node (as release_lists)
  // and the loader stored it as int32 (Attribute::ints32), after which the attribute reads as an
  // empty list; empty (and nothing changed) otherwise. Lets a kernel reuse a large list's memory.
  std::vector<int32_t> take_ints32(std::string_view name) const;
  // Returns the memory of lists released so far to the system (when the session owns the node),
  // so that what the kernel builds next does not raise the process's peak on top of them.
  void return_freed_memory() const;

  // Throws BadModel naming the node.
  [[noreturn]] void fail(const std::string& problem) const;
  // Throws Unsupported naming the node.
  [[noreturn]] void unsupported(const std::string& problem) const;

 private:
  const Node& node_;
  int64_t version_;
  std::vector<const Tensor*> constants_;
  const Model& model_;
  const CompiledGraph* owner_;
  Node* owned_node_;  // the same node as node_ when its lists may be released; null otherwise
  ThreadPool* build_threads_;
};

// Per-call buffers: storage released by dead values is handed to later allocations of one run.
class BufferPool {
 public:
  std::shared_ptr<Storage> take(size_t bytes);
  void give(std::shared_ptr<Storage> storage);

 private:
  std::vector<std::shared_ptr<Storage>> free_;
};

class KernelContext {
 public:
  KernelContext(const Node& node, std::span<const Value* const> inputs, std::span<Value*> outputs,
                BufferPool& pool, ThreadPool& threads, const Scope& scope)
      : node_(node), inputs_(inputs), outputs_(outputs), buffers_(pool), threads_(threads), scope_(scope) {}

  const Node& node() const { return node_; }
  size_t input_count() const { return inputs_.size(); }
  bool has_input(size_t i) const { return i < inputs_.size() && inputs_[i] && !inputs_[i]->empty(); }
  const Value& input_value(size_t i) const;
  // Input i as a tensor; BadInput naming the node when it is missing or not a tensor.
  const Tensor& input(size_t i) const;

  size_t output_count() const { return outputs_.size(); }
  bool wants_output(size_t i) const { return i < outputs_.size() && outputs_[i] != nullptr; }
  // Allocates output i, zero-filled; returns a tensor to write into. A dummy when the output
  // is not wanted, so kernels need not check.
  Tensor& output(size_t i, DType dtype, Shape shape);
  void set_output(size_t i, Value value);

  ThreadPool& threads() const { return threads_; }
  // The running graph's values, for control-flow bodies that read the outer scope.
  const Scope& scope() const { return scope_; }

  // Throws BadInput naming the node: shapes or values of this call's inputs are invalid.
  [[noreturn]] void fail(const std::string& problem) const;

 private:
  const Node& node_;
  std::span<const Value* const> inputs_;
  std::span<Value*> outputs_;
  BufferPool& buffers_;
  ThreadPool& threads_;
  const Scope& scope_;
  std::deque<Tensor> scratch_;  // outputs nobody wants; a deque keeps references stable
};

}  // namespace onnxfn
