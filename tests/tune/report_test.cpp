// The JSON report against its documented schema (docs/tune-report.schema.json), the SVG chart as
// XML, and the report reader of `package --memory auto`.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "tune/report.h"

namespace onnxfn::tune {
namespace {

SizeResult size(int mb, double ms, double rss) {
  SizeResult s;
  s.memory_mb = mb;
  s.cpu_share = cpu_share(mb);
  s.vcpus = vcpu_count(mb);
  s.emulated_cpus = std::min(s.cpu_share, 2.0);
  s.capped = s.cpu_share > 2;
  s.first_ms = ms * 2;
  s.durations_ms = {ms, ms * 1.1};
  s.duration_ms = s.measured_ms = ms;
  s.cpu_ms = s.cpu_bound_ms = ms * std::min(1.0, s.cpu_share);
  s.peak_rss_mb = rss;
  return s;
}

TuneReport sample(bool with_compare) {
  TuneReport r;
  r.options.memory_mb = {128, 1024, 4096};
  r.machine_cpus = 2;
  r.machine_load = "0.10 0.20 0.30";
  r.function.name = "onnxfn";
  r.function.command = "onnxfn lambda";
  r.function.predictions = 10000;
  r.function.method = "cgroup";
  r.function.method_note = "cgroup v1 <test> & quota";
  r.function.sizes = {size(128, 800, 40), size(1024, 100, 40), size(4096, 50, 41)};
  price_sweep(r.function, r.options);
  if (with_compare) {
    SweepResult c = r.function;
    c.name = "node";
    c.sizes = {size(128, 900, 130), size(1024, 300, 130), size(4096, 200, 131)};
    price_sweep(c, r.options);
    r.compare = c;
  }
  return r;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void expect_valid(const std::string& json) {
  rapidjson::Document schema_doc;
  schema_doc.Parse(read(std::string(ONNXFN_SOURCE_DIR) + "/docs/tune-report.schema.json").c_str());
  ASSERT_FALSE(schema_doc.HasParseError());
  const rapidjson::SchemaDocument schema(schema_doc);
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError()) << json;
  rapidjson::SchemaValidator validator(schema);
  if (!d.Accept(validator)) {
    rapidjson::StringBuffer where, keyword;
    validator.GetInvalidSchemaPointer().StringifyUriFragment(where);
    validator.GetInvalidDocumentPointer().StringifyUriFragment(keyword);
    ADD_FAILURE() << "schema " << where.GetString() << " (" << validator.GetInvalidSchemaKeyword() << ") at " << keyword.GetString();
  }
}

TEST(TuneReport, JsonMatchesItsSchemaWithAndWithoutCompare) {
  expect_valid(report_json(sample(false)));
  expect_valid(report_json(sample(true)));
}

TEST(TuneReport, JsonCarriesTheRecommendationAndTheCostRatio) {
  const TuneReport r = sample(true);
  rapidjson::Document d;
  d.Parse(report_json(r).c_str());
  // 128 MB fails for node (130 MB RSS); onnxfn's cheapest: 128 MB 800 ms = 0.8 s x 0.125 GB vs
  // 1024 MB 100 ms = 0.1 s x 1 GB: equal GB-s, so the tie goes to the faster 1024.
  EXPECT_EQ(d["recommended_memory_mb"].GetInt(), 1024);
  EXPECT_EQ(d["function"]["recommendations"]["speed"].GetInt(), 4096);
  EXPECT_FALSE(d["compare"]["sizes"][0]["fits"].GetBool());
  EXPECT_TRUE(d["compare"]["sizes"][0]["billed_ms"].IsNull());
  EXPECT_NE(std::string(d["compare"]["sizes"][0]["failure"].GetString()).find("does not fit in 128 MB"), std::string::npos);
  const double onnxfn_best = d["function"]["sizes"][1]["cost_per_million_predictions"].GetDouble();
  const double node_best = d["compare"]["sizes"][1]["cost_per_million_predictions"].GetDouble();
  EXPECT_NEAR(d["cost_ratio"].GetDouble(), node_best / onnxfn_best, 1e-12);
  EXPECT_NEAR(onnxfn_best, (0.1 * 1.0 * 0.0000166667 + 0.2e-6) * 100, 1e-12);  // per million = per call x 100
}

TEST(TuneReport, PackageReadsTheRecommendationBack) {
  EXPECT_EQ(recommended_memory_from_report(report_json(sample(false)), "r.json"), 1024);
  EXPECT_THROW(recommended_memory_from_report("{\"schema\": \"other\"}", "r.json"), Error);
  TuneReport none = sample(false);
  for (auto& s : none.function.sizes) s.peak_rss_mb = 20000;
  price_sweep(none.function, none.options);
  EXPECT_THROW(recommended_memory_from_report(report_json(none), "r.json"), Error);
}

TEST(TuneReport, ChartIsWellFormedSvgWithTheRecommendationMarked) {
  const std::string svg = report_svg(sample(true));
  std::istringstream in(svg);
  boost::property_tree::ptree tree;
  ASSERT_NO_THROW(boost::property_tree::read_xml(in, tree));
  const auto& root = tree.get_child("svg");
  EXPECT_EQ(root.get<std::string>("<xmlattr>.xmlns"), "http://www.w3.org/2000/svg");
  int rings = 0, paths = 0, failed = 0;
  bool labelled = false;
  for (const auto& [name, child] : root) {
    if (name == "circle" && child.get<std::string>("<xmlattr>.r") == "9") ++rings;
    if (name == "path") ++paths;
    if (name == "text" && child.data() == "x") ++failed;
    if (name == "text" && child.data() == "cost: 1024 MB") labelled = true;
  }
  EXPECT_EQ(rings, 2);      // each function's recommended size
  EXPECT_EQ(paths, 4);  // duration and cost lines for both (the axes box is in a group)
  EXPECT_EQ(failed, 1);     // node's 128 MB
  EXPECT_TRUE(labelled);
}

TEST(TuneReport, TableNamesMethodRecommendationsAndFailures) {
  const std::string t = report_table(sample(true));
  EXPECT_NE(t.find("recommended: cost 1024 MB, speed 4096 MB, balanced"), std::string::npos) << t;
  EXPECT_NE(t.find("FAILS: peak RSS 130 MB does not fit in 128 MB"), std::string::npos) << t;
  EXPECT_NE(t.find("capped: 2.32 vCPUs asked, machine has 2"), std::string::npos) << t;
  EXPECT_NE(t.find("cost per million predictions at each one's cheapest size"), std::string::npos) << t;
}

}  // namespace
}  // namespace onnxfn::tune
