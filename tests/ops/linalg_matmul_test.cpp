// MatMul and Gemm: numpy matmul shapes, Gemm attributes per version, and the packed kernel on
// larger shapes against a double-precision reference.
// Small expected values come from ONNX Runtime 1.32 on one-node models built with onnx.helper:
//   node = helper.make_node("Gemm", ["A", "B", "C"], ["Y"], transA=1, transB=1, alpha=2.0, beta=-1.0)
//   sess = ort.InferenceSession(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString())
// (ORT has no integer Gemm; that case is checked by hand.)
#include "ops/tensor_test_helpers.h"

namespace onnxfn {
namespace {

using namespace testing;

std::vector<float> iota(size_t n, float scale = 1, float offset = 0) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i) * scale + offset;
  return v;
}

TEST(MatMul, one_dimensional_operands_are_promoted_and_dropped) {
  const Tensor b = f32({3, 4}, iota(12));
  auto out = run_node("MatMul", 13, {in("A", f32({3}, {0, 1, 2})), in("B", b)});
  expect_values<float>(out[0], {4}, {20, 23, 26, 29});
  out = run_node("MatMul", 13, {in("A", f32({2, 3}, iota(6))), in("B", f32({3}, {0, 1, 2}))});
  expect_values<float>(out[0], {2}, {5, 14});
  out = run_node("MatMul", 13, {in("A", f32({3}, {0, 1, 2})), in("B", f32({3}, {0, 1, 2}))});
  expect_values<float>(out[0], {}, {5});
}

TEST(MatMul, broadcasts_batch_dims) {
  auto out = run_node("MatMul", 13, {in("A", f32({2, 1, 2, 3}, iota(12))), in("B", f32({3, 3, 2}, iota(18)))});
  expect_values<float>(out[0], {2, 3, 2, 2}, {10, 13, 28, 40, 28, 31, 100, 112, 46, 49, 172, 184,
                                               46, 67, 64, 94, 172, 193, 244, 274, 298, 319, 424, 454});
  out = run_node("MatMul", 13, {in("A", i64({2, 2, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})), init("B", i64({3, 2}, {0, 1, 2, 3, 4, 5}))});
  expect_values<int64_t>(out[0], {2, 2, 2}, {10, 13, 28, 40, 46, 67, 64, 94});
  out = run_node("MatMul", 13, {in("A", Tensor::from_vector<double>({1, 2}, {0.1, 0.2})), in("B", Tensor::from_vector<double>({2, 1}, {0.3, 0.7}))});
  expect_close<double>(out[0], {1, 1}, {0.16999999999999998}, 1e-15);
}

TEST(MatMul, empty_inner_dimension_gives_zeros) {
  auto out = run_node("MatMul", 13, {in("A", Tensor::zeros(DType::Float, {2, 0})), in("B", Tensor::zeros(DType::Float, {0, 3}))});
  expect_values<float>(out[0], {2, 3}, {0, 0, 0, 0, 0, 0});
}

TEST(MatMul, rejects_incompatible_shapes_and_types) {
  expect_error([] { run_node("MatMul", 13, {in("A", f32({2, 3}, iota(6))), in("B", f32({2, 3}, iota(6)))}); }, ErrorKind::BadInput,
               "cannot be multiplied");
  expect_error([] { run_node("MatMul", 13, {in("A", f32({2, 2, 3}, iota(12))), in("B", f32({3, 3, 2}, iota(18)))}); },
               ErrorKind::BadInput, "broadcast");
  expect_error([] { run_node("MatMul", 13, {in("A", Tensor::from_vector<bool>({1, 1}, {true})), in("B", Tensor::from_vector<bool>({1, 1}, {true}))}); },
               ErrorKind::BadInput, "not supported");
}

