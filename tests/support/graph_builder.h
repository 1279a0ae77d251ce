// Builds small Models in memory (no protobuf) for kernel and engine tests:
//   GraphBuilder b;
//   b.input("X", DType::Float, {-1, 3});
//   b.node("Relu", {"X"}, {"Y"});
//   b.output("Y");
//   Session s(b.build());
#pragma once

#include <string>
#include <vector>

#include "model/model.h"

namespace onnxfn::testing {

class GraphBuilder {
 public:
  // Opset imports default to ai.onnx 17 and ai.onnx.ml 3.
  GraphBuilder& opset(const std::string& domain, int64_t version);
  // dims: -1 for an unknown dim.
  GraphBuilder& input(const std::string& name, DType dtype, std::vector<int64_t> dims);
  GraphBuilder& input_type(const std::string& name, TypeInfo type);
  GraphBuilder& initializer(const std::string& name, Tensor value);
  Node& node(const std::string& op_type, std::vector<std::string> inputs, std::vector<std::string> outputs,
             const std::string& domain = "ai.onnx");
  GraphBuilder& output(const std::string& name);
  Model build() const;

 private:
  Model model_;
  bool custom_opsets_ = false;
};

// Attribute constructors for Node::attributes.push_back(...).
Attribute attr_int(const std::string& name, int64_t v);
Attribute attr_float(const std::string& name, float v);
Attribute attr_string(const std::string& name, const std::string& v);
Attribute attr_ints(const std::string& name, std::vector<int64_t> v);
Attribute attr_floats(const std::string& name, std::vector<float> v);
Attribute attr_strings(const std::string& name, std::vector<std::string> v);
Attribute attr_tensor(const std::string& name, Tensor v);

}  // namespace onnxfn::testing
