// Recomputing a bundle's reference set (see reference_set.h).
#include "pipeline/reference_set.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <fstream>

#include "frame/record_files.h"

namespace onnxfn::pipeline {
namespace {

[[noreturn]] void bad(const std::string& path, const std::string& message) {
  throw_error(ErrorKind::BadModel, path + ": " + message);
}

}  // namespace

std::optional<ReferenceReport> verify_reference_set(const Predictor& predictor, const std::filesystem::path& bundle) {
  const std::filesystem::path path = bundle / "reference.json";
  if (!std::filesystem::is_regular_file(path)) return std::nullopt;
  const std::string where = path.string();
  if (!predictor.bundle() || !predictor.session()) bad(where, "a reference set needs a bundle with its model");
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseNanAndInfFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) bad(where, "not a JSON object");
  auto array = [&](const char* key) -> const rapidjson::Value& {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsArray()) bad(where, std::string("\"") + key + "\" is missing or not an array");
    return it->value;
  };
  const auto& records = array("records");
  const auto& probability = array("probability");
  ReferenceReport report;
  report.records = records.Size();
  if (probability.Size() != records.Size()) bad(where, "\"probability\" has " + std::to_string(probability.Size()) + " values for " + std::to_string(records.Size()) + " records");
  if (auto t = doc.FindMember("tolerance"); t != doc.MemberEnd()) {
    if (!t->value.IsNumber() || t->value.GetDouble() < 0) bad(where, "\"tolerance\" must be a non-negative number");
    report.tolerance = t->value.GetDouble();
  }
  if (auto s = doc.FindMember("source"); s != doc.MemberEnd() && s->value.IsString()) report.source = s->value.GetString();

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  records.Accept(w);
  const Frame frame = decode_records(std::string_view(buffer.GetString(), buffer.GetSize()), RecordFormat::JsonArray, where + " records",
                                     predictor.bundle()->spec.input);
  const auto& spec = predictor.bundle()->spec.output;
  if (!spec.probability) bad(where, "the bundle's output has no probability to compare");
  const Frame out = predictor.predict(frame);
  const auto p = out.column(spec.probability->column).float64_values();
  for (size_t i = 0; i < report.records; ++i) {
    if (!probability[i].IsNumber()) bad(where, "probability " + std::to_string(i) + " is not a number");
    const double diff = std::fabs(p[i] - probability[i].GetDouble());
    if (!(diff <= report.max_probability_diff)) {  // NaN counts as the largest
      report.max_probability_diff = std::isnan(diff) ? INFINITY : diff;
      report.worst_record = i;
    }
  }
  // Labels: the model's own label output (skl2onnx classifiers put it first), as predict() gives it.
  if (auto l = doc.FindMember("label"); l != doc.MemberEnd()) {
    if (!l->value.IsArray() || l->value.Size() != records.Size()) bad(where, "\"label\" must hold one value per record");
    const NamedValues outputs = predictor.session()->run(predictor.model_inputs(frame));
    const Tensor& labels = outputs.front().second.tensor("the model's label output");
    if (static_cast<size_t>(labels.numel()) != report.records) bad(where, "the model's first output is not one label per record");
    for (size_t i = 0; i < report.records; ++i) {
      const auto& want = l->value[i];
      bool same = false;
      if (labels.dtype() == DType::Int64 && want.IsInt64())
        same = labels.span<int64_t>()[i] == want.GetInt64();
      else if (labels.dtype() == DType::String && want.IsString())
        same = labels.span<std::string>()[i] == want.GetString();
      else
        bad(where, "label " + std::to_string(i) + " does not have the type of the model's label output");
      ++report.labels_compared;
      report.labels_agreeing += same;
    }
  }
  return report;
}

}  // namespace onnxfn::pipeline