// Reference product in double.
std::vector<double> reference(const std::vector<float>& a, const std::vector<float>& b, int64_t M, int64_t K, int64_t N) {
  std::vector<double> c(static_cast<size_t>(M * N), 0.0);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t k = 0; k < K; ++k)
      for (int64_t j = 0; j < N; ++j)
        c[static_cast<size_t>(i * N + j)] += static_cast<double>(a[static_cast<size_t>(i * K + k)]) * b[static_cast<size_t>(k * N + j)];
  return c;
}

std::vector<float> pseudo_random(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    v[i] = static_cast<float>(seed >> 8) / static_cast<float>(1u << 24) * 2.0f - 1.0f;
  }
  return v;
}

TEST(MatMul, tall_thin_product_with_threads_matches_reference) {
  // The skl2onnx MLP / KNN shape class: many rows, few features; odd sizes hit every edge tile.
  const int64_t M = 1003, K = 20, N = 67;
  const std::vector<float> a = pseudo_random(static_cast<size_t>(M * K), 1);
  const std::vector<float> b = pseudo_random(static_cast<size_t>(K * N), 2);
  const std::vector<double> want = reference(a, b, M, K, N);
  for (bool constant_b : {false, true}) {
    SCOPED_TRACE(constant_b ? "constant B" : "input B");
    const NodeInput bi = constant_b ? init("B", f32({K, N}, b)) : in("B", f32({K, N}, b));
    auto out = run_node("MatMul", 13, {in("A", f32({M, K}, a)), bi}, {}, 1, 2);
    expect_close<float>(out[0], {M, N}, want);
  }
}

TEST(MatMul, deep_product_matches_reference) {
  const int64_t M = 37, K = 700, N = 29;
  const std::vector<float> a = pseudo_random(static_cast<size_t>(M * K), 3);
  const std::vector<float> b = pseudo_random(static_cast<size_t>(K * N), 4);
  auto out = run_node("MatMul", 13, {in("A", f32({M, K}, a)), in("B", f32({K, N}, b))});
  expect_close<float>(out[0], {M, N}, reference(a, b, M, K, N), 1e-4);
}

TEST(Gemm, transposes_alpha_beta_and_column_bias) {
  const Tensor a = f32({3, 2}, iota(6, 0.5f, -1));
  const Tensor b = f32({4, 3}, iota(12, 0.25f));
  auto out = run_node("Gemm", 13, {in("A", a), in("B", b), in("C", f32({2, 1}, {1, 2}))},
                      {attr_int("transA", 1), attr_int("transB", 1), attr_float("alpha", 2), attr_float("beta", -1)});
  expect_close<float>(out[0], {2, 4}, {0, 0, 0, 0, -0.25, 2, 4.25, 6.5});
  // Same with B as a constant (packed at load).
  out = run_node("Gemm", 13, {in("A", a), init("B", b), in("C", f32({2, 1}, {1, 2}))},
                 {attr_int("transA", 1), attr_int("transB", 1), attr_float("alpha", 2), attr_float("beta", -1)});
  expect_close<float>(out[0], {2, 4}, {0, 0, 0, 0, -0.25, 2, 4.25, 6.5});
}

TEST(Gemm, bias_broadcast_shapes_per_ort) {
  const Tensor a = f32({2, 3}, iota(6));
  const Tensor b = f32({3, 4}, iota(12));
  const std::vector<double> want{22, 25, 28, 31, 58, 70, 82, 94};  // A*B + 2*ones
  for (const Tensor& c : {f32({4}, {1, 1, 1, 1}), f32({1}, {1}), f32({2, 1}, {1, 1}), f32({1, 4}, {1, 1, 1, 1}),
                          f32({2, 4}, std::vector<float>(8, 1)), Tensor::scalar<float>(1), f32({1, 1}, {1})}) {
    SCOPED_TRACE(shape_to_string(c.shape()));
    auto out = run_node("Gemm", 13, {in("A", a), in("B", b), in("C", c)}, {attr_float("beta", 2)});
    expect_close<float>(out[0], {2, 4}, want);
  }
  expect_error([&] { run_node("Gemm", 13, {in("A", a), in("B", b), in("C", f32({2}, {1, 1}))}); }, ErrorKind::BadInput,
               "cannot be broadcast");
  expect_error([&] { run_node("Gemm", 13, {in("A", a), in("B", b), in("C", f32({3, 4}, std::vector<float>(12, 1)))}); },
               ErrorKind::BadInput, "cannot be broadcast");
}

