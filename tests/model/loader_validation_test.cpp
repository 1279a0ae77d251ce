// The loader refuses malformed models with a BadModel/Unsupported error naming the problem.
#include <gtest/gtest.h>

#include "model/proto_builder.h"

namespace onnxfn {
namespace {

using testing::load_proto;
using testing::minimal_model_proto;

// Expects load to throw an Error of `kind` whose message contains `needle`.
void expect_load_error(const onnx::ModelProto& m, ErrorKind kind, const std::string& needle) {
  try {
    load_proto(m);
    FAIL() << "expected an error containing: " << needle;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "message was: " << e.what();
  }
}

TEST(Loader, loads_minimal_model) {
  Model m = load_proto(minimal_model_proto());
  EXPECT_EQ(m.ir_version, 8);
  ASSERT_EQ(m.graph.inputs.size(), 1u);
  EXPECT_EQ(m.graph.inputs[0].type.to_string(), "tensor(float)[N,2]");
  EXPECT_EQ(m.graph.nodes[0].domain, "ai.onnx");
  EXPECT_EQ(m.opset("").value(), 17);
}

TEST(Loader, rejects_empty_and_random_bytes) {
  EXPECT_THROW(load_model_from_bytes("", {}), Error);
  std::string junk = "\x12\x34\xff\xff\xff\xff\x0f garbage that is not protobuf";
  try {
    load_model_from_bytes(junk, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadModel);
  }
}

TEST(Loader, truncated_files_fail_cleanly_at_every_length) {
  std::string bytes = minimal_model_proto().SerializeAsString();
  int failures = 0;
  for (size_t len = 0; len < bytes.size(); ++len) {
    try {
      load_model_from_bytes(std::string_view(bytes).substr(0, len), {});
    } catch (const Error&) {
      ++failures;
    }
  }
  EXPECT_GT(failures, static_cast<int>(bytes.size() * 9 / 10));
}

TEST(Loader, rejects_missing_and_unsupported_ir_version) {
  auto m = minimal_model_proto();
  m.clear_ir_version();
  expect_load_error(m, ErrorKind::BadModel, "ir_version is missing");
  m.set_ir_version(99);
  expect_load_error(m, ErrorKind::Unsupported, "ir_version 99");
}

TEST(Loader, rejects_missing_duplicate_and_too_new_opsets) {
  auto m = minimal_model_proto();
  m.clear_opset_import();
  expect_load_error(m, ErrorKind::BadModel, "opset_import is empty");
  m = minimal_model_proto();
  auto* dup = m.add_opset_import();
  dup->set_domain("ai.onnx");
  dup->set_version(13);
  expect_load_error(m, ErrorKind::BadModel, "imported twice, as versions 17 and 13");
  m.mutable_opset_import(1)->set_version(17);  // a repeated identical import is accepted (skl2onnx writes them)
  EXPECT_EQ(load_proto(m).opsets.size(), 1u);
  m = minimal_model_proto();
  m.mutable_opset_import(0)->set_version(400);
  expect_load_error(m, ErrorKind::Unsupported, "opset 400");
}

TEST(Loader, rejects_node_in_unimported_domain) {
  auto m = minimal_model_proto();
  m.mutable_graph()->mutable_node(0)->set_domain("ai.onnx.ml");
  expect_load_error(m, ErrorKind::BadModel, "not imported");
}

TEST(Loader, rejects_undefined_node_input_naming_node) {
  auto m = minimal_model_proto();
  m.mutable_graph()->mutable_node(0)->set_input(0, "nowhere");
  expect_load_error(m, ErrorKind::BadModel, "node 'id' (Identity): input 'nowhere' is not defined");
}

TEST(Loader, rejects_value_produced_twice) {
  auto m = minimal_model_proto();
  auto* n2 = m.mutable_graph()->add_node();
  n2->set_name("second");
  n2->set_op_type("Identity");
  n2->add_input("X");
  n2->add_output("Y");
  expect_load_error(m, ErrorKind::BadModel, "also produced by");
}

TEST(Loader, rejects_output_that_redefines_an_input) {
  auto m = minimal_model_proto();
  m.mutable_graph()->mutable_node(0)->set_output(0, "X");
  expect_load_error(m, ErrorKind::BadModel, "redefines a graph input");
}

TEST(Loader, rejects_cycles_naming_a_node) {
  auto m = minimal_model_proto();
  auto* g = m.mutable_graph();
  g->mutable_node(0)->set_input(0, "B");  // id: B -> Y
  auto* a = g->add_node();
  a->set_name("a");
  a->set_op_type("Identity");
  a->add_input("Y");
  a->add_output("B");  // a: Y -> B
  expect_load_error(m, ErrorKind::BadModel, "cycle");
}

TEST(Loader, sorts_nodes_topologically) {
  auto m = minimal_model_proto();
  auto* g = m.mutable_graph();
  g->mutable_node(0)->set_input(0, "T");  // id reads T, produced by a later node
  auto* first = g->add_node();
  first->set_name("first");
  first->set_op_type("Identity");
  first->add_input("X");
  first->add_output("T");
  Model model = load_proto(m);
  ASSERT_EQ(model.graph.nodes.size(), 2u);
  EXPECT_EQ(model.graph.nodes[0].name, "first");
  EXPECT_EQ(model.graph.nodes[1].name, "id");
}

TEST(Loader, rejects_undefined_and_duplicate_graph_outputs) {
  auto m = minimal_model_proto();
  m.mutable_graph()->mutable_output(0)->set_name("missing");
  expect_load_error(m, ErrorKind::BadModel, "output 'missing' is not produced");
  m = minimal_model_proto();
  *m.mutable_graph()->add_output() = m.graph().output(0);
  expect_load_error(m, ErrorKind::BadModel, "declared twice");
}

TEST(Loader, rejects_duplicate_inputs_and_initializers) {
  auto m = minimal_model_proto();
  *m.mutable_graph()->add_input() = m.graph().input(0);
  expect_load_error(m, ErrorKind::BadModel, "input 'X' is declared twice");
  m = minimal_model_proto();
  for (int i = 0; i < 2; ++i) {
    auto* t = m.mutable_graph()->add_initializer();
    t->set_name("W");
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_float_data(1.0f);
  }
  expect_load_error(m, ErrorKind::BadModel, "initializer 'W' is defined twice");
}

onnx::TensorProto* add_float_initializer(onnx::ModelProto& m, std::initializer_list<int64_t> dims) {
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name("W");
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  return t;
}

TEST(Loader, rejects_raw_data_size_mismatch) {
  auto m = minimal_model_proto();
  add_float_initializer(m, {2, 3})->set_raw_data(std::string(20, '\0'));
  expect_load_error(m, ErrorKind::BadModel, "initializer 'W': raw data has 20 bytes but float dims [2,3] need 24");
}

TEST(Loader, rejects_typed_field_count_mismatch) {
  auto m = minimal_model_proto();
  auto* t = add_float_initializer(m, {3});
  t->add_float_data(1);
  t->add_float_data(2);
  expect_load_error(m, ErrorKind::BadModel, "holds 2 values");
}

TEST(Loader, rejects_huge_declared_dims_without_allocating) {
  auto m = minimal_model_proto();
  add_float_initializer(m, {int64_t{1} << 40, int64_t{1} << 20})->set_raw_data("abcd");
  expect_load_error(m, ErrorKind::BadModel, "initializer 'W'");
  m = minimal_model_proto();
  add_float_initializer(m, {int64_t{1} << 62, int64_t{1} << 62});
  expect_load_error(m, ErrorKind::BadModel, "overflow");
}

TEST(Loader, rejects_negative_dims_and_unknown_types) {
  auto m = minimal_model_proto();
  add_float_initializer(m, {-3});
  expect_load_error(m, ErrorKind::BadModel, "negative dimension");
  m = minimal_model_proto();
  add_float_initializer(m, {1})->set_data_type(77);
  expect_load_error(m, ErrorKind::BadModel, "unknown or missing data_type 77");
}

TEST(Loader, decodes_raw_and_typed_initializers) {
  auto m = minimal_model_proto();
  auto* t = add_float_initializer(m, {2});
  float values[2] = {1.5f, -2.0f};
  t->set_raw_data(std::string(reinterpret_cast<const char*>(values), sizeof(values)));
  auto* s = m.mutable_graph()->add_initializer();
  s->set_name("S");
  s->set_data_type(onnx::TensorProto::STRING);
  s->add_dims(2);
  s->add_string_data("ab");
  s->add_string_data("c");
  Model model = load_proto(m);
  const Initializer* w = model.graph.find_initializer("W");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->tensor.data<float>()[1], -2.0f);
  EXPECT_EQ(model.graph.find_initializer("S")->bytes, 3u);
  EXPECT_EQ(model.initializer_bytes(), 11u);
}

TEST(Loader, rejects_attribute_type_problems) {
  auto m = minimal_model_proto();
  auto* a = m.mutable_graph()->mutable_node(0)->add_attribute();
  a->set_name("alpha");
  a->set_f(1.0f);
  expect_load_error(m, ErrorKind::BadModel, "attribute 'alpha': has no type");
  a->set_type(onnx::AttributeProto::INT);
  expect_load_error(m, ErrorKind::BadModel, "declares type INT but holds a FLOAT");
  a->set_type(onnx::AttributeProto::FLOAT);
  *m.mutable_graph()->mutable_node(0)->add_attribute() = *a;
  expect_load_error(m, ErrorKind::BadModel, "attribute 'alpha' is given twice");
}

TEST(Loader, typed_attribute_access_reports_wrong_type) {
  auto m = minimal_model_proto();
  auto* a = m.mutable_graph()->mutable_node(0)->add_attribute();
  a->set_name("axis");
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(1.0f);
  Model model = load_proto(m);
  try {
    model.graph.nodes[0].find_int("axis");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("attribute 'axis' has type FLOAT, expected INT"), std::string::npos) << e.what();
  }
}

