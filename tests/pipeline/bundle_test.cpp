// Bundles: loading names the bundle and the file at fault (missing files, bad metadata, missing or
// malformed state); fit writes state that loads back; a Predictor over a zoo model checks the
// model contract at load time and gives ONNX Runtime's probabilities.
#include <gtest/gtest.h>

#include "pipeline/bundle.h"
#include "pipeline/predictor.h"
#include "pipeline_test_util.h"

namespace onnxfn::pipeline {
namespace {

using testing::expect_error;
using testing::ScratchDir;
using testing::with_field;
using testing::write_file;
using testing::zoo_records;

const std::string& kSpec = testing::kZooIdentitySpec;

const std::string kStateSpec = R"~({
  "schema": "onnxfn.pipeline/1",
  "input": {"columns": {"a": "string", "b": "string"}},
  "state": {"titles": {"kind": "idf", "file": "state/titles.tsv", "fit": "lower(title)"},
            "brands": {"kind": "idf", "file": "state/brands.tsv", "fit": "coalesce(brand, '')"}},
  "steps": [{"derive": {"t": "tfidf_cosine(a, b, 'titles')", "u": "tfidf_cosine(a, b, 'brands')"}}],
  "model_inputs": [{"name": "X", "dtype": "float32", "columns": ["t", "u"]}],
  "output": {"model_outputs": {"y": "y"}}
})~";

void make_bundle(const ScratchDir& dir, const std::string& spec, const std::string& model = "logreg_binary_zipmap") {
  write_file(dir / "pipeline.json", spec);
  write_file(dir / "metadata.json", R"~({"name": "test", "version": "1.2.0", "created": "2024-06-01T00:00:00Z", "threshold": 0.4})~");
  if (!model.empty()) std::filesystem::copy_file(testing::zoo_model(model), dir / "model.onnx");
}

void expect_bad_model(const std::function<void()>& f, const std::vector<std::string>& parts) {
  expect_error(f, ErrorKind::BadModel, parts);
}

TEST(Bundle, loads_spec_and_metadata) {
  ScratchDir dir("load");
  make_bundle(dir, kSpec);
  Bundle b = load_bundle(dir.path());
  EXPECT_EQ(b.metadata.name, "test");
  EXPECT_EQ(b.metadata.version, "1.2.0");
  EXPECT_EQ(b.metadata.created, "2024-06-01T00:00:00Z");
  EXPECT_EQ(b.metadata.threshold, 0.4);
  EXPECT_NE(b.metadata.json.find("\"version\""), std::string::npos);
  EXPECT_EQ(b.spec.source, (dir / "pipeline.json").string());
  EXPECT_EQ(b.model_path(), dir / "model.onnx");
  EXPECT_EQ(b.threshold(), 0.4);  // the metadata's
  write_file(dir / "pipeline.json", with_field(kSpec, "/output/label/threshold", "0.9"));
  EXPECT_EQ(load_bundle(dir.path()).threshold(), 0.9);  // the spec's wins
  std::filesystem::remove(dir / "metadata.json");
  write_file(dir / "pipeline.json", kSpec);
  Bundle bare = load_bundle(dir.path());  // metadata is optional
  EXPECT_EQ(bare.threshold(), 0.5);
  EXPECT_TRUE(bare.metadata.name.empty());
}

TEST(Bundle, missing_folder_and_files_are_named) {
  ScratchDir dir("missing");
  expect_bad_model([&] { load_bundle(dir / "nope"); }, {"bundle '" + (dir / "nope").string() + "': no such folder"});
  write_file(dir / "file", "x");
  expect_bad_model([&] { load_bundle(dir / "file"); }, {"is neither a folder nor a zip archive"});
  expect_bad_model([&] { load_bundle(dir.path()); }, {"bundle '" + dir.path().string() + "': pipeline.json is missing"});
}

TEST(Bundle, spec_errors_become_bad_model_errors_naming_the_file_step_and_field) {
  ScratchDir dir("spec");
  make_bundle(dir, with_field(kSpec, "/steps/0/derive/f1", "3"));
  expect_bad_model([&] { load_bundle(dir.path()); }, {(dir / "pipeline.json").string() + ": steps[0] (derive) field 'f1': expected a string"});
}

TEST(Bundle, bad_metadata_is_named) {
  ScratchDir dir("meta");
  make_bundle(dir, kSpec);
  const std::pair<std::string, std::string> cases[] = {
      {"{\"name\": ", "metadata.json: invalid JSON at byte 9"},
      {"[]", "metadata.json: expected a JSON object"},
      {R"~({"name": 1})~", "metadata.json: \"name\" must be a string"},
      {R"~({"version": 1.0})~", "metadata.json: \"version\" must be a string"},
      {R"~({"created": null})~", "metadata.json: \"created\" must be a string"},
      {R"~({"threshold": "0.5"})~", "metadata.json: \"threshold\" must be a number from 0 to 1"},
      {R"~({"threshold": 2})~", "metadata.json: \"threshold\" must be a number from 0 to 1"},
  };
  for (const auto& [text, message] : cases) {
    write_file(dir / "metadata.json", text);
    expect_bad_model([&] { load_bundle(dir.path()); }, {"bundle '" + dir.path().string() + "': " + message});
  }
}

