// The decoded, validated, immutable ONNX model. Nothing outside src/model/ sees protobuf types:
// the engine, inspect and every door work on these structs (DESIGN.md, Core objects: Model).
//
// Typical use:
//   Model m = load_model("model.onnx");          // model_loader.h; throws Error(BadModel/Unsupported)
//   for (const Node& n : m.graph.nodes) ...       // nodes are in topological order
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/tensor.h"

namespace onnxfn {

// Canonical name of the default operator set; files may write it as "" or "ai.onnx".
inline constexpr std::string_view kOnnxDomain = "ai.onnx";
inline constexpr std::string_view kOnnxMlDomain = "ai.onnx.ml";
std::string canonical_domain(std::string_view domain);

// A dimension: a fixed size, a symbolic name (dim_param), or unknown (neither).
struct Dim {
  std::optional<int64_t> value;
  std::string param;
  std::string to_string() const;  // "3", "N" or "?"
};

struct TypeInfo {
  enum class Kind { Unknown, Tensor, Sequence, Map, Optional, SparseTensor };
  Kind kind = Kind::Unknown;
  DType elem = DType::Undefined;            // tensor element type; map key type
  std::optional<std::vector<Dim>> shape;    // tensors: nullopt when the rank is unknown
  std::shared_ptr<const TypeInfo> inner;    // sequence element, map value, optional element

  // "tensor(float)[N,3]", "seq(map(int64,tensor(float)))".
  std::string to_string() const;
  bool is_tensor() const { return kind == Kind::Tensor; }
};

struct ValueInfo {
  std::string name;
  TypeInfo type;
  std::string doc;
};

struct Graph;

enum class AttrType {
  Undefined = 0, Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5, Floats = 6, Ints = 7,
  Strings = 8, Tensors = 9, Graphs = 10, SparseTensor = 11, SparseTensors = 12, TypeProto = 13,
  TypeProtos = 14,
};
std::string_view attr_type_name(AttrType t);

// An Ints list read in place in whichever storage of Attribute holds it (int64, or one of the
// compact int32, uint16 and uint8 forms the loader picks).
struct IntsView {
  const void* data = nullptr;
  size_t count = 0;
  uint8_t width = 8;  // bytes per value: 8 (int64), 4 (int32), 2 (uint16) or 1 (uint8)
  size_t size() const { return count; }
  bool empty() const { return count == 0; }
  int64_t operator[](size_t i) const {
    switch (width) {
      case 1: return static_cast<const uint8_t*>(data)[i];
      case 2: return static_cast<const uint16_t*>(data)[i];
      case 4: return static_cast<const int32_t*>(data)[i];
      default: return static_cast<const int64_t*>(data)[i];
    }
  }
};

struct Attribute {
  std::string name;
  AttrType type = AttrType::Undefined;
  float f = 0;
  int64_t i = 0;
  std::string s;
  Tensor t;
  std::shared_ptr<const Graph> g;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<Tensor> tensors;
  std::vector<std::shared_ptr<const Graph>> graphs;
  // Compact storage the loader picks for large lists (a forest's node attributes are millions of
  // entries): Ints are held in the narrowest of `ints8` (all values in [0, 255]), `ints16` ([0,
  // 65535]), `ints32` (int32) and `ints` (the others empty), and Strings with at most 256 distinct
  // values (nodes_modes) as `string_dict` indexed by `string_codes` (then `strings` is empty).
  // Node::find_ints/find_strings expand them; ints_view() and string_count()/string_at() read them
  // in place.
  std::vector<int32_t> ints32;
  std::vector<uint16_t> ints16;
  std::vector<uint8_t> ints8;
  std::vector<std::string> string_dict;
  std::vector<uint8_t> string_codes;

