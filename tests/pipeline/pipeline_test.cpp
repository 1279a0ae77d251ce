// Pipeline: binding checks every step against the columns that flow through it (errors name the
// step and field), and conform / run_steps / feature_table / to_tensors / to_records compute what
// the spec says, value by value.
#include <gtest/gtest.h>

#include <cmath>

#include "frame/text/similarity.h"
#include "pipeline/pipeline.h"
#include "pipeline_test_util.h"

namespace onnxfn::pipeline {
namespace {

using testing::expect_bad_input;
using testing::with_field;

const std::string kSpec = R"~({
  "schema": "onnxfn.pipeline/1",
  "input": {"columns": {"id": "string", "a": "string", "b": "string", "pa": "float64", "pb": "float64", "n": "int64"}},
  "state": {"idf": {"kind": "idf", "file": "state/idf.tsv", "fit": "a"}},
  "steps": [
    {"derive": {"sim": "jaro_winkler(a, b)", "price": "num_sim(pa, pb)", "tf": "tfidf_cosine(a, b, 'idf')", "twice": "n * 2"}},
    {"filter": "not is_null(a) and n >= 0"},
    {"rename": {"id": "pair_id"}},
    {"cast": {"twice": "float64"}},
    {"select": ["pair_id", "sim", "price", "tf", "twice", "n"]}
  ],
  "model_inputs": [{"name": "X", "dtype": "float32", "columns": ["sim", "price", "tf"]},
                   {"name": "N", "dtype": "int64", "columns": ["n"]}],
  "output": {
    "carry": ["pair_id", "twice"],
    "probability": {"output": "probs", "class": "1", "column": "p"},
    "label": {"column": "is_match"},
    "model_outputs": {"scores": "score"}
  }
})~";

expr::StateStore idf_state() {
  expr::StateStore s;
  std::vector<text::PreparedString> docs;
  for (const char* d : {"sony tv 40", "sony camera", "lg tv"}) docs.emplace_back(d);
  s.idf_tables.emplace("idf", text::IdfTable::fit(docs));
  return s;
}

Pipeline make(const std::string& json, const expr::StateStore* state) {
  return Pipeline(parse_pipeline_spec(json, "spec.json"), state);
}

Frame records() {
  Frame f;
  f.add_column("id", Column::string({"p1", "p2", "p3", "p4"}));
  f.add_column("a", Column::string({"Sony TV 40", std::nullopt, "LG TV", "Sony camera"}));
  f.add_column("b", Column::string({"sony tv 40in", "x", "LG  tv", std::nullopt}));
  f.add_column("pa", Column::float64({100.0, 1.0, 50.0, std::nullopt}));
  f.add_column("pb", Column::float64({80.0, 1.0, 50.0, 10.0}));
  f.add_column("n", Column::int64({1, 2, -3, 4}));
  return f;
}

TEST(Pipeline, binds_and_reports_the_stepped_schema) {
  auto state = idf_state();
  Pipeline p = make(kSpec, &state);
  Schema expected = {{"pair_id", ColumnType::String}, {"sim", ColumnType::Float64}, {"price", ColumnType::Float64},
                     {"tf", ColumnType::Float64},     {"twice", ColumnType::Float64}, {"n", ColumnType::Int64}};
  EXPECT_EQ(p.stepped_schema(), expected);
}

TEST(Pipeline, runs_steps_value_by_value) {
  auto state = idf_state();
  Pipeline p = make(kSpec, &state);
  Frame stepped = p.run_steps(p.conform(records()));
  // Row p2 (a is null) and p3 (n < 0) are filtered out.
  ASSERT_EQ(stepped.num_rows(), 2u);
  EXPECT_EQ(stepped.names(), (std::vector<std::string>{"pair_id", "sim", "price", "tf", "twice", "n"}));
  EXPECT_EQ(stepped.column("pair_id").string_value(0), "p1");
  EXPECT_EQ(stepped.column("pair_id").string_value(1), "p4");
  const double jw = *text::jaro_winkler(text::PreparedString("Sony TV 40"), text::PreparedString("sony tv 40in"));
  EXPECT_DOUBLE_EQ(stepped.column("sim").float64_values()[0], jw);
  EXPECT_LT(jw, 1.0);
  EXPECT_DOUBLE_EQ(stepped.column("price").float64_values()[0], 0.8);  // 1 - 20/100
  EXPECT_TRUE(stepped.column("price").is_null(1));                     // pa is null
  EXPECT_TRUE(stepped.column("sim").is_null(1));                       // b is null
  const double tf = *text::tfidf_cosine(text::PreparedString("Sony TV 40"), text::PreparedString("sony tv 40in"), state.idf_tables.at("idf"));
  EXPECT_DOUBLE_EQ(stepped.column("tf").float64_values()[0], tf);
  EXPECT_EQ(stepped.column("twice").type(), ColumnType::Float64);
  EXPECT_EQ(stepped.column("twice").float64_values()[0], 2.0);
  EXPECT_EQ(stepped.column("twice").float64_values()[1], 8.0);
}

