// The pipeline spec: the human-written JSON file of a bundle (pipeline.json) that declares how
// input records become the model's input tensors and how the model's outputs become output
// records. docs/pipeline-spec.md documents it with a full example. Parsing validates structure
// and names; expressions are type-checked when the Pipeline is built (pipeline.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/dtype.h"
#include "frame/frame.h"

namespace onnxfn::pipeline {

struct DeriveStep {
  std::vector<std::pair<std::string, std::string>> columns;  // new column -> expression, in order
};
struct FilterStep {
  std::string expression;  // rows where it is true are kept
};
struct SelectStep {
  std::vector<std::string> columns;
};
struct RenameStep {
  std::vector<std::pair<std::string, std::string>> renames;  // from -> to
};
struct CastStep {
  std::vector<std::pair<std::string, ColumnType>> casts;
};
using Step = std::variant<DeriveStep, FilterStep, SelectStep, RenameStep, CastStep>;
std::string_view step_kind(const Step& step);

// Fitted state kept beside the spec: an IDF table fitted by `onnxfn fit` on the values of
// `fit` (an expression over the fit records), stored in the bundle at `file`.
struct StateSpec {
  std::string name;
  std::string kind;  // "idf"
  std::string file;  // relative to the bundle folder
  std::string fit;   // expression
};

struct ModelInputSpec {
  std::string name;                  // the model's input name
  DType dtype = DType::Float;        // float, double, int64 or string
  std::vector<std::string> columns;  // feature columns, in the model's order; shape [rows, columns]
};

struct ProbabilitySpec {
  std::string output;  // model output: ZipMap's sequence of maps or a [rows, classes] tensor
  std::string class_key;             // ZipMap key (the class label as a string)
  std::optional<int64_t> class_index;  // or a column index of a tensor output
  std::string column = "probability";
};

struct LabelSpec {
  std::string column = "match";
  std::optional<double> threshold;  // falls back to the bundle's metadata, then 0.5
};

struct OutputSpec {
  std::vector<std::string> carry;  // input/derived columns copied to every output record
  std::optional<ProbabilitySpec> probability;
  std::optional<LabelSpec> label;  // needs probability
  std::vector<std::pair<std::string, std::string>> model_outputs;  // model output -> column
};

// Candidate-pair generation for `onnxfn batch --left --right` (examples/product-matching).
struct BlockingSpec {
  std::string left_id = "id";
  std::string right_id = "id";
  std::string text;          // expression over a product record giving the blocking text
  int64_t top_k = 20;        // candidates kept per left record
  std::string idf;           // optional state name weighting the tokens
  std::string left_prefix = "left_";
  std::string right_prefix = "right_";
};

struct PipelineSpec {
  std::string source;  // where it was read from, for messages
  Schema input;        // declared input columns and types
  std::vector<StateSpec> state;
  std::vector<Step> steps;
  std::vector<ModelInputSpec> model_inputs;
  OutputSpec output;
  std::optional<BlockingSpec> blocking;
};

// Throws BadInput naming the source, the step and the field.
PipelineSpec parse_pipeline_spec(std::string_view json, const std::string& source);

}  // namespace onnxfn::pipeline
