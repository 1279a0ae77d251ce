// `onnxfn fit`, `features` and `predict --bundle` end to end through the binary, on a product-
// matching bundle built here around the zoo's ZipMap logistic regression: fit writes the IDF table,
// features work before the model exists, predict's probabilities are the model's on exactly the
// features `features` wrote, and records go out as CSV, JSON Lines or a JSON array by extension or
// flag.
#include <gtest/gtest.h>

#include <sstream>

#include <rapidjson/document.h>

#include <cmath>

#include "engine/session.h"
#include "frame/csv_frame_reader.h"
#include "frame/json_frame_reader.h"
#include "frame/json_frame_writer.h"
#include "frame/text/similarity.h"
#include "model/model_loader.h"
#include "ops/all_kernels.h"
#include "pipeline_test_util.h"

namespace onnxfn {
namespace {

using testing::read_text;
using testing::run_command;
using testing::ScratchDir;
using testing::write_file;

const std::string kSpec = R"~({
  "schema": "onnxfn.pipeline/1",
  "input": {"columns": {"pair_id": "string", "left_title": "string", "right_title": "string", "left_brand": "string",
                        "right_brand": "string", "left_price": "string", "right_price": "float64"}},
  "state": {"title_idf": {"kind": "idf", "file": "state/title_idf.tsv", "fit": "title"}},
  "steps": [
    {"derive": {"lp": "to_number(left_price)",
                "f_tfidf": "tfidf_cosine(left_title, right_title, 'title_idf')",
                "f_jw": "jaro_winkler(left_title, right_title)",
                "f_code": "code_jaccard(left_title, right_title)",
                "f_brand": "coalesce(exact(left_brand, right_brand), 0)",
                "f_price": "num_sim(lp, right_price)"}}
  ],
  "model_inputs": [{"name": "X", "dtype": "float32", "columns": ["f_tfidf", "f_jw", "f_code", "f_brand", "f_price"]}],
  "output": {"carry": ["pair_id"], "probability": {"output": "output_probability", "class": "1"},
             "label": {"column": "match", "threshold": 0.5}, "model_outputs": {"output_label": "model_label"}}
})~";

const std::string kProducts =
    "title,brand\n"
    "\"Sony Bravia KDL-40W600B 40\"\" LED TV\",Sony\n"
    "Samsung UN40H5003 40-Inch LED TV,Samsung\n"
    "\"Canon EOS 70D, body only\",Canon\n"
    "LG 42LB5600 42-Inch 1080p LED TV,LG\n"
    "Café Bustelo espresso,\n";

const std::string kPairs =
    "pair_id,left_title,right_title,left_brand,right_brand,left_price,right_price\n"
    "007,\"Sony Bravia KDL-40W600B 40\"\" LED TV\",Sony KDL40W600B Bravia 40-inch,Sony,sony,\"$1,299.00\",1250\n"
    "008,Samsung UN40H5003 40-Inch LED TV,LG 42LB5600 42-Inch 1080p LED TV,Samsung,LG,$399.99,449.5\n"
    "009,\"Canon EOS 70D, body only\",Canon EOS-70D Body,Canon,,,899\n"
    "010,Café Bustelo espresso,cafe bustelo ESPRESSO,,,3.5,3.5\n"
    "011,,LG TV,LG,LG,10,\n";

struct Cli {
  ScratchDir dir{"cli"};
  std::filesystem::path bundle = dir / "bundle";

  Cli() {
    write_file(bundle / "pipeline.json", kSpec);
    write_file(bundle / "metadata.json", R"~({"name": "pairs", "version": "1", "created": "2024-06-01"})~");
    write_file(dir / "products.csv", kProducts);
    write_file(dir / "pairs.csv", kPairs);
  }
  // Runs onnxfn with `args`; stdout into *out, stderr into *err.
  int run(const std::string& args, std::string* out = nullptr, std::string* err = nullptr) const {
    std::filesystem::path err_file = dir / "stderr.txt";
    int code = run_command(std::string(ONNXFN_BINARY) + " " + args + " 2>" + err_file.string(), out);
    if (err) *err = read_text(err_file);
    return code;
  }
  std::string b() const { return " --bundle " + bundle.string(); }
  std::string p(const std::string& name) const { return (dir / name).string(); }
  void fit() const { ASSERT_EQ(run("fit" + b() + " --input " + p("products.csv")), 0); }
  void add_model() const { std::filesystem::copy_file(testing::zoo_model("logreg_binary_zipmap"), bundle / "model.onnx"); }
};

