// Fuzzes the JSON Lines / JSON array -> Frame reader, inferring and with a fixed schema, and
// writes what it read back out: any outcome but an onnxfn::Error is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.h"
#include "frame/json_frame_reader.h"
#include "frame/json_frame_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const onnxfn::Schema schema = {{"id", onnxfn::ColumnType::Int64},
                                        {"x", onnxfn::ColumnType::Float64},
                                        {"ok", onnxfn::ColumnType::Bool},
                                        {"s", onnxfn::ColumnType::String}};
  for (const onnxfn::JsonReadOptions& options :
       {onnxfn::JsonReadOptions{}, onnxfn::JsonReadOptions{.format = onnxfn::JsonFormat::Lines, .schema = schema},
        onnxfn::JsonReadOptions{.format = onnxfn::JsonFormat::Array, .schema = schema}}) {
    try {
      const onnxfn::Frame frame = onnxfn::read_json(text, "fuzz", options);
      (void)onnxfn::write_json(frame);
    } catch (const onnxfn::Error&) {
    }
  }
  return 0;
}
