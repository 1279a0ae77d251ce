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
#include "model/model.h"

namespace onnxfn {

struct InferenceRequest {
  std::string id;
  NamedValues inputs;
  std::vector<std::string> requested_outputs;  // empty: all
  // Binary tensor extension: the answer's outputs as raw bytes after the JSON header. Per requested
  // output its "parameters": {"binary_data": ...} when given (parallel to requested_outputs), else
  // the request's "parameters": {"binary_data_output": ...}.
  std::vector<std::optional<bool>> requested_binary;
  bool binary_data_output = false;
};

// Throws BadInput naming the input and the element/row at fault. `binary_data`: the bytes after the
// JSON header of a binary tensor request (protocol/binary_tensors.h); inputs with
// "parameters": {"binary_data_size": n} take their next n bytes from it, in input order.
InferenceRequest parse_inference_request(std::string_view json, std::string_view binary_data = {});

// The v2 datatype name for an element type ("FP32", "INT64", "BYTES", ...); nullopt if none.
std::optional<std::string_view> v2_datatype(DType dtype);
std::optional<DType> dtype_from_v2(std::string_view datatype);

// Keeps only the requested outputs (in request order); BadInput for unknown names.
NamedValues select_outputs(NamedValues outputs, const std::vector<std::string>& requested);

// A request as text: "json" (Open Inference Protocol v2), "csv" (a header, then rows: a model with
// one input takes every column in order, otherwise each input takes the column with its name or
// <name>_0, <name>_1, ...) or "auto" (by the first non-blank character: '{' is JSON). `inputs` are
// the model's, for CSV. BadInput names `source`, the input and the row or element at fault.
InferenceRequest decode_request(std::string_view text, std::string_view format, const std::string& source, const std::vector<ValueInfo>& inputs);

std::string encode_inference_response(const NamedValues& outputs, std::string_view model_name, std::string_view id);
// The binary tensor form: tensors whose `binary[i]` is true are announced in the JSON with
// "parameters": {"binary_data_size": n} and their bytes appended to `binary_tail` in output order
// (sequences and maps, such as ZipMap's, have no binary form and stay JSON). Returns the JSON header.
std::string encode_inference_response(const NamedValues& outputs, std::string_view model_name, std::string_view id,
                                      const std::vector<bool>& binary, std::string& binary_tail);

}  // namespace onnxfn