Frame feature_schema_csv(const std::string& text) {
  return read_csv(text, "features.csv", {.schema = {{"pair_id", ColumnType::String}}});
}

TEST(BundleCli, fit_writes_the_idf_table) {
  Cli c;
  std::string err;
  ASSERT_EQ(c.run("fit" + c.b() + " --input " + c.p("products.csv"), nullptr, &err), 0) << err;
  EXPECT_NE(err.find("fitted state 'title_idf' on 5 records"), std::string::npos) << err;
  std::string table = read_text(c.bundle / "state/title_idf.tsv");
  EXPECT_EQ(table.rfind("onnxfn-idf-table 1\ndocuments 5\n", 0), 0u) << table;
  EXPECT_NE(table.find("\n3\tled\n"), std::string::npos) << table;  // three titles say "LED"
  EXPECT_NE(table.find("\n1\tcafe\n"), std::string::npos) << table; // accents folded
}

TEST(BundleCli, features_run_without_a_model_and_match_the_similarity_functions) {
  Cli c;
  c.fit();
  std::string out, err;
  ASSERT_EQ(c.run("features" + c.b() + " --input " + c.p("pairs.csv"), &out, &err), 0) << err;
  Frame f = feature_schema_csv(out);
  ASSERT_EQ(f.names(), (std::vector<std::string>{"pair_id", "f_tfidf", "f_jw", "f_code", "f_brand", "f_price"}));
  ASSERT_EQ(f.num_rows(), 5u);
  EXPECT_EQ(f.column("pair_id").string_value(0), "007");  // typed by the spec, not inferred as 7
  text::PreparedString l("Sony Bravia KDL-40W600B 40\" LED TV"), r("Sony KDL40W600B Bravia 40-inch");
  EXPECT_DOUBLE_EQ(f.column("f_jw").float64_values()[0], *text::jaro_winkler(l, r));
  EXPECT_GT(f.column("f_tfidf").float64_values()[0], 0.3);
  EXPECT_DOUBLE_EQ(f.column("f_price").float64_values()[0], 1.0 - 49.0 / 1299.0);  // "$1,299.00" read as 1299
  EXPECT_EQ(f.column("f_brand").float64_values()[0], 1.0);   // case folded
  EXPECT_EQ(f.column("f_brand").float64_values()[1], 0.0);
  EXPECT_EQ(f.column("f_brand").float64_values()[2], 0.0);   // null brand: coalesce gives 0
  EXPECT_EQ(f.column("f_jw").float64_values()[3], 1.0);      // accents and case folded
  EXPECT_TRUE(f.column("f_price").is_null(2));               // empty left price
  EXPECT_TRUE(f.column("f_jw").is_null(4));                  // empty left title
}