TEST(Pipeline, derive_sees_columns_derived_before_it_and_may_replace_a_column) {
  std::string json = with_field(kSpec, "/steps/0/derive",
                                R"~({"a": "upper(a)", "len": "length(a)", "sim": "jaro_winkler(a, b)", "price": "num_sim(pa, pb)",
                                    "tf": "tfidf_cosine(a, b, 'idf')", "twice": "len * 2"})~");
  auto state = idf_state();
  Pipeline p = make(json, &state);
  Frame stepped = p.run_steps(p.conform(records()));
  EXPECT_EQ(stepped.column("twice").float64_values()[0], 20.0);  // length("SONY TV 40") * 2
}

TEST(Pipeline, derive_shares_prepared_text_but_not_across_a_replaced_column) {
  // "pre" prepares column a; "a" is then replaced; "sim" must see the new text, not the cached one.
  std::string json = with_field(kSpec, "/steps/0/derive",
                                R"~({"pre": "jaro_winkler(a, b)", "a": "concat(a, ' extra words')", "sim": "jaro_winkler(a, b)",
                                    "price": "num_sim(pa, pb)", "tf": "tfidf_cosine(a, b, 'idf')", "twice": "n * 2"})~");
  json = with_field(json, "/steps/4/select/6", "\"pre\"");
  auto state = idf_state();
  Pipeline p = make(json, &state);
  Frame stepped = p.run_steps(p.conform(records()));
  const double before = *text::jaro_winkler(text::PreparedString("Sony TV 40"), text::PreparedString("sony tv 40in"));
  const double after = *text::jaro_winkler(text::PreparedString("Sony TV 40 extra words"), text::PreparedString("sony tv 40in"));
  ASSERT_NE(before, after);
  EXPECT_DOUBLE_EQ(stepped.column("pre").float64_values()[0], before);
  EXPECT_DOUBLE_EQ(stepped.column("sim").float64_values()[0], after);
}

TEST(Pipeline, conform_casts_to_declared_types_and_drops_undeclared_columns) {
  auto state = idf_state();
  Pipeline p = make(kSpec, &state);
  Frame in = records();
  in.replace_column("n", Column::string({"1", "2", "-3", "4"}));
  // An undeclared column named like the rename target must not collide with it.
  in.add_column("pair_id", Column::string({"x", "y", "z", "w"}));
  Frame conformed = p.conform(in);
  EXPECT_EQ(conformed.names(), (std::vector<std::string>{"id", "a", "b", "pa", "pb", "n"}));
  EXPECT_EQ(conformed.column("n").type(), ColumnType::Int64);
  EXPECT_EQ(conformed.column("n").int64_values()[2], -3);
  Frame stepped = p.run_steps(conformed);
  EXPECT_EQ(stepped.column("pair_id").string_value(0), "p1");
}

TEST(Pipeline, conform_names_missing_columns_and_values_that_do_not_cast) {
  auto state = idf_state();
  Pipeline p = make(kSpec, &state);
  Frame in = records();
  in.remove_column("pa");
  in.remove_column("b");
  expect_bad_input([&] { p.conform(in); }, {"input records lack column(s) b, pa", "(they have: id, a, pb, n)"});
  Frame bad = records();
  bad.replace_column("n", Column::string({"1", "two", "3", "4"}));
  expect_bad_input([&] { p.conform(bad); }, {"input column 'n' is declared int64", "two"});
}

