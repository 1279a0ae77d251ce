// Fuzzes the request decoders of the HTTP API below any transport: the binary tensor extension
// (the first two bytes choose where the JSON header ends) and KServe v1 instances. Any outcome but
// an onnxfn::Error is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/binary_tensors.h"
#include "protocol/inference_protocol.h"
#include "protocol/kserve_v1.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  onnxfn::set_tensor_byte_limit(uint64_t{64} << 20);
  if (size < 2) return 0;
  const size_t header_length = static_cast<size_t>(data[0]) << 8 | data[1];
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  try {
    const onnxfn::BinaryBody parts = onnxfn::split_binary_body(body, std::to_string(header_length));
    onnxfn::parse_inference_request(parts.json, parts.binary);
  } catch (const onnxfn::Error&) {
  }
  try {
    onnxfn::ValueInfo input{"X", {}, ""};
    input.type.kind = onnxfn::TypeInfo::Kind::Tensor;
    input.type.elem = data[0] & 1 ? onnxfn::DType::Float : onnxfn::DType::Int64;
    onnxfn::v1_instances_to_inputs(onnxfn::v1_instances_json(body), input);
  } catch (const onnxfn::Error&) {
  }
  return 0;
}
