// `inspect --json` reports every zoo model's versions, inputs, outputs, operators and initializer
// bytes as the onnx Python package recorded them in meta.json.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <sstream>

#include "cli/model_report.h"
#include "model/model_loader.h"
#include "support/zoo.h"

namespace onnxfn {
namespace {

using namespace onnxfn::testing;

// Our type object {"kind", "elem_type", "shape"} vs meta's flat {"kind", "elem_type", "shape"}.
void expect_same_type(const rapidjson::Value& ours, const rapidjson::Value& meta, const std::string& where) {
  ASSERT_TRUE(ours.IsObject()) << where;
  EXPECT_STREQ(ours["kind"].GetString(), meta["kind"].GetString()) << where;
  std::string kind = meta["kind"].GetString();
  if (kind == "tensor") {
    EXPECT_STREQ(ours["elem_type"].GetString(), meta["elem_type"].GetString()) << where;
    if (meta.HasMember("shape")) {
      EXPECT_TRUE(ours["shape"] == meta["shape"]) << where << ": shape differs";
    }
  } else if (kind == "sequence") {
    expect_same_type(ours["elem"], meta["elem"], where + ".elem");
  } else if (kind == "map") {
    EXPECT_STREQ(ours["key_type"].GetString(), meta["key_type"].GetString()) << where;
    expect_same_type(ours["value"], meta["value"], where + ".value");
  }
}

class InspectZoo : public ::testing::TestWithParam<std::string> {};

TEST_P(InspectZoo, json_matches_onnx_metadata) {
  auto dir = zoo_dir() / GetParam();
  Model model = load_model(dir / "model.onnx");
  std::ostringstream out;
  cli::write_report_json(cli::build_report(model, "model.onnx"), out);
  rapidjson::Document ours;
  ours.Parse(out.str().c_str());
  ASSERT_FALSE(ours.HasParseError());
  rapidjson::Document meta = read_json(dir / "meta.json");

  EXPECT_STREQ(ours["schema"].GetString(), "onnxfn.inspect/1");
  EXPECT_EQ(ours["ir_version"].GetInt64(), meta["ir_version"].GetInt64());
  EXPECT_STREQ(ours["producer_name"].GetString(), meta["producer_name"].GetString());
  EXPECT_TRUE(ours["opsets"] == meta["opset_import"]) << "opsets differ";
  for (const char* side : {"inputs", "outputs"}) {
    ASSERT_EQ(ours[side].Size(), meta[side].Size()) << side;
    for (rapidjson::SizeType i = 0; i < meta[side].Size(); ++i) {
      EXPECT_STREQ(ours[side][i]["name"].GetString(), meta[side][i]["name"].GetString());
      expect_same_type(ours[side][i]["type"], meta[side][i], std::string(side) + "[" + std::to_string(i) + "]");
    }
  }
  // ZipMap outputs are called out as JSON-encoded.
  for (const auto& o : ours["outputs"].GetArray())
    EXPECT_STREQ(o["encoding"].GetString(), std::string(o["type"]["kind"].GetString()) == "sequence" ? "json_objects" : "tensor");

  const auto& counts = meta["op_counts"];
  EXPECT_EQ(ours["ops"].Size(), counts.MemberCount());
  for (const auto& op : ours["ops"].GetArray()) {
    std::string key = std::string(op["domain"].GetString()) + ":" + op["op_type"].GetString();
    ASSERT_TRUE(counts.HasMember(key.c_str())) << "unexpected operator " << key;
    EXPECT_EQ(op["count"].GetInt64(), counts[key.c_str()].GetInt64()) << key;
    EXPECT_TRUE(op["supported"].GetBool()) << key << ": " << (op.HasMember("problem") ? op["problem"].GetString() : "");
  }
  EXPECT_EQ(ours["initializers"]["bytes"].GetUint64(), meta["initializer_bytes"].GetUint64());
  EXPECT_TRUE(ours["supported"].GetBool());
}

INSTANTIATE_TEST_SUITE_P(Zoo, InspectZoo, ::testing::ValuesIn(zoo_cases()), [](const auto& p) { return p.param; });

}  // namespace
}  // namespace onnxfn
