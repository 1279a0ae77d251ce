// Helpers for the shape/tensor, reduction and linear-algebra kernel tests: run one node through
// a Session and compare its outputs.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "engine/session.h"
#include "ops/all_kernels.h"
#include "support/graph_builder.h"

namespace onnxfn::testing {

// One input of the node under test: a graph input, or an initializer when `constant`.
// An empty name marks an omitted optional input.
struct NodeInput {
  std::string name;
  Tensor value;
  bool constant = false;
};

inline NodeInput in(std::string name, Tensor value) { return {std::move(name), std::move(value), false}; }
inline NodeInput init(std::string name, Tensor value) { return {std::move(name), std::move(value), true}; }
inline NodeInput omitted() { return {"", Tensor(), false}; }

inline Model one_node_model(const std::string& op, int64_t opset, const std::vector<NodeInput>& inputs,
                            const std::vector<Attribute>& attrs, size_t outputs) {
  GraphBuilder b;
  b.opset("ai.onnx", opset);
  std::vector<std::string> names;
  for (const NodeInput& i : inputs) {
    names.push_back(i.name);
    if (i.name.empty()) continue;
    if (i.constant) b.initializer(i.name, i.value);
    else b.input(i.name, i.value.dtype(), i.value.shape());
  }
  std::vector<std::string> outs;
  for (size_t k = 0; k < outputs; ++k) outs.push_back("Y" + std::to_string(k));
  Node& n = b.node(op, names, outs);
  n.attributes = attrs;
  for (const std::string& o : outs) b.output(o);
  return b.build();
}

// Builds the model, runs it once and returns the outputs. Throws onnxfn::Error.
inline std::vector<Tensor> run_node(const std::string& op, int64_t opset, const std::vector<NodeInput>& inputs,
                                    const std::vector<Attribute>& attrs = {}, size_t outputs = 1, int threads = 1) {
  Session s(one_node_model(op, opset, inputs, attrs, outputs), ops::all_kernels(), {.threads = threads});
  NamedValues feeds;
  for (const NodeInput& i : inputs)
    if (!i.name.empty() && !i.constant) feeds.emplace_back(i.name, i.value);
  std::vector<Tensor> out;
  for (auto& [name, value] : s.run(feeds)) out.push_back(value.tensor());
  return out;
}

// Expects `fn` to throw an Error of `kind` whose message contains `text`.
inline void expect_error(const std::function<void()>& fn, ErrorKind kind, const std::string& text) {
  try {
    fn();
    ADD_FAILURE() << "no error thrown; expected " << to_string(kind) << " with '" << text << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

template <class T>
void expect_values(const Tensor& t, const Shape& shape, const std::vector<T>& want) {
  ASSERT_EQ(t.dtype(), dtype_of<T>());
  ASSERT_EQ(t.shape(), shape);
  ASSERT_EQ(static_cast<size_t>(t.numel()), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(t.data<T>()[i], want[i]) << "at " << i;
}

// Floats within 1e-5 absolute or relative (the project's ORT tolerance); NaN matches NaN.
template <class T>
void expect_close(const Tensor& t, const Shape& shape, const std::vector<double>& want, double tol = 1e-5) {
  ASSERT_EQ(t.dtype(), dtype_of<T>());
  ASSERT_EQ(t.shape(), shape);
  ASSERT_EQ(static_cast<size_t>(t.numel()), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const double got = static_cast<double>(t.data<T>()[i]);
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got)) << "at " << i << ": " << got;
    } else if (std::isinf(want[i])) {
      EXPECT_EQ(got, want[i]) << "at " << i;
    } else {
      EXPECT_LE(std::abs(got - want[i]), tol * std::max(1.0, std::abs(want[i]))) << "at " << i << ": " << got << " vs " << want[i];
    }
  }
}

inline Tensor f32(Shape shape, std::vector<float> v) { return Tensor::from_vector<float>(std::move(shape), v); }
inline Tensor i64(Shape shape, std::vector<int64_t> v) { return Tensor::from_vector<int64_t>(std::move(shape), v); }
inline Tensor i32(Shape shape, std::vector<int32_t> v) { return Tensor::from_vector<int32_t>(std::move(shape), v); }

}  // namespace onnxfn::testing
