// Zoo helpers: JSON comparison with labels exact and floats within tolerance.
#include "support/zoo.h"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "protocol/inference_protocol.h"

namespace onnxfn::testing {

std::filesystem::path zoo_dir() { return std::filesystem::path(ONNXFN_SOURCE_DIR) / "tests" / "fixtures" / "zoo"; }

std::vector<std::string> zoo_cases() {
  std::vector<std::string> cases;
  if (!std::filesystem::exists(zoo_dir())) {
    ADD_FAILURE() << "fixture zoo missing at " << zoo_dir();
    return cases;
  }
  for (const auto& e : std::filesystem::directory_iterator(zoo_dir()))
    if (e.is_directory() && std::filesystem::exists(e.path() / "model.onnx")) cases.push_back(e.path().filename().string());
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

rapidjson::Document read_json(const std::filesystem::path& path) {
  rapidjson::Document d;
  std::string text = read_text(path);
  d.Parse(text.c_str());
  if (d.HasParseError()) ADD_FAILURE() << "cannot parse " << path;
  return d;
}

Tolerance zoo_tolerance(const std::string& case_name) {
  Tolerance t;
  rapidjson::Document meta = read_json(zoo_dir() / case_name / "meta.json");
  if (meta.IsObject() && meta.HasMember("tolerance")) {
    t.abs = meta["tolerance"]["abs"].GetDouble();
    t.rel = meta["tolerance"]["rel"].GetDouble();
  }
  return t;
}

namespace {

std::string to_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  std::string s = buf.GetString();
  return s.size() > 200 ? s.substr(0, 200) + "..." : s;
}

bool close(double a, double b, Tolerance tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  double diff = std::fabs(a - b);
  return diff <= tol.abs || diff <= tol.rel * std::max(std::fabs(a), std::fabs(b));
}

double number_of(const rapidjson::Value& v) {
  if (v.IsNull()) return std::nan("");
  if (v.IsString()) return std::string(v.GetString()) == "Infinity" ? INFINITY : -INFINITY;
  return v.GetDouble();
}

// Compares two JSON values: numbers within tolerance, everything else exactly.
bool same(const rapidjson::Value& a, const rapidjson::Value& b, Tolerance tol, bool float_data) {
  if (float_data && (a.IsNumber() || a.IsNull() || a.IsString()) && (b.IsNumber() || b.IsNull() || b.IsString()))
    return close(number_of(a), number_of(b), tol);
  if (a.IsObject() && b.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return false;
    for (auto it = a.MemberBegin(); it != a.MemberEnd(); ++it) {
      auto other = b.FindMember(it->name);
      if (other == b.MemberEnd() || !same(it->value, other->value, tol, true)) return false;
    }
    return true;
  }
  if (a.IsArray() && b.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i)
      if (!same(a[i], b[i], tol, float_data)) return false;
    return true;
  }
  return a == b;
}

}  // namespace

std::string compare_response(const rapidjson::Value& actual, const rapidjson::Value& expected_outputs, Tolerance tol) {
  if (!actual.IsObject() || !actual.HasMember("outputs")) return "response has no outputs";
  const auto& outs = actual["outputs"];
  if (outs.Size() != expected_outputs.Size())
    return "expected " + std::to_string(expected_outputs.Size()) + " outputs, got " + std::to_string(outs.Size());
  std::string problems;
  for (rapidjson::SizeType i = 0; i < outs.Size(); ++i) {
    const auto& a = outs[i];
    const auto& e = expected_outputs[i];
    std::string name = e["name"].GetString();
    if (a["name"] != e["name"]) problems += "output " + std::to_string(i) + ": name " + to_text(a["name"]) + " != " + name + "\n";
    if (a["datatype"] != e["datatype"])
      problems += name + ": datatype " + to_text(a["datatype"]) + " != " + to_text(e["datatype"]) + "\n";
    if (a["shape"] != e["shape"]) problems += name + ": shape " + to_text(a["shape"]) + " != " + to_text(e["shape"]) + "\n";
    std::string dt = e["datatype"].GetString();
    bool floats = dt == "FP32" || dt == "FP64";
    const auto& ad = a["data"];
    const auto& ed = e["data"];
    if (ad.Size() != ed.Size()) {
      problems += name + ": " + std::to_string(ad.Size()) + " values, expected " + std::to_string(ed.Size()) + "\n";
      continue;
    }
    int shown = 0;
    for (rapidjson::SizeType k = 0; k < ad.Size() && shown < 5; ++k)
      if (!same(ad[k], ed[k], tol, floats)) {
        problems += name + "[" + std::to_string(k) + "]: got " + to_text(ad[k]) + ", ONNX Runtime " + to_text(ed[k]) + "\n";
        ++shown;
      }
  }
  return problems;
}

std::string compare_outputs(const NamedValues& actual, const rapidjson::Value& expected_outputs, Tolerance tol) {
  std::string encoded = encode_inference_response(actual, "test", "");
  rapidjson::Document doc;
  doc.Parse(encoded.c_str());
  return compare_response(doc, expected_outputs, tol);
}

int run_command(const std::string& command, std::string* stdout_text) {
  FILE* p = popen(command.c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  std::string out;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  if (stdout_text) *stdout_text = std::move(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace onnxfn::testing
