// KServe v1 ("TensorFlow Serving") JSON: {"instances": [...]} in, {"predictions": [...]} out.
// Bundles take one record object per instance and answer one output record object per row; a bare
// model with one input takes one row (a number or a list of numbers) per instance and answers its
// first output per row, as KServe's scikit-learn server answers predict().
#pragma once

#include <string>
#include <string_view>

#include "common/named_values.h"
#include "model/model.h"

namespace onnxfn {

// The "instances" array of a v1 request as JSON text (a JSON array of records for a bundle);
// BadInput naming the position when the body is not {"instances": [...]}.
std::string v1_instances_json(std::string_view body);
// A bare model's input tensor (named after `input`, of its element type) from the instances: [n] for
// scalars, [n, w] for rows of width w. BadInput naming the instance at fault.
NamedValues v1_instances_to_inputs(std::string_view instances_json, const ValueInfo& input);
// {"predictions": [...]} from a bare model's first output: one value per row ([n]), one list per
// row ([n, k]) or one object per row (ZipMap).
std::string v1_predictions(const NamedValues& outputs);

}  // namespace onnxfn
