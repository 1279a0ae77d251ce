// Fuzzes what `onnxfn tune` and `package --memory auto` read from users: the --memory list, the
// event (rows counted for the cost per prediction) and a tune report (the recommended size).
// Untrusted bytes give a value or an onnxfn::Error, never a crash; values keep their invariants.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "tune/lambda_model.h"
#include "tune/report.h"
#include "tune/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto sizes = onnxfn::tune::parse_memory_list(text);
    // Sorted, distinct, each a Lambda size.
    for (size_t i = 0; i < sizes.size(); ++i)
      if (sizes[i] < 128 || sizes[i] > 10240 || (i && sizes[i - 1] >= sizes[i])) __builtin_trap();
  } catch (const onnxfn::Error&) {
  }
  try {
    if (onnxfn::tune::predictions_in_event(text) < 0) __builtin_trap();
  } catch (const onnxfn::Error&) {
  }
  try {
    const int mb = onnxfn::tune::recommended_memory_from_report(text, "fuzz");
    if (mb < 128 || mb > 10240) __builtin_trap();
  } catch (const onnxfn::Error&) {
  }
  return 0;
}