  IntsView ints_view() const {
    if (!ints8.empty()) return {ints8.data(), ints8.size(), 1};
    if (!ints16.empty()) return {ints16.data(), ints16.size(), 2};
    if (!ints32.empty()) return {ints32.data(), ints32.size(), 4};
    return {ints.data(), ints.size(), 8};
  }
  size_t string_count() const { return string_codes.empty() ? strings.size() : string_codes.size(); }
  const std::string& string_at(size_t k) const { return string_codes.empty() ? strings[k] : string_dict[string_codes[k]]; }
  // Bytes the list values take in memory (what `inspect` reports for a node's attributes).
  uint64_t list_bytes() const;
};

struct Node {
  std::string name;
  std::string op_type;
  std::string domain;  // canonical: "ai.onnx" for the default set
  std::vector<std::string> inputs;   // "" marks an omitted optional input
  std::vector<std::string> outputs;  // "" marks an omitted optional output
  std::vector<Attribute> attributes;

  // "node 'name' (Domain:OpType)" for error messages; the index stands in for a missing name.
  std::string label() const;
  const Attribute* attribute(std::string_view attr_name) const;

  // Typed attribute access. A present attribute of the wrong type throws BadModel naming the
  // node, the attribute and both types; a missing required one throws BadModel too.
  std::optional<int64_t> find_int(std::string_view n) const;
  std::optional<float> find_float(std::string_view n) const;
  std::optional<std::string> find_string(std::string_view n) const;
  std::optional<std::vector<int64_t>> find_ints(std::string_view n) const;
  std::optional<std::vector<float>> find_floats(std::string_view n) const;
  std::optional<std::vector<std::string>> find_strings(std::string_view n) const;
  const Tensor* find_tensor(std::string_view n) const;
  const Graph* find_graph(std::string_view n) const;

  int64_t get_int(std::string_view n, int64_t fallback) const { return find_int(n).value_or(fallback); }
  float get_float(std::string_view n, float fallback) const { return find_float(n).value_or(fallback); }
  std::string get_string(std::string_view n, std::string_view fallback) const {
    return find_string(n).value_or(std::string(fallback));
  }
  int64_t require_int(std::string_view n) const;
  std::vector<int64_t> require_ints(std::string_view n) const;

  // Index within the graph, for labels of unnamed nodes.
  size_t index = 0;

 private:
  const Attribute* typed(std::string_view n, AttrType want) const;
};

struct Initializer {
  std::string name;
  DType dtype = DType::Undefined;
  Shape dims;
  uint64_t bytes = 0;  // data size: numel x element size, or the UTF-8 bytes of string tensors
  Tensor tensor;       // undefined when the element type is one the engine does not hold
};

struct Graph {
  std::string name;
  std::vector<Node> nodes;  // topologically sorted by the loader
  std::vector<ValueInfo> inputs;   // excludes names that are only initializers
  std::vector<ValueInfo> outputs;
  std::vector<ValueInfo> value_info;
  std::vector<Initializer> initializers;

  const Initializer* find_initializer(std::string_view n) const;
};

struct OpsetImport {
  std::string domain;  // canonical
  int64_t version = 0;
};

struct Model {
  int64_t ir_version = 0;
  std::string producer_name;
  std::string producer_version;
  std::string domain;
  int64_t model_version = 0;
  std::string doc;
  std::vector<OpsetImport> opsets;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<std::string> local_functions;  // "domain:name" of model-local FunctionProtos
  Graph graph;
  std::filesystem::path path;  // where it was loaded from, if a file

  // Opset version imported for `domain` (canonical or ""), nullopt when not imported.
  std::optional<int64_t> opset(std::string_view domain) const;
  // Sum of Initializer::bytes over the main graph and every subgraph.
  uint64_t initializer_bytes() const;
};

// Calls fn(node, depth) for every node of the graph and, depth first, of its subgraphs.
template <class Fn>
void for_each_node(const Graph& graph, Fn&& fn, int depth = 0) {
  for (const Node& node : graph.nodes) {
    fn(node, depth);
    for (const Attribute& a : node.attributes) {
      if (a.g) for_each_node(*a.g, fn, depth + 1);
      for (const auto& sub : a.graphs) for_each_node(*sub, fn, depth + 1);
    }
  }
}

}  // namespace onnxfn
