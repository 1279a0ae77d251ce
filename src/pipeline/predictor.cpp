// Predictor: bundle loading and the records -> records path.
#include "pipeline/predictor.h"

#include "model/model_loader.h"

namespace onnxfn::pipeline {

Predictor::Predictor(Bundle bundle, const SessionOptions& options) : bundle_(std::move(bundle)) {
  try {
    pipeline_ = std::make_unique<Pipeline>(bundle_.spec, &bundle_.state);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::BadInput) throw;
    throw_error(ErrorKind::BadModel, e.what());
  }
  session_ = std::make_unique<Session>(load_model(bundle_.model_path()), options);
  check_model_contract();
}

std::unique_ptr<Predictor> Predictor::load(const std::filesystem::path& bundle_dir, const SessionOptions& options) {
  return std::make_unique<Predictor>(load_bundle(bundle_dir), options);
}

void Predictor::check_model_contract() const {
  const std::string where = "bundle '" + bundle_.dir.string() + "': ";
  for (const ModelInputSpec& m : bundle_.spec.model_inputs) {
    const ValueInfo* found = nullptr;
    for (const ValueInfo& in : session_->inputs())
      if (in.name == m.name) found = &in;
    if (!found) throw_error(ErrorKind::BadModel, where + "pipeline.json feeds model input '" + m.name + "', which the model does not have");
    if (found->type.is_tensor() && found->type.elem != m.dtype)
      throw_error(ErrorKind::BadModel, where + "model input '" + m.name + "' is " + found->type.to_string() + ", pipeline.json gives " + dtype_name(m.dtype));
    if (found->type.shape && found->type.shape->size() == 2) {
      const Dim& width = (*found->type.shape)[1];
      if (width.value && *width.value != static_cast<int64_t>(m.columns.size()))
        throw_error(ErrorKind::BadModel, where + "model input '" + m.name + "' takes " + std::to_string(*width.value) + " columns, pipeline.json lists " +
                                             std::to_string(m.columns.size()));
    }
  }
  for (const ValueInfo& in : session_->inputs()) {
    bool fed = false;
    for (const ModelInputSpec& m : bundle_.spec.model_inputs) fed |= m.name == in.name;
    if (!fed) throw_error(ErrorKind::BadModel, where + "pipeline.json does not feed model input '" + in.name + "'");
  }
  auto has_output = [&](const std::string& name) {
    for (const ValueInfo& o : session_->outputs())
      if (o.name == name) return true;
    return false;
  };
  if (const auto& p = bundle_.spec.output.probability; p && !has_output(p->output))
    throw_error(ErrorKind::BadModel, where + "output.probability reads model output '" + p->output + "', which the model does not have");
  for (const auto& [output, column] : bundle_.spec.output.model_outputs)
    if (!has_output(output)) throw_error(ErrorKind::BadModel, where + "output.model_outputs reads '" + output + "', which the model does not have");
}

Frame Predictor::features(const Frame& records) const {
  return pipeline_->feature_table(pipeline_->run_steps(pipeline_->conform(records)));
}

Frame Predictor::predict(const Frame& records) const {
  Frame stepped = pipeline_->run_steps(pipeline_->conform(records));
  NamedValues outputs = session_->run(pipeline_->to_tensors(stepped));
  return pipeline_->to_records(stepped, outputs, bundle_.threshold());
}

}  // namespace onnxfn::pipeline
