// Predictor: loading a bundle or a bare model, and the records and tensor paths through it.
#include "pipeline/predictor.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "frame/frame_ops.h"
#include "model/model_loader.h"
#include "pipeline/bundle_archive.h"
#include "ops/all_kernels.h"

namespace onnxfn::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

// A spec that fails to bind (unknown column, bad expression) makes the bundle unusable: it is the
// bundle that is wrong, not the request, whatever category the binder used.
std::unique_ptr<Pipeline> bind_pipeline(const Bundle& bundle) {
  try {
    return std::make_unique<Pipeline>(bundle.spec, &bundle.state);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::BadInput) throw;
    throw_error(ErrorKind::BadModel, e.what());
  }
}

// Slices of at least this many rows share the pipeline's work between threads; below it the per-slice
// overhead (frames, column lookups, text values prepared once per slice) outweighs the gain.
constexpr int64_t kMinSlice = 256;

TypeInfo column_tensor_type(ColumnType type) {
  TypeInfo t;
  t.kind = TypeInfo::Kind::Tensor;
  switch (type) {
    case ColumnType::Int64: t.elem = DType::Int64; break;
    case ColumnType::Float64: t.elem = DType::Double; break;
    case ColumnType::String: t.elem = DType::String; break;
    case ColumnType::Bool: t.elem = DType::Bool; break;
  }
  t.shape = std::vector<Dim>{Dim{std::nullopt, "rows"}};
  return t;
}

}  // namespace

void Trace::add(const Trace& other) {
  read_ms += other.read_ms;
  pipeline_ms += other.pipeline_ms;
  model_ms += other.model_ms;
  encode_ms += other.encode_ms;
  rows += other.rows;
}

std::unique_ptr<Predictor> Predictor::load(const std::filesystem::path& path, const PredictorOptions& options) {
  std::error_code ec;
  // A missing path is reported by the loader its name points to ("no such file" / "no such folder").
  const bool model_file = std::filesystem::exists(path, ec) ? std::filesystem::is_regular_file(path, ec) && !is_zip_archive(path)
                                                            : path.extension() == ".onnx";
  if (!model_file)
    return std::make_unique<Predictor>(load_bundle(path, {.require_state = options.require_state}), options);
  return std::make_unique<Predictor>(load_model(path), path.stem().string(), options);
}

Predictor::Predictor(Bundle bundle, const PredictorOptions& options) : bundle_(std::make_unique<Bundle>(std::move(bundle))) {
  pipeline_ = bind_pipeline(*bundle_);
  name_ = !bundle_->metadata.name.empty() ? bundle_->metadata.name : bundle_->dir.filename().replace_extension().string();
  if (bundle_->has_model || options.require_model) {
    session_ = std::make_unique<Session>(bundle_->load_model(), ops::all_kernels(), SessionOptions{.threads = options.threads});
    std::string().swap(bundle_->zipped_model);  // the session holds the model now
    check_model_contract();
  } else {
    own_pool_ = std::make_unique<ThreadPool>(options.threads > 0 ? options.threads : available_cpus());
  }
  describe_bundle_tensors();
}

Predictor::Predictor(Model model, std::string name, const PredictorOptions& options)
    : session_(std::make_unique<Session>(std::move(model), ops::all_kernels(), SessionOptions{.threads = options.threads})), name_(std::move(name)) {
  inputs_ = session_->inputs();
  outputs_ = session_->outputs();
}

Predictor::~Predictor() = default;

const std::string& Predictor::version() const {
  static const std::string none;
  return bundle_ ? bundle_->metadata.version : none;
}

double Predictor::threshold() const { return bundle_ ? bundle_->threshold() : 0.5; }

int Predictor::threads() const { return session_ ? session_->threads() : own_pool_->size(); }

const Pipeline& Predictor::require_pipeline(const char* what) const {
  if (!pipeline_)
    throw_error(ErrorKind::BadInput, "'" + name_ + "' is a bare ONNX model: it takes tensors (an Open Inference Protocol request or CSV); " + what +
                                         " needs a bundle's pipeline");
  return *pipeline_;
}

const Session& Predictor::require_session(const char* what) const {
  if (!session_) throw_error(ErrorKind::BadModel, "bundle '" + bundle_->dir.string() + "' has no model.onnx: " + what + " needs the model");
  return *session_;
}

// The bundle's request and answer as tensors: its input columns, and its output record columns as
// a zero-row run shows them (the widths of model outputs come from the model's shapes).
void Predictor::describe_bundle_tensors() {
  for (const Field& f : bundle_->spec.input) inputs_.push_back({f.name, column_tensor_type(f.type), ""});
  if (!session_) return;
  std::vector<std::pair<std::string, Column>> empty;
  for (const Field& f : bundle_->spec.input) empty.emplace_back(f.name, Column(f.type));
  const Frame out = predict(Frame(std::move(empty)));
  for (size_t i = 0; i < out.num_columns(); ++i) outputs_.push_back({out.name(i), column_tensor_type(out.column(i).type()), ""});
}

