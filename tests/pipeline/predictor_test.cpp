// Predictor, the one path: a bundle answers records and tensors alike, a bare model answers tensors
// (ONNX Runtime's recorded outputs) and refuses records, stage times are traced, and concurrent
// callers on one Predictor get exactly what a lone caller gets.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "frame/frame_ops.h"
#include "pipeline/predictor.h"
#include "pipeline_test_util.h"
#include "protocol/inference_protocol.h"
#include "frame/text_file.h"

namespace onnxfn::pipeline {
namespace {

using testing::ScratchDir;
using testing::write_file;
using testing::zoo_records;

void make_bundle(const ScratchDir& dir) {
  write_file(dir / "pipeline.json", testing::kZooIdentitySpec);
  write_file(dir / "metadata.json", R"~({"name": "identity", "version": "2.0.1", "threshold": 0.4})~");
  std::filesystem::copy_file(testing::zoo_model("logreg_binary_zipmap"), dir / "model.onnx");
}

NamedValues zoo_request(const std::string& zoo_case) {
  return parse_inference_request(read_text_file((testing::zoo_dir() / zoo_case / "request.json").string())).inputs;
}

TEST(Predictor, bundle_names_and_describes_its_columns) {
  ScratchDir dir("describe");
  make_bundle(dir);
  auto p = Predictor::load(dir.path(), {.threads = 1});
  EXPECT_TRUE(p->is_bundle());
  EXPECT_EQ(p->name(), "identity");
  EXPECT_EQ(p->version(), "2.0.1");
  EXPECT_EQ(p->threshold(), 0.4);
  ASSERT_EQ(p->inputs().size(), 6u);
  EXPECT_EQ(p->inputs()[0].name, "id");
  EXPECT_EQ(p->inputs()[0].type.elem, DType::Int64);
  EXPECT_EQ(p->inputs()[1].type.elem, DType::Double);
  std::vector<std::string> outputs;
  for (const ValueInfo& o : p->outputs()) outputs.push_back(o.name + ":" + dtype_name(o.type.elem));
  EXPECT_EQ(outputs, (std::vector<std::string>{"id:int64", "probability:double", "match:bool", "model_label:int64"}));
}

TEST(Predictor, bundle_over_tensors_equals_bundle_over_records) {
  ScratchDir dir("tensors");
  make_bundle(dir);
  auto p = Predictor::load(dir.path(), {.threads = 1});
  const Frame records = zoo_records("logreg_binary_zipmap");
  const Frame expected = p->predict(records);
  NamedValues columns = frame_to_tensors(records);
  Trace trace;
  NamedValues out = p->infer(columns, &trace);
  EXPECT_TRUE(tensors_to_frame(out).equals(expected));
  EXPECT_EQ(trace.rows, records.num_rows());
  EXPECT_GT(trace.model_ms, 0.0);
  EXPECT_GT(trace.pipeline_ms, 0.0);
}

TEST(Predictor, bundle_refuses_tensors_that_are_not_columns) {
  ScratchDir dir("badcols");
  make_bundle(dir);
  auto p = Predictor::load(dir.path(), {.threads = 1});
  NamedValues wide{{"x0", Value(Tensor::zeros(DType::Float, {3, 2}))}};
  testing::expect_bad_input([&] { p->infer(wide); }, {"input 'x0'", "[rows] or [rows, 1]", "[3,2]"});
  NamedValues missing{{"x0", Value(Tensor::zeros(DType::Float, {3}))}};
  testing::expect_bad_input([&] { p->infer(missing); }, {"id"});
}

TEST(Predictor, bare_model_answers_tensors_as_onnxruntime_and_refuses_records) {
  auto p = Predictor::load(testing::zoo_model("logreg_binary_zipmap"), {.threads = 1});
  EXPECT_FALSE(p->is_bundle());
  EXPECT_EQ(p->name(), "model");
  NamedValues out = p->infer(zoo_request("logreg_binary_zipmap"));
  rapidjson::Document expected = testing::read_json(testing::zoo_dir() / "logreg_binary_zipmap" / "expected.json");
  const auto& labels = expected["outputs"][0]["data"];
  const Tensor& got = out[0].second.tensor();
  ASSERT_EQ(static_cast<size_t>(got.numel()), labels.Size());
  for (rapidjson::SizeType i = 0; i < labels.Size(); ++i) EXPECT_EQ(got.data<int64_t>()[i], labels[i].GetInt64());
  testing::expect_bad_input([&] { p->predict(zoo_records("logreg_binary_zipmap")); }, {"bare ONNX model", "needs a bundle"});
}

TEST(Predictor, missing_paths_are_bad_models_named_by_their_kind) {
  ScratchDir dir("missing");
  testing::expect_error([&] { Predictor::load(dir / "nothing.onnx"); }, ErrorKind::BadModel, {"no such file"});
  testing::expect_error([&] { Predictor::load(dir / "nothing"); }, ErrorKind::BadModel, {"no such folder"});
}

TEST(Predictor, concurrent_callers_get_what_a_lone_caller_gets) {
  ScratchDir dir("concurrent");
  make_bundle(dir);
  auto p = Predictor::load(dir.path(), {.threads = 2});
  // 600 rows: large enough that the pipeline is sliced over the pool while other callers use it.
  Frame base = zoo_records("logreg_binary_zipmap");
  std::vector<Frame> copies(60, base);
  const Frame records = concat_rows(copies);
  const Frame expected = p->predict(records);
  const NamedValues tensors = frame_to_tensors(records);
  std::vector<std::thread> callers;
  std::atomic<int> mismatches{0}, failures{0};
  for (int t = 0; t < 6; ++t)
    callers.emplace_back([&, t] {
      try {
        for (int i = 0; i < 10; ++i) {
          const Frame got = t % 2 ? tensors_to_frame(p->infer(tensors)) : p->predict(records);
          if (!got.equals(expected)) ++mismatches;
        }
      } catch (...) {
        ++failures;
      }
    });
  for (auto& c : callers) c.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace onnxfn::pipeline
