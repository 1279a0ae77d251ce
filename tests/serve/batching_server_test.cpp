// `onnxfn serve` with dynamic batching on loopback: concurrent keep-alive clients get exactly the
// unbatched answers while sharing session runs, a bad request among them gets its own 4xx, and
// SIGTERM still answers the requests waiting in a batch before run() returns.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <latch>
#include <thread>

#include "protocol/http_api.h"
#include "batching_support.h"

namespace onnxfn::serve {
namespace {

using testing::Client;
using testing::metric_value;
using testing::RunningServer;
using testing::zoo_rows_body;
using Clock = std::chrono::steady_clock;

const std::string kForest = "random_forest_clf_binary_zipmap";
const std::string kLogreg = "logreg_multiclass_nozipmap";

class BatchingServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    repo = new protocol::ModelRepository;
    for (const std::string& name : {kForest, kLogreg})
      repo->add(name, pipeline::Predictor::load(onnxfn::testing::zoo_dir() / name / "model.onnx", {.threads = 1}));
  }
  static void TearDownTestSuite() { delete repo; }
  static ServerOptions batching(size_t max_rows, std::chrono::microseconds delay) {
    ServerOptions o;
    o.threads = 2;
    o.batch = {.max_rows = max_rows, .delay = delay};
    return o;
  }
  // What the API answers without batching (no server, no batcher).
  static std::string unbatched(const std::string& model, const std::string& body) {
    protocol::InferenceApi api(*repo);
    protocol::HttpResponse r = api.handle({"POST", "/v2/models/" + model + "/infer", {}, body});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }
  static inline protocol::ModelRepository* repo = nullptr;
};

TEST_F(BatchingServer, ConcurrentClientsGetTheUnbatchedAnswers) {
  RunningServer server(*repo, batching(16, std::chrono::microseconds(2000)));
  constexpr size_t kClients = 16, kRequests = 10;
  std::vector<std::string> bodies(kClients * kRequests), want(bodies.size()), got(bodies.size());
  std::vector<int> status(bodies.size());
  for (size_t i = 0; i < bodies.size(); ++i) {
    const std::string& model = i % 3 == 0 ? kLogreg : kForest;
    bodies[i] = zoo_rows_body(model, i, 1 + i % 2);
    want[i] = unbatched(model, bodies[i]);
  }
  std::latch start(kClients);
  std::vector<std::thread> clients;
  for (size_t c = 0; c < kClients; ++c)
    clients.emplace_back([&, c] {
      Client client(server.port());
      start.arrive_and_wait();
      for (size_t k = 0; k < kRequests; ++k) {
        const size_t i = c * kRequests + k;
        std::tie(status[i], got[i]) = client.post("/v2/models/" + (i % 3 == 0 ? kLogreg : kForest) + "/infer", bodies[i]);
      }
    });
  for (auto& t : clients) t.join();
  for (size_t i = 0; i < bodies.size(); ++i) {
    EXPECT_EQ(status[i], 200) << got[i];
    EXPECT_EQ(got[i], want[i]) << "request " << i;
  }
  const std::string metrics = Client(server.port()).request(boost::beast::http::verb::get, "/metrics").second;
  const auto both = [&](const std::string& name) {
    return metric_value(metrics, name + "{model=\"" + kForest + "\"}") + metric_value(metrics, name + "{model=\"" + kLogreg + "\"}");
  };
  EXPECT_EQ(both("onnxfn_batch_requests_total"), static_cast<double>(bodies.size()));
  EXPECT_EQ(both("onnxfn_batch_rows_sum"), static_cast<double>(bodies.size() / 2 * 3));
  EXPECT_LT(both("onnxfn_batch_rows_count"), static_cast<double>(bodies.size())) << "no request shared a run";
  server.stop();
}

// 8 clients x 10 one-row requests to each of the two models at once; the batch series per model.
struct PerModelRuns {
  double forest_runs, forest_requests, logreg_runs, logreg_requests;
  bool all_answered;
};
PerModelRuns run_both_models(const RunningServer& server, const std::function<std::string(const std::string&, const std::string&)>& unbatched) {
  constexpr size_t kClients = 8, kRequests = 10;
  std::latch start(2 * kClients);
  std::atomic<bool> all_answered{true};
  std::vector<std::thread> clients;
  for (size_t c = 0; c < 2 * kClients; ++c)
    clients.emplace_back([&, c] {
      const std::string& model = c % 2 ? kLogreg : kForest;
      Client client(server.port());
      start.arrive_and_wait();
      for (size_t k = 0; k < kRequests; ++k) {
        const std::string body = zoo_rows_body(model, c * kRequests + k, 1);
        if (client.post("/v2/models/" + model + "/infer", body) != std::pair{200, unbatched(model, body)}) all_answered = false;
      }
    });
  for (auto& t : clients) t.join();
  const std::string metrics = Client(server.port()).request(boost::beast::http::verb::get, "/metrics").second;
  const auto value = [&](const std::string& name, const std::string& model) { return metric_value(metrics, name + "{model=\"" + model + "\"}"); };
  return {value("onnxfn_batch_rows_count", kForest), value("onnxfn_batch_requests_total", kForest),
          value("onnxfn_batch_rows_count", kLogreg), value("onnxfn_batch_requests_total", kLogreg), all_answered.load()};
}

