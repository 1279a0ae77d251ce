// Per-model dynamic batching for `onnxfn serve`, overriding --batch-max-rows/--batch-delay-us for
// one model: a `serve.json` in a repository's model folder (Triton keeps its `dynamic_batching`
// in the model folder's config.pbtxt), or `--batch NAME=ROWS[:US]` / `--batch NAME=off` on the
// command line, which wins over the file. Both are validated strictly before the server listens.
//
//   serve.json: {"dynamic_batching": {"max_rows": 16, "delay_us": 200}}   on for this model
//               {"dynamic_batching": {}}                                  on, command-line settings
//               {"dynamic_batching": false}                               off for this model
#pragma once

#include <filesystem>
#include <string>
#include <utility>

#include "serve/dynamic_batcher.h"

namespace onnxfn::serve {

inline constexpr const char* kModelServeFile = "serve.json";
inline constexpr size_t kMaxBatchRows = 1'000'000;
inline constexpr int64_t kMaxBatchDelayUs = 1'000'000;

// The settings a model folder's serve.json gives, starting from `defaults` (the command line).
// BadInput "serve: FILE: KEY ..." for unreadable files, bad JSON, unknown keys, wrong types or
// values out of range (max_rows 2..1000000, delay_us 0..1000000).
BatchOptions read_model_serve_file(const std::filesystem::path& file, const BatchOptions& defaults);

// `--batch NAME=ROWS[:US]` or `--batch NAME=off`: the model's name and its settings (a missing US
// keeps the default delay). BadInput "serve: --batch 'TEXT': ..." when malformed.
std::pair<std::string, BatchOptions> parse_batch_flag(const std::string& text, const BatchOptions& defaults);

}  // namespace onnxfn::serve
