// `inspect` says "can run" exactly when `predict` loads the model: both run through the binary over
// every zoo model and over models that the loader, the kernels or the output type check refuse
// (written here as ONNX files), and their exit codes must agree (0 with 0 or 2, 3 with 3).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <fstream>

#include "model/proto_builder.h"
#include "support/zoo.h"

namespace onnxfn {
namespace {

using namespace onnxfn::testing;
namespace fs = std::filesystem;

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("onnxfn_agree_" + std::to_string(::getpid()) + "_" + name);
}

struct Verdicts {
  int inspect = -1;
  int inspect_json = -1;
  int predict = -1;
  std::string report;  // inspect's text report
  std::string json;    // inspect --json
  std::string predict_error;
};

Verdicts run_both(const fs::path& model, const fs::path& request) {
  Verdicts v;
  const std::string bin = ONNXFN_BINARY;
  const std::string err = temp_path("stderr.txt").string();
  v.inspect = run_command(bin + " inspect " + model.string() + " 2>/dev/null", &v.report);
  v.inspect_json = run_command(bin + " inspect --json " + model.string() + " 2>/dev/null", &v.json);
  v.predict = run_command(bin + " predict " + model.string() + " --input " + request.string() + " >/dev/null 2>" + err);
  v.predict_error = read_text(err);
  fs::remove(err);
  return v;
}

// Exit 0 or 3 from inspect; predict loaded the model when it did not exit 3.
void expect_agreement(const Verdicts& v, const std::string& what) {
  ASSERT_TRUE(v.inspect == 0 || v.inspect == 3) << what << ": inspect exit " << v.inspect;
  EXPECT_EQ(v.inspect, v.inspect_json) << what;
  EXPECT_EQ(v.inspect == 0, v.predict != 3)
      << what << ": inspect exit " << v.inspect << ", predict exit " << v.predict << "\n"
      << v.report << v.predict_error;
  if (!v.json.empty()) {  // a model that loads prints its report, runnable or not
    rapidjson::Document d;
    d.Parse(v.json.c_str());
    ASSERT_FALSE(d.HasParseError()) << what << ": " << v.json;
    EXPECT_EQ(d["runnable"].GetBool(), v.inspect == 0) << what;
    EXPECT_EQ(d["reasons"].Size() == 0, v.inspect == 0) << what;
  }
}

class InspectPredictZoo : public ::testing::TestWithParam<std::string> {};

TEST_P(InspectPredictZoo, agree_that_the_model_runs) {
  const fs::path dir = zoo_dir() / GetParam();
  Verdicts v = run_both(dir / "model.onnx", dir / "request.json");
  expect_agreement(v, GetParam());
  EXPECT_EQ(v.inspect, 0) << v.report;
  EXPECT_EQ(v.predict, 0) << v.predict_error;
}

INSTANTIATE_TEST_SUITE_P(Zoo, InspectPredictZoo, ::testing::ValuesIn(zoo_cases()),
                         [](const auto& p) { return p.param; });

// X float [N,2] -> op -> Y, with Y declared as `y_type` and rank `y_rank` (0: no shape).
onnx::ModelProto one_node(const std::string& op, const std::string& domain, int y_type, int y_rank) {
  onnx::ModelProto m = minimal_model_proto();
  auto* g = m.mutable_graph();
  auto* y = g->mutable_output(0)->mutable_type()->mutable_tensor_type();
  y->set_elem_type(y_type);
  for (int d = 0; d < y_rank; ++d) y->mutable_shape()->add_dim()->set_dim_param("N" + std::to_string(d));
  auto* n = g->mutable_node(0);
  n->set_name("the_node");
  n->set_op_type(op);
  n->set_domain(domain);
  if (domain == "ai.onnx.ml") {
    auto* ml = m.add_opset_import();
    ml->set_domain("ai.onnx.ml");
    ml->set_version(3);
  }
  return m;
}

onnx::AttributeProto* attr(onnx::NodeProto* n, const std::string& name, onnx::AttributeProto::AttributeType type) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(type);
  return a;
}

onnx::ModelProto linear_regressor(int y_type, int y_rank) {
  onnx::ModelProto m = one_node("LinearRegressor", "ai.onnx.ml", y_type, y_rank);
  auto* n = m.mutable_graph()->mutable_node(0);
  auto* coefficients = attr(n, "coefficients", onnx::AttributeProto::FLOATS);
  for (float c : {1.0f, 2.0f}) coefficients->add_floats(c);
  attr(n, "intercepts", onnx::AttributeProto::FLOATS)->add_floats(0.5f);
  return m;
}

