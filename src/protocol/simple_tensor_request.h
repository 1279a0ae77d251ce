// The common Open Inference Protocol v2 request read straight into tensors, without a DOM: an
// object with "inputs" (and optionally "id") whose inputs are FP32 or FP64 tensors with a flat
// "data" array of numbers and nulls. Anything else, and anything malformed, is declined (nullopt)
// and parse_inference_request reads it the general way, so every error message stays that path's.
#pragma once

#include <optional>
#include <string_view>

#include "protocol/inference_protocol.h"

namespace onnxfn {

// The same request parse_inference_request would give, or nullopt when the text is not of this kind.
std::optional<InferenceRequest> parse_simple_tensor_request(std::string_view json);

}  // namespace onnxfn
