// Helpers for the ai.onnx.ml kernel tests: run one ML node through a Session with inputs declared
// from the values fed, and compare outputs with the numbers ONNX Runtime 1.32 produced.
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

// A one-node ai.onnx.ml model whose inputs are typed after `inputs` (any dims of the same rank)
// and whose outputs are Y0, Y1, ...; opsets ai.onnx 17 and ai.onnx.ml `ml_opset`.
inline Model ml_model(const std::string& op, std::vector<Attribute> attrs, const NamedValues& inputs, size_t outputs,
                      int64_t ml_opset) {
  GraphBuilder b;
  b.opset("ai.onnx", 17).opset("ai.onnx.ml", ml_opset);
  std::vector<std::string> in_names, out_names;
  for (const auto& [name, value] : inputs) {
    in_names.push_back(name);
    TypeInfo t;
    if (value.is_tensor()) {
      t.kind = TypeInfo::Kind::Tensor;
      t.elem = value.tensor().dtype();
      t.shape = std::vector<Dim>(value.tensor().rank());
    } else if (value.is_map()) {
      t.kind = TypeInfo::Kind::Map;
      t.elem = value.map().keys.dtype();
    } else {
      t.kind = TypeInfo::Kind::Sequence;
    }
    b.input_type(name, t);
  }
  for (size_t i = 0; i < outputs; ++i) out_names.push_back("Y" + std::to_string(i));
  Node& n = b.node(op, in_names, out_names, "ai.onnx.ml");
  n.attributes = std::move(attrs);
  for (const std::string& o : out_names) b.output(o);
  return b.build();
}

// Runs the node once and returns its outputs (as Values, in order).
inline std::vector<Value> run_ml(const std::string& op, std::vector<Attribute> attrs, const NamedValues& inputs,
                                 size_t outputs = 1, int64_t ml_opset = 3) {
  Session s(ml_model(op, std::move(attrs), inputs, outputs, ml_opset), ops::all_kernels(), {.threads = 1});
  std::vector<Value> values;
  for (auto& [name, value] : s.run(inputs)) values.push_back(std::move(value));
  return values;
}

// Expects `fn` to throw an Error of `kind` whose message contains `fragment`.
inline void expect_error(const std::function<void()>& fn, ErrorKind kind, const std::string& fragment) {
  try {
    fn();
    ADD_FAILURE() << "no error thrown, expected one containing '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

// Float outputs within 1e-5 absolute or relative of ORT's (NaN matches NaN).
inline void expect_floats(const Value& v, const Shape& shape, const std::vector<float>& want, float tol = 1e-5f) {
  const Tensor& t = v.tensor();
  ASSERT_EQ(t.dtype(), DType::Float);
  ASSERT_EQ(t.shape(), shape);
  ASSERT_EQ(static_cast<size_t>(t.numel()), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const float got = t.data<float>()[i];
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got)) << "element " << i << " is " << got << ", expected NaN";
    } else if (std::isinf(want[i])) {
      EXPECT_EQ(got, want[i]) << "element " << i;
    } else {
      EXPECT_NEAR(got, want[i], tol * std::max(1.0f, std::fabs(want[i]))) << "element " << i;
    }
  }
}

template <class T>
void expect_values(const Value& v, const Shape& shape, const std::vector<T>& want) {
  const Tensor& t = v.tensor();
  ASSERT_EQ(t.dtype(), dtype_of<T>());
  ASSERT_EQ(t.shape(), shape);
  ASSERT_EQ(static_cast<size_t>(t.numel()), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(t.data<T>()[i], want[i]) << "element " << i;
}

inline constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
inline constexpr float kInf = std::numeric_limits<float>::infinity();

inline Tensor floats(Shape shape, std::vector<float> v) { return Tensor::from_vector<float>(std::move(shape), v); }
inline Tensor int64s(Shape shape, std::vector<int64_t> v) { return Tensor::from_vector<int64_t>(std::move(shape), v); }
inline Tensor strings(Shape shape, std::vector<std::string> v) { return Tensor::from_strings(std::move(shape), std::move(v)); }

}  // namespace onnxfn::testing
