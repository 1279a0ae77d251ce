// What `onnxfn inspect` reports about a model: versions, typed inputs and outputs, operators
// with their support status, initializer sizes and metadata; as text or as stable JSON
// (schema "onnxfn.inspect/1", documented in docs/inspect-json.md). The verdict (runnable, and
// the reasons when not) comes from building the Session that `predict` builds, so inspect says
// "can run" exactly when predict would load the model.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "common/error.h"
#include "model/model.h"

namespace onnxfn::cli {

struct OperatorUsage {
  std::string domain;
  std::string op_type;
  int64_t version = 0;  // effective operator version; 0 when the operator is unknown
  size_t count = 0;
  bool supported = false;
  std::string problem;  // why not, when unsupported
};

struct ModelReport {
  const Model* model = nullptr;
  std::string source;  // path as given
  std::vector<OperatorUsage> operators;  // sorted by domain, op type
  size_t node_count = 0;
  size_t initializer_count = 0;
  uint64_t initializer_bytes = 0;
  bool operators_supported = false;  // every operator and initializer type supported ("supported" in JSON)
  bool runnable = false;             // the Session (kernels, attributes, declared types) builds
  std::vector<std::string> reasons;  // why not, when not runnable: one line per problem
  // Tree ensembles of the main graph as the Session compiled them (when runnable).
  struct TreeEnsemble {
    std::string node;  // Node::label()
    uint64_t tree_nodes = 0, compiled_bytes = 0, batch_plan_bytes = 0;
  };
  std::vector<TreeEnsemble> tree_ensembles;
};

// Builds a Session over a copy of `model`, as `predict` would, to find the verdict.
ModelReport build_report(const Model& model, std::string source);
// The reasons an Error gives: one per listed problem ("...:\n  - a\n  - b"), else its message.
std::vector<std::string> error_reasons(const Error& error);
void write_report_text(const ModelReport& report, std::ostream& out);
void write_report_json(const ModelReport& report, std::ostream& out);

// True for outputs that onnxfn returns as JSON objects (ZipMap's sequence of maps, maps).
bool is_json_encoded(const TypeInfo& type);

}  // namespace onnxfn::cli