TEST(Pipeline, feature_table_is_carry_then_model_columns_once_each) {
  std::string json = with_field(kSpec, "/output/carry", R"~(["pair_id", "sim"])~");
  auto state = idf_state();
  Pipeline p = make(json, &state);
  Frame table = p.feature_table(p.run_steps(p.conform(records())));
  EXPECT_EQ(table.names(), (std::vector<std::string>{"pair_id", "sim", "price", "tf", "n"}));
  EXPECT_EQ(table.num_rows(), 2u);
}

TEST(Pipeline, to_tensors_lays_out_rows_in_model_column_order_with_null_as_nan) {
  auto state = idf_state();
  Pipeline p = make(kSpec, &state);
  Frame stepped = p.run_steps(p.conform(records()));
  NamedValues t = p.to_tensors(stepped);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].first, "X");
  const Tensor& x = t[0].second.tensor();
  EXPECT_EQ(x.dtype(), DType::Float);
  EXPECT_EQ(x.shape(), (Shape{2, 3}));
  EXPECT_FLOAT_EQ(x.data<float>()[0], static_cast<float>(stepped.column("sim").float64_values()[0]));
  EXPECT_FLOAT_EQ(x.data<float>()[1], 0.8f);
  EXPECT_TRUE(std::isnan(x.data<float>()[3]));  // row 1 sim is null
  EXPECT_TRUE(std::isnan(x.data<float>()[4]));  // row 1 price is null
  const Tensor& n = t[1].second.tensor();
  EXPECT_EQ(n.dtype(), DType::Int64);
  EXPECT_EQ(n.shape(), (Shape{2, 1}));
  EXPECT_EQ(n.data<int64_t>()[0], 1);
  EXPECT_EQ(n.data<int64_t>()[1], 4);
}

TEST(Pipeline, to_tensors_keeps_int64_exact_and_rejects_values_an_int64_input_cannot_hold) {
  const std::string json = R"~({"schema": "onnxfn.pipeline/1", "input": {"columns": {"i": "int64", "f": "float64"}},
    "model_inputs": [{"name": "I", "dtype": "int64", "columns": ["i"]}, {"name": "F", "dtype": "int64", "columns": ["f"]}],
    "output": {"model_outputs": {"y": "y"}}})~";
  Pipeline p = make(json, nullptr);
  Frame f;
  f.add_column("i", Column::int64({9007199254740993}));  // 2^53 + 1: not a double
  f.add_column("f", Column::float64({3.0}));
  NamedValues t = p.to_tensors(p.conform(f));
  EXPECT_EQ(t[0].second.tensor().data<int64_t>()[0], 9007199254740993);
  EXPECT_EQ(t[1].second.tensor().data<int64_t>()[0], 3);
  for (double bad : {2.5, 1e19, std::nan("")}) {
    Frame g;
    g.add_column("i", Column::int64({1, 2}));
    g.add_column("f", Column::float64({1.0, bad}));
    expect_bad_input([&] { p.to_tensors(p.conform(g)); }, {"model_inputs[1] ('F'): column 'f' row 1"});
  }
  Frame nulls;
  nulls.add_column("i", Column::int64({std::nullopt}));
  nulls.add_column("f", Column::float64({1.0}));
  expect_bad_input([&] { p.to_tensors(p.conform(nulls)); }, {"model_inputs[0] ('I'): column 'i' row 0 is null"});
}

TEST(Pipeline, string_model_inputs_take_text_and_reject_nulls) {
  const std::string json = R"~({"schema": "onnxfn.pipeline/1", "input": {"columns": {"s": "string"}},
    "model_inputs": [{"name": "S", "dtype": "string", "columns": ["s"]}], "output": {"model_outputs": {"y": "y"}}})~";
  Pipeline p = make(json, nullptr);
  Frame f;
  f.add_column("s", Column::string({"a", "é"}));
  NamedValues t = p.to_tensors(p.conform(f));
  EXPECT_EQ(t[0].second.tensor().data<std::string>()[1], "é");
  Frame g;
  g.add_column("s", Column::string({"a", std::nullopt}));
  expect_bad_input([&] { p.to_tensors(p.conform(g)); }, {"column 's' row 1 is null; string model inputs need a value"});
}

Sequence zipmap(const std::vector<std::pair<double, double>>& rows) {
  Sequence s;
  for (const auto& [p0, p1] : rows)
    s.items.emplace_back(Map{Tensor::from_vector<int64_t>({2}, {0, 1}), Tensor::from_vector<float>({2}, {static_cast<float>(p0), static_cast<float>(p1)})});
  return s;
}

