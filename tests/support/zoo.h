// The fixture zoo (tests/fixtures/zoo/<case>/: model.onnx, request.json, expected.json,
// meta.json; see its README): listing cases, reading JSON, and comparing onnxfn's outputs with
// ONNX Runtime's recorded ones.
#pragma once

#include <rapidjson/document.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/named_values.h"

namespace onnxfn::testing {

std::filesystem::path zoo_dir();
// Case names, sorted; fails the calling test when the zoo is missing.
std::vector<std::string> zoo_cases();
std::string read_text(const std::filesystem::path& path);
rapidjson::Document read_json(const std::filesystem::path& path);

struct Tolerance {
  double abs = 1e-5;
  double rel = 1e-5;
};
Tolerance zoo_tolerance(const std::string& case_name);

// Compares actual outputs with an expected v2 response document ("outputs" array). Returns an
// empty string when they match, else a description of the first differences.
std::string compare_outputs(const NamedValues& actual, const rapidjson::Value& expected_outputs, Tolerance tol);

// Same, for a v2 response produced by `onnxfn predict` (parsed JSON) against expected.json.
std::string compare_response(const rapidjson::Value& actual_response, const rapidjson::Value& expected_outputs, Tolerance tol);

// Runs a shell command, capturing stdout; returns the exit code.
int run_command(const std::string& command, std::string* stdout_text = nullptr);

}  // namespace onnxfn::testing
