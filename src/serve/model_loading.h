// The models `onnxfn serve` answers for: paths given on the command line (named by the bundle's
// metadata, the model file's stem, or NAME=PATH), or a repository folder whose every entry is a
// bundle folder, a bundle .zip, a folder holding model.onnx, or an .onnx file, named by its entry;
// a folder may also hold serve.json, the model's own dynamic batching settings.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipeline/predictor.h"
#include "protocol/http_api.h"
#include "serve/dynamic_batcher.h"
#include "serve/metrics.h"

namespace onnxfn::serve {

// BadInput / BadModel / Unsupported naming the path at fault; BadInput for an empty repository or
// two models of the same name. Load times go to `metrics`. A repository folder's serve.json
// (serve/batch_settings.h), read over `batch_defaults`, goes to `model_batch` under its name.
protocol::ModelRepository load_models(const std::vector<std::string>& paths, const std::string& repository,
                                      const pipeline::PredictorOptions& options, Metrics& metrics,
                                      const BatchOptions& batch_defaults = {},
                                      std::map<std::string, BatchOptions, std::less<>>* model_batch = nullptr);

}  // namespace onnxfn::serve
