// Helpers for the pipeline tests: a scratch folder per test, a valid spec to mutate one field at a
// time (RapidJSON pointers), and bundles built from a zoo model.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "frame/frame_test_util.h"
#include "support/zoo.h"

namespace onnxfn::testing {

// A fresh folder under the temp directory, removed with its contents at the end of the test.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("onnxfn_pipeline_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return buf.GetString();
}

// `base` with the value at JSON pointer `pointer` replaced by the JSON `value` (or removed when
// value is empty).
inline std::string with_field(const std::string& base, const char* pointer, const std::string& value) {
  rapidjson::Document doc;
  doc.Parse(base.c_str());
  EXPECT_FALSE(doc.HasParseError()) << base;
  if (value.empty()) {
    EXPECT_TRUE(rapidjson::Pointer(pointer).Erase(doc)) << "nothing at " << pointer;
  } else {
    rapidjson::Document v(&doc.GetAllocator());
    v.Parse(value.c_str());
    EXPECT_FALSE(v.HasParseError()) << value;
    rapidjson::Pointer(pointer).Set(doc, v);
  }
  return json_text(doc);
}

// Identity features: the five request columns of the zoo's logistic regressions, straight through.
inline const std::string kZooIdentitySpec = R"~({
  "schema": "onnxfn.pipeline/1",
  "input": {"columns": {"id": "int64", "x0": "float64", "x1": "float64", "x2": "float64", "x3": "float64", "x4": "float64"}},
  "steps": [{"derive": {"f0": "x0", "f1": "x1 * 1", "f2": "x2 + 0", "f3": "x3", "f4": "x4"}}],
  "model_inputs": [{"name": "X", "dtype": "float32", "columns": ["f0", "f1", "f2", "f3", "f4"]}],
  "output": {"carry": ["id"], "probability": {"output": "output_probability", "class": "1"}, "label": {"column": "match"},
             "model_outputs": {"output_label": "model_label"}}
})~";

// The zoo's binary logistic regression: input X float [N, 5]; outputs output_label (int64 [N]) and
// output_probability (ZipMap: sequence of int64 -> float maps), or a [N, 2] tensor without ZipMap.
inline std::filesystem::path zoo_model(const std::string& name) { return zoo_dir() / name / "model.onnx"; }

// The zoo request as records: id, x0..x4.
inline Frame zoo_records(const std::string& zoo_case) {
  rapidjson::Document req = read_json(zoo_dir() / zoo_case / "request.json");
  const auto& in = req["inputs"][0];
  size_t rows = in["shape"][0].GetUint64();
  Frame f;
  std::vector<int64_t> ids(rows);
  for (size_t r = 0; r < rows; ++r) ids[r] = static_cast<int64_t>(r) + 100;
  f.add_column("id", Column::from_int64(ids));
  for (size_t j = 0; j < 5; ++j) {
    std::vector<double> col(rows);
    for (size_t r = 0; r < rows; ++r) col[r] = in["data"][static_cast<rapidjson::SizeType>(r * 5 + j)].GetDouble();
    f.add_column("x" + std::to_string(j), Column::from_float64(col));
  }
  return f;
}

}  // namespace onnxfn::testing