// A one-tree regressor over 3 nodes whose false branch points to node `false_id`.
onnx::ModelProto tree_regressor(int64_t false_id) {
  onnx::ModelProto m = one_node("TreeEnsembleRegressor", "ai.onnx.ml", onnx::TensorProto::FLOAT, 2);
  auto* n = m.mutable_graph()->mutable_node(0);
  auto ints = [&](const std::string& name, std::initializer_list<int64_t> v) {
    auto* a = attr(n, name, onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  };
  attr(n, "n_targets", onnx::AttributeProto::INT)->set_i(1);
  ints("nodes_treeids", {0, 0, 0});
  ints("nodes_nodeids", {0, 1, 2});
  ints("nodes_featureids", {0, 0, 0});
  ints("nodes_truenodeids", {1, 0, 0});
  ints("nodes_falsenodeids", {false_id, 0, 0});
  auto* modes = attr(n, "nodes_modes", onnx::AttributeProto::STRINGS);
  for (const char* s : {"BRANCH_LEQ", "LEAF", "LEAF"}) modes->add_strings(s);
  auto* values = attr(n, "nodes_values", onnx::AttributeProto::FLOATS);
  for (float f : {0.5f, 0.0f, 0.0f}) values->add_floats(f);
  ints("target_treeids", {0, 0});
  ints("target_nodeids", {1, 2});
  ints("target_ids", {0, 0});
  auto* weights = attr(n, "target_weights", onnx::AttributeProto::FLOATS);
  for (float f : {10.0f, 20.0f}) weights->add_floats(f);
  return m;
}

struct Case {
  std::string name;
  onnx::ModelProto model;
  bool runs;
  std::string reason;  // a fragment of the refusal, for models that cannot run
};

std::vector<Case> built_cases() {
  std::vector<Case> cases;
  cases.push_back({"identity", minimal_model_proto(), true, ""});
  cases.push_back({"unsupported_operator", one_node("NoSuchOp", "", onnx::TensorProto::FLOAT, 0), false, "NoSuchOp"});
  cases.push_back(
      {"tree_node_id_outside_the_tree", tree_regressor(7), false, "nodes_falsenodeids is 7, outside [0, 3)"});
  cases.push_back({"tree_valid", tree_regressor(2), true, ""});
  cases.push_back({"float_output_declared_double", linear_regressor(onnx::TensorProto::DOUBLE, 2), false,
                   "node 'the_node' (ai.onnx.ml:LinearRegressor): output 0 'Y' is tensor(float), but the graph "
                   "declares it as tensor(double)"});
  cases.push_back({"float_output_declared_float", linear_regressor(onnx::TensorProto::FLOAT, 2), true, ""});
  // ONNX Runtime loads a declared rank that differs (it warns and merges leniently), and so do we.
  cases.push_back({"float_output_declared_rank_1", linear_regressor(onnx::TensorProto::FLOAT, 1), true, ""});
  cases.push_back({"float_output_declared_rank_3", linear_regressor(onnx::TensorProto::FLOAT, 3), true, ""});
  // Loader refusals: both exit 3 before any report.
  onnx::ModelProto undefined_input = minimal_model_proto();
  undefined_input.mutable_graph()->mutable_node(0)->set_input(0, "nowhere");
  cases.push_back({"undefined_node_input", undefined_input, false, ""});
  onnx::ModelProto produced_twice = minimal_model_proto();
  *produced_twice.mutable_graph()->add_node() = produced_twice.graph().node(0);
  cases.push_back({"value_produced_twice", produced_twice, false, ""});
  onnx::ModelProto no_opset = minimal_model_proto();
  no_opset.clear_opset_import();
  cases.push_back({"missing_opset", no_opset, false, ""});
  return cases;
}

TEST(InspectPredict, agree_on_models_that_run_and_models_that_do_not) {
  const fs::path request = temp_path("request.json");
  std::ofstream(request) << R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [1, 2], "data": [0.25, 1.5]}]})";
  for (const Case& c : built_cases()) {
    const fs::path model = temp_path(c.name + ".onnx");
    std::ofstream(model, std::ios::binary) << c.model.SerializeAsString();
    Verdicts v = run_both(model, request);
    expect_agreement(v, c.name);
    EXPECT_EQ(v.inspect, c.runs ? 0 : 3) << c.name << "\n" << v.report;
    EXPECT_EQ(v.predict, c.runs ? 0 : 3) << c.name << "\n" << v.predict_error;
    if (!c.reason.empty()) {
      EXPECT_NE(v.report.find(c.reason), std::string::npos) << c.name << ": inspect does not say '" << c.reason << "'\n"
                                                            << v.report;
      EXPECT_NE(v.predict_error.find(c.reason), std::string::npos)
          << c.name << ": predict does not say '" << c.reason << "'\n"
          << v.predict_error;
      EXPECT_NE(v.report.find("onnxfn cannot run this model:"), std::string::npos) << v.report;
    }
    fs::remove(model);
  }
  fs::remove(request);
}

}  // namespace
}  // namespace onnxfn
