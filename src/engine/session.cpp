// Session: input checking around the main graph's CompiledGraph.
#include "engine/session.h"


namespace onnxfn {

Session::Session(Model model, const KernelRegistry& kernels, const SessionOptions& options) : model_(std::move(model)) {
  // The session owns its Model: kernels may free the attribute lists they compiled (a forest's
  // node lists are as large as its compiled layout, and nothing reads them after the build).
  // The pool first: kernels may split their build over it (a large forest's layout).
  int threads = options.threads > 0 ? options.threads : available_cpus();
  pool_ = std::make_unique<ThreadPool>(threads);
  graph_ = std::make_unique<CompiledGraph>(model_.graph, model_, kernels, nullptr, &model_.graph, pool_.get());
}

Session::~Session() = default;

void Session::check_input(const ValueInfo& info, const Value& value) const {
  const TypeInfo& type = info.type;
  std::string what = "input '" + info.name + "'";
  switch (type.kind) {
    case TypeInfo::Kind::Tensor: {
      if (!value.is_tensor()) throw_error(ErrorKind::BadInput, what + ": expected a tensor, got " + value.describe());
      const Tensor& t = std::get<Tensor>(value.v);
      if (type.elem != DType::Undefined && t.dtype() != type.elem)
        throw_error(ErrorKind::BadInput, what + ": expected element type " + dtype_name(type.elem) + ", got " + dtype_name(t.dtype()));
      if (!type.shape) return;
      if (t.rank() != type.shape->size())
        throw_error(ErrorKind::BadInput, what + ": expected rank " + std::to_string(type.shape->size()) + " (shape " +
                                             type.to_string() + "), got shape " + shape_to_string(t.shape()));
      for (size_t d = 0; d < t.rank(); ++d) {
        const Dim& dim = (*type.shape)[d];
        if (dim.value && *dim.value != t.dim(d))
          throw_error(ErrorKind::BadInput, what + ": dimension " + std::to_string(d) + " is " + std::to_string(t.dim(d)) +
                                               ", the model expects " + std::to_string(*dim.value) + " (" + type.to_string() + ")");
      }
      return;
    }
    case TypeInfo::Kind::Sequence:
      if (!value.is_sequence()) throw_error(ErrorKind::BadInput, what + ": expected a sequence, got " + value.describe());
      return;
    case TypeInfo::Kind::Map:
      if (!value.is_map()) throw_error(ErrorKind::BadInput, what + ": expected a map, got " + value.describe());
      return;
    default:
      return;
  }
}

NamedValues Session::run(const NamedValues& inputs) const {
  const auto& declared = model_.graph.inputs;
  std::vector<Value> ordered(declared.size());
  std::vector<bool> given(declared.size(), false);
  for (const auto& [name, value] : inputs) {
    size_t i = 0;
    while (i < declared.size() && declared[i].name != name) ++i;
    if (i == declared.size()) {
      std::string names;
      for (const auto& d : declared) names += (names.empty() ? "" : ", ") + d.name;
      throw_error(ErrorKind::BadInput, "unknown input '" + name + "' (the model's inputs are: " + names + ")");
    }
    if (given[i]) throw_error(ErrorKind::BadInput, "input '" + name + "' is given twice");
    check_input(declared[i], value);
    ordered[i] = value;
    given[i] = true;
  }
  for (size_t i = 0; i < declared.size(); ++i)
    if (!given[i]) throw_error(ErrorKind::BadInput, "missing input '" + declared[i].name + "' (" + declared[i].type.to_string() + ")");

  std::vector<Value> outs = graph_->run(std::move(ordered), nullptr, *pool_);
  NamedValues result;
  result.reserve(outs.size());
  for (size_t i = 0; i < outs.size(); ++i) result.emplace_back(model_.graph.outputs[i].name, std::move(outs[i]));
  return result;
}

}  // namespace onnxfn
