// NamedValues: the named inputs and outputs of a model run, in order. Below the engine so that the
// codecs (protocol/) and the pipeline can speak of them without including the engine.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/value.h"

namespace onnxfn {

using NamedValues = std::vector<std::pair<std::string, Value>>;

}  // namespace onnxfn
