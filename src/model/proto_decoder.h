// Internal to src/model/: protobuf messages -> model structs. The only header that includes
// the generated onnx.pb.h.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

#include "model/model.h"
#include "model/model_loader.h"
#include "onnx/onnx.pb.h"

namespace onnxfn::detail {

struct LiftedLists;

struct DecodeContext {
  std::filesystem::path base_dir;  // empty: external data refused
  const LoadOptions& options;
  // Lists lifted from the main graph's attributes by the wire pass (wire_lift.h), in (node,
  // attribute) order; null when the message was parsed whole.
  std::vector<LiftedLists>* lifted = nullptr;
};

// `what` names the tensor in errors, e.g. "initializer 'W'" or "node 'n' attribute 'value'".
Initializer decode_tensor(const onnx::TensorProto& proto, const DecodeContext& ctx, const std::string& what);
TypeInfo decode_type(const onnx::TypeProto& proto, const std::string& what);

using NameSet = std::unordered_set<std::string>;
// Decodes and validates a graph; `outer` holds the names visible from enclosing graphs.
Graph decode_graph(const onnx::GraphProto& proto, const DecodeContext& ctx, const NameSet& outer, int depth);

// Checks names, definitions and cycles, and sorts graph.nodes topologically (graph_validator.cpp).
void validate_graph(Graph& graph, const NameSet& outer, bool is_subgraph);

}  // namespace onnxfn::detail