TEST(Gemm, optional_c_from_opset11_and_beta_zero_ignores_c) {
  const Tensor a = f32({2, 3}, iota(6));
  const Tensor b = f32({3, 4}, iota(12));
  auto out = run_node("Gemm", 11, {in("A", a), in("B", b)}, {attr_float("alpha", 0.5f)});
  expect_close<float>(out[0], {2, 4}, {10, 11.5, 13, 14.5, 28, 34, 40, 46});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  out = run_node("Gemm", 13, {in("A", a), in("B", b), in("C", f32({2, 4}, std::vector<float>(8, nan)))}, {attr_float("beta", 0)});
  expect_close<float>(out[0], {2, 4}, {20, 23, 26, 29, 56, 68, 80, 92});
  expect_error([&] { run_node("Gemm", 9, {in("A", a), in("B", b)}); }, ErrorKind::BadModel, "(C) is required");
}

TEST(Gemm, broadcast_attribute_before_opset7) {
  const Tensor a = f32({2, 3}, iota(6));
  const Tensor b = f32({3, 4}, iota(12));
  auto out = run_node("Gemm", 6, {in("A", a), in("B", b), in("C", f32({4}, {1, 1, 1, 1}))}, {attr_int("broadcast", 1)});
  expect_close<float>(out[0], {2, 4}, {21, 24, 27, 30, 57, 69, 81, 93});
  expect_error([&] { run_node("Gemm", 6, {in("A", a), in("B", b), in("C", f32({4}, {1, 1, 1, 1}))}); }, ErrorKind::BadInput,
               "cannot be broadcast");
}

TEST(Gemm, integers_and_shape_errors) {
  auto out = run_node("Gemm", 13, {in("A", i64({2, 3}, {0, 1, 2, 3, 4, 5})), in("B", i64({3, 2}, {0, 1, 2, 3, 4, 5})), in("C", i64({2}, {1, 2}))});
  expect_values<int64_t>(out[0], {2, 2}, {11, 15, 29, 42});
  expect_error([] { run_node("Gemm", 13, {in("A", f32({2, 3}, iota(6))), in("B", f32({2, 3}, iota(6)))}); }, ErrorKind::BadInput,
               "cannot be multiplied");
  expect_error([] { run_node("Gemm", 13, {in("A", f32({6}, iota(6))), in("B", f32({6, 1}, iota(6)))}); }, ErrorKind::BadInput, "2-D");
}

TEST(Gemm, large_transposed_constant_b_with_threads_matches_reference) {
  const int64_t M = 2001, K = 33, N = 10;
  const std::vector<float> a = pseudo_random(static_cast<size_t>(M * K), 5);
  const std::vector<float> bt = pseudo_random(static_cast<size_t>(N * K), 6);  // N x K, used with transB
  std::vector<float> b(static_cast<size_t>(K * N));
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n) b[static_cast<size_t>(k * N + n)] = bt[static_cast<size_t>(n * K + k)];
  std::vector<double> want = reference(a, b, M, K, N);
  const std::vector<float> bias = pseudo_random(static_cast<size_t>(N), 7);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t n = 0; n < N; ++n) want[static_cast<size_t>(i * N + n)] += bias[static_cast<size_t>(n)];
  auto out = run_node("Gemm", 13, {in("A", f32({M, K}, a)), init("B", f32({N, K}, bt)), init("C", f32({N}, bias))},
                      {attr_int("transB", 1)}, 1, 2);
  expect_close<float>(out[0], {M, N}, want);
}

}  // namespace
}  // namespace onnxfn
