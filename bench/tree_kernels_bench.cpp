// Google Benchmark kernels of the tree-ensemble evaluator: random ensembles shaped like the
// harness's models (a 100-tree depth-8 binary forest, a 3-class depth-6 boosted ensemble with 501
// trees, and a boosted ensemble whose nodes track missing values), run through a Session at batch
// 1, 100 and 10,000 on one thread, and at 10,000 rows on two.
//   build/tree_kernels_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/session.h"
#include "ops/all_kernels.h"
#include "support/graph_builder.h"

namespace onnxfn {
namespace {

// The tests' attribute constructors (tests/support/graph_builder.h).
using testing::attr_floats;
using testing::attr_ints;
using testing::attr_string;
using testing::attr_strings;

struct Shape {
  int trees;
  int depth;
  int classes;       // 2: one weight per leaf for class 1 (skl2onnx's binary forests)
  bool missing;      // every branch tracks missing values (HistGradientBoosting)
  int features = 20;
};

// A TreeEnsembleClassifier (ai.onnx.ml 3) of random trees: each branch splits on a random feature
// at a random normal threshold, and stops early with probability 1/8 below depth 3, so trees are
// not perfect. Leaves carry one weight per class (multi-class) or one for class 1 (binary).
Model random_ensemble(const Shape& s) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  std::uniform_int_distribution<int> feature(0, s.features - 1);
  std::uniform_int_distribution<int> eighth(0, 7);
  std::vector<int64_t> tree_ids, node_ids, features, true_ids, false_ids, missing, w_tree, w_node, w_class;
  std::vector<std::string> modes;
  std::vector<float> values, weights;
  for (int t = 0; t < s.trees; ++t) {
    int next = 0;
    // Depth-first construction with explicit ids.
    struct Item { int id, depth; };
    std::vector<Item> stack{{next++, 0}};
    while (!stack.empty()) {
      const Item it = stack.back();
      stack.pop_back();
      tree_ids.push_back(t);
      node_ids.push_back(it.id);
      missing.push_back(s.missing ? 1 : 0);
      const bool leaf = it.depth == s.depth || (it.depth >= 3 && eighth(rng) == 0);
      if (leaf) {
        modes.emplace_back("LEAF");
        features.push_back(0);
        values.push_back(0);
        true_ids.push_back(0);
        false_ids.push_back(0);
        const int first = s.classes == 2 ? 1 : 0;
        for (int c = first; c < s.classes; ++c) {
          w_tree.push_back(t);
          w_node.push_back(it.id);
          w_class.push_back(c);
          weights.push_back(std::fabs(normal(rng)) / static_cast<float>(s.trees));
        }
        continue;
      }
      const int yes = next++, no = next++;
      modes.emplace_back("BRANCH_LEQ");
      features.push_back(feature(rng));
      values.push_back(normal(rng));
      true_ids.push_back(yes);
      false_ids.push_back(no);
      stack.push_back({no, it.depth + 1});
      stack.push_back({yes, it.depth + 1});
    }
  }
  std::vector<int64_t> labels;
  for (int c = 0; c < s.classes; ++c) labels.push_back(c);

  Model m;
  m.ir_version = 8;
  m.opsets = {{"ai.onnx", 17}, {"ai.onnx.ml", 3}};
  TypeInfo x;
  x.kind = TypeInfo::Kind::Tensor;
  x.elem = DType::Float;
  x.shape = std::vector<Dim>{Dim{}, Dim{s.features, ""}};
  m.graph.inputs.push_back({"X", x, ""});
  Node n;
  n.op_type = "TreeEnsembleClassifier";
  n.domain = "ai.onnx.ml";
  n.name = "trees";
  n.inputs = {"X"};
  n.outputs = {"label", "probabilities"};
  n.attributes = {attr_ints("nodes_treeids", tree_ids), attr_ints("nodes_nodeids", node_ids),
                  attr_ints("nodes_featureids", features), attr_floats("nodes_values", values),
                  attr_strings("nodes_modes", modes), attr_ints("nodes_truenodeids", true_ids),
                  attr_ints("nodes_falsenodeids", false_ids), attr_ints("nodes_missing_value_tracks_true", missing),
                  attr_ints("class_treeids", w_tree), attr_ints("class_nodeids", w_node), attr_ints("class_ids", w_class),
                  attr_floats("class_weights", weights), attr_ints("classlabels_int64s", labels),
                  attr_string("post_transform", s.classes == 2 ? "NONE" : "SOFTMAX")};
  m.graph.nodes.push_back(std::move(n));
  m.graph.outputs.push_back({"label", {}, ""});
  m.graph.outputs.push_back({"probabilities", {}, ""});
  return m;
}

Tensor random_rows(int64_t rows, int features, bool with_nan) {
  std::mt19937 rng(11);
  std::normal_distribution<float> normal;
  std::uniform_int_distribution<int> tenth(0, 9);
  std::vector<float> v(static_cast<size_t>(rows * features));
  for (float& f : v) f = (with_nan && tenth(rng) == 0) ? NAN : normal(rng);
  return Tensor::from_vector<float>({rows, features}, v);
}

// state.range(0): rows; state.range(1): threads.
void run_ensemble(benchmark::State& state, const Shape& shape) {
  const int64_t rows = state.range(0);
  const Session session(random_ensemble(shape), onnxfn::ops::all_kernels(), {.threads = static_cast<int>(state.range(1))});
  const NamedValues inputs{{"X", Value(random_rows(rows, shape.features, shape.missing))}};
  for (auto _ : state) benchmark::DoNotOptimize(session.run(inputs));
  state.SetItemsProcessed(state.iterations() * rows);
}

void rf_100x8(benchmark::State& state) { run_ensemble(state, {100, 8, 2, false}); }
void gbm_501x6_3class(benchmark::State& state) { run_ensemble(state, {501, 6, 3, false}); }
void hgb_200x8_missing(benchmark::State& state) { run_ensemble(state, {200, 8, 2, true}); }

void batches(benchmark::internal::Benchmark* b) {
  b->Args({1, 1})->Args({100, 1})->Args({10000, 1})->Args({10000, 2})->ArgNames({"rows", "threads"});
  b->Unit(benchmark::kMicrosecond)->UseRealTime();
}

BENCHMARK(rf_100x8)->Apply(batches);
BENCHMARK(gbm_501x6_3class)->Apply(batches);
BENCHMARK(hgb_200x8_missing)->Apply(batches);

}  // namespace
}  // namespace onnxfn

BENCHMARK_MAIN();
