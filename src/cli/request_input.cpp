// Request files -> named tensors.
#include "cli/request_input.h"

#include "cli/file_io.h"
#include "protocol/csv_inputs.h"

namespace onnxfn::cli {

InferenceRequest read_request(const std::string& path, const std::string& format, const Session& session) {
  std::string text = read_input_file(path, "input");
  std::string kind = format;
  if (kind == "auto") {
    std::string ext = file_extension(path);
    size_t first = text.find_first_not_of(" \t\r\n");
    if (ext == "json" || ext == "csv") kind = ext;
    else kind = first != std::string::npos && text[first] == '{' ? "json" : "csv";
  }
  if (kind == "json") return parse_inference_request(text);
  InferenceRequest request;
  request.inputs = csv_to_inputs(text, path == "-" ? "stdin" : path, session.inputs());
  return request;
}

}  // namespace onnxfn::cli
