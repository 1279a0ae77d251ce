// Predictor: bundle loading and the records -> records path.
#include "pipeline/predictor.h"

#include "model/model_loader.h"
#include "ops/all_kernels.h"

namespace onnxfn::pipeline {

Predictor::Predictor(Bundle bundle, const SessionOptions& options) : bundle_(std::move(bundle)) {
  try {
    pipeline_ = std::make_unique<Pipeline>(bundle_.spec, &bundle_.state);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::BadInput) throw;
    throw_error(ErrorKind::BadModel, e.what());
  }
  session_ = std::make_unique<Session>(bundle_.load_model(), ops::all_kernels(), options);
  std::string().swap(bundle_.zipped_model);  // the session holds the model now
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
  auto find_output = [&](const std::string& name) -> const ValueInfo* {
    for (const ValueInfo& o : session_->outputs())
      if (o.name == name) return &o;
    return nullptr;
  };
  if (const auto& p = bundle_.spec.output.probability) {
    const ValueInfo* o = find_output(p->output);
    if (!o) throw_error(ErrorKind::BadModel, where + "output.probability reads model output '" + p->output + "', which the model does not have");
    // ZipMap's sequence of maps is read by class key, a [rows, classes] tensor by column index.
    if (o->type.kind == TypeInfo::Kind::Sequence && p->class_key.empty())
      throw_error(ErrorKind::BadModel, where + "output.probability: model output '" + p->output + "' is " + o->type.to_string() +
                                           ": give \"class\" (the ZipMap key), not \"index\"");
    if (o->type.is_tensor() && !p->class_index)
      throw_error(ErrorKind::BadModel, where + "output.probability: model output '" + p->output + "' is " + o->type.to_string() +
                                           ": give \"index\" (the class column), not \"class\"");
    if (o->type.is_tensor() && o->type.shape && o->type.shape->size() == 2) {
      const Dim& classes = (*o->type.shape)[1];
      if (classes.value && *p->class_index >= *classes.value)
        throw_error(ErrorKind::BadModel, where + "output.probability.index " + std::to_string(*p->class_index) + " is past the " +
                                             std::to_string(*classes.value) + " columns of model output '" + p->output + "'");
    }
  }
  for (const auto& [output, column] : bundle_.spec.output.model_outputs) {
    const ValueInfo* o = find_output(output);
    if (!o) throw_error(ErrorKind::BadModel, where + "output.model_outputs reads '" + output + "', which the model does not have");
    if (o->type.kind != TypeInfo::Kind::Tensor && o->type.kind != TypeInfo::Kind::Unknown)
      throw_error(ErrorKind::BadModel, where + "output.model_outputs field '" + output + "': model output is " + o->type.to_string() +
                                           "; only tensors become columns (read ZipMap outputs with output.probability)");
  }
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
