// Fuzzes the ONNX loader and session creation (every kernel's attribute validation) with
// arbitrary bytes: any outcome but an onnxfn::Error is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/session.h"
#include "model/model_loader.h"
#include "ops/all_kernels.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  onnxfn::set_tensor_byte_limit(uint64_t{64} << 20);  // keep hostile shapes from exhausting the fuzzer's memory
  try {
    onnxfn::Model model = onnxfn::load_model_from_bytes(std::string_view(reinterpret_cast<const char*>(data), size), {});
    onnxfn::Session session(std::move(model), onnxfn::ops::all_kernels(), {.threads = 1});
  } catch (const onnxfn::Error&) {
  }
  return 0;
}
