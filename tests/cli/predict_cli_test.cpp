// `onnxfn predict` end to end through the binary: every zoo model from JSON and from CSV gives
// ONNX Runtime's answers; bad input exits 2 naming the input and row; bad models exit 3.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "support/zoo.h"

namespace onnxfn {
namespace {

using namespace onnxfn::testing;
namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("onnxfn_predict_" + std::to_string(::getpid()) + "_" + name);
}

std::string write_temp(const std::string& name, const std::string& text) {
  fs::path p = temp_file(name);
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string quote_csv(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string json_number_text(const rapidjson::Value& v) {
  if (v.IsNull()) return "";  // NaN
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", v.GetDouble());
  return buf;
}

// The request as CSV: one column per input (width 1) or <name>_<j> columns; a single input's
// columns are named f0, f1, ... to exercise "all columns in order".
std::string request_to_csv(const rapidjson::Document& req) {
  const auto& inputs = req["inputs"];
  bool single = inputs.Size() == 1;
  int64_t rows = inputs[0]["shape"][0].GetInt64();
  std::string header;
  for (const auto& in : inputs.GetArray()) {
    int64_t width = in["shape"].Size() > 1 ? in["shape"][1].GetInt64() : 1;
    for (int64_t j = 0; j < width; ++j) {
      std::string col = single ? "f" + std::to_string(j) : width == 1 ? in["name"].GetString() : std::string(in["name"].GetString()) + "_" + std::to_string(j);
      header += (header.empty() ? "" : ",") + col;
    }
  }
  std::string csv = header + "\n";
  for (int64_t r = 0; r < rows; ++r) {
    std::string line;
    for (const auto& in : inputs.GetArray()) {
      int64_t width = in["shape"].Size() > 1 ? in["shape"][1].GetInt64() : 1;
      for (int64_t j = 0; j < width; ++j) {
        const auto& v = in["data"][static_cast<rapidjson::SizeType>(r * width + j)];
        if (!line.empty() || j > 0 || &in != &inputs[0]) line += ",";
        line += v.IsString() ? quote_csv(v.GetString()) : json_number_text(v);
      }
    }
    csv += line + "\n";
  }
  return csv;
}

class PredictZoo : public ::testing::TestWithParam<std::string> {};

TEST_P(PredictZoo, json_and_csv_requests_match_onnxruntime) {
  const std::string name = GetParam();
  fs::path dir = zoo_dir() / name;
  rapidjson::Document expected = read_json(dir / "expected.json");
  std::string out;
  ASSERT_EQ(run_command(std::string(ONNXFN_BINARY) + " predict " + (dir / "model.onnx").string() + " --input " +
                            (dir / "request.json").string(), &out), 0);
  rapidjson::Document got;
  got.Parse(out.c_str());
  ASSERT_FALSE(got.HasParseError()) << out;
  EXPECT_EQ(compare_response(got, expected["outputs"], zoo_tolerance(name)), "") << "JSON request";

  rapidjson::Document req = read_json(dir / "request.json");
  std::string csv = write_temp(name + ".csv", request_to_csv(req));
  ASSERT_EQ(run_command(std::string(ONNXFN_BINARY) + " predict " + (dir / "model.onnx").string() + " --input " + csv, &out), 0)
      << read_text(csv);
  got.Parse(out.c_str());
  ASSERT_FALSE(got.HasParseError()) << out;
  EXPECT_EQ(compare_response(got, expected["outputs"], zoo_tolerance(name)), "") << "CSV request";
  fs::remove(csv);
}

INSTANTIATE_TEST_SUITE_P(Zoo, PredictZoo, ::testing::ValuesIn(zoo_cases()), [](const auto& p) { return p.param; });

// Runs predict on `model` with `input_text` (written to a file with extension `ext`); returns the
// exit code and puts stderr in *err.
int predict_with(const fs::path& model, const std::string& input_text, const std::string& ext, std::string* err) {
  std::string input = write_temp("input." + ext, input_text);
  std::string errfile = temp_file("stderr.txt").string();
  int code = run_command(std::string(ONNXFN_BINARY) + " predict " + model.string() + " --input " + input + " 2>" + errfile);
  *err = read_text(errfile);
  fs::remove(input);
  fs::remove(errfile);
  return code;
}

fs::path scaler_model() { return zoo_dir() / "standard_scaler" / "model.onnx"; }

TEST(PredictErrors, bad_json_requests_exit_2_naming_the_problem) {
  std::string err;
  EXPECT_EQ(predict_with(scaler_model(), "{\"inputs\": [", "json", &err), 2);
  EXPECT_NE(err.find("invalid JSON"), std::string::npos) << err;
  EXPECT_EQ(predict_with(scaler_model(), R"({"inputs": [{"name": "Z", "datatype": "FP32", "shape": [1, 5], "data": [1,2,3,4,5]}]})", "json", &err), 2);
  EXPECT_NE(err.find("unknown input 'Z'"), std::string::npos) << err;
  EXPECT_EQ(predict_with(scaler_model(), R"({"inputs": [{"name": "X", "datatype": "FP64", "shape": [1, 5], "data": [1,2,3,4,5]}]})", "json", &err), 2);
  EXPECT_NE(err.find("expected element type float"), std::string::npos) << err;
  EXPECT_EQ(predict_with(scaler_model(), R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 5], "data": [1,2,3,4,5]}]})", "json", &err), 2);
  EXPECT_NE(err.find("data has 5 values but shape [2,5] needs 10"), std::string::npos) << err;
  EXPECT_EQ(predict_with(scaler_model(), R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [2, 5], "data": [1,2,3,4,5,6,7,"x",9,10]}]})", "json", &err), 2);
  EXPECT_NE(err.find("input 'X' row 1 (element 7)"), std::string::npos) << err;
  EXPECT_EQ(predict_with(scaler_model(), R"({"inputs": [{"name": "X", "datatype": "FP32", "shape": [1, 4], "data": [1,2,3,4]}]})", "json", &err), 2);
  EXPECT_NE(err.find("dimension 1 is 4"), std::string::npos) << err;
  EXPECT_EQ(predict_with(scaler_model(), R"({"inputs": []})", "json", &err), 2);
  EXPECT_NE(err.find("missing input 'X'"), std::string::npos) << err;
}

