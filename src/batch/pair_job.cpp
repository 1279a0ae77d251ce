// A product-matching job (see pair_job.h).
#include "batch/pair_job.h"

#include <chrono>

#include "common/error.h"
#include "frame/frame_ops.h"
#include "frame/record_files.h"

namespace onnxfn::batch {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

PairJob::PairJob(const pipeline::Predictor& predictor, PairJobInputs inputs, PairJobOptions options)
    : predictor_(predictor), inputs_(std::move(inputs)), options_(options) {
  if (!predictor_.bundle())
    throw_error(ErrorKind::BadInput, "'" + predictor_.name() + "' is a bare ONNX model: pair jobs need a bundle (pipeline.json with pair records)");
  const pipeline::Bundle& bundle = *predictor_.bundle();
  const pipeline::PipelineSpec& spec = bundle.spec;
  const pipeline::BlockingSpec blocking = blocking_of(spec);

  auto t_read = Clock::now();
  left_.emplace(read_product_table(inputs_.left, blocking.left_id), blocking.left_id, inputs_.left);
  right_.emplace(read_product_table(inputs_.right, blocking.right_id), blocking.right_id, inputs_.right);
  builder_.emplace(*left_, *right_, spec);
  summary_.left_rows = left_->size();
  summary_.right_rows = right_->size();
  if (!inputs_.pairs.empty()) pairs_ = read_pairs_file(inputs_.pairs, *left_, *right_, blocking);
  if (!inputs_.gold.empty()) gold_ = read_pairs_file(inputs_.gold, *left_, *right_, blocking);
  summary_.read_seconds = seconds_since(t_read);

  if (inputs_.pairs.empty()) {
    if (!spec.blocking || spec.blocking->text.empty())
      throw_error(ErrorKind::BadInput, "bundle '" + bundle.dir.string() +
                                           "': pipeline.json has no \"blocking\" section, so candidate pairs cannot be generated; give a pairs file");
    auto t_block = Clock::now();
    const text::IdfTable* idf = nullptr;
    if (!blocking.idf.empty()) {
      auto it = bundle.state.idf_tables.find(blocking.idf);
      if (it == bundle.state.idf_tables.end())
        throw_error(ErrorKind::BadModel, "bundle '" + bundle.dir.string() + "': blocking.idf names state '" + blocking.idf + "', which is not loaded");
      idf = &it->second;
    }
    BlockingTexts texts = blocking_texts(*left_, *right_, blocking.text);
    BlockingOptions block_options;
    summary_.top_k = options_.top_k > 0 ? options_.top_k : blocking.top_k;
    block_options.top_k = summary_.top_k;
    block_options.threads = predictor_.threads();
    pairs_ = block(texts.left, texts.right, right_->id_rank(), idf, block_options).pairs;
    summary_.blocked = true;
    summary_.block_seconds = seconds_since(t_block);
  }
}

JobSummary PairJob::run(const ChunkSink& sink, std::function<void(size_t, size_t)> progress) {
  JobSummary s = summary_;
  s.pairs = pairs_.size();
  if (gold_) s.recall = blocking_recall(pairs_, *gold_);
  s.scoring = run_chunks(
      predictor_, pairs_.size(), [&](size_t a, size_t b) { return builder_->build(pairs_, a, b); }, sink,
      {.chunk_size = options_.chunk_size, .work = options_.work, .unit = "pairs", .progress = std::move(progress)});
  return s;
}

}  // namespace onnxfn::batch

namespace onnxfn::batch {

std::string PairJob::key(storage::Store& store) const {
  std::string k = "pair-job/1\n";
  const pipeline::Bundle& b = *predictor_.bundle();
  k += "bundle " + b.dir.string() + "\n" + b.metadata.json + "\nthreshold " + std::to_string(b.threshold()) + "\n";
  for (const ValueInfo& in : predictor_.inputs()) k += "in " + in.name + " " + in.type.to_string() + "\n";
  for (const ValueInfo& out : predictor_.outputs()) k += "out " + out.name + " " + out.type.to_string() + "\n";
  for (const std::string* loc : {&inputs_.left, &inputs_.right, &inputs_.pairs}) {
    if (loc->empty()) continue;
    auto st = store.stat(*loc);
    k += "input " + *loc + " " + (st ? std::to_string(st->size) + " " + st->etag : std::string("?")) + "\n";
  }
  k += "chunk_size " + std::to_string(options_.chunk_size) + " top_k " + std::to_string(summary_.top_k) + " work " +
       std::to_string(static_cast<int>(options_.work)) + "\n";
  return k;
}

DurableResult PairJob::run_durable(storage::Store& store, DurableOptions options, bool all, std::function<void(size_t, size_t)> progress) {
  const auto& label = predictor_.bundle()->spec.output.label;
  const bool write_all = all || !label;
  if (options.checkpoint.empty()) options.checkpoint = options.output + ".onnxfn-job";
  options.format = resolve_record_format(options.output, "auto", "");
  options.key = key(store) + "output " + options.output + " all " + (write_all ? "1" : "0") + "\n" + options.key;
  ChunkTransform transform;
  if (!write_all) transform = [&](Frame scored) { return filter(scored, scored.column(label->column)); };
  return batch::run_durable(
      store, predictor_, pairs_.size(), [&](size_t a, size_t b) { return builder_->build(pairs_, a, b); },
      {.chunk_size = options_.chunk_size, .work = options_.work, .unit = "pairs", .profile = false, .progress = std::move(progress)}, options,
      transform);
}

}  // namespace onnxfn::batch
