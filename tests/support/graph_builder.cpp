// In-memory model construction for tests.
#include "support/graph_builder.h"

namespace onnxfn::testing {

GraphBuilder& GraphBuilder::opset(const std::string& domain, int64_t version) {
  if (!custom_opsets_) model_.opsets.clear();
  custom_opsets_ = true;
  model_.opsets.push_back({canonical_domain(domain), version});
  return *this;
}

GraphBuilder& GraphBuilder::input(const std::string& name, DType dtype, std::vector<int64_t> dims) {
  TypeInfo t;
  t.kind = TypeInfo::Kind::Tensor;
  t.elem = dtype;
  std::vector<Dim> shape;
  for (int64_t d : dims) shape.push_back(d < 0 ? Dim{} : Dim{d, ""});
  t.shape = shape;
  return input_type(name, t);
}

GraphBuilder& GraphBuilder::input_type(const std::string& name, TypeInfo type) {
  model_.graph.inputs.push_back({name, std::move(type), ""});
  return *this;
}

GraphBuilder& GraphBuilder::initializer(const std::string& name, Tensor value) {
  Initializer i;
  i.name = name;
  i.dtype = value.dtype();
  i.dims = value.shape();
  i.bytes = value.byte_size();
  i.tensor = std::move(value);
  model_.graph.initializers.push_back(std::move(i));
  return *this;
}

Node& GraphBuilder::node(const std::string& op_type, std::vector<std::string> inputs, std::vector<std::string> outputs,
                         const std::string& domain) {
  Node n;
  n.op_type = op_type;
  n.domain = canonical_domain(domain);
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.index = model_.graph.nodes.size();
  n.name = op_type + "_" + std::to_string(n.index);
  model_.graph.nodes.push_back(std::move(n));
  return model_.graph.nodes.back();
}

GraphBuilder& GraphBuilder::output(const std::string& name) {
  model_.graph.outputs.push_back({name, {}, ""});
  return *this;
}

Model GraphBuilder::build() const {
  Model m = model_;
  m.ir_version = 8;
  if (!custom_opsets_) m.opsets = {{"ai.onnx", 17}, {"ai.onnx.ml", 3}};
  return m;
}

Attribute attr_int(const std::string& name, int64_t v) {
  Attribute a; a.name = name; a.type = AttrType::Int; a.i = v; return a;
}
Attribute attr_float(const std::string& name, float v) {
  Attribute a; a.name = name; a.type = AttrType::Float; a.f = v; return a;
}
Attribute attr_string(const std::string& name, const std::string& v) {
  Attribute a; a.name = name; a.type = AttrType::String; a.s = v; return a;
}
Attribute attr_ints(const std::string& name, std::vector<int64_t> v) {
  Attribute a; a.name = name; a.type = AttrType::Ints; a.ints = std::move(v); return a;
}
Attribute attr_floats(const std::string& name, std::vector<float> v) {
  Attribute a; a.name = name; a.type = AttrType::Floats; a.floats = std::move(v); return a;
}
Attribute attr_strings(const std::string& name, std::vector<std::string> v) {
  Attribute a; a.name = name; a.type = AttrType::Strings; a.strings = std::move(v); return a;
}
Attribute attr_tensor(const std::string& name, Tensor v) {
  Attribute a; a.name = name; a.type = AttrType::Tensor; a.t = std::move(v); return a;
}

}  // namespace onnxfn::testing
