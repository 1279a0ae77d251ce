// Helpers for the ai.onnx elementwise kernel tests: run one node through a Session with inputs
// declared from the tensors fed, and compare outputs with numbers ONNX Runtime 1.32 produced.
//
// The expected numbers in these tests come from ORT 1.32 (CPU provider, optimisations off) via a
// one-node model, in essence:
//   node = onnx.helper.make_node(op, ["X0", ...], ["Y0"], **attrs)
//   model = helper.make_model(helper.make_graph([node], "g", inputs, outputs),
//                             opset_imports=[helper.make_opsetid("", opset)])
//   onnxruntime.InferenceSession(model.SerializeToString()).run(None, feeds)
// with floats printed as "%.9g" (float) or "%.17g" (double).
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

inline constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
inline constexpr float kInf = std::numeric_limits<float>::infinity();

// A one-node ai.onnx model: inputs X0, X1, ... typed after `inputs` (unknown dims of the same
// rank; an undefined Tensor marks an omitted optional input), outputs Y0, Y1, ...
inline Model onnx_model(const std::string& op, const std::vector<Tensor>& inputs, std::vector<Attribute> attrs,
                        int64_t opset, size_t outputs = 1) {
  GraphBuilder b;
  b.opset("ai.onnx", opset);
  std::vector<std::string> in_names, out_names;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined()) {
      in_names.emplace_back();
      continue;
    }
    in_names.push_back("X" + std::to_string(i));
    b.input(in_names.back(), inputs[i].dtype(), std::vector<int64_t>(inputs[i].rank(), -1));
  }
  for (size_t i = 0; i < outputs; ++i) out_names.push_back("Y" + std::to_string(i));
  Node& n = b.node(op, in_names, out_names);
  n.attributes = std::move(attrs);
  for (const std::string& o : out_names) b.output(o);
  return b.build();
}

// Runs the node once and returns its output tensors.
inline std::vector<Tensor> run_onnx(const std::string& op, const std::vector<Tensor>& inputs,
                                    std::vector<Attribute> attrs = {}, int64_t opset = 17, int threads = 1,
                                    size_t outputs = 1) {
  Session s(onnx_model(op, inputs, std::move(attrs), opset, outputs), ops::all_kernels(), {.threads = threads});
  NamedValues feeds;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].defined()) feeds.push_back({"X" + std::to_string(i), inputs[i]});
  std::vector<Tensor> result;
  for (auto& [name, value] : s.run(feeds)) result.push_back(value.tensor());
  return result;
}

inline Tensor run1(const std::string& op, const std::vector<Tensor>& inputs, std::vector<Attribute> attrs = {},
                   int64_t opset = 17) {
  return run_onnx(op, inputs, std::move(attrs), opset).at(0);
}

template <class T>
Tensor tensor(Shape shape, std::vector<T> values) {
  return Tensor::from_vector<T>(std::move(shape), values);
}
template <class T>
Tensor vec(std::vector<T> values) {
  const auto n = static_cast<int64_t>(values.size());
  return Tensor::from_vector<T>({n}, values);
}
inline Tensor strings(Shape shape, std::vector<std::string> values) {
  return Tensor::from_strings(std::move(shape), std::move(values));
}

// Exact comparison (NaN equals NaN), also of dtype and shape.
template <class T>
void expect_tensor(const Tensor& t, const Shape& shape, const std::vector<T>& expected) {
  ASSERT_EQ(t.dtype(), dtype_of<T>()) << dtype_name(t.dtype());
  ASSERT_EQ(t.shape(), shape) << shape_to_string(t.shape());
  ASSERT_EQ(static_cast<size_t>(t.numel()), expected.size());
  const T* data = t.data<T>();
  for (size_t i = 0; i < expected.size(); ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(expected[i])) {
        EXPECT_TRUE(std::isnan(data[i])) << "at " << i << ": " << data[i];
        continue;
      }
    }
    EXPECT_EQ(data[i], expected[i]) << "at " << i;
  }
}

// Within `rel` relative or `abs` absolute of ORT's value (libm and MLAS differ in the last bits).
template <class T>
void expect_close(const Tensor& t, const Shape& shape, const std::vector<T>& expected, double rel = 1e-6,
                  double abs = 0) {
  ASSERT_EQ(t.dtype(), dtype_of<T>()) << dtype_name(t.dtype());
  ASSERT_EQ(t.shape(), shape) << shape_to_string(t.shape());
  ASSERT_EQ(static_cast<size_t>(t.numel()), expected.size());
  const T* data = t.data<T>();
  for (size_t i = 0; i < expected.size(); ++i) {
    const double e = expected[i], a = data[i];
    if (std::isnan(e) || std::isinf(e)) {
      EXPECT_TRUE(std::isnan(e) ? std::isnan(a) : a == e) << "at " << i << ": " << a << " vs " << e;
      continue;
    }
    EXPECT_LE(std::abs(a - e), std::max(abs, rel * std::abs(e))) << "at " << i << ": " << a << " vs " << e;
  }
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

}  // namespace onnxfn::testing