TEST(PredictErrors, bad_csv_exits_2_naming_row_and_column) {
  std::string err;
  EXPECT_EQ(predict_with(scaler_model(), "a,b,c,d,e\n1,2,3,4,5\n1,2,3\n", "csv", &err), 2);
  EXPECT_NE(err.find("line 3 has 3 fields, the header has 5"), std::string::npos) << err;
  EXPECT_EQ(predict_with(scaler_model(), "a,b,c,d,e\n1,2,3,4,5\n1,2,abc,4,5\n", "csv", &err), 2);
  EXPECT_NE(err.find("row 2 (line 3), column 'c'"), std::string::npos) << err;
  EXPECT_NE(err.find("'abc' is not a number"), std::string::npos) << err;
  EXPECT_EQ(predict_with(scaler_model(), "a,b,c\n1,2,3\n", "csv", &err), 2);
  EXPECT_NE(err.find("takes 5 columns"), std::string::npos) << err;
  EXPECT_EQ(predict_with(scaler_model(), "a,b,c,d,e\n\"1,2,3,4,5\n", "csv", &err), 2);
  EXPECT_NE(err.find("never closed"), std::string::npos) << err;
}

TEST(PredictErrors, bad_models_exit_3) {
  std::string err;
  std::string request = read_text(zoo_dir() / "standard_scaler" / "request.json");
  std::string junk = write_temp("junk.onnx", "this is not an onnx model");
  EXPECT_EQ(predict_with(junk, request, "json", &err), 3);
  EXPECT_NE(err.find("not a valid ONNX protobuf"), std::string::npos) << err;
  std::string full = read_text(zoo_dir() / "random_forest_clf_binary_zipmap" / "model.onnx");
  std::string truncated = write_temp("truncated.onnx", full.substr(0, full.size() / 2));
  EXPECT_EQ(predict_with(truncated, request, "json", &err), 3) << err;
  EXPECT_EQ(predict_with(temp_file("does_not_exist.onnx"), request, "json", &err), 3);
  EXPECT_NE(err.find("no such file"), std::string::npos) << err;
  fs::remove(junk);
  fs::remove(truncated);
}

TEST(PredictErrors, inspect_exits_3_on_random_bytes) {
  std::string junk = write_temp("random.onnx", std::string("\x08\x07\x12\xff\xff\xff\xff\xff\x01", 9));
  EXPECT_EQ(run_command(std::string(ONNXFN_BINARY) + " inspect " + junk + " 2>/dev/null"), 3);
  fs::remove(junk);
}

#ifdef ONNXFN_SHIPPED_BUILD
// The budget of this wave: the static stripped binary stays under 8 MB (8,000,000 bytes).
TEST(Cli, shipped_binary_stays_under_the_size_budget) {
  const auto size = std::filesystem::file_size(ONNXFN_BINARY);
  EXPECT_LT(size, 8000000u) << ONNXFN_BINARY << " is " << size << " bytes";
}
#endif

TEST(Cli, help_works_for_every_command) {
  std::string out;
  EXPECT_EQ(run_command(std::string(ONNXFN_BINARY) + " --help", &out), 0);
  EXPECT_NE(out.find("predict"), std::string::npos);
  for (const char* cmd : {"inspect", "predict"}) {
    EXPECT_EQ(run_command(std::string(ONNXFN_BINARY) + " " + cmd + " --help", &out), 0) << cmd;
    EXPECT_NE(out.find("Usage"), std::string::npos) << cmd;
  }
  EXPECT_EQ(run_command(std::string(ONNXFN_BINARY) + " no-such-command 2>/dev/null"), 2);
}

}  // namespace
}  // namespace onnxfn
