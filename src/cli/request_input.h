// Reading a request file (KServe v2 JSON or CSV) into named input tensors for a session; shared
// by `predict` and `bench`.
#pragma once

#include <string>

#include "engine/session.h"
#include "protocol/inference_protocol.h"

namespace onnxfn::cli {

// format: "json", "csv" or "auto" (by extension; for stdin by the first non-blank character).
InferenceRequest read_request(const std::string& path, const std::string& format, const Session& session);

}  // namespace onnxfn::cli
