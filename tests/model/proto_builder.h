// Helpers that build ModelProtos directly, so loader tests can produce exactly the malformed
// files they need (only tests/model/ sees protobuf types).
#pragma once

#include <string>

#include "model/model_loader.h"
#include "onnx/onnx.pb.h"

namespace onnxfn::testing {

// A valid model: X (float [N,2]) -> Identity -> Y.
inline onnx::ModelProto minimal_model_proto() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("onnxfn-tests");
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(17);
  auto* g = m.mutable_graph();
  g->set_name("g");
  auto* x = g->add_input();
  x->set_name("X");
  auto* tt = x->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  tt->mutable_shape()->add_dim()->set_dim_param("N");
  tt->mutable_shape()->add_dim()->set_dim_value(2);
  auto* y = g->add_output();
  y->set_name("Y");
  y->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  auto* n = g->add_node();
  n->set_name("id");
  n->set_op_type("Identity");
  n->add_input("X");
  n->add_output("Y");
  return m;
}

inline Model load_proto(const onnx::ModelProto& m, const std::filesystem::path& base = {}) {
  std::string bytes = m.SerializeAsString();
  return load_model_from_bytes(bytes, base);
}

}  // namespace onnxfn::testing
