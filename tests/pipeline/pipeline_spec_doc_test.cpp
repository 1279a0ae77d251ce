// docs/pipeline-spec.md cannot drift: its example blocks (pipeline.json, metadata.json,
// products.csv, pairs.csv) are extracted here, built into a bundle around the zoo's ZipMap
// logistic regression, fitted and run through the binary, and every expression function onnxfn
// has must be documented.
#include <gtest/gtest.h>

#include "frame/csv_frame_reader.h"
#include "frame/expr/expression.h"
#include "pipeline/bundle.h"
#include "pipeline_test_util.h"

namespace onnxfn::pipeline {
namespace {

using testing::read_text;
using testing::ScratchDir;
using testing::write_file;

std::string doc() { return read_text(std::filesystem::path(ONNXFN_SOURCE_DIR) / "docs/pipeline-spec.md"); }

// The fenced block right after "<!-- example: NAME -->".
std::string example(const std::string& markdown, const std::string& name) {
  const std::string marker = "<!-- example: " + name + " -->\n";
  size_t at = markdown.find(marker);
  EXPECT_NE(at, std::string::npos) << "no example " << name;
  if (at == std::string::npos) return "";
  size_t fence = markdown.find("```", at + marker.size());
  EXPECT_EQ(fence, at + marker.size()) << "example " << name << " is not followed by a fenced block";
  size_t body = markdown.find('\n', fence) + 1;
  size_t end = markdown.find("\n```", body);
  EXPECT_NE(end, std::string::npos);
  return markdown.substr(body, end - body + 1);
}

TEST(PipelineSpecDoc, example_uses_every_section_and_step_kind) {
  PipelineSpec s = parse_pipeline_spec(example(doc(), "pipeline.json"), "docs/pipeline-spec.md");
  std::set<std::string_view> kinds;
  for (const Step& step : s.steps) kinds.insert(step_kind(step));
  EXPECT_EQ(kinds, (std::set<std::string_view>{"derive", "filter", "select", "rename", "cast"}));
  EXPECT_FALSE(s.state.empty());
  EXPECT_FALSE(s.output.carry.empty());
  EXPECT_TRUE(s.output.probability);
  EXPECT_TRUE(s.output.label);
  EXPECT_FALSE(s.output.model_outputs.empty());
  ASSERT_TRUE(s.blocking);
  EXPECT_EQ(s.blocking->idf, "title_idf");
}

TEST(PipelineSpecDoc, every_expression_function_is_documented) {
  const std::string markdown = doc();
  for (const std::string& signature : expr::function_signatures()) {
    const std::string name = signature.substr(0, signature.find('('));
    EXPECT_NE(markdown.find("| `" + name + "("), std::string::npos) << name << " is missing from the function tables";
  }
}

TEST(PipelineSpecDoc, example_bundle_fits_computes_features_and_predicts) {
  const std::string markdown = doc();
  ScratchDir dir("doc");
  const auto bundle = dir / "bundle";
  write_file(bundle / "pipeline.json", example(markdown, "pipeline.json"));
  write_file(bundle / "metadata.json", example(markdown, "metadata.json"));
  write_file(dir / "products.csv", example(markdown, "products.csv"));
  write_file(dir / "pairs.csv", example(markdown, "pairs.csv"));
  std::filesystem::copy_file(testing::zoo_model("logreg_binary_zipmap"), bundle / "model.onnx");
  const std::string onnxfn = std::string(ONNXFN_BINARY) + " ";
  const std::string b = " --bundle " + bundle.string();
  ASSERT_EQ(testing::run_command(onnxfn + "fit" + b + " --input " + (dir / "products.csv").string()), 0);
  EXPECT_EQ(load_bundle(bundle).state.idf_tables.at("title_idf").document_count(), 5u);

  std::string features;
  ASSERT_EQ(testing::run_command(onnxfn + "features" + b + " --input " + (dir / "pairs.csv").string(), &features), 0);
  Frame f = read_csv(features, "features.csv");
  EXPECT_EQ(f.names(), (std::vector<std::string>{"id", "in_stock", "title_tfidf", "title_jw", "code_match", "same_brand", "price_sim"}));
  ASSERT_EQ(f.num_rows(), 3u);  // p4 has no left title
  EXPECT_EQ(f.column("id").string_value(2), "p3");
  EXPECT_EQ(f.column("code_match").float64_values()[0], 1.0);   // kdl40w600b on both sides
  EXPECT_EQ(f.column("code_match").float64_values()[1], -1.0);  // un40h5003 vs 42lb5600: a conflict
  EXPECT_EQ(f.column("same_brand").float64_values()[0], 1.0);

  std::string out;
  ASSERT_EQ(testing::run_command(onnxfn + "predict" + b + " --input " + (dir / "pairs.csv").string(), &out), 0);
  Frame p = read_csv(out, "predict.csv");
  EXPECT_EQ(p.names(), (std::vector<std::string>{"id", "in_stock", "match_probability", "is_match", "model_label"}));
  ASSERT_EQ(p.num_rows(), 3u);
  for (size_t r = 0; r < 3; ++r) {
    if (p.column("match_probability").is_null(r)) continue;
    const double prob = p.column("match_probability").float64_values()[r];
    if (std::isnan(prob)) continue;  // a NaN feature (p3 has no right brand)
    EXPECT_EQ(p.column("is_match").bool_values()[r] != 0, prob >= 0.62) << "row " << r;  // the spec's threshold
  }
}

}  // namespace
}  // namespace onnxfn::pipeline
