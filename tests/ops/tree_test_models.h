// Helpers shared by the tree-ensemble tests (tests/ops/tree_*_test.cpp): one-node models built
// from attribute lists, a run at a given thread count, and float comparisons that treat NaN and
// infinities as values (ORT's PROBIT produces both).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/session.h"
#include "ops/all_kernels.h"
#include "support/graph_builder.h"

namespace onnxfn::tree_tests {

using testing::attr_float;
using testing::attr_floats;
using testing::attr_int;
using testing::attr_ints;
using testing::attr_string;
using testing::attr_strings;
using testing::attr_tensor;

inline constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
inline constexpr float kInf = std::numeric_limits<float>::infinity();

// A model with one ai.onnx.ml tree node reading X [N, features] (features -1: undeclared width).
inline Model tree_model(const std::string& op, int64_t ml_opset, DType x_type, int64_t features,
                        std::vector<Attribute> attributes) {
  testing::GraphBuilder b;
  b.opset("ai.onnx", 17).opset("ai.onnx.ml", ml_opset);
  b.input("X", x_type, {-1, features});
  const bool classifier = op == "TreeEnsembleClassifier";
  std::vector<std::string> outputs = classifier ? std::vector<std::string>{"label", "probabilities"}
                                                : std::vector<std::string>{"Y"};
  Node& n = b.node(op, {"X"}, outputs, "ai.onnx.ml");
  n.attributes = std::move(attributes);
  for (const std::string& o : outputs) b.output(o);
  return b.build();
}

inline NamedValues run_model(const Model& m, Tensor x, int threads = 1) {
  Session s(m, ops::all_kernels(), {.threads = threads});
  return s.run({{"X", std::move(x)}});
}

template <class T>
Tensor matrix(int64_t rows, int64_t cols, const std::vector<T>& values) {
  return Tensor::from_vector<T>({rows, cols}, values);
}

// Same value within `tol` (absolute or relative); NaN equals NaN, infinities equal themselves.
inline bool close(double got, double want, double tol) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::fabs(got - want) <= tol * std::max(1.0, std::fabs(want));
}

template <class T>
void expect_values(const Tensor& t, const std::vector<double>& want, double tol = 2e-6) {
  ASSERT_EQ(t.numel(), static_cast<int64_t>(want.size()));
  const T* got = t.data<T>();
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_TRUE(close(got[i], want[i], tol)) << "element " << i << ": got " << got[i] << ", want " << want[i];
}

inline void expect_floats(const Tensor& t, const std::vector<double>& want, double tol = 2e-6) {
  expect_values<float>(t, want, tol);
}

inline void expect_labels(const Tensor& t, const std::vector<int64_t>& want) {
  ASSERT_EQ(t.dtype(), DType::Int64);
  EXPECT_EQ(std::vector<int64_t>(t.data<int64_t>(), t.data<int64_t>() + t.numel()), want);
}

inline void expect_labels(const Tensor& t, const std::vector<std::string>& want) {
  ASSERT_EQ(t.dtype(), DType::String);
  EXPECT_EQ(std::vector<std::string>(t.data<std::string>(), t.data<std::string>() + t.numel()), want);
}

// The kind of the Error `fn` throws (Internal if it throws nothing), and its message in `message`.
template <class Fn>
ErrorKind error_kind(Fn&& fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.kind();
  }
  ADD_FAILURE() << "no error thrown";
  return ErrorKind::Internal;
}

}  // namespace onnxfn::tree_tests
