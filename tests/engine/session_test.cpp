// Session: input checking, constant folding, concurrency. The engine is tested on its own (this
// binary does not link ops/): one copying kernel of the test's own stands in for Identity.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine/session.h"
#include "support/graph_builder.h"

namespace onnxfn {
namespace {

using testing::GraphBuilder;

class CopyKernel : public Kernel {
 public:
  void run(KernelContext& ctx) const override { ctx.set_output(0, ctx.input_value(0)); }
};

const KernelRegistry& test_kernels() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    r.add("ai.onnx", "Identity", 1, 1000, [](const KernelBuildInfo&) -> std::unique_ptr<Kernel> { return std::make_unique<CopyKernel>(); });
    return r;
  }();
  return registry;
}

Model identity_model() {
  GraphBuilder b;
  b.input("X", DType::Float, {-1, 2});
  b.node("Identity", {"X"}, {"Y"});
  b.output("Y");
  return b.build();
}

TEST(Session, runs_identity) {
  Session s(identity_model(), test_kernels(), {.threads = 1});
  auto out = s.run({{"X", Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4})}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first, "Y");
  const Tensor& y = out[0].second.tensor();
  EXPECT_EQ(y.shape(), (Shape{2, 2}));
  EXPECT_EQ(y.data<float>()[3], 4.0f);
}

TEST(Session, rejects_unknown_input_naming_it) {
  Session s(identity_model(), test_kernels(), {.threads = 1});
  try {
    s.run({{"Z", Tensor::from_vector<float>({1, 2}, {1, 2})}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("unknown input 'Z'"), std::string::npos);
  }
}

TEST(Session, rejects_missing_input) {
  Session s(identity_model(), test_kernels(), {.threads = 1});
  EXPECT_THROW(s.run({}), Error);
}

TEST(Session, rejects_wrong_dtype_and_dimension) {
  Session s(identity_model(), test_kernels(), {.threads = 1});
  EXPECT_THROW(s.run({{"X", Tensor::from_vector<double>({1, 2}, {1, 2})}}), Error);
  try {
    s.run({{"X", Tensor::from_vector<float>({1, 3}, {1, 2, 3})}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dimension 1 is 3"), std::string::npos) << e.what();
  }
}

TEST(Session, reports_every_unsupported_operator_at_once) {
  GraphBuilder b;
  b.input("X", DType::Float, {-1});
  b.node("NoSuchOp", {"X"}, {"A"});
  b.node("AlsoMissing", {"A"}, {"B"}, "com.example");
  b.output("B");
  b.opset("ai.onnx", 17).opset("com.example", 1);
  try {
    Session s(b.build(), test_kernels());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    std::string msg = e.what();
    EXPECT_NE(msg.find("NoSuchOp"), std::string::npos) << msg;
    EXPECT_NE(msg.find("com.example"), std::string::npos) << msg;
  }
}

TEST(Session, folds_initializer_only_nodes) {
  GraphBuilder b;
  b.input("X", DType::Float, {-1});
  b.initializer("C", Tensor::from_vector<float>({1}, {5}));
  b.node("Identity", {"C"}, {"D"});
  b.node("Identity", {"X"}, {"Y"});
  b.output("Y").output("D");
  Session s(b.build(), test_kernels(), {.threads = 1});
  EXPECT_EQ(s.step_count(), 1u);
  auto out = s.run({{"X", Tensor::from_vector<float>({1}, {2})}});
  EXPECT_EQ(out[1].second.tensor().data<float>()[0], 5.0f);
}

TEST(Session, concurrent_runs_on_one_session_agree) {
  Session s(identity_model(), test_kernels(), {.threads = 2});
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        float v = static_cast<float>(t * 1000 + i);
        auto out = s.run({{"X", Tensor::from_vector<float>({1, 2}, {v, -v})}});
        const float* y = out[0].second.tensor().data<float>();
        if (y[0] != v || y[1] != -v) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace onnxfn
