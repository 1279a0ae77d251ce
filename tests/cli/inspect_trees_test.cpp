// `inspect` reports each tree ensemble's node count (as many as its nodes_* attributes list) and
// the bytes of its compiled layouts, in text and JSON.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <sstream>

#include "cli/model_report.h"
#include "model/model_loader.h"
#include "support/zoo.h"

namespace onnxfn {
namespace {

TEST(InspectTrees, reports_node_count_and_layout_bytes_of_a_forest) {
  const Model model = load_model(testing::zoo_dir() / "random_forest_reg" / "model.onnx");
  const Node& forest = model.graph.nodes.at(0);
  const auto listed = forest.find_ints("nodes_nodeids");
  ASSERT_TRUE(listed.has_value());
  const cli::ModelReport report = cli::build_report(model, "model.onnx");
  ASSERT_EQ(report.tree_ensembles.size(), 1u);
  const auto& t = report.tree_ensembles[0];
  EXPECT_EQ(t.tree_nodes, listed->size());
  // 16-byte nodes at least (FlatNode<float>), plus flags and weights.
  EXPECT_GE(t.compiled_bytes, 16 * t.tree_nodes);
  EXPECT_GT(t.batch_plan_bytes, 0u);

  std::ostringstream json;
  cli::write_report_json(report, json);
  rapidjson::Document d;
  d.Parse(json.str().c_str());
  ASSERT_FALSE(d.HasParseError());
  ASSERT_EQ(d["tree_ensembles"].Size(), 1u);
  EXPECT_EQ(d["tree_ensembles"][0]["tree_nodes"].GetUint64(), t.tree_nodes);
  EXPECT_EQ(d["tree_ensembles"][0]["compiled_bytes"].GetUint64(), t.compiled_bytes);

  std::ostringstream text;
  cli::write_report_text(report, text);
  EXPECT_NE(text.str().find(std::to_string(t.tree_nodes) + " tree nodes, compiled layout " +
                            std::to_string(t.compiled_bytes) + " bytes"),
            std::string::npos)
      << text.str();
}

}  // namespace
}  // namespace onnxfn
