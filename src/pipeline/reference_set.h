// A bundle's reference set (reference.json, written by the training helpers): sample records and
// what the scikit-learn model itself answered for them (predict_proba's positive column and
// predict's labels). `onnxfn verify` recomputes them through the bundle and reports the largest
// difference; `onnxfn package` refuses a bundle that disagrees with its own training-time outputs.
//
//   {"schema": "onnxfn.reference/1", "source": "...", "tolerance": 1e-5,
//    "records": [{...}, ...], "probability": [0.97, ...], "label": [1, ...]}
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "pipeline/predictor.h"

namespace onnxfn::pipeline {

struct ReferenceReport {
  size_t records = 0;
  double max_probability_diff = 0;  // max |onnxfn - scikit-learn| over the records
  size_t worst_record = 0;          // where it is largest
  size_t labels_compared = 0, labels_agreeing = 0;
  double tolerance = 1e-5;
  std::string source;               // what produced the reference (library and call)

  bool passed() const { return max_probability_diff <= tolerance && labels_agreeing == labels_compared; }
};

// The reference set of a bundle folder: nullopt when it has none. BadModel naming the field when
// reference.json is malformed.
std::optional<ReferenceReport> verify_reference_set(const Predictor& predictor, const std::filesystem::path& bundle);

}  // namespace onnxfn::pipeline
