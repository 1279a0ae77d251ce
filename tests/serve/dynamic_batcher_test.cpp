// serve::DynamicBatcher on its own: merged session runs answer exactly what solo runs answer
// (bytes of the encoded response), requests that cannot merge run alone with their own errors,
// a full batch runs at once and a lone request waits no longer than the delay.
#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <mutex>
#include <thread>

#include "protocol/inference_protocol.h"
#include "serve/dynamic_batcher.h"
#include "batching_support.h"

namespace onnxfn::serve {
namespace {

using Clock = std::chrono::steady_clock;
using testing::zoo_rows_body;

struct SessionRun {
  size_t rows, requests;
};

class RunLog {
 public:
  std::function<void(size_t, size_t)> callback() {
    return [this](size_t rows, size_t requests) {
      std::lock_guard lock(mutex_);
      runs_.push_back({rows, requests});
    };
  }
  std::vector<SessionRun> runs() {
    std::lock_guard lock(mutex_);
    return runs_;
  }

 private:
  std::mutex mutex_;
  std::vector<SessionRun> runs_;
};

std::unique_ptr<pipeline::Predictor> zoo_model(const std::string& name) {
  return pipeline::Predictor::load(onnxfn::testing::zoo_dir() / name / "model.onnx", {.threads = 1});
}

NamedValues rows_tensors(const std::string& zoo_case, size_t first, size_t count, size_t features = 0) {
  return parse_inference_request(zoo_rows_body(zoo_case, first, count, features)).inputs;
}

std::string encoded(const NamedValues& outputs) { return encode_inference_response(outputs, "m", ""); }

// A tree ensemble with ZipMap (sequence outputs), a linear model and an MLP (matrix products).
class MergedRuns : public ::testing::TestWithParam<std::string> {};

TEST_P(MergedRuns, EqualSoloRunsBitForBit) {
  const std::string zoo_case = GetParam();
  auto model = zoo_model(zoo_case);
  RunLog log;
  DynamicBatcher batcher({.max_rows = 8, .delay = std::chrono::milliseconds(20)}, log.callback());
  constexpr size_t kThreads = 12, kRounds = 3;
  std::vector<std::string> got(kThreads * kRounds), want(kThreads * kRounds);
  for (size_t i = 0; i < got.size(); ++i) want[i] = encoded(model->infer(rows_tensors(zoo_case, i, 1 + i % 2)));
  for (size_t round = 0; round < kRounds; ++round) {
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        const size_t i = round * kThreads + t;
        const NamedValues inputs = rows_tensors(zoo_case, i, 1 + i % 2);
        start.arrive_and_wait();
        got[i] = encoded(batcher.infer(*model, inputs, nullptr));
      });
    for (auto& th : threads) th.join();
  }
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "request " << i;
  const std::vector<SessionRun> runs = log.runs();
  size_t requests = 0, rows = 0;
  for (const SessionRun& r : runs) {
    requests += r.requests;
    rows += r.rows;
    EXPECT_LE(r.rows, 8u);
  }
  EXPECT_EQ(requests, got.size());
  EXPECT_EQ(rows, got.size() / 2 * 3);  // 1 and 2 rows alternately
  EXPECT_LT(runs.size(), got.size()) << "no request shared a session run";
}

INSTANTIATE_TEST_SUITE_P(Zoo, MergedRuns,
                         ::testing::Values("random_forest_clf_binary_zipmap", "logreg_multiclass_nozipmap", "mlp_clf_multiclass_nozipmap"));

// A bundle over /infer: one BYTES tensor per record column, the pipeline and model per run.
TEST(DynamicBatcher, MergesBundleColumnsLikeSoloRuns) {
  auto bundle = pipeline::Predictor::load(std::filesystem::path(ONNXFN_SOURCE_DIR) / "examples/product-matching/bundle", {.threads = 1});
  RunLog log;
  DynamicBatcher batcher({.max_rows = 8, .delay = std::chrono::milliseconds(20)}, log.callback());
  auto inputs_for = [](size_t i) {
    const std::string titles[][2] = {{"Sony Bravia KDL-40W600B 40 LED TV", "Sony KDL40W600B Bravia 40-inch"},
                                     {"Canon EOS 70D body", "LG 42LB5600 42-Inch 1080p LED TV"},
                                     {"Apple iPad Air 2 64GB", "iPad Air 2 64 GB Wi-Fi silver"},
                                     {"Logitech MX Master mouse", "Samsung 850 EVO 500GB SSD"}};
    std::string body = R"({"inputs":[)";
    const std::string columns[][2] = {{"left_id", "a" + std::to_string(i)}, {"right_id", "b" + std::to_string(i)},
                                      {"left_title", titles[i % 4][0]},     {"left_description", ""},
                                      {"left_brand", i % 2 ? "LG" : "Sony"}, {"left_price", std::to_string(100 + 7 * i)},
                                      {"right_title", titles[i % 4][1]},    {"right_description", "x"},
                                      {"right_brand", "sony"},              {"right_price", std::to_string(90 + 11 * i)}};
    for (size_t c = 0; c < std::size(columns); ++c)
      body += std::string(c ? "," : "") + R"({"name":")" + columns[c][0] + R"(","datatype":"BYTES","shape":[1],"data":[")" + columns[c][1] + "\"]}";
    return parse_inference_request(body + "]}").inputs;
  };
  constexpr size_t kThreads = 8;
  std::vector<std::string> got(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      const NamedValues inputs = inputs_for(t);
      start.arrive_and_wait();
      got[t] = encoded(batcher.infer(*bundle, inputs, nullptr));
    });
  for (auto& th : threads) th.join();
  for (size_t t = 0; t < kThreads; ++t) EXPECT_EQ(got[t], encoded(bundle->infer(inputs_for(t)))) << "request " << t;
  EXPECT_LT(log.runs().size(), kThreads) << "no request shared a session run";
}

