// Fuzzes the KServe v2 JSON request parser: any outcome but an onnxfn::Error is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/inference_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  onnxfn::set_tensor_byte_limit(uint64_t{64} << 20);
  try {
    onnxfn::parse_inference_request(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const onnxfn::Error&) {
  }
  return 0;
}
