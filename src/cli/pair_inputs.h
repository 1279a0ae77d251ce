// Inputs of the pair commands (`batch`, `evaluate`, `features --pairs`): the bundle's two product
// tables, indexed by the id columns its blocking section names, and the pair-record form of
// `onnxfn features`, which training scripts call to get the feature table of labelled pairs.
#pragma once

#include <cstdint>
#include <string>

#include "batch/pair_records.h"

namespace CLI {
class App;
}

namespace onnxfn::cli {

struct PairTables {
  batch::ProductTable left;
  batch::ProductTable right;
};

// Reads both tables (CSV or JSON Lines); BadInput naming the file for a missing id column,
// a null or repeated id.
PairTables load_pair_tables(const pipeline::PipelineSpec& spec, const std::string& left_path, const std::string& right_path);

struct PairFeatureOptions {
  std::string left, right, pairs;
  bool requested() const { return !left.empty() || !right.empty() || !pairs.empty(); }
};

// Adds --left, --right and --pairs to `onnxfn features` (and makes its --input optional).
void add_pair_feature_options(CLI::App& features, PairFeatureOptions& options);

// The feature table of every pair of the pairs file, in the file's order (one row per pair unless
// the pipeline filters): the pipeline's carry columns, then the model input columns. Needs no
// model.onnx, since training computes features before the model exists.
void write_pair_features(const std::string& bundle, const PairFeatureOptions& pairs, const std::string& output,
                         const std::string& format, int64_t chunk_rows);

}  // namespace onnxfn::cli