TEST(BundleCli, features_write_csv_json_lines_or_a_json_array_by_extension_or_flag) {
  Cli c;
  c.fit();
  std::string csv, err;
  ASSERT_EQ(c.run("features" + c.b() + " --input " + c.p("pairs.csv"), &csv, &err), 0) << err;
  Frame expected = feature_schema_csv(csv);
  ASSERT_EQ(c.run("features" + c.b() + " --input " + c.p("pairs.csv") + " --output " + c.p("f.jsonl"), nullptr, &err), 0) << err;
  std::string lines = read_text(c.dir / "f.jsonl");
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 5);
  EXPECT_TRUE(read_json(lines, "f.jsonl", {.format = JsonFormat::Lines, .schema = expected.schema()}).equals(expected));
  std::string array;
  ASSERT_EQ(c.run("features" + c.b() + " --input " + c.p("pairs.csv") + " --format json --chunk-rows 2", &array, &err), 0) << err;
  rapidjson::Document doc;
  doc.Parse(array.c_str());
  ASSERT_FALSE(doc.HasParseError()) << array;
  ASSERT_TRUE(doc.IsArray());
  EXPECT_EQ(doc.Size(), 5u);  // one array across the three chunks
  EXPECT_TRUE(read_json(array, "f.json", {.format = JsonFormat::Array, .schema = expected.schema()}).equals(expected));
  std::string chunked;
  ASSERT_EQ(c.run("features" + c.b() + " --input " + c.p("pairs.csv") + " --chunk-rows 2 --output " + c.p("f.csv"), nullptr, &err), 0);
  EXPECT_EQ(read_text(c.dir / "f.csv"), csv);  // one header, same rows
}

TEST(BundleCli, features_time_flag_reports_the_compute_time) {
  Cli c;
  c.fit();
  std::string err;
  ASSERT_EQ(c.run("features" + c.b() + " --input " + c.p("pairs.csv") + " --time --output " + c.p("f.csv"), nullptr, &err), 0) << err;
  EXPECT_EQ(err.rfind("features: 5 rows, pipeline ", 0), 0u) << err;
  EXPECT_NE(err.find(" ms\n"), std::string::npos) << err;
}

// --profile: one line per derived column in spec order, and one per text preparation before the
// first column that needs it (titles prepared once for three title features), over all chunks.
TEST(BundleCli, features_profile_flag_times_each_column_and_preparation) {
  Cli c;
  c.fit();
  std::string err;
  ASSERT_EQ(c.run("features" + c.b() + " --input " + c.p("pairs.csv") + " --profile --chunk-rows 2 --output " + c.p("f.csv"),
                  nullptr, &err), 0) << err;
  EXPECT_EQ(err.rfind("features: 5 rows, pipeline ", 0), 0u) << err;
  std::vector<std::string> labels;
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  step ", 0) != 0) continue;
    EXPECT_NE(line.find(" ms"), std::string::npos) << line;
    labels.push_back(line.substr(2, line.find("  ", 2) - 2));
  }
  // Distinct values per chunk, summed: titles 4 + 4 + 1 (the last row's left title is empty,
  // i.e. null); brands 4 + 1 (the second chunk's three empty brands are null) + 1.
  const std::vector<std::string> expected = {
      "step 1 derive lp",
      "step 1 derive: prepare `left_title`, `right_title` (9 values)",
      "step 1 derive f_tfidf",
      "step 1 derive f_jw",
      "step 1 derive f_code",
      "step 1 derive: prepare `left_brand`, `right_brand` (6 values)",
      "step 1 derive f_brand",
      "step 1 derive f_price"};
  EXPECT_EQ(labels, expected) << err;
}

