// Product tables, pairs files and pair-record frames: ids as exact text, errors that name the
// file and line, and the left_/right_ column contract.
#include <gtest/gtest.h>

#include "batch/pair_records.h"
#include "batch_test_support.h"
#include "common/error.h"
#include "frame/csv_frame_reader.h"
#include "pipeline/pipeline_spec.h"

namespace onnxfn::batch {
namespace {

using namespace onnxfn::testing;

ProductTable table_from(const std::string& csv, const std::string& name) {
  return ProductTable(read_csv(csv, name, {.schema = {{"id", ColumnType::String}}}), "id", name);
}

std::string error_of(const std::function<void()>& fn, ErrorKind* kind = nullptr) {
  try {
    fn();
  } catch (const Error& e) {
    if (kind) *kind = e.kind();
    return e.what();
  }
  return "";
}

pipeline::PipelineSpec spec() { return pipeline::parse_pipeline_spec(kJaccardPipeline, "pipeline.json"); }

TEST(ProductTable, finds_rows_by_exact_id_text) {
  ProductTable t = table_from("id,name\n007,a\n7,b\n", "t.csv");
  EXPECT_EQ(t.find("007"), 0u);
  EXPECT_EQ(t.find("7"), 1u);
  EXPECT_FALSE(t.find("07").has_value());
}

TEST(ProductTable, rejects_repeated_ids_naming_both_lines) {
  std::string e = error_of([] { table_from("id,name\n1,a\n2,b\n1,c\n", "left.csv"); });
  EXPECT_NE(e.find("left.csv"), std::string::npos) << e;
  EXPECT_NE(e.find("'1' appears twice (line 2 and line 4)"), std::string::npos) << e;
}

TEST(ProductTable, rejects_missing_and_null_ids) {
  EXPECT_NE(error_of([] { table_from("id,name\n1,a\n,b\n", "t.csv"); }).find("table 't.csv': line 3 has no id"), std::string::npos);
  Frame f = read_csv("key,name\n1,a\n", "t.csv");
  std::string e = error_of([&] { ProductTable(f, "id", "t.csv"); });
  EXPECT_NE(e.find("has no id column 'id' (columns: key, name)"), std::string::npos) << e;
}

TEST(ProductTable, id_rank_orders_integers_numerically_then_text) {
  ProductTable t = table_from("id,name\n10,a\nb,b\n9,c\na,d\n", "t.csv");
  EXPECT_EQ(t.id_rank(), (std::vector<uint32_t>{1, 3, 0, 2}));
}

TEST(ReadProductTable, keeps_csv_ids_as_text_and_names_a_missing_id_column) {
  fs::path dir = batch_temp_dir("read_table");
  Frame f = read_product_table(write_text(dir / "t.csv", "id,price\n007,1.5\n"), "id");
  EXPECT_EQ(f.column("id").type(), ColumnType::String);
  EXPECT_EQ(f.column("id").string_value(0), "007");
  EXPECT_EQ(f.column("price").type(), ColumnType::Float64);
  std::string path = write_text(dir / "u.csv", "sku,price\n1,2\n");
  std::string e = error_of([&] { read_product_table(path, "id"); });
  EXPECT_NE(e.find("table '" + path + "' has no id column 'id' (columns: sku, price)"), std::string::npos) << e;
}

TEST(ResolvePairs, resolves_ids_and_labels_in_order) {
  ProductTable left = table_from(kLeftTable, "L.csv"), right = table_from(kRightTable, "R.csv");
  Frame pairs = read_csv("ltable_id,rtable_id,label\n3,c,1\n1,d,0\n", "p.csv",
                         {.schema = {{"ltable_id", ColumnType::String}, {"rtable_id", ColumnType::String}}});
  PairList p = resolve_pairs(pairs, "p.csv", left, right, blocking_of(spec()));
  EXPECT_EQ(p.left, (std::vector<uint32_t>{2, 0}));
  EXPECT_EQ(p.right, (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(p.labels, (std::vector<uint8_t>{1, 0}));
}

TEST(ResolvePairs, accepts_the_pair_record_id_columns) {
  ProductTable left = table_from(kLeftTable, "L.csv"), right = table_from(kRightTable, "R.csv");
  Frame pairs = read_csv("left_id,right_id,probability\n2,b,0.9\n", "m.csv");
  PairList p = resolve_pairs(pairs, "m.csv", left, right, blocking_of(spec()));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_FALSE(p.labelled());
  EXPECT_EQ(p.left[0], 1u);
  EXPECT_EQ(p.right[0], 1u);
}

TEST(ReadPairsFile, errors_name_the_file_line_and_id) {
  fs::path dir = batch_temp_dir("pairs_errors");
  ProductTable left = table_from(kLeftTable, "L.csv"), right = table_from(kRightTable, "R.csv");
  const pipeline::BlockingSpec b = blocking_of(spec());
  auto error_for = [&](const std::string& name, const std::string& csv) {
    std::string path = write_text(dir / name, csv);
    ErrorKind kind = ErrorKind::Internal;
    std::string e = error_of([&] { read_pairs_file(path, left, right, b); }, &kind);
    EXPECT_EQ(kind, ErrorKind::BadInput) << e;
    return e;
  };
  std::string e = error_for("unknown.csv", "ltable_id,rtable_id\n1,a\n2,zz\n");
  EXPECT_NE(e.find("unknown.csv': line 3: rtable_id 'zz' is not an id of the right table 'R.csv'"), std::string::npos) << e;
  e = error_for("unknown_left.csv", "ltable_id,rtable_id\n01,a\n");
  EXPECT_NE(e.find("line 2: ltable_id '01' is not an id of the left table 'L.csv'"), std::string::npos) << e;
  e = error_for("columns.csv", "a,b\n1,a\n");
  EXPECT_NE(e.find("needs columns ltable_id and rtable_id (or left_id and right_id); it has: a, b"), std::string::npos) << e;
  e = error_for("label.csv", "ltable_id,rtable_id,label\n1,a,1\n2,b,yes\n");
  EXPECT_NE(e.find("line 3: label must be 0 or 1, got 'yes'"), std::string::npos) << e;
  e = error_for("empty_label.csv", "ltable_id,rtable_id,label\n1,a,\n");
  EXPECT_NE(e.find("line 2: label must be 0 or 1 (it is empty)"), std::string::npos) << e;
}

TEST(PairRecordBuilder, prefixes_columns_and_takes_rows_in_pair_order) {
  ProductTable left = table_from(kLeftTable, "L.csv"), right = table_from(kRightTable, "R.csv");
  PairRecordBuilder builder(left, right, spec());
  PairList p;
  p.push_back(2, 0);
  p.push_back(0, 3);
  p.push_back(1, 1);
  Frame f = builder.build(p, 1, 3);
  EXPECT_EQ(f.names(), (std::vector<std::string>{"left_id", "right_id", "left_name", "right_name"}));
  ASSERT_EQ(f.num_rows(), 2u);
  EXPECT_EQ(f.column("left_id").string_value(0), "1");
  EXPECT_EQ(f.column("right_id").string_value(0), "d");
  EXPECT_EQ(f.column("left_name").string_value(1), "canon camera eos");
  EXPECT_EQ(f.column("right_name").string_value(1), "canon eos camera kit");
  EXPECT_EQ(builder.build(p, 3, 10).num_rows(), 0u);
}

TEST(PairRecordBuilder, names_the_table_missing_a_declared_column) {
  std::string json = kJaccardPipeline;
  json.replace(json.find("\"right_name\": \"string\""), 22, "\"right_name\": \"string\", \"left_manufacturer\": \"string\"");
  ProductTable left = table_from(kLeftTable, "L.csv"), right = table_from(kRightTable, "R.csv");
  ErrorKind kind = ErrorKind::Internal;
  std::string e = error_of([&] { PairRecordBuilder(left, right, pipeline::parse_pipeline_spec(json, "p.json")); }, &kind);
  EXPECT_EQ(kind, ErrorKind::BadInput);
  EXPECT_NE(e.find("left table 'L.csv' has no column 'manufacturer' (pipeline.json input 'left_manufacturer'"), std::string::npos) << e;
}

TEST(PairRecordBuilder, a_column_without_a_side_prefix_is_a_bundle_error) {
  std::string json = kJaccardPipeline;
  json.replace(json.find("\"right_name\": \"string\""), 22, "\"right_name\": \"string\", \"name\": \"string\"");
  ProductTable left = table_from(kLeftTable, "L.csv"), right = table_from(kRightTable, "R.csv");
  ErrorKind kind = ErrorKind::Internal;
  std::string e = error_of([&] { PairRecordBuilder(left, right, pipeline::parse_pipeline_spec(json, "p.json")); }, &kind);
  EXPECT_EQ(kind, ErrorKind::BadModel);
  EXPECT_NE(e.find("input column 'name' has neither prefix"), std::string::npos) << e;
}

}  // namespace
}  // namespace onnxfn::batch
