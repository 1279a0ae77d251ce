// Open Inference Protocol (KServe v2) JSON: requests -> named tensors, outputs -> responses.
// Shared by `onnxfn predict`, `onnxfn serve` and the Lambda adapter.
//
// Request:  {"id"?, "inputs": [{"name", "datatype", "shape", "data"}], "outputs"?: [{"name"}]}
//           data flat or nested row-major; JSON null in a float input means NaN.
// Response: {"model_name", "id"?, "outputs": [{"name", "datatype", "shape", "data"}]}
//           A sequence of maps (ZipMap) has "datatype": "JSON" and data = one object per row,
//           keyed by the class label as a string. NaN is written as null, infinities as the
//           strings "Infinity" / "-Infinity".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/named_values.h"

namespace onnxfn {

struct InferenceRequest {
  std::string id;
  NamedValues inputs;
  std::vector<std::string> requested_outputs;  // empty: all
};

// Throws BadInput naming the input and the element/row at fault.
InferenceRequest parse_inference_request(std::string_view json);

// The v2 datatype name for an element type ("FP32", "INT64", "BYTES", ...); nullopt if none.
std::optional<std::string_view> v2_datatype(DType dtype);
std::optional<DType> dtype_from_v2(std::string_view datatype);

// Keeps only the requested outputs (in request order); BadInput for unknown names.
NamedValues select_outputs(NamedValues outputs, const std::vector<std::string>& requested);

std::string encode_inference_response(const NamedValues& outputs, std::string_view model_name, std::string_view id);

}  // namespace onnxfn