TEST(Pipeline, to_records_reads_zipmap_probability_thresholds_labels_and_copies_model_outputs) {
  auto state = idf_state();
  Pipeline p = make(kSpec, &state);
  Frame stepped = p.run_steps(p.conform(records()));
  NamedValues outputs;
  outputs.emplace_back("probs", Value(zipmap({{0.25, 0.75}, {0.5, 0.5}})));
  outputs.emplace_back("scores", Value(Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4})));
  Frame out = p.to_records(stepped, outputs, 0.6);
  EXPECT_EQ(out.names(), (std::vector<std::string>{"pair_id", "twice", "p", "is_match", "score_0", "score_1"}));
  EXPECT_DOUBLE_EQ(out.column("p").float64_values()[0], 0.75);
  EXPECT_DOUBLE_EQ(out.column("p").float64_values()[1], 0.5);
  EXPECT_EQ(out.column("is_match").bool_values()[0], 1);
  EXPECT_EQ(out.column("is_match").bool_values()[1], 0);
  EXPECT_EQ(out.column("score_1").float64_values()[1], 4.0);
  // The threshold is inclusive.
  Frame at = p.to_records(stepped, outputs, 0.5);
  EXPECT_EQ(at.column("is_match").bool_values()[1], 1);
}

TEST(Pipeline, to_records_reads_a_probability_tensor_by_column_index) {
  std::string json = with_field(with_field(kSpec, "/output/probability/class", ""), "/output/probability/index", "1");
  json = with_field(json, "/output/model_outputs", R"~({"labels": "label", "names": "name"})~");
  auto state = idf_state();
  Pipeline p = make(json, &state);
  Frame stepped = p.run_steps(p.conform(records()));
  NamedValues outputs;
  outputs.emplace_back("probs", Value(Tensor::from_vector<float>({2, 2}, {0.9f, 0.1f, 0.2f, 0.8f})));
  outputs.emplace_back("labels", Value(Tensor::from_vector<int64_t>({2}, {0, 1})));
  outputs.emplace_back("names", Value(Tensor::from_strings({2}, {"no", "yes"})));
  Frame out = p.to_records(stepped, outputs, 0.5);
  EXPECT_FLOAT_EQ(static_cast<float>(out.column("p").float64_values()[1]), 0.8f);
  EXPECT_EQ(out.column("is_match").bool_values()[0], 0);
  EXPECT_EQ(out.column("label").type(), ColumnType::Int64);
  EXPECT_EQ(out.column("label").int64_values()[1], 1);
  EXPECT_EQ(out.column("name").string_value(1), "yes");
}

TEST(Pipeline, to_records_rejects_outputs_that_do_not_fit_the_rows) {
  std::string json = with_field(with_field(kSpec, "/output/probability/class", ""), "/output/probability/index", "1");
  auto state = idf_state();
  Pipeline p = make(json, &state);
  Frame stepped = p.run_steps(p.conform(records()));  // 2 rows
  auto run = [&](Tensor probs, Tensor scores) {
    NamedValues outputs;
    outputs.emplace_back("probs", Value(std::move(probs)));
    outputs.emplace_back("scores", Value(std::move(scores)));
    return p.to_records(stepped, outputs, 0.5);
  };
  Tensor ok_scores = Tensor::from_vector<float>({2}, {1, 2});
  // One row short: must be an error, not a read past the end.
  expect_bad_input([&] { run(Tensor::from_vector<float>({1, 2}, {0.5f, 0.5f}), ok_scores); }, {"output 'probs' has 1 rows, the input 2"});
  expect_bad_input([&] { run(Tensor::from_vector<float>({2, 1}, {0.5f, 0.5f}), ok_scores); }, {"output 'probs' has 1 columns"});
  Tensor probs = Tensor::from_vector<float>({2, 2}, {0.5f, 0.5f, 0.5f, 0.5f});
  expect_bad_input([&] { run(probs, Tensor::from_vector<float>({3}, {1, 2, 3})); }, {"output 'scores' does not have one entry per row"});
  NamedValues missing;
  missing.emplace_back("probs", Value(probs));
  expect_bad_input([&] { p.to_records(stepped, missing, 0.5); }, {"the model has no output 'scores'"});
  NamedValues zip;
  zip.emplace_back("probs", Value(zipmap({{0.5, 0.5}, {0.5, 0.5}})));
  zip.emplace_back("scores", Value(ok_scores));
  Pipeline keyed = make(kSpec, &state);
  std::string other_class = with_field(kSpec, "/output/probability/class", "\"7\"");
  Pipeline seven = make(other_class, &state);
  expect_bad_input([&] { seven.to_records(stepped, zip, 0.5); }, {"output 'probs' has no class '7'"});
  EXPECT_EQ(keyed.to_records(stepped, zip, 0.5).num_rows(), 2u);
}