TEST(Bundle, missing_state_points_at_fit_unless_fitting) {
  ScratchDir dir("state");
  make_bundle(dir, kStateSpec, "");
  expect_bad_model([&] { load_bundle(dir.path()); }, {"state 'titles' (state/titles.tsv) is missing", "onnxfn fit --bundle"});
  Bundle b = load_bundle(dir.path(), {.require_state = false});
  EXPECT_TRUE(b.state.idf_tables.empty());
}

TEST(Bundle, malformed_state_file_names_file_and_line) {
  ScratchDir dir("badstate");
  make_bundle(dir, kStateSpec, "");
  write_file(dir / "state/titles.tsv", "onnxfn-idf-table 1\ndocuments 2\n1\ttv\n");
  write_file(dir / "state/brands.tsv", "onnxfn-idf-table 1\ndocuments 2\nnot a number\n");
  expect_bad_model([&] { load_bundle(dir.path()); }, {(dir / "state/brands.tsv").string(), "line 3"});
}

TEST(Bundle, fit_writes_state_that_loads_back) {
  ScratchDir dir("fit");
  make_bundle(dir, kStateSpec, "");
  Bundle b = load_bundle(dir.path(), {.require_state = false});
  Frame corpus;
  corpus.add_column("title", Column::string({"Sony TV", "sony camera", std::nullopt, "LG TV"}));
  corpus.add_column("brand", Column::string({"Sony", std::nullopt, "Sony", "LG"}));
  fit_bundle_state(b, corpus);
  Bundle fitted = load_bundle(dir.path());
  const text::IdfTable& titles = fitted.state.idf_tables.at("titles");
  EXPECT_EQ(titles.document_count(), 3u);  // the null title is not a document
  EXPECT_EQ(titles.document_frequency("tv"), 2u);
  EXPECT_EQ(titles.document_frequency("sony"), 2u);
  EXPECT_EQ(titles.document_frequency("camera"), 1u);
  const text::IdfTable& brands = fitted.state.idf_tables.at("brands");
  EXPECT_EQ(brands.document_count(), 4u);  // coalesce gives '' for the null brand
  EXPECT_EQ(brands.document_frequency("sony"), 2u);
}

TEST(Bundle, fit_errors_name_the_state_entry_and_write_nothing) {
  ScratchDir dir("fiterr");
  make_bundle(dir, with_field(kStateSpec, "/state/brands/fit", "\"length(brand)\""), "");
  Bundle b = load_bundle(dir.path(), {.require_state = false});
  Frame corpus;
  corpus.add_column("title", Column::string({"a"}));
  corpus.add_column("brand", Column::string({"b"}));
  testing::expect_bad_input([&] { fit_bundle_state(b, corpus); }, {"state.brands.fit: the fit expression must give a string"});
  EXPECT_FALSE(std::filesystem::exists(dir / "state/titles.tsv"));
  Frame other;
  other.add_column("name", Column::string({"a"}));
  testing::expect_bad_input([&] { fit_bundle_state(b, other); }, {"state.titles.fit: expression 'lower(title)'", "unknown column 'title'"});
  make_bundle(dir, kSpec, "");
  std::filesystem::remove(dir / "pipeline.json");
  write_file(dir / "pipeline.json", kSpec);
  testing::expect_bad_input([&] { fit_bundle_state(load_bundle(dir.path()), corpus); }, {"declares no state to fit"});
}


TEST(Predictor, zipmap_classifier_gives_onnxruntime_probabilities_and_thresholded_labels) {
  ScratchDir dir("predict");
  make_bundle(dir, kSpec);
  auto p = Predictor::load(dir.path(), {.threads = 1});
  Frame records = zoo_records("logreg_binary_zipmap");
  Frame out = p->predict(records);
  rapidjson::Document expected = testing::read_json(testing::zoo_dir() / "logreg_binary_zipmap" / "expected.json");
  const auto& labels = expected["outputs"][0]["data"];
  const auto& probs = expected["outputs"][1]["data"];
  ASSERT_EQ(out.num_rows(), records.num_rows());
  EXPECT_EQ(out.names(), (std::vector<std::string>{"id", "probability", "match", "model_label"}));
  for (size_t r = 0; r < out.num_rows(); ++r) {
    const double p1 = probs[static_cast<rapidjson::SizeType>(r)]["1"].GetDouble();
    EXPECT_NEAR(out.column("probability").float64_values()[r], p1, 1e-6) << "row " << r;
    EXPECT_EQ(out.column("match").bool_values()[r], p1 >= 0.4 ? 1 : 0) << "row " << r;  // metadata threshold
    EXPECT_EQ(out.column("model_label").int64_values()[r], labels[static_cast<rapidjson::SizeType>(r)].GetInt64());
    EXPECT_EQ(out.column("id").int64_values()[r], static_cast<int64_t>(r) + 100);
  }
  Frame features = p->features(records);
  EXPECT_EQ(features.names(), (std::vector<std::string>{"id", "f0", "f1", "f2", "f3", "f4"}));
  EXPECT_EQ(features.column("f3").float64_values()[5], records.column("x3").float64_values()[5]);
}

