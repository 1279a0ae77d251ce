// NamedValues: values keyed by graph input or output name, in order. The currency between the
// engine (Session::run) and the layers that build its inputs or read its outputs (pipeline,
// protocol), kept here so those layers need not include the engine for a typedef.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/value.h"

namespace onnxfn {

using NamedValues = std::vector<std::pair<std::string, Value>>;

}  // namespace onnxfn