Frame Predictor::run_steps_sliced(Frame conformed, StepProfile* profile) const {
  const Pipeline& pipe = *pipeline_;
  const int64_t rows = static_cast<int64_t>(conformed.num_rows());
  ThreadPool& pool = session_ ? session_->thread_pool() : *own_pool_;
  const int64_t slices = std::clamp<int64_t>(rows / kMinSlice, 1, pool.size());
  // A profile is a single-threaded account: profiled runs take one slice.
  if (slices == 1 || profile) return pipe.run_steps(std::move(conformed), profile);
  // Slice s covers rows [s*rows/slices, (s+1)*rows/slices): boundaries fixed by the counts alone,
  // and concat_rows puts the slices back in order, so output never depends on the thread count.
  std::vector<Frame> stepped(static_cast<size_t>(slices));
  pool.parallel_for(
      slices, 1,
      [&](int64_t sb, int64_t se) {
        for (int64_t s = sb; s < se; ++s) {
          const size_t a = static_cast<size_t>(s * rows / slices), b = static_cast<size_t>((s + 1) * rows / slices);
          stepped[static_cast<size_t>(s)] = pipe.run_steps(conformed.slice(a, b - a));
        }
      },
      slices);
  return concat_rows(stepped);
}

Frame Predictor::features(const Frame& records, Trace* trace) const {
  const Pipeline& pipe = require_pipeline("computing features");
  auto t0 = Clock::now();
  Frame table = pipe.feature_table(run_steps_sliced(pipe.conform(records), trace ? trace->steps : nullptr));
  if (trace) {
    trace->pipeline_ms += ms_since(t0);
    trace->rows += records.num_rows();
  }
  return table;
}

NamedValues Predictor::model_inputs(const Frame& records, Trace* trace) const {
  const Pipeline& pipe = require_pipeline("computing model inputs");
  auto t0 = Clock::now();
  NamedValues inputs = pipe.to_tensors(run_steps_sliced(pipe.conform(records), trace ? trace->steps : nullptr));
  if (trace) {
    trace->pipeline_ms += ms_since(t0);
    trace->rows += records.num_rows();
  }
  return inputs;
}

Frame Predictor::predict(const Frame& records, Trace* trace) const {
  const Pipeline& pipe = require_pipeline("predicting records");
  const Session& session = require_session("predict");
  auto t0 = Clock::now();
  Frame stepped = run_steps_sliced(pipe.conform(records), trace ? trace->steps : nullptr);
  NamedValues inputs = pipe.to_tensors(stepped);
  const double steps_ms = ms_since(t0);
  auto t1 = Clock::now();
  NamedValues outputs = session.run(inputs);
  const double model_ms = ms_since(t1);
  auto t2 = Clock::now();
  Frame out = pipe.to_records(stepped, outputs, bundle_->threshold());
  if (trace) {
    trace->pipeline_ms += steps_ms + ms_since(t2);
    trace->model_ms += model_ms;
    trace->rows += records.num_rows();
  }
  return out;
}

NamedValues Predictor::infer(const NamedValues& inputs, Trace* trace) const {
  if (pipeline_) {
    auto t0 = Clock::now();
    Frame records = tensors_to_frame(inputs);
    if (trace) trace->pipeline_ms += ms_since(t0);
    Frame out = predict(records, trace);
    auto t1 = Clock::now();
    NamedValues tensors = frame_to_tensors(out);
    if (trace) trace->pipeline_ms += ms_since(t1);
    return tensors;
  }
  auto t0 = Clock::now();
  NamedValues outputs = session_->run(inputs);
  if (trace) {
    trace->model_ms += ms_since(t0);
    if (!inputs.empty() && inputs[0].second.is_tensor() && inputs[0].second.tensor().rank() > 0)
      trace->rows += static_cast<size_t>(inputs[0].second.tensor().dim(0));
  }
  return outputs;
}