TEST_F(BatchingServer, OnlyTheModelGivenSettingsBatches) {
  ServerOptions options = batching(0, std::chrono::microseconds(500));  // off by default
  options.model_batch[kForest] = {.max_rows = 16, .delay = std::chrono::milliseconds(2)};
  RunningServer server(*repo, options);
  const PerModelRuns runs = run_both_models(server, unbatched);
  EXPECT_TRUE(runs.all_answered);
  EXPECT_EQ(runs.forest_requests, 80);
  EXPECT_LT(runs.forest_runs, 80) << "no forest request shared a run";
  EXPECT_EQ(runs.logreg_runs, -1) << "the logistic regression has no batch series: it does not batch";
  EXPECT_EQ(runs.logreg_requests, -1);
}

TEST_F(BatchingServer, AModelSetOffDoesNotBatchWhileTheOthersDo) {
  ServerOptions options = batching(16, std::chrono::milliseconds(2));
  options.model_batch[kLogreg] = {.max_rows = 0};
  RunningServer server(*repo, options);
  const PerModelRuns runs = run_both_models(server, unbatched);
  EXPECT_TRUE(runs.all_answered);
  EXPECT_EQ(runs.forest_requests, 80);
  EXPECT_LT(runs.forest_runs, 80) << "no forest request shared a run";
  EXPECT_EQ(runs.logreg_runs, -1);
}

TEST_F(BatchingServer, ABadRequestAmongConcurrentOnesGetsItsOwnError) {
  RunningServer server(*repo, batching(8, std::chrono::milliseconds(20)));
  struct Case {
    std::string target, body;
    int status;
  };
  std::vector<Case> cases;
  for (size_t i = 0; i < 5; ++i) cases.push_back({"/v2/models/" + kForest + "/infer", zoo_rows_body(kForest, i, 1), 200});
  cases.push_back({"/v2/models/" + kForest + "/infer", zoo_rows_body(kForest, 5, 1, 4), 422});   // a feature short
  cases.push_back({"/v2/models/" + kForest + "/infer", zoo_rows_body(kForest, 6, 1).substr(0, 40), 400});  // truncated
  cases.push_back({"/v2/models/nothing/infer", zoo_rows_body(kForest, 7, 1), 404});
  std::vector<std::pair<int, std::string>> got(cases.size());
  for (int round = 0; round < 3; ++round) {
    std::latch start(static_cast<ptrdiff_t>(cases.size()));
    std::vector<std::thread> clients;
    for (size_t i = 0; i < cases.size(); ++i)
      clients.emplace_back([&, i] {
        Client client(server.port());
        start.arrive_and_wait();
        got[i] = client.post(cases[i].target, cases[i].body);
      });
    for (auto& t : clients) t.join();
    for (size_t i = 0; i < cases.size(); ++i) {
      EXPECT_EQ(got[i].first, cases[i].status) << "case " << i << ": " << got[i].second;
      if (cases[i].status == 200) {
        EXPECT_EQ(got[i].second, unbatched(kForest, cases[i].body));
      } else {
        EXPECT_NE(got[i].second.find("\"error\""), std::string::npos) << got[i].second;
      }
    }
  }
}

TEST_F(BatchingServer, SigtermAnswersTheRequestsWaitingInABatch) {
  // The batch waits 400 ms for company: SIGTERM arrives while all six wait in it.
  RunningServer server(*repo, batching(64, std::chrono::milliseconds(400)));
  constexpr size_t kClients = 6;
  std::vector<std::pair<int, std::string>> got(kClients);
  std::latch connected(kClients + 1);
  std::vector<std::thread> clients;
  for (size_t i = 0; i < kClients; ++i)
    clients.emplace_back([&, i] {
      Client client(server.port());
      connected.arrive_and_wait();
      got[i] = client.post("/v2/models/" + kForest + "/infer", zoo_rows_body(kForest, i, 1));
    });
  connected.arrive_and_wait();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  const auto t0 = Clock::now();
  server.stop();  // returns once drained
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10));
  for (auto& t : clients) t.join();
  for (size_t i = 0; i < kClients; ++i) {
    EXPECT_EQ(got[i].first, 200) << got[i].second;
    EXPECT_EQ(got[i].second, unbatched(kForest, zoo_rows_body(kForest, i, 1)));
  }
}

}  // namespace
}  // namespace onnxfn::serve