TEST(Loader, decodes_sequence_map_types_symbolic_dims_and_metadata) {
  auto m = minimal_model_proto();
  auto* kv = m.add_metadata_props();
  kv->set_key("author");
  kv->set_value("tests");
  auto* out = m.mutable_graph()->add_output();
  out->set_name("X");  // graph inputs may also be outputs
  auto* seq = out->mutable_type()->mutable_sequence_type()->mutable_elem_type()->mutable_map_type();
  seq->set_key_type(onnx::TensorProto::INT64);
  seq->mutable_value_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  Model model = load_proto(m);
  EXPECT_EQ(model.graph.outputs[1].type.to_string(), "seq(map(int64,tensor(float)))");
  EXPECT_EQ(model.graph.inputs[0].type.shape->at(0).param, "N");
  ASSERT_EQ(model.metadata.size(), 1u);
  EXPECT_EQ(model.metadata[0].second, "tests");
}

onnx::GraphProto branch(const std::string& name, const std::string& reads) {
  onnx::GraphProto g;
  g.set_name(name);
  auto* n = g.add_node();
  n->set_op_type("Identity");
  n->add_input(reads);
  n->add_output(name + "_out");
  g.add_output()->set_name(name + "_out");
  return g;
}

TEST(Loader, decodes_subgraphs_that_read_the_outer_scope) {
  auto m = minimal_model_proto();
  auto* g = m.mutable_graph();
  auto* init = g->add_initializer();
  init->set_name("cond");
  init->set_data_type(onnx::TensorProto::BOOL);
  init->add_int32_data(1);
  auto* n = g->add_node();
  n->set_name("if");
  n->set_op_type("If");
  n->add_input("cond");
  n->add_output("Z");
  auto* then_attr = n->add_attribute();
  then_attr->set_name("then_branch");
  then_attr->set_type(onnx::AttributeProto::GRAPH);
  *then_attr->mutable_g() = branch("then", "Y");  // Y comes from the outer graph
  auto* else_attr = n->add_attribute();
  else_attr->set_name("else_branch");
  else_attr->set_type(onnx::AttributeProto::GRAPH);
  *else_attr->mutable_g() = branch("else", "X");
  g->add_output()->set_name("Z");
  Model model = load_proto(m);
  const Node& if_node = model.graph.nodes.back();
  EXPECT_EQ(if_node.op_type, "If");
  ASSERT_NE(if_node.find_graph("then_branch"), nullptr);
  EXPECT_EQ(if_node.find_graph("then_branch")->nodes[0].inputs[0], "Y");

  *else_attr->mutable_g() = branch("else", "undefined_name");
  expect_load_error(m, ErrorKind::BadModel, "input 'undefined_name' is not defined");
}

TEST(Loader, limits_subgraph_nesting) {
  onnx::GraphProto inner = branch("leaf", "X");
  for (int depth = 0; depth < 20; ++depth) {  // 20 levels: within protobuf's own nesting limit
    onnx::GraphProto outer;
    outer.set_name("level" + std::to_string(depth));
    auto* n = outer.add_node();
    n->set_op_type("If");
    n->add_input("X");
    n->add_output("level" + std::to_string(depth) + "_out");
    auto* a = n->add_attribute();
    a->set_name("then_branch");
    a->set_type(onnx::AttributeProto::GRAPH);
    *a->mutable_g() = inner;
    outer.add_output()->set_name("level" + std::to_string(depth) + "_out");
    inner = outer;
  }
  auto m = minimal_model_proto();
  auto* n = m.mutable_graph()->add_node();
  n->set_op_type("If");
  n->add_input("X");
  n->add_output("deep");
  auto* a = n->add_attribute();
  a->set_name("then_branch");
  a->set_type(onnx::AttributeProto::GRAPH);
  *a->mutable_g() = inner;
  expect_load_error(m, ErrorKind::BadModel, "nest deeper");
}

}  // namespace
}  // namespace onnxfn
