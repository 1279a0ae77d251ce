// Predictor: what a door loads and calls (DESIGN.md, Predictor). A bundle (folder or zip: pipeline
// + fitted state + model) or a bare .onnx model, loaded once per process and shared by all threads.
// Every door goes through it: the CLI, `serve`, `lambda`, batch jobs and the Python package.
//
//   auto p = Predictor::load("bundle/", {.threads = 0});       // or "model.onnx"
//   Frame out = p->predict(records);                            // bundles: records -> records
//   NamedValues y = p->infer(tensors);                          // models and bundles: tensors -> tensors
//
// Loading checks that the spec's model inputs and outputs exist in the model with matching types,
// so a mismatched bundle fails at load time (BadModel / Unsupported), not per request. predict and
// infer are const and safe to call from many threads at once.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/named_values.h"
#include "engine/session.h"
#include "pipeline/bundle.h"
#include "pipeline/pipeline.h"

namespace onnxfn::pipeline {

struct PredictorOptions {
  int threads = 0;              // intra-op threads including the caller; 0 = available_cpus()
  bool require_model = true;    // false: a bundle without model.onnx loads for features() only (training)
  bool require_state = true;    // false: `fit`, which writes the state
};

// Where one call spent its time (milliseconds), for the CLI summary, `bench --bundle`, `/metrics` and
// Lambda logs. Callers add their own stages (read, encode); the Predictor fills pipeline and model.
struct Trace {
  double read_ms = 0;      // decoding the request or file (the door's)
  double pipeline_ms = 0;  // conform, steps, input tensors, output records
  double model_ms = 0;     // Session::run
  double encode_ms = 0;    // encoding the answer (the door's)
  size_t rows = 0;         // rows in
  StepProfile* steps = nullptr;  // when set, the pipeline's per-step times are appended here

  double total_ms() const { return read_ms + pipeline_ms + model_ms + encode_ms; }
  void add(const Trace& other);
};

class Predictor {
 public:
  // `path`: a bundle folder, a bundle .zip, or an .onnx model file. Throws BadModel / Unsupported
  // naming the file and the problem; BadInput when the path does not exist.
  static std::unique_ptr<Predictor> load(const std::filesystem::path& path, const PredictorOptions& options = {});
  Predictor(Bundle bundle, const PredictorOptions& options);
  Predictor(Model model, std::string name, const PredictorOptions& options);
  ~Predictor();
  Predictor(const Predictor&) = delete;
  Predictor& operator=(const Predictor&) = delete;

  bool is_bundle() const { return bundle_ != nullptr; }
  // The bundle's metadata name (else its folder name), or the model file's stem.
  const std::string& name() const { return name_; }
  const std::string& version() const;
  // The bundle's decision threshold (0.5 for a bare model).
  double threshold() const;

  // Bundles: records in, output records out (carry columns, probability, label, model outputs).
  // Large inputs run the pipeline on slices in parallel; the output does not depend on threads.
  // A bare model: BadInput (it takes tensors; records need a bundle's pipeline).
  Frame predict(const Frame& records, Trace* trace = nullptr) const;
  // The model's input tensors for records (the pipeline's half of predict; `bench` times the model apart).
  NamedValues model_inputs(const Frame& records, Trace* trace = nullptr) const;
  // The feature table exactly as predict computes it (needs no model).
  Frame features(const Frame& records, Trace* trace = nullptr) const;

  // Tensors in, tensors out. A bare model: its inputs -> every output in model order. A bundle: one
  // tensor per input column ([rows] or [rows, 1]; BYTES for strings) -> one [rows] tensor per output
  // record column. BadInput names the input and what is wrong.
  NamedValues infer(const NamedValues& inputs, Trace* trace = nullptr) const;
  // What infer takes and gives (a bundle: its input and output record columns as 1-D tensors).
  const std::vector<ValueInfo>& inputs() const { return inputs_; }
  const std::vector<ValueInfo>& outputs() const { return outputs_; }

  // Null for a bare model / a bundle loaded without its model.
  const Bundle* bundle() const { return bundle_.get(); }
  const Pipeline* pipeline() const { return pipeline_.get(); }
  const Session* session() const { return session_.get(); }
  int threads() const;

 private:
  void check_model_contract() const;
  void describe_bundle_tensors();
  const Pipeline& require_pipeline(const char* what) const;
  const Session& require_session(const char* what) const;
  Frame run_steps_sliced(Frame conformed, StepProfile* profile) const;

  std::unique_ptr<Bundle> bundle_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<ThreadPool> own_pool_;  // features-only bundles (no session, so no session pool)
  std::string name_;
  std::vector<ValueInfo> inputs_, outputs_;
};

// Records <-> tensors for bundles over tensor protocols (OIP v2): each column one 1-D tensor.
// FP32/FP64 -> float64 (NaN stays NaN), INT32/INT64 -> int64, BOOL -> bool, BYTES -> string.
Frame tensors_to_frame(const NamedValues& inputs);
// float64 -> FP64 (null -> NaN), int64 -> INT64 (BadInput for a null), bool -> BOOL, string -> BYTES.
NamedValues frame_to_tensors(const Frame& records);

}  // namespace onnxfn::pipeline