TEST(DynamicBatcher, RequestsThatCannotMergeRunAloneWithTheirOwnErrors) {
  auto forest = zoo_model("random_forest_clf_binary_zipmap");
  auto logreg = zoo_model("logreg_multiclass_nozipmap");
  RunLog log;
  DynamicBatcher batcher({.max_rows = 4, .delay = std::chrono::milliseconds(50)}, log.callback());
  struct Call {
    const pipeline::Predictor* model;
    std::string zoo_case;
    size_t rows, features;
    std::string got, error;
  };
  std::vector<Call> calls = {
      {forest.get(), "random_forest_clf_binary_zipmap", 1, 0, {}, {}},
      {forest.get(), "random_forest_clf_binary_zipmap", 1, 0, {}, {}},
      {forest.get(), "random_forest_clf_binary_zipmap", 1, 4, {}, {}},  // a feature short: its own 422
      {forest.get(), "random_forest_clf_binary_zipmap", 4, 0, {}, {}},  // a whole batch: alone
      {logreg.get(), "logreg_multiclass_nozipmap", 1, 0, {}, {}},      // another model
  };
  std::latch start(static_cast<ptrdiff_t>(calls.size()));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < calls.size(); ++i)
    threads.emplace_back([&, i] {
      Call& c = calls[i];
      const NamedValues inputs = rows_tensors(c.zoo_case, i, c.rows, c.features);
      start.arrive_and_wait();
      try {
        c.got = encoded(batcher.infer(*c.model, inputs, nullptr));
      } catch (const Error& e) {
        c.error = e.what();
      }
    });
  for (auto& th : threads) th.join();
  for (size_t i = 0; i < calls.size(); ++i) {
    const Call& c = calls[i];
    if (c.features == 4) {
      EXPECT_TRUE(c.got.empty());
      EXPECT_NE(c.error.find('X'), std::string::npos) << c.error;  // the model names the input at fault
      continue;
    }
    EXPECT_EQ(c.error, "") << "call " << i;
    EXPECT_EQ(c.got, encoded(c.model->infer(rows_tensors(c.zoo_case, i, c.rows)))) << "call " << i;
  }
  // Runs: the two good 1-row forest requests together (or alone), everything else alone.
  size_t merged = 0, alone = 0, rows = 0;
  for (const SessionRun& r : log.runs()) {
    (r.requests > 1 ? merged : alone) += 1;
    rows += r.rows;
    if (r.requests > 1) {
      EXPECT_EQ(r.rows, 2u);
    }
  }
  EXPECT_LE(merged, 1u);
  EXPECT_EQ(rows, 1u + 1 + 1 + 4 + 1);
  EXPECT_EQ(alone + 2 * merged, calls.size());
}

TEST(DynamicBatcher, AFullBatchRunsWithoutWaitingForTheDelay) {
  auto forest = zoo_model("random_forest_clf_binary_zipmap");
  RunLog log;
  DynamicBatcher batcher({.max_rows = 4, .delay = std::chrono::seconds(20)}, log.callback());
  std::latch start(4);
  std::vector<std::thread> threads;
  const auto t0 = Clock::now();
  for (size_t i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      const NamedValues inputs = rows_tensors("random_forest_clf_binary_zipmap", i, 1);
      start.arrive_and_wait();
      batcher.infer(*forest, inputs, nullptr);
    });
  for (auto& th : threads) th.join();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10));
  const std::vector<SessionRun> runs = log.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].rows, 4u);
  EXPECT_EQ(runs[0].requests, 4u);
}

TEST(DynamicBatcher, ALoneRequestWaitsForCompanyAtMostTheDelay) {
  auto forest = zoo_model("random_forest_clf_binary_zipmap");
  DynamicBatcher batcher({.max_rows = 64, .delay = std::chrono::milliseconds(60)});
  const NamedValues inputs = rows_tensors("random_forest_clf_binary_zipmap", 0, 1);
  const auto t0 = Clock::now();
  const NamedValues out = batcher.infer(*forest, inputs, nullptr);
  const auto waited = Clock::now() - t0;
  EXPECT_GE(waited, std::chrono::milliseconds(60));  // it did wait for company
  EXPECT_LT(waited, std::chrono::seconds(3));         // and then ran alone
  EXPECT_EQ(encoded(out), encoded(forest->infer(inputs)));
}

TEST(DynamicBatcher, IsAPassThroughWhenOff) {
  auto forest = zoo_model("random_forest_clf_binary_zipmap");
  RunLog log;
  DynamicBatcher batcher({.max_rows = 0, .delay = std::chrono::seconds(20)}, log.callback());
  const NamedValues inputs = rows_tensors("random_forest_clf_binary_zipmap", 0, 3);
  const auto t0 = Clock::now();
  EXPECT_EQ(encoded(batcher.infer(*forest, inputs, nullptr)), encoded(forest->infer(inputs)));
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
  ASSERT_EQ(log.runs().size(), 1u);
  EXPECT_EQ(log.runs()[0].rows, 3u);
}

}  // namespace
}  // namespace onnxfn::serve
