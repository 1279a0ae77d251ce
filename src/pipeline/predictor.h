// Predictor: a loaded bundle = Pipeline + Session (DESIGN.md, Predictor). predict(Frame) -> Frame
// is the one call every door uses. Loading checks that the spec's model inputs and outputs exist
// in the model with matching types, so a mismatched bundle fails at load time, not per request.
#pragma once

#include <filesystem>
#include <memory>

#include "engine/session.h"
#include "pipeline/bundle.h"
#include "pipeline/pipeline.h"

namespace onnxfn::pipeline {

class Predictor {
 public:
  Predictor(Bundle bundle, const SessionOptions& options);
  static std::unique_ptr<Predictor> load(const std::filesystem::path& bundle_dir, const SessionOptions& options = {});

  // Records in, output records out (carry columns, probability, label, model outputs).
  Frame predict(const Frame& records) const;
  // The feature table exactly as predict computes it.
  Frame features(const Frame& records) const;

  const Bundle& bundle() const { return bundle_; }
  const Pipeline& pipeline() const { return *pipeline_; }
  const Session& session() const { return *session_; }

 private:
  void check_model_contract() const;
  Bundle bundle_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<Session> session_;
};

}  // namespace onnxfn::pipeline