Frame tensors_to_frame(const NamedValues& inputs) {
  std::vector<std::pair<std::string, Column>> columns;
  for (const auto& [name, value] : inputs) {
    const std::string what = "input '" + name + "'";
    if (!value.is_tensor()) throw_error(ErrorKind::BadInput, what + ": a bundle takes one tensor per column, not a sequence or map");
    const Tensor& t = value.tensor();
    if (t.rank() != 1 && !(t.rank() == 2 && t.dim(1) == 1))
      throw_error(ErrorKind::BadInput, what + ": a bundle column is a [rows] or [rows, 1] tensor, got shape " + shape_to_string(t.shape()));
    const size_t rows = static_cast<size_t>(t.dim(0));
    switch (t.dtype()) {
      case DType::Float: {
        std::vector<double> v(rows);
        for (size_t r = 0; r < rows; ++r) v[r] = t.data<float>()[r];
        columns.emplace_back(name, Column::from_float64(std::move(v)));
        break;
      }
      case DType::Double: {
        auto s = t.span<double>();
        columns.emplace_back(name, Column::from_float64(std::vector<double>(s.begin(), s.end())));
        break;
      }
      case DType::Int32: {
        std::vector<int64_t> v(rows);
        for (size_t r = 0; r < rows; ++r) v[r] = t.data<int32_t>()[r];
        columns.emplace_back(name, Column::from_int64(std::move(v)));
        break;
      }
      case DType::Int64: {
        auto s = t.span<int64_t>();
        columns.emplace_back(name, Column::from_int64(std::vector<int64_t>(s.begin(), s.end())));
        break;
      }
      case DType::Bool: {
        std::vector<uint8_t> v(rows);
        for (size_t r = 0; r < rows; ++r) v[r] = t.data<bool>()[r] ? 1 : 0;
        columns.emplace_back(name, Column::from_bool(std::move(v)));
        break;
      }
      case DType::String: {
        Column c(ColumnType::String);
        for (size_t r = 0; r < rows; ++r) c.append_string(t.data<std::string>()[r]);
        columns.emplace_back(name, std::move(c));
        break;
      }
      default:
        throw_error(ErrorKind::BadInput, what + ": element type " + std::string(dtype_name(t.dtype())) +
                                             " cannot be a column (use FP32, FP64, INT32, INT64, BOOL or BYTES)");
    }
  }
  return Frame(std::move(columns));
}

NamedValues frame_to_tensors(const Frame& records) {
  NamedValues out;
  const size_t rows = records.num_rows();
  const Shape shape{static_cast<int64_t>(rows)};
  for (size_t i = 0; i < records.num_columns(); ++i) {
    const Column& c = records.column(i);
    const std::string& name = records.name(i);
    switch (c.type()) {
      case ColumnType::Float64: {
        std::vector<double> v(rows);
        for (size_t r = 0; r < rows; ++r) v[r] = c.is_null(r) ? std::nan("") : c.float64_values()[r];
        out.emplace_back(name, Value(Tensor::from_vector(shape, v)));
        break;
      }
      case ColumnType::Int64: {
        if (c.has_nulls()) throw_error(ErrorKind::BadInput, "output column '" + name + "' has nulls, which an INT64 tensor cannot hold");
        std::vector<int64_t> v(c.int64_values().begin(), c.int64_values().end());
        out.emplace_back(name, Value(Tensor::from_vector(shape, v)));
        break;
      }
      case ColumnType::Bool: {
        Tensor t = Tensor::zeros(DType::Bool, shape);
        for (size_t r = 0; r < rows; ++r) t.mutable_data<bool>()[r] = !c.is_null(r) && c.bool_values()[r] != 0;
        out.emplace_back(name, Value(std::move(t)));
        break;
      }
      case ColumnType::String: {
        std::vector<std::string> v(rows);
        for (size_t r = 0; r < rows; ++r)
          if (!c.is_null(r)) v[r] = std::string(c.string_value(r));
        out.emplace_back(name, Value(Tensor::from_strings(shape, std::move(v))));
        break;
      }
    }
  }
  return out;
}

void Predictor::check_model_contract() const {
  const std::string where = "bundle '" + bundle_->dir.string() + "': ";
  for (const ModelInputSpec& m : bundle_->spec.model_inputs) {
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
    for (const ModelInputSpec& m : bundle_->spec.model_inputs) fed |= m.name == in.name;
    if (!fed) throw_error(ErrorKind::BadModel, where + "pipeline.json does not feed model input '" + in.name + "'");
  }
  auto find_output = [&](const std::string& name) -> const ValueInfo* {
    for (const ValueInfo& o : session_->outputs())
      if (o.name == name) return &o;
    return nullptr;
  };
  if (const auto& p = bundle_->spec.output.probability) {
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
  for (const auto& [output, column] : bundle_->spec.output.model_outputs) {
    const ValueInfo* o = find_output(output);
    if (!o) throw_error(ErrorKind::BadModel, where + "output.model_outputs reads '" + output + "', which the model does not have");
    if (o->type.kind != TypeInfo::Kind::Tensor && o->type.kind != TypeInfo::Kind::Unknown)
      throw_error(ErrorKind::BadModel, where + "output.model_outputs field '" + output + "': model output is " + o->type.to_string() +
                                           "; only tensors become columns (read ZipMap outputs with output.probability)");
  }
}

}  // namespace onnxfn::pipeline
