// The models `onnxfn serve` answers for: paths given on the command line (named by the bundle's
// metadata, the model file's stem, or NAME=PATH), or a repository folder whose every entry is a
// bundle folder, a bundle .zip, a folder holding model.onnx, or an .onnx file, named by its entry.
#pragma once

#include <string>
#include <vector>

#include "pipeline/predictor.h"
#include "protocol/http_api.h"
#include "serve/metrics.h"

namespace onnxfn::serve {

// BadInput / BadModel / Unsupported naming the path at fault; BadInput for an empty repository or
// two models of the same name. Load times go to `metrics`.
protocol::ModelRepository load_models(const std::vector<std::string>& paths, const std::string& repository,
                                      const pipeline::PredictorOptions& options, Metrics& metrics);

}  // namespace onnxfn::serve