TEST(BundleCli, predict_gives_the_models_probabilities_on_the_features) {
  Cli c;
  c.fit();
  c.add_model();
  std::string features, out, err;
  ASSERT_EQ(c.run("features" + c.b() + " --input " + c.p("pairs.csv"), &features, &err), 0) << err;
  ASSERT_EQ(c.run("predict" + c.b() + " --input " + c.p("pairs.csv") + " --threads 1", &out, &err), 0) << err;
  Frame f = feature_schema_csv(features);
  Frame got = read_csv(out, "predict.csv", {.schema = {{"pair_id", ColumnType::String}}});
  ASSERT_EQ(got.names(), (std::vector<std::string>{"pair_id", "probability", "match", "model_label"}));
  ASSERT_EQ(got.num_rows(), 5u);
  // The reference: the zoo model run directly on the feature table's values.
  Tensor x = Tensor::zeros(DType::Float, {5, 5});
  for (size_t j = 0; j < 5; ++j)
    for (size_t r = 0; r < 5; ++r) {
      const Column& col = f.column(j + 1);
      x.mutable_data<float>()[static_cast<int64_t>(r * 5 + j)] = col.is_null(r) ? std::nanf("") : static_cast<float>(col.float64_values()[r]);
    }
  Session session(load_model(testing::zoo_model("logreg_binary_zipmap")), ops::all_kernels(), {.threads = 1});
  NamedValues outputs = session.run({{"X", Value(x)}});
  const Sequence& probs = outputs[1].second.sequence();
  for (size_t r = 0; r < 5; ++r) {
    EXPECT_EQ(got.column("pair_id").string_value(r), f.column("pair_id").string_value(r));
    const Map& m = probs.items[r].map();
    const double p1 = m.values.data<float>()[1];
    ASSERT_EQ(m.keys.data<int64_t>()[1], 1);
    if (std::isnan(p1)) {
      EXPECT_TRUE(got.column("probability").is_null(r) || std::isnan(got.column("probability").float64_values()[r]));
      continue;
    }
    EXPECT_NEAR(got.column("probability").float64_values()[r], p1, 1e-6) << "row " << r;
    EXPECT_EQ(got.column("match").bool_values()[r] != 0, p1 >= 0.5) << "row " << r;
    EXPECT_EQ(got.column("model_label").int64_values()[r], outputs[0].second.tensor().data<int64_t>()[r]);
  }
}

TEST(BundleCli, predict_writes_json_lines_by_extension_or_flag_and_reads_json_records) {
  Cli c;
  c.fit();
  c.add_model();
  std::string csv, err;
  ASSERT_EQ(c.run("predict" + c.b() + " --input " + c.p("pairs.csv"), &csv, &err), 0) << err;
  Frame expected = read_csv(csv, "p.csv", {.schema = {{"pair_id", ColumnType::String}}});
  ASSERT_EQ(c.run("predict" + c.b() + " --input " + c.p("pairs.csv") + " --output " + c.p("out.jsonl"), nullptr, &err), 0) << err;
  std::string lines = read_text(c.dir / "out.jsonl");
  EXPECT_EQ(lines.rfind("{\"pair_id\":\"007\",\"probability\":", 0), 0u) << lines;
  EXPECT_TRUE(read_json(lines, "out.jsonl", {.schema = expected.schema()}).equals(expected)) << lines;
  std::string flagged;
  ASSERT_EQ(c.run("predict" + c.b() + " --input " + c.p("pairs.csv") + " --output-format jsonl", &flagged, &err), 0) << err;
  EXPECT_EQ(flagged, lines);
  // The same records as JSON Lines in give the same records out.
  write_file(c.dir / "pairs.jsonl", write_json(read_csv(kPairs, "pairs.csv", {.schema = {{"pair_id", ColumnType::String}, {"left_price", ColumnType::String}}})));
  std::string from_json;
  ASSERT_EQ(c.run("predict" + c.b() + " --input " + c.p("pairs.jsonl") + " --output-format csv", &from_json, &err), 0) << err;
  EXPECT_EQ(from_json, csv);
}

