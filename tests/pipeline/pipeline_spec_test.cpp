// pipeline.json parsing: a complete spec reads into the expected structure, and every validation
// error names the file, the section or step, and the field.
#include <gtest/gtest.h>

#include "pipeline/pipeline_spec.h"
#include "pipeline_test_util.h"

namespace onnxfn::pipeline {
namespace {

using testing::expect_bad_input;
using testing::with_field;

const std::string kSpec = R"~({
  "schema": "onnxfn.pipeline/1",
  "description": "test spec",
  "input": {"columns": {"id": "string", "a": "string", "b": "string", "pa": "float64", "pb": "float64"}},
  "state": {"idf": {"kind": "idf", "file": "state/idf.tsv", "fit": "title"}},
  "steps": [
    {"derive": {"sim": "jaro_winkler(a, b)", "price": "num_sim(pa, pb)"}},
    {"filter": "not is_null(a)"},
    {"rename": {"id": "pair_id"}},
    {"cast": {"sim": "float64"}},
    {"select": ["pair_id", "sim", "price"]}
  ],
  "model_inputs": [{"name": "X", "dtype": "float32", "columns": ["sim", "price"]}],
  "output": {
    "carry": ["pair_id"],
    "probability": {"output": "output_probability", "class": "1", "column": "p"},
    "label": {"column": "is_match", "threshold": 0.7},
    "model_outputs": {"output_label": "label"}
  },
  "blocking": {"left_id": "lid", "right_id": "rid", "text": "title", "top_k": 5, "idf": "idf",
               "left_prefix": "l_", "right_prefix": "r_"}
})~";

PipelineSpec parse(const std::string& json) { return parse_pipeline_spec(json, "spec.json"); }

TEST(PipelineSpec, reads_every_section) {
  PipelineSpec s = parse(kSpec);
  EXPECT_EQ(s.source, "spec.json");
  ASSERT_EQ(s.input.size(), 5u);
  EXPECT_EQ(s.input[0], (Field{"id", ColumnType::String}));
  EXPECT_EQ(s.input[3], (Field{"pa", ColumnType::Float64}));
  ASSERT_EQ(s.state.size(), 1u);
  EXPECT_EQ(s.state[0].name, "idf");
  EXPECT_EQ(s.state[0].kind, "idf");
  EXPECT_EQ(s.state[0].file, "state/idf.tsv");
  EXPECT_EQ(s.state[0].fit, "title");
  ASSERT_EQ(s.steps.size(), 5u);
  EXPECT_EQ(step_kind(s.steps[0]), "derive");
  EXPECT_EQ(step_kind(s.steps[1]), "filter");
  EXPECT_EQ(step_kind(s.steps[2]), "rename");
  EXPECT_EQ(step_kind(s.steps[3]), "cast");
  EXPECT_EQ(step_kind(s.steps[4]), "select");
  const auto& derive = std::get<DeriveStep>(s.steps[0]);
  ASSERT_EQ(derive.columns.size(), 2u);
  EXPECT_EQ(derive.columns[0], (std::pair<std::string, std::string>{"sim", "jaro_winkler(a, b)"}));
  EXPECT_EQ(derive.columns[1].first, "price");  // declaration order is kept
  EXPECT_EQ(std::get<FilterStep>(s.steps[1]).expression, "not is_null(a)");
  EXPECT_EQ(std::get<RenameStep>(s.steps[2]).renames[0], (std::pair<std::string, std::string>{"id", "pair_id"}));
  EXPECT_EQ(std::get<CastStep>(s.steps[3]).casts[0].second, ColumnType::Float64);
  EXPECT_EQ(std::get<SelectStep>(s.steps[4]).columns, (std::vector<std::string>{"pair_id", "sim", "price"}));
  ASSERT_EQ(s.model_inputs.size(), 1u);
  EXPECT_EQ(s.model_inputs[0].name, "X");
  EXPECT_EQ(s.model_inputs[0].dtype, DType::Float);
  EXPECT_EQ(s.model_inputs[0].columns, (std::vector<std::string>{"sim", "price"}));
  EXPECT_EQ(s.output.carry, std::vector<std::string>{"pair_id"});
  ASSERT_TRUE(s.output.probability);
  EXPECT_EQ(s.output.probability->output, "output_probability");
  EXPECT_EQ(s.output.probability->class_key, "1");
  EXPECT_FALSE(s.output.probability->class_index);
  EXPECT_EQ(s.output.probability->column, "p");
  ASSERT_TRUE(s.output.label);
  EXPECT_EQ(s.output.label->column, "is_match");
  EXPECT_EQ(s.output.label->threshold, 0.7);
  ASSERT_EQ(s.output.model_outputs.size(), 1u);
  EXPECT_EQ(s.output.model_outputs[0], (std::pair<std::string, std::string>{"output_label", "label"}));
  ASSERT_TRUE(s.blocking);
  EXPECT_EQ(s.blocking->left_id, "lid");
  EXPECT_EQ(s.blocking->right_id, "rid");
  EXPECT_EQ(s.blocking->text, "title");
  EXPECT_EQ(s.blocking->top_k, 5);
  EXPECT_EQ(s.blocking->idf, "idf");
  EXPECT_EQ(s.blocking->left_prefix, "l_");
  EXPECT_EQ(s.blocking->right_prefix, "r_");
}

