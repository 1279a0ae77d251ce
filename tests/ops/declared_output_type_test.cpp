// A graph output declared with a type that contradicts what its node yields is refused at load,
// naming the node and both types, as ONNX Runtime refuses it ("Type Error: Type (tensor(float))
// of output arg (Y) of node (...) does not match expected type (tensor(double))"); unknown types
// and a differing rank load (ONNX Runtime only warns about ranks: measured with onnxruntime 1.32).
#include <gtest/gtest.h>

#include "engine/session.h"
#include "ops/all_kernels.h"
#include "support/graph_builder.h"

namespace onnxfn {
namespace {

using testing::GraphBuilder;

// X float [N,2] -> op -> Y; Y's declared type is set by the caller.
Model one_node(const std::string& op, const std::string& domain, std::vector<Attribute> attrs, TypeInfo y_type) {
  GraphBuilder b;
  b.input("X", DType::Float, {-1, 2});
  Node& n = b.node(op, {"X"}, {"Y"}, domain);
  n.name = "the_node";
  n.attributes = std::move(attrs);
  b.output("Y");
  b.opset("ai.onnx", 17).opset("ai.onnx.ml", 3);
  Model m = b.build();
  m.graph.outputs[0].type = std::move(y_type);
  return m;
}

TypeInfo tensor_of(DType elem, int rank) {
  TypeInfo t;
  t.kind = TypeInfo::Kind::Tensor;
  t.elem = elem;
  if (rank >= 0) t.shape = std::vector<Dim>(static_cast<size_t>(rank));
  return t;
}

Model linear_regressor(TypeInfo y_type) {
  return one_node("LinearRegressor", "ai.onnx.ml",
                  {testing::attr_floats("coefficients", {1, 2}), testing::attr_floats("intercepts", {0.5f})},
                  std::move(y_type));
}

std::string load_error(const Model& m) {
  try {
    Session s(m, ops::all_kernels(), {.threads = 1});
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadModel) << e.what();
    return e.what();
  }
  return "";
}

TEST(DeclaredOutputType, refuses_float_only_output_declared_double_naming_node_and_types) {
  EXPECT_EQ(load_error(linear_regressor(tensor_of(DType::Double, 2))),
            "node 'the_node' (ai.onnx.ml:LinearRegressor): output 0 'Y' is tensor(float), but the graph declares it as "
            "tensor(double)");
}

TEST(DeclaredOutputType, loads_matching_unknown_element_type_and_any_rank) {
  EXPECT_EQ(load_error(linear_regressor(tensor_of(DType::Float, 2))), "");
  EXPECT_EQ(load_error(linear_regressor(tensor_of(DType::Float, 1))), "");
  EXPECT_EQ(load_error(linear_regressor(tensor_of(DType::Float, 3))), "");
  EXPECT_EQ(load_error(linear_regressor(tensor_of(DType::Float, -1))), "");
  EXPECT_EQ(load_error(linear_regressor(TypeInfo{})), "");  // kind unknown: nothing declared to contradict
}

TEST(DeclaredOutputType, refuses_cast_target_that_differs_from_the_declared_type) {
  Model cast = one_node("Cast", "ai.onnx", {testing::attr_int("to", 7)}, tensor_of(DType::Float, 2));  // 7: INT64
  EXPECT_NE(load_error(cast).find("is tensor(int64), but the graph declares it as tensor(float)"), std::string::npos);
  Model same = one_node("Cast", "ai.onnx", {testing::attr_int("to", 7)}, tensor_of(DType::Int64, 2));
  EXPECT_EQ(load_error(same), "");
}

TEST(DeclaredOutputType, refuses_zipmap_sequence_declared_as_a_tensor) {
  GraphBuilder b;
  b.input("Z", DType::Float, {-1, 2});
  Node& n = b.node("ZipMap", {"Z"}, {"P"}, "ai.onnx.ml");
  n.name = "zip";
  n.attributes.push_back(testing::attr_ints("classlabels_int64s", {0, 1}));
  b.output("P");
  b.opset("ai.onnx", 17).opset("ai.onnx.ml", 1);
  Model m = b.build();
  m.graph.outputs[0].type = tensor_of(DType::Float, 2);
  EXPECT_NE(load_error(m).find("output 0 'P' is a sequence, but the graph declares it as tensor(float)"),
            std::string::npos);
}

}  // namespace
}  // namespace onnxfn
