// Shared by the batch tests: temp folders, small product tables, and a tiny pair-matching bundle
// whose model passes its features through (Identity on X [N, 2]), so the probability of a pair is
// exactly the feature the test's pipeline.json computes and every expected value is hand-computable.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "model/proto_builder.h"

namespace onnxfn::testing {

namespace fs = std::filesystem;

inline fs::path batch_temp_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("onnxfn_batch_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline std::string write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

inline std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The probability of a pair is token_jaccard(left_name, right_name); match when >= 0.5.
inline const char* kJaccardPipeline = R"json({
  "schema": "onnxfn.pipeline/1",
  "input": {"columns": {"left_id": "string", "right_id": "string", "left_name": "string", "right_name": "string"}},
  "steps": [{"derive": {"sim": "coalesce(token_jaccard(left_name, right_name), 0)", "p_no": "1 - sim"}}],
  "model_inputs": [{"name": "X", "dtype": "float32", "columns": ["p_no", "sim"]}],
  "output": {"carry": ["left_id", "right_id"], "probability": {"output": "Y", "index": 1}, "label": {"threshold": 0.5}},
  "blocking": {"text": "name", "top_k": 2}
})json";

// A bundle folder: pipeline.json as given, metadata.json, and the pass-through model.
inline fs::path write_pair_bundle(const fs::path& dir, const std::string& pipeline_json = kJaccardPipeline) {
  fs::create_directories(dir);
  write_text(dir / "pipeline.json", pipeline_json);
  write_text(dir / "metadata.json", R"({"name": "pairs-test", "version": "1"})");
  write_text(dir / "model.onnx", minimal_model_proto().SerializeAsString());
  return dir;
}

// Left and right product tables with hand-checkable name overlaps.
inline const char* kLeftTable =
    "id,name,price\n"
    "1,sony bravia tv,500\n"
    "2,canon camera eos,700\n"
    "3,apple ipod nano,150\n";
inline const char* kRightTable =
    "id,name,manufacturer\n"
    "a,sony bravia tv,sony\n"
    "b,canon eos camera kit,canon\n"
    "c,apple ipod,apple\n"
    "d,samsung tv,samsung\n";

}  // namespace onnxfn::testing
