// The batcher's bookkeeping: open batches under one mutex, each with a condition variable its
// first request (the leader) waits on for company or a full batch, and its members wait on for
// their rows. Leaders wait with a deadline, members until their leader finishes, which it always
// does (every failure path sets each member's result), so no request waits forever.
#include "serve/dynamic_batcher.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>

#include "serve/batch_tensors.h"

namespace onnxfn::serve {

using Clock = std::chrono::steady_clock;

struct DynamicBatcher::Batch {
  struct Member {
    const NamedValues* inputs;
    size_t rows;
    std::optional<NamedValues> outputs;  // set when the merged run answered it
    pipeline::Trace trace;
  };
  const pipeline::Predictor* model = nullptr;
  std::string signature;
  std::vector<Member*> members;
  size_t rows = 0;
  bool closed = false;  // no more members: the leader may run it
  bool done = false;    // members' outputs are set (or they must run alone)
  std::condition_variable cv;
};

DynamicBatcher::DynamicBatcher(BatchOptions options, std::function<void(size_t, size_t)> on_run)
    : options_(options), on_run_(std::move(on_run)) {}
DynamicBatcher::~DynamicBatcher() = default;

NamedValues DynamicBatcher::run_alone(const pipeline::Predictor& model, const NamedValues& inputs, pipeline::Trace* trace, size_t rows) {
  if (on_run_) on_run_(rows, 1);
  return model.infer(inputs, trace);
}

NamedValues DynamicBatcher::infer(const pipeline::Predictor& model, const NamedValues& inputs, pipeline::Trace* trace) {
  std::string signature;
  const std::optional<size_t> rows = options_.enabled() ? mergeable_rows(model.inputs(), inputs, signature) : std::nullopt;
  if (!rows || *rows >= options_.max_rows) {
    size_t n = 0;
    for (const auto& [name, value] : inputs)
      if (value.is_tensor() && value.tensor().rank() > 0) n = std::max(n, static_cast<size_t>(value.tensor().dim(0)));
    return run_alone(model, inputs, trace, n);
  }

  Batch::Member me{&inputs, *rows, std::nullopt, {}};
  std::shared_ptr<Batch> batch;
  std::unique_lock lock(mutex_);
  for (const auto& open : open_)
    if (open->model == &model && open->signature == signature && open->rows + *rows <= options_.max_rows) {
      batch = open;
      break;
    }
  if (batch) {  // a member: join, close the batch if it is full, wait for the leader's run
    batch->members.push_back(&me);
    batch->rows += *rows;
    if (batch->rows == options_.max_rows) {
      batch->closed = true;
      std::erase(open_, batch);
      batch->cv.notify_all();
    }
    batch->cv.wait(lock, [&] { return batch->done; });
  } else {  // the leader: wait for company until the delay passes or the batch is full, then run it
    batch = std::make_shared<Batch>();
    batch->model = &model;
    batch->signature = std::move(signature);
    batch->members.push_back(&me);
    batch->rows = *rows;
    open_.push_back(batch);
    const auto deadline = Clock::now() + options_.delay;
    batch->cv.wait_until(lock, deadline, [&] { return batch->closed; });
    if (!batch->closed) {
      batch->closed = true;
      std::erase(open_, batch);
    }
    lock.unlock();
    run_batch(*batch);
    lock.lock();
    batch->done = true;
    batch->cv.notify_all();
  }
  lock.unlock();
  if (!me.outputs) return run_alone(model, inputs, trace, *rows);  // the merged run failed: alone, with its own error
  if (trace) trace->add(me.trace);
  return std::move(*me.outputs);
}

// Runs a closed batch: merged when it has company, then cut back per member. A merged run that
// throws, or whose outputs cannot be cut by rows, leaves the members' outputs unset: each then
// runs alone on its own thread and gets its own answer or error.
void DynamicBatcher::run_batch(Batch& batch) noexcept {
  if (batch.members.size() == 1) return;  // alone anyway: the member runs itself (same metrics)
  try {
    std::vector<const NamedValues*> parts;
    std::vector<size_t> rows;
    for (const Batch::Member* m : batch.members) {
      parts.push_back(m->inputs);
      rows.push_back(m->rows);
    }
    pipeline::Trace trace;
    NamedValues merged = batch.model->infer(concat_rows(parts), &trace);
    if (on_run_) on_run_(batch.rows, batch.members.size());
    std::optional<std::vector<NamedValues>> split = split_rows(merged, rows);
    if (!split) return;
    for (size_t i = 0; i < batch.members.size(); ++i) {
      batch.members[i]->trace = trace;
      batch.members[i]->trace.rows = rows[i];
      batch.members[i]->outputs = std::move((*split)[i]);
    }
  } catch (...) {  // whatever failed, every member still gets an answer: its own run
    for (Batch::Member* m : batch.members) m->outputs.reset();
  }
}

}  // namespace onnxfn::serve