TEST(PipelineSpec, optional_sections_take_their_defaults) {
  PipelineSpec s = parse(R"~({"schema": "onnxfn.pipeline/1", "input": {"columns": {"x": "float64"}},
    "model_inputs": [{"name": "X", "dtype": "double", "columns": ["x"]}],
    "output": {"probability": {"output": "probabilities", "index": 1}, "label": {}},
    "blocking": {"text": "x"}})~");
  EXPECT_TRUE(s.state.empty());
  EXPECT_TRUE(s.steps.empty());
  EXPECT_EQ(s.model_inputs[0].dtype, DType::Double);
  EXPECT_EQ(s.output.probability->class_index, 1);
  EXPECT_EQ(s.output.probability->column, "probability");
  EXPECT_EQ(s.output.label->column, "match");
  EXPECT_FALSE(s.output.label->threshold);
  EXPECT_EQ(s.blocking->left_id, "id");
  EXPECT_EQ(s.blocking->right_id, "id");
  EXPECT_EQ(s.blocking->top_k, 20);
  EXPECT_EQ(s.blocking->left_prefix, "left_");
  EXPECT_EQ(s.blocking->right_prefix, "right_");
  EXPECT_TRUE(s.blocking->idf.empty());
}

TEST(PipelineSpec, accepts_comments_and_trailing_commas_and_every_dtype_spelling) {
  const std::pair<const char*, DType> dtypes[] = {{"float32", DType::Float}, {"float", DType::Float}, {"float64", DType::Double},
                                                  {"double", DType::Double}, {"int64", DType::Int64}, {"string", DType::String}};
  for (const auto& [name, dtype] : dtypes) {
    PipelineSpec s = parse(std::string(R"~({
      // a comment
      "schema": "onnxfn.pipeline/1", "input": {"columns": {"x": "int64",}},
      "model_inputs": [{"name": "X", "dtype": ")~") + name + R"~(", "columns": ["x"]}],
      "output": {"model_outputs": {"variable": "y"}},
    })~");
    EXPECT_EQ(s.model_inputs[0].dtype, dtype) << name;
  }
}

struct BadCase {
  const char* pointer;    // JSON pointer into kSpec
  const char* value;      // replacement JSON; "" removes the field
  std::vector<std::string> message;  // parts the error must contain (after "spec.json: ")
};

class PipelineSpecErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(PipelineSpecErrors, name_the_section_and_field) {
  const BadCase& c = GetParam();
  std::string json = with_field(kSpec, c.pointer, c.value);
  std::vector<std::string> parts = c.message;
  parts.insert(parts.begin(), "spec.json: ");
  expect_bad_input([&] { parse(json); }, parts);
}

INSTANTIATE_TEST_SUITE_P(
    Fields, PipelineSpecErrors,
    ::testing::Values(
        BadCase{"/extra", "1", {"top level: unknown field \"extra\""}},
        BadCase{"/description", "3", {"description: expected a string"}},
        BadCase{"/schema", "", {"top level: \"schema\" is missing"}},
        BadCase{"/schema", "\"onnxfn.pipeline/2\"", {"schema: expected \"onnxfn.pipeline/1\""}},
        BadCase{"/schema", "1", {"schema: expected a string"}},
        BadCase{"/input", "", {"top level: \"input\" is missing"}},
        BadCase{"/input", "[]", {"input: expected an object with \"columns\""}},
        BadCase{"/input/types", "{}", {"input: unknown field \"types\""}},
        BadCase{"/input/columns", "", {"input: \"columns\" is missing"}},
        BadCase{"/input/columns", "[\"a\"]", {"input.columns: expected an object"}},
        BadCase{"/input/columns", "{}", {"input.columns: declares no columns"}},
        BadCase{"/input/columns/a", "\"text\"", {"input.columns field 'a': unknown column type 'text'", "int64, float64, string or bool"}},
        BadCase{"/input/columns/a", "7", {"input.columns field 'a': expected a string"}},
        BadCase{"/state", "[]", {"state: expected an object"}},
        BadCase{"/state/idf", "\"idf\"", {"state.idf: expected an object with kind, file and fit"}},
        BadCase{"/state/idf/size", "1", {"state.idf: unknown field \"size\""}},
        BadCase{"/state/idf/kind", "", {"state.idf: \"kind\" is missing"}},
        BadCase{"/state/idf/kind", "\"vocabulary\"", {"state.idf.kind: unknown state kind 'vocabulary'"}},
        BadCase{"/state/idf/file", "", {"state.idf: \"file\" is missing"}},
        BadCase{"/state/idf/file", "\"/etc/idf.tsv\"", {"state.idf.file: must be a relative path inside the bundle"}},
        BadCase{"/state/idf/file", "\"../idf.tsv\"", {"state.idf.file: must be a relative path inside the bundle"}},
        BadCase{"/state/idf/file", "\"\"", {"state.idf.file: must be a relative path inside the bundle"}},
        BadCase{"/state/other", R"~({"kind": "idf", "file": "state/idf.tsv", "fit": "x"})~", {"state.other.file: 'state/idf.tsv' is also the file of state 'idf'"}},
        BadCase{"/state/idf/fit", "", {"state.idf: \"fit\" is missing"}},
        BadCase{"/state/idf/fit", "[]", {"state.idf.fit: expected a string"}},
        BadCase{"/state/idf/fit", "\"lower(title\"", {"state.idf.fit: expression 'lower(title' at position 12"}},
        BadCase{"/steps", "{}", {"steps: expected an array"}},
        BadCase{"/steps/0", "\"derive\"", {"steps[0]: each step is an object with one key"}},
        BadCase{"/steps/0", R"~({"derive": {}, "filter": "true"})~", {"steps[0]: each step is an object with one key"}},
        BadCase{"/steps/1", R"~({"explode": "a"})~", {"steps[1] (explode): unknown step kind 'explode'"}},
        BadCase{"/steps/0/derive", "[]", {"steps[0] (derive): expected an object"}},
        BadCase{"/steps/0/derive/sim", "1", {"steps[0] (derive) field 'sim': expected a string"}},
        BadCase{"/steps/1/filter", "true", {"steps[1] (filter): expected a string"}},
        BadCase{"/steps/2/rename", "\"id\"", {"steps[2] (rename): expected an object"}},
        BadCase{"/steps/2/rename/id", "null", {"steps[2] (rename) field 'id': expected a string"}},
        BadCase{"/steps/3/cast/sim", "\"decimal\"", {"steps[3] (cast) field 'sim': unknown column type 'decimal'"}},
        BadCase{"/steps/4/select", "\"sim\"", {"steps[4] (select): expected an array of strings"}},
        BadCase{"/steps/4/select/1", "2", {"steps[4] (select)[1]: expected a string"}},
        BadCase{"/steps/4/select", "[]", {"steps[4] (select): selects no columns"}},
        BadCase{"/steps/4/select/2", "\"sim\"", {"steps[4] (select): column 'sim' is listed twice"}},
        BadCase{"/model_inputs", "", {"top level: \"model_inputs\" is missing"}},
        BadCase{"/model_inputs", "[]", {"model_inputs: expected a non-empty array"}},
        BadCase{"/model_inputs", "{}", {"model_inputs: expected a non-empty array"}},
        BadCase{"/model_inputs/0", "\"X\"", {"model_inputs[0]: expected an object with name, dtype and columns"}},
        BadCase{"/model_inputs/0/shape", "[1]", {"model_inputs[0]: unknown field \"shape\""}},
        BadCase{"/model_inputs/0/name", "", {"model_inputs[0]: \"name\" is missing"}},
        BadCase{"/model_inputs/1", R"~({"name": "X", "dtype": "float32", "columns": ["sim"]})~", {"model_inputs[1].name: model input 'X' is fed twice"}},
        BadCase{"/model_inputs/0/dtype", "\"float16\"", {"model_inputs[0].dtype: unknown dtype 'float16'"}},
        BadCase{"/model_inputs/0/dtype", "", {"model_inputs[0]: \"dtype\" is missing"}},
        BadCase{"/model_inputs/0/columns", "[]", {"model_inputs[0].columns: lists no columns"}},
        BadCase{"/model_inputs/0/columns/0", "{}", {"model_inputs[0].columns[0]: expected a string"}},
        BadCase{"/output", "", {"top level: \"output\" is missing"}},
        BadCase{"/output", "[]", {"output: expected an object"}},
        BadCase{"/output/threshold", "0.5", {"output: unknown field \"threshold\""}},
        BadCase{"/output/carry", "\"pair_id\"", {"output.carry: expected an array of strings"}},
        BadCase{"/output/probability", "\"p\"", {"output.probability: expected an object"}},
        BadCase{"/output/probability/positive", "1", {"output.probability: unknown field \"positive\""}},
        BadCase{"/output/probability/output", "", {"output.probability: \"output\" is missing"}},
        BadCase{"/output/probability/class", "", {"output.probability: give exactly one of \"class\" (ZipMap key) or \"index\""}},
        BadCase{"/output/probability/index", "1", {"output.probability: give exactly one of \"class\""}},
        BadCase{"/output/probability/class", "1", {"output.probability.class: expected a string"}},
        BadCase{"/output/probability/column", "true", {"output.probability.column: expected a string"}},
        BadCase{"/output/probability/column", "\"pair_id\"", {"output.probability.column: column 'pair_id' is also written by output.carry[0]"}},
        BadCase{"/output/label", "1", {"output.label: expected an object"}},
        BadCase{"/output/label/cutoff", "1", {"output.label: unknown field \"cutoff\""}},
        BadCase{"/output/label/column", "\"p\"", {"output.label.column: column 'p' is also written by output.probability.column"}},
        BadCase{"/output/label/threshold", "\"high\"", {"output.label.threshold: expected a number"}},
        BadCase{"/output/label/threshold", "1.5", {"output.label.threshold: expected a number from 0 to 1"}},
        BadCase{"/output/model_outputs", "[]", {"output.model_outputs: expected an object"}},
        BadCase{"/output/model_outputs/output_label", "2", {"output.model_outputs field 'output_label': expected a string"}},
        BadCase{"/output/model_outputs/output_label", "\"is_match\"", {"output.model_outputs field 'output_label': column 'is_match' is also written by output.label.column"}},
        BadCase{"/blocking", "[]", {"blocking: expected an object"}},
        BadCase{"/blocking/k", "1", {"blocking: unknown field \"k\""}},
        BadCase{"/blocking/text", "", {"blocking: \"text\" is missing"}},
        BadCase{"/blocking/text", "\"concat(title,\"", {"blocking.text: expression 'concat(title,'"}},
        BadCase{"/blocking/left_id", "1", {"blocking.left_id: expected a string"}},
        BadCase{"/blocking/right_id", "1", {"blocking.right_id: expected a string"}},
        BadCase{"/blocking/left_prefix", "[]", {"blocking.left_prefix: expected a string"}},
        BadCase{"/blocking/right_prefix", "{}", {"blocking.right_prefix: expected a string"}},
        BadCase{"/blocking/idf", "\"names\"", {"blocking.idf: names state 'names', which \"state\" does not declare"}},
        BadCase{"/blocking/top_k", "0", {"blocking.top_k: expected an integer from 1 to 10000"}},
        BadCase{"/blocking/top_k", "10001", {"blocking.top_k: expected an integer from 1 to 10000"}},
        BadCase{"/blocking/top_k", "2.5", {"blocking.top_k: expected an integer from 1 to 10000"}}));

