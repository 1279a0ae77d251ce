// Per-model batching settings: serve.json in a repository model folder and --batch NAME=ROWS[:US],
// read over the command-line defaults, with errors that name the file or flag and the key; and
// load_models handing a folder's settings over under the folder's name.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "serve/batch_settings.h"
#include "serve/model_loading.h"
#include "support/zoo.h"

namespace onnxfn::serve {
namespace {

namespace fs = std::filesystem;
using std::chrono::microseconds;

const BatchOptions kOff{.max_rows = 0, .delay = microseconds(500)};
const BatchOptions kOn{.max_rows = 32, .delay = microseconds(700)};

class ServeFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("onnxfn_batch_settings_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path write(const std::string& text, const std::string& folder = "m") {
    fs::create_directories(dir / folder);
    std::ofstream(dir / folder / kModelServeFile) << text;
    return dir / folder / kModelServeFile;
  }
  // The BadInput message of reading `text`, or "" when it read.
  std::string error_of(const std::string& text, const BatchOptions& defaults = kOff) {
    const fs::path file = write(text);
    try {
      (void)read_model_serve_file(file, defaults);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadInput);
      return e.what();
    }
    return "";
  }
  fs::path dir;
};

TEST_F(ServeFile, ReadsRowsAndDelay) {
  const BatchOptions b =
      read_model_serve_file(write(R"({"dynamic_batching": {"max_rows": 16, "delay_us": 200}})"), kOff);
  EXPECT_EQ(b.max_rows, 16u);
  EXPECT_EQ(b.delay, microseconds(200));
}

TEST_F(ServeFile, MissingKeysKeepTheCommandLineSettings) {
  BatchOptions b = read_model_serve_file(write(R"({"dynamic_batching": {"max_rows": 4}})"), kOn);
  EXPECT_EQ(b.max_rows, 4u);
  EXPECT_EQ(b.delay, microseconds(700));
  b = read_model_serve_file(write(R"({"dynamic_batching": {}})"), kOn);
  EXPECT_EQ(b.max_rows, 32u);
  b = read_model_serve_file(write(R"({})"), kOn);
  EXPECT_EQ(b.max_rows, 32u);
}

TEST_F(ServeFile, FalseTurnsBatchingOffForTheModel) {
  EXPECT_FALSE(read_model_serve_file(write(R"({"dynamic_batching": false})"), kOn).enabled());
}

TEST_F(ServeFile, RejectsWhatItDoesNotKnowNamingFileAndKey) {
  const std::string file = (dir / "m" / kModelServeFile).string();
  EXPECT_EQ(error_of(R"({"dynamic_batching": {"max_row": 8}})"),
            "serve: " + file + ": dynamic_batching: unknown key 'max_row' (known: max_rows, delay_us)");
  EXPECT_EQ(error_of(R"({"batching": false})"),
            "serve: " + file + ": top level: unknown key 'batching' (known: dynamic_batching)");
  EXPECT_EQ(error_of(R"({"dynamic_batching": {"max_rows": 1}})"),
            "serve: " + file + ": dynamic_batching.max_rows: must be a whole number from 2 to 1000000");
  EXPECT_EQ(error_of(R"({"dynamic_batching": {"max_rows": "16"}})"),
            "serve: " + file + ": dynamic_batching.max_rows: must be a whole number from 2 to 1000000");
  EXPECT_EQ(error_of(R"({"dynamic_batching": {"max_rows": 8, "delay_us": 2.5}})"),
            "serve: " + file + ": dynamic_batching.delay_us: must be a whole number from 0 to 1000000");
  EXPECT_EQ(error_of(R"({"dynamic_batching": true})"),
            "serve: " + file + ": dynamic_batching: must be false or an object with max_rows and delay_us");
  EXPECT_EQ(error_of(R"({"dynamic_batching": {}})"),
            "serve: " + file + ": dynamic_batching.max_rows: missing, and --batch-max-rows does not give one");
  EXPECT_NE(error_of(R"({"dynamic_batching": )").find("serve: " + file + ": invalid JSON at byte"), std::string::npos);
  EXPECT_NE(error_of("[]").find(": top level: must be a JSON object"), std::string::npos);
}

TEST(BatchFlag, ReadsRowsDelayAndOff) {
  auto [name, b] = parse_batch_flag("forest=16:200", kOff);
  EXPECT_EQ(name, "forest");
  EXPECT_EQ(b.max_rows, 16u);
  EXPECT_EQ(b.delay, microseconds(200));
  std::tie(name, b) = parse_batch_flag("forest=8", kOn);
  EXPECT_EQ(b.max_rows, 8u);
  EXPECT_EQ(b.delay, microseconds(700));
  std::tie(name, b) = parse_batch_flag("logreg=off", kOn);
  EXPECT_EQ(name, "logreg");
  EXPECT_FALSE(b.enabled());
}

TEST(BatchFlag, RejectsMalformedFlagsNamingThem) {
  for (const std::string bad : {"forest", "=16", "forest=", "forest=1", "forest=16x", "forest=-4",
                                "forest=16:", "forest=16:2000000", "forest=on"}) {
    try {
      (void)parse_batch_flag(bad, kOff);
      ADD_FAILURE() << bad << " was taken";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadInput);
      EXPECT_TRUE(std::string(e.what()).starts_with("serve: --batch '" + bad + "': ")) << e.what();
    }
  }
}

TEST_F(ServeFile, LoadModelsHandsEachFoldersSettingsOverByName) {
  const fs::path zoo_model = onnxfn::testing::zoo_dir() / "logreg_multiclass_nozipmap" / "model.onnx";
  for (const std::string folder : {"batching", "plain", "off"}) {
    fs::create_directories(dir / folder);
    fs::copy_file(zoo_model, dir / folder / "model.onnx");
  }
  write(R"({"dynamic_batching": {"max_rows": 12}})", "batching");
  write(R"({"dynamic_batching": false})", "off");
  Metrics metrics;
  std::map<std::string, BatchOptions, std::less<>> settings;
  const protocol::ModelRepository repo = load_models({}, dir.string(), {.threads = 1}, metrics, kOn, &settings);
  EXPECT_EQ(repo.size(), 3u);
  ASSERT_EQ(settings.size(), 2u);
  EXPECT_EQ(settings.at("batching").max_rows, 12u);
  EXPECT_EQ(settings.at("batching").delay, microseconds(700));
  EXPECT_FALSE(settings.at("off").enabled());
  EXPECT_FALSE(settings.contains("plain"));
}

TEST_F(ServeFile, ABadFileStopsTheLoad) {
  fs::create_directories(dir / "m");
  fs::copy_file(onnxfn::testing::zoo_dir() / "logreg_multiclass_nozipmap" / "model.onnx", dir / "m" / "model.onnx");
  write(R"({"dynamic_batching": {"max_rows": 0}})");
  Metrics metrics;
  std::map<std::string, BatchOptions, std::less<>> settings;
  EXPECT_THROW((void)load_models({}, dir.string(), {.threads = 1}, metrics, kOff, &settings), Error);
}

}  // namespace
}  // namespace onnxfn::serve
