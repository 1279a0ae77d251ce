// External tensor data: resolved relative to the model's folder and refused when it escapes it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "model/proto_builder.h"

namespace onnxfn {
namespace {

namespace fs = std::filesystem;

class ExternalData : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("onnxfn_ext_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "model");
    float values[3] = {1, 2, 3};
    std::ofstream(root_ / "model" / "weights.bin", std::ios::binary).write(reinterpret_cast<const char*>(values), sizeof(values));
    std::ofstream(root_ / "secret.bin", std::ios::binary).write(reinterpret_cast<const char*>(values), sizeof(values));
  }
  void TearDown() override { fs::remove_all(root_); }

  // A model whose initializer W (float[3]) lives in external data `location`.
  Model load_with(const std::string& location, const std::string& offset = "", const std::string& length = "") {
    auto m = testing::minimal_model_proto();
    auto* t = m.mutable_graph()->add_initializer();
    t->set_name("W");
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_dims(3);
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* kv = t->add_external_data();
    kv->set_key("location");
    kv->set_value(location);
    if (!offset.empty()) {
      kv = t->add_external_data();
      kv->set_key("offset");
      kv->set_value(offset);
    }
    if (!length.empty()) {
      kv = t->add_external_data();
      kv->set_key("length");
      kv->set_value(length);
    }
    fs::path file = root_ / "model" / "model.onnx";
    std::ofstream(file, std::ios::binary) << m.SerializeAsString();
    return load_model(file);
  }

  void expect_refused(const std::string& location, const std::string& needle) {
    try {
      load_with(location);
      FAIL() << "expected refusal of " << location;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadModel);
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  }

  fs::path root_;
};

TEST_F(ExternalData, loads_data_from_the_model_folder) {
  Model m = load_with("weights.bin");
  EXPECT_EQ(m.graph.find_initializer("W")->tensor.data<float>()[2], 3.0f);
}

TEST_F(ExternalData, honours_offset_and_length) {
  EXPECT_THROW(load_with("weights.bin", "4", "12"), Error);  // 8 bytes remain after offset 4
  EXPECT_THROW(load_with("weights.bin", "4", "8"), Error);   // 8 bytes is not float[3]
}

TEST_F(ExternalData, refuses_paths_outside_the_model_folder) {
  expect_refused("../secret.bin", "escapes the model's folder");
  expect_refused((root_ / "secret.bin").string(), "is absolute");
  fs::create_symlink(root_ / "secret.bin", root_ / "model" / "link.bin");
  expect_refused("link.bin", "outside the model's folder");
}

TEST_F(ExternalData, refuses_missing_files_and_in_memory_models) {
  expect_refused("nope.bin", "does not exist");
  auto m = testing::minimal_model_proto();
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name("W");
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* kv = t->add_external_data();
  kv->set_key("location");
  kv->set_value("weights.bin");
  EXPECT_THROW(testing::load_proto(m), Error);
}

}  // namespace
}  // namespace onnxfn