// Every command that takes a model also takes --bundle: inspect reports the bundle around its
// model, bench times the bundle's model on the inputs its pipeline computes from records.
TEST(BundleCli, inspect_and_bench_take_a_bundle) {
  Cli c;
  c.fit();
  c.add_model();
  std::string out, err;
  ASSERT_EQ(c.run("inspect" + c.b(), &out, &err), 0) << err;
  EXPECT_NE(out.find("name pairs, version 1, created 2024-06-01"), std::string::npos) << out;
  EXPECT_NE(out.find("model input X: float [rows, 5] from f_tfidf, f_jw, f_code, f_brand, f_price"), std::string::npos) << out;
  EXPECT_NE(out.find("output records: pair_id, probability, label"), std::string::npos) << out;
  EXPECT_NE(out.find("ai.onnx.ml:LinearClassifier"), std::string::npos) << out;  // the model's report follows
  ASSERT_EQ(c.run("inspect --json" + c.b(), &out, &err), 0) << err;
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(out.c_str()).HasParseError()) << out;
  EXPECT_STREQ(doc["schema"].GetString(), "onnxfn.inspect-bundle/1");
  EXPECT_STREQ(doc["bundle"]["metadata"]["name"].GetString(), "pairs");
  EXPECT_EQ(doc["bundle"]["model_inputs"][0]["columns"].Size(), 5u);
  EXPECT_EQ(doc["bundle"]["input_columns"].Size(), 7u);
  EXPECT_STREQ(doc["model"]["schema"].GetString(), "onnxfn.inspect/1");

  ASSERT_EQ(c.run("bench" + c.b() + " --input " + c.p("pairs.csv") + " --rows 50 --repeat 2 --json", &out, &err), 0) << err;
  ASSERT_FALSE(doc.Parse(out.c_str()).HasParseError()) << out;
  EXPECT_EQ(doc["rows"].GetInt64(), 50);
  EXPECT_STREQ(doc["model"].GetString(), "model.onnx");
  EXPECT_GE(doc["pipeline_ms"].GetDouble(), 0.0);
  EXPECT_LE(doc["min_ms"].GetDouble(), doc["median_ms"].GetDouble());

  EXPECT_EQ(c.run("bench", nullptr, &err), 2);
  EXPECT_NE(err.find("give a MODEL file or --bundle FOLDER"), std::string::npos) << err;
  EXPECT_EQ(c.run("inspect " + (c.bundle / "model.onnx").string() + c.b(), nullptr, &err), 2);
  EXPECT_EQ(c.run("inspect --bundle " + c.p("nowhere"), nullptr, &err), 3);
  EXPECT_NE(err.find("no such folder"), std::string::npos) << err;
}

TEST(BundleCli, errors_exit_with_the_right_code_and_name_what_is_wrong) {
  Cli c;
  std::string err;
  // No state yet: exit 3, and the message says how to make it.
  EXPECT_EQ(c.run("features" + c.b() + " --input " + c.p("pairs.csv"), nullptr, &err), 3);
  EXPECT_NE(err.find("onnxfn fit --bundle"), std::string::npos) << err;
  c.fit();
  // No model: features work, predict exits 3.
  EXPECT_EQ(c.run("predict" + c.b() + " --input " + c.p("pairs.csv"), nullptr, &err), 3);
  EXPECT_NE(err.find("model.onnx is missing"), std::string::npos) << err;
  c.add_model();
  write_file(c.dir / "short.csv", "pair_id,left_title\n1,a\n");
  EXPECT_EQ(c.run("predict" + c.b() + " --input " + c.p("short.csv"), nullptr, &err), 2);
  EXPECT_NE(err.find("lack column(s) right_title, left_brand, right_brand, left_price, right_price"), std::string::npos) << err;
  write_file(c.dir / "badprice.csv", "pair_id,left_title,right_title,left_brand,right_brand,left_price,right_price\n1,a,b,c,d,1,cheap\n");
  EXPECT_EQ(c.run("features" + c.b() + " --input " + c.p("badprice.csv"), nullptr, &err), 2);
  EXPECT_NE(err.find("badprice.csv"), std::string::npos) << err;
  EXPECT_NE(err.find("line 2"), std::string::npos) << err;
  EXPECT_NE(err.find("right_price"), std::string::npos) << err;
  write_file(c.bundle / "pipeline.json", testing::with_field(kSpec, "/steps/0/derive/f_jw", "\"jaro_winkler(left_title, title)\""));
  EXPECT_EQ(c.run("features" + c.b() + " --input " + c.p("pairs.csv"), nullptr, &err), 3);
  EXPECT_NE(err.find("steps[0] (derive): field 'f_jw':"), std::string::npos) << err;
  EXPECT_EQ(c.run("predict --bundle " + c.p("nowhere") + " --input " + c.p("pairs.csv"), nullptr, &err), 3);
  EXPECT_NE(err.find("no such folder"), std::string::npos) << err;
}

}  // namespace
}  // namespace onnxfn
