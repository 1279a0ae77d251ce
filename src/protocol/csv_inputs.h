// CSV with a header -> model input tensors, for `onnxfn predict --input file.csv`.
// Mapping: a model with one input takes every column, in order. Otherwise each input takes the
// column with its name (inputs of width 1), or the columns <name>_0 .. <name>_<w-1> (width w).
// Element types come from the model: empty float fields are NaN; errors name file, row and column.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/named_values.h"
#include "model/model.h"

namespace onnxfn {

NamedValues csv_to_inputs(std::string_view text, const std::string& source, const std::vector<ValueInfo>& inputs);

}  // namespace onnxfn
