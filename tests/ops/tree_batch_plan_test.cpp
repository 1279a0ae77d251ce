// The batch plan of tree ensembles (perfect trees walked 16 rows at a time, BatchPlan in
// tree_ensemble_layout.h) against onnxruntime's recorded outputs on its edge cases: every threshold
// mode against edge thresholds (0, -0, +-inf, NaN, a denormal) and edge inputs, padded leaves, NaN
// with and without missing tracking, trees too deep to pad beside planned ones, single-leaf trees,
// EQ/NEQ/MEMBER trees mixed with planned ones, leaves adding to different classes, 40 classes,
// float and double. The cases and ORT's outputs come from tree_batch_cases.py.
#include <limits>
#include <thread>
#include <vector>

#include "ops/all_kernels.h"
#include "tree_test_models.h"

namespace onnxfn::tree_tests {
namespace {

constexpr double kNaNd = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfd = std::numeric_limits<double>::infinity();

template <class T>
Tensor vec(const std::vector<T>& v) {
  return Tensor::from_vector<T>({static_cast<int64_t>(v.size())}, v);
}

struct RecordedCase {
  std::string name;
  std::string op;
  int64_t ml_opset;
  bool double_input;
  int64_t features;
  std::vector<Attribute> attributes;
  int64_t rows;
  std::vector<double> x;         // row-major
  std::vector<int64_t> labels;   // classifiers only
  std::vector<double> scores;    // Y, or the probabilities of a classifier
};

const std::vector<RecordedCase>& recorded_cases() {
  static const std::vector<RecordedCase> cases =
#include "tree_batch_cases.inc"
      ;
  return cases;
}

// Rows [first, first + count) of the case's X, as float or double.
Tensor rows_of(const RecordedCase& c, int64_t first, int64_t count) {
  const auto begin = c.x.begin() + first * c.features, end = begin + count * c.features;
  if (c.double_input) return matrix<double>(count, c.features, std::vector<double>(begin, end));
  std::vector<float> f;
  for (auto it = begin; it != end; ++it) f.push_back(static_cast<float>(*it));
  return matrix<float>(count, c.features, f);
}

double score_at(const Tensor& t, int64_t i) {
  return t.dtype() == DType::Double ? t.data<double>()[i] : t.data<float>()[i];
}

Model model_of(const RecordedCase& c) {
  return tree_model(c.op, c.ml_opset, c.double_input ? DType::Double : DType::Float, c.features, c.attributes);
}

// Checks the outputs of rows [first, first + count) against ORT: labels exactly, scores within
// 1e-5 (NaN only where ORT has NaN). Returns the number of mismatching scores.
int check_rows(const RecordedCase& c, int64_t first, int64_t count, const NamedValues& out) {
  const int64_t width = static_cast<int64_t>(c.scores.size()) / c.rows;
  const Tensor& scores = out.back().second.tensor();
  EXPECT_EQ(scores.numel(), count * width);
  if (scores.numel() != count * width) return 1;
  int failures = 0;
  for (int64_t i = 0; i < count * width && failures < 10; ++i) {
    const double want = c.scores[static_cast<size_t>(first * width + i)];
    const double got = score_at(scores, i);
    if (!close(got, want, 1e-5)) {
      ADD_FAILURE() << "row " << first + i / width << " column " << i % width << ": got " << got << ", ORT gives " << want;
      ++failures;
    }
  }
  if (!c.labels.empty()) {
    const Tensor& labels = out.front().second.tensor();
    for (int64_t r = 0; r < count; ++r)
      EXPECT_EQ(labels.data<int64_t>()[r], c.labels[static_cast<size_t>(first + r)]) << "row " << first + r;
  }
  return failures;
}

// Runs the case in batches of `batch` rows and checks every row against ORT.
void expect_recorded(const RecordedCase& c, int64_t batch, int threads) {
  SCOPED_TRACE(c.name + ", batches of " + std::to_string(batch) + ", " + std::to_string(threads) + " thread(s)");
  Session s(model_of(c), ops::all_kernels(), {.threads = threads});
  int failures = 0;
  for (int64_t first = 0; first < c.rows && failures < 10; first += batch) {
    const int64_t count = std::min(batch, c.rows - first);
    failures += check_rows(c, first, count, s.run({{"X", rows_of(c, first, count)}}));
  }
}

TEST(TreeBatchPlan, matches_onnxruntime_on_modes_edges_padding_deep_trees_and_many_classes) {
  ASSERT_EQ(recorded_cases().size(), 7u);
  for (const RecordedCase& c : recorded_cases()) expect_recorded(c, c.rows, 1);
}

// Batches of 1 (no full group of 16), 15, 16, 17 (a group and a remainder) and 129 (a 128-row
// block and one more) give the same answers, on one and two threads.
TEST(TreeBatchPlan, answers_do_not_depend_on_batch_size_or_thread_count) {
  for (const RecordedCase& c : recorded_cases()) {
    for (const int64_t batch : {1, 15, 16, 17, 129}) expect_recorded(c, batch, 1);
    expect_recorded(c, c.rows, 2);
  }
}

// Blocks of at least 256 rows whose perfect trees take many steps per copied column walk a
// column-major copy of the block (walk_perfect_columns); smaller ones walk rows. The cases' rows
// repeated to 1,100 (blocks of 512, 512 and 76 rows) give ORT's answer for every row either way.
TEST(TreeBatchPlan, large_blocks_walked_by_columns_match_onnxruntime) {
  for (const RecordedCase& c : recorded_cases()) {
    SCOPED_TRACE(c.name);
    RecordedCase big = c;
    big.rows = 1100;
    big.x.clear();
    big.labels.clear();
    big.scores.clear();
    const size_t width = c.scores.size() / static_cast<size_t>(c.rows);
    for (int64_t r = 0; r < big.rows; ++r) {
      const auto from = static_cast<size_t>(r % c.rows);
      const auto features = static_cast<size_t>(c.features);
      big.x.insert(big.x.end(), c.x.begin() + static_cast<std::ptrdiff_t>(from * features),
                   c.x.begin() + static_cast<std::ptrdiff_t>((from + 1) * features));
      if (!c.labels.empty()) big.labels.push_back(c.labels[from]);
      big.scores.insert(big.scores.end(), c.scores.begin() + static_cast<std::ptrdiff_t>(from * width),
                        c.scores.begin() + static_cast<std::ptrdiff_t>((from + 1) * width));
    }
    expect_recorded(big, big.rows, 1);
    expect_recorded(big, big.rows, 2);
  }
}

// The batch plan is not built for a session's first run when that run has one row (LazyBatchPlan);
// a session answers that row before it, and several runs arriving at once build it once.
TEST(TreeBatchPlan, first_runs_from_several_threads_build_the_plan_once_and_match_onnxruntime) {
  for (const RecordedCase& c : recorded_cases()) {
    SCOPED_TRACE(c.name);
    ASSERT_GE(c.rows, 16) << "the case must have a full group of rows to plan";
    Session s(model_of(c), ops::all_kernels(), {.threads = 1});
    check_rows(c, 0, 1, s.run({{"X", rows_of(c, 0, 1)}}));
    std::vector<NamedValues> outs(4);
    std::vector<std::thread> runners;
    for (NamedValues& out : outs) runners.emplace_back([&] { out = s.run({{"X", rows_of(c, 0, c.rows)}}); });
    for (std::thread& t : runners) t.join();
    for (const NamedValues& out : outs) check_rows(c, 0, c.rows, out);
    check_rows(c, 0, 1, s.run({{"X", rows_of(c, 0, 1)}}));
  }
}

}  // namespace
}  // namespace onnxfn::tree_tests
