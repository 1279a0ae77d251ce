// Descriptions and typed attribute access for the decoded model.
#include "model/model.h"

namespace onnxfn {

std::string canonical_domain(std::string_view domain) {
  if (domain.empty() || domain == kOnnxDomain) return std::string(kOnnxDomain);
  return std::string(domain);
}

std::string Dim::to_string() const {
  if (value) return std::to_string(*value);
  if (!param.empty()) return param;
  return "?";
}

std::string TypeInfo::to_string() const {
  switch (kind) {
    case Kind::Tensor:
    case Kind::SparseTensor: {
      std::string s = std::string(kind == Kind::Tensor ? "tensor(" : "sparse_tensor(") + dtype_name(elem) + ")";
      if (shape) {
        s += "[";
        for (size_t i = 0; i < shape->size(); ++i) s += (i ? "," : "") + (*shape)[i].to_string();
        s += "]";
      }
      return s;
    }
    case Kind::Sequence: return "seq(" + (inner ? inner->to_string() : "?") + ")";
    case Kind::Map: return "map(" + dtype_name(elem) + "," + (inner ? inner->to_string() : "?") + ")";
    case Kind::Optional: return "optional(" + (inner ? inner->to_string() : "?") + ")";
    case Kind::Unknown: break;
  }
  return "unknown";
}

std::string_view attr_type_name(AttrType t) {
  switch (t) {
    case AttrType::Undefined: return "UNDEFINED";
    case AttrType::Float: return "FLOAT";
    case AttrType::Int: return "INT";
    case AttrType::String: return "STRING";
    case AttrType::Tensor: return "TENSOR";
    case AttrType::Graph: return "GRAPH";
    case AttrType::Floats: return "FLOATS";
    case AttrType::Ints: return "INTS";
    case AttrType::Strings: return "STRINGS";
    case AttrType::Tensors: return "TENSORS";
    case AttrType::Graphs: return "GRAPHS";
    case AttrType::SparseTensor: return "SPARSE_TENSOR";
    case AttrType::SparseTensors: return "SPARSE_TENSORS";
    case AttrType::TypeProto: return "TYPE_PROTO";
    case AttrType::TypeProtos: return "TYPE_PROTOS";
  }
  return "UNKNOWN";
}

std::string Node::label() const {
  std::string n = name.empty() ? "#" + std::to_string(index) : "'" + name + "'";
  std::string op = domain == kOnnxDomain ? op_type : domain + ":" + op_type;
  return "node " + n + " (" + op + ")";
}

uint64_t Attribute::list_bytes() const {
  uint64_t b = floats.size() * sizeof(float) + ints.size() * sizeof(int64_t) + ints32.size() * sizeof(int32_t) +
               ints16.size() * sizeof(uint16_t) + ints8.size() + string_codes.size();
  for (const std::string& v : strings) b += sizeof(std::string) + (v.size() > 15 ? v.size() : 0);
  for (const std::string& v : string_dict) b += sizeof(std::string) + v.size();
  return b;
}

const Attribute* Node::attribute(std::string_view attr_name) const {
  for (const Attribute& a : attributes)
    if (a.name == attr_name) return &a;
  return nullptr;
}

const Attribute* Node::typed(std::string_view n, AttrType want) const {
  const Attribute* a = attribute(n);
  if (!a) return nullptr;
  if (a->type != want)
    throw_error(ErrorKind::BadModel, label() + ": attribute '" + std::string(n) + "' has type " +
                                         std::string(attr_type_name(a->type)) + ", expected " +
                                         std::string(attr_type_name(want)));
  return a;
}

std::optional<int64_t> Node::find_int(std::string_view n) const {
  if (const Attribute* a = typed(n, AttrType::Int)) return a->i;
  return std::nullopt;
}
std::optional<float> Node::find_float(std::string_view n) const {
  if (const Attribute* a = typed(n, AttrType::Float)) return a->f;
  return std::nullopt;
}
std::optional<std::string> Node::find_string(std::string_view n) const {
  if (const Attribute* a = typed(n, AttrType::String)) return a->s;
  return std::nullopt;
}
std::optional<std::vector<int64_t>> Node::find_ints(std::string_view n) const {
  if (const Attribute* a = typed(n, AttrType::Ints)) {
    if (!a->ints8.empty()) return std::vector<int64_t>(a->ints8.begin(), a->ints8.end());
    if (!a->ints16.empty()) return std::vector<int64_t>(a->ints16.begin(), a->ints16.end());
    if (!a->ints32.empty()) return std::vector<int64_t>(a->ints32.begin(), a->ints32.end());
    return a->ints;
  }
  return std::nullopt;
}
std::optional<std::vector<float>> Node::find_floats(std::string_view n) const {
  if (const Attribute* a = typed(n, AttrType::Floats)) return a->floats;
  return std::nullopt;
}
std::optional<std::vector<std::string>> Node::find_strings(std::string_view n) const {
  if (const Attribute* a = typed(n, AttrType::Strings)) {
    if (a->string_codes.empty()) return a->strings;
    std::vector<std::string> out;
    out.reserve(a->string_codes.size());
    for (uint8_t c : a->string_codes) out.push_back(a->string_dict[c]);
    return out;
  }
  return std::nullopt;
}
const Tensor* Node::find_tensor(std::string_view n) const {
  const Attribute* a = typed(n, AttrType::Tensor);
  return a ? &a->t : nullptr;
}
const Graph* Node::find_graph(std::string_view n) const {
  const Attribute* a = typed(n, AttrType::Graph);
  return a ? a->g.get() : nullptr;
}

int64_t Node::require_int(std::string_view n) const {
  auto v = find_int(n);
  if (!v) throw_error(ErrorKind::BadModel, label() + ": required attribute '" + std::string(n) + "' is missing");
  return *v;
}

std::vector<int64_t> Node::require_ints(std::string_view n) const {
  auto v = find_ints(n);
  if (!v) throw_error(ErrorKind::BadModel, label() + ": required attribute '" + std::string(n) + "' is missing");
  return *v;
}

const Initializer* Graph::find_initializer(std::string_view n) const {
  for (const Initializer& i : initializers)
    if (i.name == n) return &i;
  return nullptr;
}

std::optional<int64_t> Model::opset(std::string_view domain_name) const {
  std::string d = canonical_domain(domain_name);
  for (const OpsetImport& o : opsets)
    if (o.domain == d) return o.version;
  return std::nullopt;
}

namespace {
uint64_t graph_initializer_bytes(const Graph& g) {
  uint64_t total = 0;
  for (const Initializer& i : g.initializers) total += i.bytes;
  for (const Node& n : g.nodes)
    for (const Attribute& a : n.attributes) {
      if (a.g) total += graph_initializer_bytes(*a.g);
      for (const auto& sub : a.graphs) total += graph_initializer_bytes(*sub);
    }
  return total;
}
}  // namespace

uint64_t Model::initializer_bytes() const { return graph_initializer_bytes(graph); }

}  // namespace onnxfn
