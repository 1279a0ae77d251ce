// What `onnxfn inspect` reports about a model: versions, typed inputs and outputs, operators
// with their support status, initializer sizes and metadata; as text or as stable JSON
// (schema "onnxfn.inspect/1", documented in docs/inspect-json.md).
#pragma once

#include <ostream>
#include <string>
#include <vector>

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
  bool runnable = false;  // every operator supported
};

ModelReport build_report(const Model& model, std::string source);
void write_report_text(const ModelReport& report, std::ostream& out);
void write_report_json(const ModelReport& report, std::ostream& out);

// True for outputs that onnxfn returns as JSON objects (ZipMap's sequence of maps, maps).
bool is_json_encoded(const TypeInfo& type);

}  // namespace onnxfn::cli
