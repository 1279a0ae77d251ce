// Loading the served models once, before the server listens, each timed for /metrics.
#include "serve/model_loading.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include "serve/batch_settings.h"

namespace onnxfn::serve {
namespace {

namespace fs = std::filesystem;

void load_one(protocol::ModelRepository& repo, const std::string& name, const fs::path& path, const pipeline::PredictorOptions& options,
              Metrics& metrics) {
  const auto t0 = std::chrono::steady_clock::now();
  auto predictor = pipeline::Predictor::load(path, options);
  const std::string model_name = name.empty() ? predictor->name() : name;
  if (model_name.empty() || model_name.find('/') != std::string::npos)
    throw_error(ErrorKind::BadInput, "serve: model at '" + path.string() + "' needs a name without '/' (give NAME=PATH)");
  repo.add(model_name, std::move(predictor));
  metrics.model_loaded(model_name, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace

protocol::ModelRepository load_models(const std::vector<std::string>& paths, const std::string& repository,
                                      const pipeline::PredictorOptions& options, Metrics& metrics, const BatchOptions& batch_defaults,
                                      std::map<std::string, BatchOptions, std::less<>>* model_batch) {
  protocol::ModelRepository repo;
  for (const std::string& arg : paths) {
    // NAME=PATH names a model; a path that exists as given is never split.
    const size_t eq = arg.find('=');
    if (eq != std::string::npos && eq > 0 && !fs::exists(arg))
      load_one(repo, arg.substr(0, eq), arg.substr(eq + 1), options, metrics);
    else
      load_one(repo, "", arg, options, metrics);
  }
  if (!repository.empty()) {
    std::error_code ec;
    if (!fs::is_directory(repository, ec)) throw_error(ErrorKind::BadInput, "serve: --repository '" + repository + "' is not a folder");
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(repository)) entries.push_back(entry.path());
    std::sort(entries.begin(), entries.end());
    for (const fs::path& entry : entries) {
      const std::string file = entry.filename().string();
      if (file.starts_with(".")) continue;
      if (fs::is_directory(entry)) {
        // A bundle folder, or a folder that holds a bare model.
        const fs::path target = fs::exists(entry / "pipeline.json") || !fs::exists(entry / "model.onnx") ? entry : entry / "model.onnx";
        // Its settings first: a typo there costs no model load.
        const fs::path settings = entry / kModelServeFile;
        std::optional<BatchOptions> batch;
        if (fs::exists(settings)) batch = read_model_serve_file(settings, batch_defaults);
        load_one(repo, file, target, options, metrics);
        if (batch && model_batch) (*model_batch)[file] = *batch;
      } else if (entry.extension() == ".onnx" || entry.extension() == ".zip") {
        load_one(repo, entry.stem().string(), entry, options, metrics);
      }
    }
  }
  if (repo.size() == 0) throw_error(ErrorKind::BadInput, "serve: no models to serve (give MODEL_OR_BUNDLE paths or --repository DIR)");
  return repo;
}

}  // namespace onnxfn::serve