TEST(Pipeline, empty_input_still_gives_every_output_column) {
  auto state = idf_state();
  Pipeline p = make(kSpec, &state);
  Frame stepped = p.run_steps(p.conform(records().slice(0, 0)));
  NamedValues outputs;
  outputs.emplace_back("probs", Value(Sequence{}));
  outputs.emplace_back("scores", Value(Tensor::zeros(DType::Float, {0, 2})));
  Frame out = p.to_records(stepped, outputs, 0.5);
  EXPECT_EQ(out.names(), (std::vector<std::string>{"pair_id", "twice", "p", "is_match", "score_0", "score_1"}));
  EXPECT_EQ(out.num_rows(), 0u);
}

struct BindCase {
  const char* pointer;
  const char* value;
  std::vector<std::string> message;
};

class PipelineBindErrors : public ::testing::TestWithParam<BindCase> {};

TEST_P(PipelineBindErrors, name_the_step_and_field) {
  const BindCase& c = GetParam();
  std::string json = with_field(kSpec, c.pointer, c.value);
  auto state = idf_state();
  std::vector<std::string> parts = c.message;
  parts.insert(parts.begin(), "spec.json: ");
  expect_bad_input([&] { make(json, &state); }, parts);
}

INSTANTIATE_TEST_SUITE_P(
    Steps, PipelineBindErrors,
    ::testing::Values(
        BindCase{"/steps/0/derive/sim", "\"jaro_winkler(a, title)\"", {"steps[0] (derive): field 'sim': expression 'jaro_winkler(a, title)' at position 17: unknown column 'title'"}},
        BindCase{"/steps/0/derive/sim", "\"jaro_winkler(a, pa)\"", {"steps[0] (derive): field 'sim':", "argument 2 must be a string"}},
        BindCase{"/steps/0/derive/sim", "\"nope(a)\"", {"steps[0] (derive): field 'sim':", "unknown function 'nope'"}},
        BindCase{"/steps/0/derive/tf", "\"tfidf_cosine(a, b, 'other')\"", {"steps[0] (derive): field 'tf':", "names IDF table 'other'"}},
        BindCase{"/steps/0/derive/sim", "\"a +\"", {"steps[0] (derive): field 'sim':", "expression ends too early"}},
        BindCase{"/steps/1/filter", "\"n + 1\"", {"steps[1] (filter): the filter expression must give a bool"}},
        BindCase{"/steps/1/filter", "\"x > 1\"", {"steps[1] (filter): expression 'x > 1' at position 1: unknown column 'x'"}},
        BindCase{"/steps/2/rename", R"~({"idd": "pair_id"})~", {"steps[2] (rename): column 'idd' does not exist at this step"}},
        BindCase{"/steps/2/rename", R"~({"id": "a"})~", {"steps[2] (rename): column 'a' already exists"}},
        BindCase{"/steps/3/cast", R"~({"id": "int64"})~", {"steps[3] (cast): column 'id' does not exist at this step"}},
        BindCase{"/steps/4/select/0", "\"id\"", {"steps[4] (select): column 'id' does not exist at this step"}},
        BindCase{"/model_inputs/0/columns/0", "\"a\"", {"model_inputs[0] ('X'): column 'a' is not produced by the steps"}},
        BindCase{"/model_inputs/0/columns/0", "\"pair_id\"", {"model_inputs[0] ('X'): column 'pair_id' is string, which cannot feed a float input"}},
        BindCase{"/model_inputs/1/dtype", "\"string\"", {"model_inputs[1] ('N'): column 'n' is int64, which cannot feed a string input"}},
        BindCase{"/output/carry/1", "\"b\"", {"output.carry: column 'b' is not produced by the steps"}}));

}  // namespace
}  // namespace onnxfn::pipeline
