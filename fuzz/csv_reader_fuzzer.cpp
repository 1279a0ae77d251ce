// Fuzzes the CSV tokenizer and CSV-to-tensor conversion against a fixed two-input schema.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "frame/csv_reader.h"
#include "protocol/csv_inputs.h"

namespace {

std::vector<onnxfn::ValueInfo> schema() {
  auto tensor = [](onnxfn::DType dt, std::optional<int64_t> width) {
    onnxfn::TypeInfo t;
    t.kind = onnxfn::TypeInfo::Kind::Tensor;
    t.elem = dt;
    t.shape = std::vector<onnxfn::Dim>{onnxfn::Dim{}, onnxfn::Dim{width, ""}};
    return t;
  };
  return {{"num", tensor(onnxfn::DType::Float, 2), ""}, {"cat", tensor(onnxfn::DType::String, 1), ""}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    onnxfn::CsvReader reader(text, "fuzz");
    std::vector<std::string_view> fields;
    while (reader.next(fields)) {
    }
  } catch (const onnxfn::Error&) {
  }
  try {
    static const auto inputs = schema();
    onnxfn::csv_to_inputs(text, "fuzz", inputs);
  } catch (const onnxfn::Error&) {
  }
  return 0;
}