TEST(PipelineSpec, output_that_returns_nothing_is_rejected) {
  std::string json = with_field(with_field(with_field(kSpec, "/output/probability", ""), "/output/label", ""), "/output/model_outputs", "");
  expect_bad_input([&] { parse(json); }, {"spec.json: output: declares nothing to return: add probability or model_outputs"});
}

TEST(PipelineSpec, label_without_probability_is_rejected) {
  std::string json = with_field(kSpec, "/output/probability", "");
  expect_bad_input([&] { parse(json); }, {"spec.json: output.label: needs output.probability to threshold"});
}

TEST(PipelineSpec, negative_probability_index_is_rejected) {
  std::string json = with_field(with_field(kSpec, "/output/probability/class", ""), "/output/probability/index", "-1");
  expect_bad_input([&] { parse(json); }, {"spec.json: output.probability.index: expected a non-negative integer"});
}

TEST(PipelineSpec, keys_given_twice_are_rejected_where_they_occur) {
  // RapidJSON keeps both members of a duplicated key; the spec must not say two things.
  expect_bad_input([] { parse(R"~({"schema": "onnxfn.pipeline/1", "schema": "onnxfn.pipeline/1"})~"); },
                   {"spec.json: top level: \"schema\" is given twice"});
  std::string cols = kSpec;
  cols.replace(cols.find("\"a\": \"string\""), 13, "\"a\": \"string\", \"a\": \"int64\"");
  expect_bad_input([&] { parse(cols); }, {"spec.json: input.columns: \"a\" is given twice"});
  std::string derive = kSpec;
  derive.replace(derive.find("\"price\": "), 9, "\"sim\": ");
  expect_bad_input([&] { parse(derive); }, {"spec.json: steps[0] (derive): \"sim\" is given twice"});
}

TEST(PipelineSpec, invalid_json_names_the_byte_and_the_file) {
  expect_bad_input([] { parse("{\"schema\": "); }, {"spec.json: invalid JSON at byte 11"});
  expect_bad_input([] { parse("[1, 2]"); }, {"spec.json: top level: expected a JSON object"});
  expect_bad_input([] { parse(""); }, {"spec.json: invalid JSON at byte 0"});
}

TEST(PipelineSpec, deep_nesting_does_not_exhaust_the_stack) {
  std::string deep = "{\"schema\": " + std::string(200000, '[') + std::string(200000, ']') + "}";
  expect_bad_input([&] { parse(deep); }, {"spec.json: schema: expected a string"});
}

}  // namespace
}  // namespace onnxfn::pipeline
