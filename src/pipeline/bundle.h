// Bundle: a folder with model.onnx, pipeline.json (the spec), metadata.json and the fitted state
// files the spec declares (DESIGN.md, Bundle). Every command that takes a model takes a bundle.
//
//   bundle/
//     model.onnx       the ONNX model (skl2onnx output, ZipMap and all)
//     pipeline.json    records -> model inputs -> output records (docs/pipeline-spec.md)
//     metadata.json    {"name", "version", "created", "threshold"?, ...}
//     state/...        fitted state, e.g. IDF tables written by `onnxfn fit`
// or the same files in a zip archive (bundle_archive.h), at its root or in one top-level folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "frame/expr/expression.h"
#include "model/model.h"
#include "pipeline/pipeline_spec.h"

namespace onnxfn::pipeline {

struct BundleMetadata {
  std::string name;
  std::string version;
  std::string created;
  std::optional<double> threshold;  // decision threshold tuned at training time
  std::string json;                 // the whole file, for `inspect`
};

struct Bundle {
  std::filesystem::path dir;  // the folder, or the zip archive
  PipelineSpec spec;
  BundleMetadata metadata;
  expr::StateStore state;
  bool zipped = false;        // read from a zip archive (read-only: fit needs the folder)
  bool has_model = false;
  std::string zipped_model;   // model.onnx's bytes, for a zipped bundle

  std::filesystem::path model_path() const { return dir / "model.onnx"; }
  // model.onnx, from the folder or the archive; BadModel when the bundle has none.
  Model load_model() const;
  // The label threshold: the spec's, else the metadata's, else 0.5.
  double threshold() const;
};

struct BundleLoadOptions {
  bool require_state = true;  // false for `onnxfn fit`, which writes the state
};

// Throws BadModel naming the bundle file and the problem (spec errors name step and field).
Bundle load_bundle(const std::filesystem::path& dir, const BundleLoadOptions& options = {});

// Fits every state entry of the bundle's spec on `records` and writes the state files.
void fit_bundle_state(const Bundle& bundle, const Frame& records);

}  // namespace onnxfn::pipeline
