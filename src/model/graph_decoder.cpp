// GraphProto / NodeProto / AttributeProto / TypeProto -> model structs.
#include "model/proto_decoder.h"
#include "model/wire_lift.h"

namespace onnxfn::detail {
namespace {

[[noreturn]] void bad(const std::string& what, const std::string& problem) {
  throw_error(ErrorKind::BadModel, what + ": " + problem);
}

DType decode_elem_type(int32_t code, const std::string& what) {
  if (code < 0 || code > kMaxDTypeCode) bad(what, "unknown element type " + std::to_string(code));
  return static_cast<DType>(code);
}

std::vector<Dim> decode_shape(const onnx::TensorShapeProto& shape, const std::string& what) {
  std::vector<Dim> dims;
  dims.reserve(static_cast<size_t>(shape.dim_size()));
  for (const auto& d : shape.dim()) {
    Dim dim;
    if (d.has_dim_value()) {
      if (d.dim_value() < 0) bad(what, "negative dimension " + std::to_string(d.dim_value()));
      dim.value = d.dim_value();
    } else if (d.has_dim_param()) {
      dim.param = d.dim_param();
    }
    dims.push_back(std::move(dim));
  }
  return dims;
}

ValueInfo decode_value_info(const onnx::ValueInfoProto& p, const std::string& role) {
  ValueInfo v;
  v.name = p.name();
  if (v.name.empty()) bad(role, "a value has an empty name");
  v.doc = p.doc_string();
  if (p.has_type()) v.type = decode_type(p.type(), role + " '" + v.name + "'");
  return v;
}

// Which value fields an attribute actually holds, to check them against its declared type.
// `lifted`: the attribute's list fields, when the wire pass took them out of the message.
std::vector<AttrType> populated_fields(const onnx::AttributeProto& p, const LiftedLists* lifted) {
  std::vector<AttrType> f;
  if (p.has_f()) f.push_back(AttrType::Float);
  if (p.has_i()) f.push_back(AttrType::Int);
  if (p.has_s()) f.push_back(AttrType::String);
  if (p.has_t()) f.push_back(AttrType::Tensor);
  if (p.has_g()) f.push_back(AttrType::Graph);
  if (p.has_sparse_tensor()) f.push_back(AttrType::SparseTensor);
  if (p.has_tp()) f.push_back(AttrType::TypeProto);
  if (p.floats_size() || (lifted && lifted->has_floats())) f.push_back(AttrType::Floats);
  if (p.ints_size() || (lifted && lifted->has_ints())) f.push_back(AttrType::Ints);
  if (p.strings_size() || (lifted && lifted->has_strings())) f.push_back(AttrType::Strings);
  if (p.tensors_size()) f.push_back(AttrType::Tensors);
  if (p.graphs_size()) f.push_back(AttrType::Graphs);
  if (p.sparse_tensors_size()) f.push_back(AttrType::SparseTensors);
  if (p.type_protos_size()) f.push_back(AttrType::TypeProtos);
  return f;
}

Attribute decode_attribute(const onnx::AttributeProto& p, const std::string& node_label, const DecodeContext& ctx,
                           const NameSet& scope, int depth, LiftedLists* lifted) {
  Attribute a;
  a.name = p.name();
  std::string what = node_label + ": attribute '" + a.name + "'";
  if (a.name.empty()) bad(node_label, "an attribute has an empty name");
  int code = p.type();
  if (code <= 0 || code > static_cast<int>(AttrType::TypeProtos))
    bad(what, code == 0 ? "has no type" : "has unknown type " + std::to_string(code));
  a.type = static_cast<AttrType>(code);
  if (!p.ref_attr_name().empty())
    throw_error(ErrorKind::Unsupported, what + ": references a function attribute, which is only valid inside functions");
  for (AttrType held : populated_fields(p, lifted))
    if (held != a.type)
      bad(what, "declares type " + std::string(attr_type_name(a.type)) + " but holds a " +
                    std::string(attr_type_name(held)) + " value");
  switch (a.type) {
    case AttrType::Float: a.f = p.f(); break;
    case AttrType::Int: a.i = p.i(); break;
    case AttrType::String: a.s = p.s(); break;
    // Through data(): a memcpy rather than an element loop (a forest's lists hold megabytes).
    // A lifted attribute holds no list fields in the message any more: its lists are all in `lifted`.
    case AttrType::Floats:
      if (lifted) a.floats = std::move(lifted->floats);
      else a.floats.assign(p.floats().data(), p.floats().data() + p.floats_size());
      break;
    case AttrType::Ints:
      if (lifted) {
        a.ints = std::move(lifted->ints);
        a.ints32 = std::move(lifted->ints32);
        a.ints16 = std::move(lifted->ints16);
        a.ints8 = std::move(lifted->ints8);
      } else {
        a.ints.assign(p.ints().data(), p.ints().data() + p.ints_size());
      }
      break;
    case AttrType::Strings:
      if (lifted) {
        a.strings = std::move(lifted->strings);
        a.string_dict = std::move(lifted->string_dict);
        a.string_codes = std::move(lifted->string_codes);
      } else {
        a.strings.assign(p.strings().begin(), p.strings().end());
      }
      break;
    case AttrType::Tensor: {
      if (!p.has_t()) bad(what, "declares type TENSOR but holds no tensor");
      Initializer init = decode_tensor(p.t(), ctx, what);
      if (!init.tensor.defined())
        throw_error(ErrorKind::Unsupported, what + ": tensors of type " + dtype_name(init.dtype) + " are not supported");
      a.t = std::move(init.tensor);
      break;
    }
    case AttrType::Tensors:
      for (int i = 0; i < p.tensors_size(); ++i) {
        Initializer init = decode_tensor(p.tensors(i), ctx, what + "[" + std::to_string(i) + "]");
        if (!init.tensor.defined())
          throw_error(ErrorKind::Unsupported, what + ": tensors of type " + dtype_name(init.dtype) + " are not supported");
        a.tensors.push_back(std::move(init.tensor));
      }
      break;
    case AttrType::Graph:
    case AttrType::Graphs: {
      if (depth + 1 > ctx.options.max_subgraph_depth)
        bad(what, "subgraphs nest deeper than " + std::to_string(ctx.options.max_subgraph_depth) + " levels");
      if (a.type == AttrType::Graph) {
        if (!p.has_g()) bad(what, "declares type GRAPH but holds no graph");
        a.g = std::make_shared<const Graph>(decode_graph(p.g(), ctx, scope, depth + 1));
      } else {
        for (const auto& g : p.graphs()) a.graphs.push_back(std::make_shared<const Graph>(decode_graph(g, ctx, scope, depth + 1)));
      }
      break;
    }
    case AttrType::SparseTensor:
    case AttrType::SparseTensors:
    case AttrType::TypeProto:
    case AttrType::TypeProtos:
      // Kept by type only: no operator onnxfn runs takes these; the op is refused at session creation.
      break;
    case AttrType::Undefined: break;
  }
  return a;
}

}  // namespace

TypeInfo decode_type(const onnx::TypeProto& p, const std::string& what) {
  TypeInfo t;
  switch (p.value_case()) {
    case onnx::TypeProto::kTensorType:
      t.kind = TypeInfo::Kind::Tensor;
      t.elem = decode_elem_type(p.tensor_type().elem_type(), what);
      if (p.tensor_type().has_shape()) t.shape = decode_shape(p.tensor_type().shape(), what);
      break;
    case onnx::TypeProto::kSparseTensorType:
      t.kind = TypeInfo::Kind::SparseTensor;
      t.elem = decode_elem_type(p.sparse_tensor_type().elem_type(), what);
      if (p.sparse_tensor_type().has_shape()) t.shape = decode_shape(p.sparse_tensor_type().shape(), what);
      break;
    case onnx::TypeProto::kSequenceType:
      t.kind = TypeInfo::Kind::Sequence;
      if (p.sequence_type().has_elem_type())
        t.inner = std::make_shared<const TypeInfo>(decode_type(p.sequence_type().elem_type(), what));
      break;
    case onnx::TypeProto::kMapType:
      t.kind = TypeInfo::Kind::Map;
      t.elem = decode_elem_type(p.map_type().key_type(), what);
      if (t.elem != DType::Int64 && t.elem != DType::String && t.elem != DType::Int32 && t.elem != DType::Undefined)
        bad(what, "map key type " + dtype_name(t.elem) + " is not allowed (int or string keys only)");
      if (p.map_type().has_value_type())
        t.inner = std::make_shared<const TypeInfo>(decode_type(p.map_type().value_type(), what));
      break;
    case onnx::TypeProto::kOptionalType:
      t.kind = TypeInfo::Kind::Optional;
      if (p.optional_type().has_elem_type())
        t.inner = std::make_shared<const TypeInfo>(decode_type(p.optional_type().elem_type(), what));
      break;
    default:
      t.kind = TypeInfo::Kind::Unknown;
  }
  return t;
}

Graph decode_graph(const onnx::GraphProto& p, const DecodeContext& ctx, const NameSet& outer, int depth) {
  Graph g;
  g.name = p.name();
  std::string where = g.name.empty() ? std::string("graph") : "graph '" + g.name + "'";
  if (p.sparse_initializer_size() > 0)
    throw_error(ErrorKind::Unsupported, where + ": sparse initializer '" + p.sparse_initializer(0).values().name() +
                                            "' is not supported");

  // Names visible to subgraphs of this graph: the enclosing scopes plus everything defined here.
  NameSet scope = outer;
  for (const auto& i : p.input()) scope.insert(i.name());
  for (const auto& i : p.initializer()) scope.insert(i.name());
  for (const auto& n : p.node())
    for (const auto& o : n.output()) scope.insert(o);

  g.initializers.reserve(static_cast<size_t>(p.initializer_size()));
  NameSet initializer_names;
  for (const auto& t : p.initializer()) {
    if (t.name().empty()) bad(where, "an initializer has an empty name");
    if (!initializer_names.insert(t.name()).second) bad(where, "initializer '" + t.name() + "' is defined twice");
    g.initializers.push_back(decode_tensor(t, ctx, "initializer '" + t.name() + "'"));
  }
  // Before IR 4 every initializer was also listed as an input; those are not inputs a caller feeds.
  for (const auto& i : p.input())
    if (!initializer_names.count(i.name())) g.inputs.push_back(decode_value_info(i, "graph input"));
  for (const auto& o : p.output()) g.outputs.push_back(decode_value_info(o, "graph output"));
  for (const auto& v : p.value_info()) g.value_info.push_back(decode_value_info(v, "value_info"));

  g.nodes.reserve(static_cast<size_t>(p.node_size()));
  // The wire pass lifted lists of the main graph only, in (node, attribute) order.
  std::vector<LiftedLists>* lifted = depth == 0 ? ctx.lifted : nullptr;
  size_t next_lifted = 0;
  for (int k = 0; k < p.node_size(); ++k) {
    const onnx::NodeProto& np = p.node(k);
    Node n;
    n.index = static_cast<size_t>(k);
    n.name = np.name();
    n.op_type = np.op_type();
    n.domain = canonical_domain(np.domain());
    if (n.op_type.empty()) bad(n.label(), "has no op_type");
    n.inputs.assign(np.input().begin(), np.input().end());
    n.outputs.assign(np.output().begin(), np.output().end());
    std::string label = n.label();
    NameSet attr_names;
    for (int j = 0; j < np.attribute_size(); ++j) {
      const onnx::AttributeProto& a = np.attribute(j);
      if (!attr_names.insert(a.name()).second) bad(label, "attribute '" + a.name() + "' is given twice");
      LiftedLists* lists = nullptr;
      if (lifted && next_lifted < lifted->size() && (*lifted)[next_lifted].node == static_cast<uint32_t>(k) &&
          (*lifted)[next_lifted].attribute == static_cast<uint32_t>(j))
        lists = &(*lifted)[next_lifted++];
      n.attributes.push_back(decode_attribute(a, label, ctx, scope, depth, lists));
      if (lists) *lists = LiftedLists{};  // what was not moved (lists of another type) is freed now
    }
    g.nodes.push_back(std::move(n));
  }
  validate_graph(g, outer, depth > 0);
  return g;
}

}  // namespace onnxfn::detail