TEST(Predictor, probability_tensor_without_zipmap) {
  ScratchDir dir("nozip");
  // Without ZipMap skl2onnx names the outputs label and probabilities ([rows, 2]).
  std::string spec = with_field(with_field(kSpec, "/output/probability/class", ""), "/output/probability/index", "1");
  spec = with_field(with_field(spec, "/output/probability/output", "\"probabilities\""), "/output/model_outputs", R"~({"label": "model_label"})~");
  make_bundle(dir, spec, "logreg_binary_nozipmap");
  auto p = Predictor::load(dir.path(), {.threads = 1});
  Frame out = p->predict(zoo_records("logreg_binary_nozipmap"));
  rapidjson::Document expected = testing::read_json(testing::zoo_dir() / "logreg_binary_nozipmap" / "expected.json");
  const auto& probs = expected["outputs"][1]["data"];  // [rows, 2], flattened
  for (size_t r = 0; r < out.num_rows(); ++r)
    EXPECT_NEAR(out.column("probability").float64_values()[r], probs[static_cast<rapidjson::SizeType>(2 * r + 1)].GetDouble(), 1e-6);
}

TEST(Predictor, model_contract_is_checked_at_load) {
  ScratchDir dir("contract");
  const std::pair<std::string, std::string> cases[] = {
      {with_field(kSpec, "/model_inputs/0/name", "\"features\""), "pipeline.json feeds model input 'features', which the model does not have"},
      {with_field(kSpec, "/model_inputs/0/dtype", "\"float64\""), "model input 'X' is tensor(float)"},
      {with_field(kSpec, "/model_inputs/0/columns/4", ""), "model input 'X' takes 5 columns, pipeline.json lists 4"},
      {with_field(kSpec, "/output/probability/output", "\"proba\""), "output.probability reads model output 'proba', which the model does not have"},
      {with_field(with_field(kSpec, "/output/probability/class", ""), "/output/probability/index", "1"),
       "output.probability: model output 'output_probability' is seq(map(int64,tensor(float))): give \"class\""},
      {with_field(kSpec, "/output/model_outputs", R"~({"label": "l"})~"), "output.model_outputs reads 'label', which the model does not have"},
      {with_field(kSpec, "/output/model_outputs", R"~({"output_probability": "l"})~"), "output.model_outputs field 'output_probability': model output is seq("},
  };
  for (const auto& [spec, message] : cases) {
    std::filesystem::remove_all(dir.path());
    std::filesystem::create_directories(dir.path());
    make_bundle(dir, spec);
    expect_bad_model([&] { Predictor::load(dir.path()); }, {"bundle '" + dir.path().string() + "': " + message});
  }
  std::filesystem::remove_all(dir.path());
  std::filesystem::create_directories(dir.path());
  const std::string tensor_spec = with_field(with_field(kSpec, "/output/probability/output", "\"probabilities\""), "/output/model_outputs", R"~({"label": "model_label"})~");
  make_bundle(dir, tensor_spec, "logreg_binary_nozipmap");  // probability by class key on a tensor
  expect_bad_model([&] { Predictor::load(dir.path()); }, {"output.probability: model output 'probabilities' is tensor(float)", "give \"index\""});
  std::filesystem::remove(dir / "pipeline.json");
  write_file(dir / "pipeline.json", with_field(with_field(tensor_spec, "/output/probability/class", ""), "/output/probability/index", "2"));
  expect_bad_model([&] { Predictor::load(dir.path()); }, {"output.probability.index 2 is past the 2 columns of model output 'probabilities'"});
  std::filesystem::remove(dir / "model.onnx");
  expect_bad_model([&] { Predictor::load(dir.path()); }, {"model.onnx is missing"});
}

TEST(Predictor, step_binding_errors_are_bad_model_errors) {
  ScratchDir dir("bind");
  make_bundle(dir, with_field(kSpec, "/steps/0/derive/f1", "\"x9 * 1\""));
  expect_bad_model([&] { Predictor::load(dir.path()); }, {"steps[0] (derive): field 'f1':", "unknown column 'x9'"});
}

}  // namespace
}  // namespace onnxfn::pipeline
