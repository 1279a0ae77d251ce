// `onnxfn tune` end to end on a tiny event (two memory sizes, one warm run: cheap enough for CI)
// under the Runtime Interface Emulator, its report files, a compared command that fails, and
// `onnxfn package --memory auto` taking the recommendation.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

std::string emulator() {
  if (const char* p = std::getenv("ONNXFN_RIE"); p && *p) return fs::exists(p) ? p : "";
  const fs::path p = fs::path(ONNXFN_SOURCE_DIR) / ".tools/bin/aws-lambda-rie";
  return fs::exists(p) ? p.string() : "";
}

bool emulator_required() {
  const char* v = std::getenv("ONNXFN_REQUIRE_RIE");
  return v && std::string(v) == "1";
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class TuneCli : public ::testing::Test {
 protected:
  void SetUp() override {
    rie_ = emulator();
    if (rie_.empty()) {
      if (emulator_required()) FAIL() << "aws-lambda-rie not found (scripts/install_rie.sh)";
      GTEST_SKIP() << "aws-lambda-rie not found (scripts/install_rie.sh)";
    }
    dir_ = fs::temp_directory_path() / ("onnxfn_tune_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string records;
    for (int i = 0; i < 20; ++i)
      records += std::string(i ? "," : "") + "{\"left_id\":\"L" + std::to_string(i) + "\",\"right_id\":\"R" + std::to_string(i) +
                 "\",\"left_title\":\"acme speaker x" + std::to_string(i) + "\",\"right_title\":\"acme speaker x" + std::to_string(i % 3) +
                 " new\",\"left_description\":null,\"right_description\":null,\"left_brand\":\"acme\",\"right_brand\":\"acme\","
                 "\"left_price\":\"10.00\",\"right_price\":\"10.50\"}";
    std::ofstream(dir_ / "event.json") << "{\"records\":[" << records << "]}";
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::string tune(const std::string& extra, const std::string& memory = "128,3008") const {
    return std::string(ONNXFN_BINARY) + " tune " + ONNXFN_SOURCE_DIR + "/examples/product-matching/bundle --event " + (dir_ / "event.json").string() +
           " --memory " + memory + " --runs 1 --emulator " + rie_ + " --work-dir " + (dir_ / "logs").string() + " " + extra;
  }
  std::string rie_;
  fs::path dir_;
};

TEST_F(TuneCli, SweepsTwoSizesAndWritesReportChartAndPackageTakesTheRecommendation) {
  const fs::path json = dir_ / "tune.json", svg = dir_ / "tune.svg";
  ASSERT_EQ(run(tune("--json " + json.string() + " --chart " + svg.string() + " > " + (dir_ / "table.txt").string())), 0)
      << read(dir_ / "table.txt");
  const std::string table = read(dir_ / "table.txt");
  EXPECT_NE(table.find("20 predictions per invocation"), std::string::npos) << table;
  rapidjson::Document d;
  d.Parse(read(json).c_str());
  ASSERT_FALSE(d.HasParseError());
  const auto& sizes = d["function"]["sizes"];
  ASSERT_EQ(sizes.Size(), 2u);
  EXPECT_EQ(sizes[0]["memory_mb"].GetInt(), 128);
  EXPECT_EQ(sizes[1]["memory_mb"].GetInt(), 3008);
  for (const auto& s : sizes.GetArray()) {
    EXPECT_TRUE(s["fits"].GetBool()) << s["failure"].GetString();
    EXPECT_EQ(s["durations_ms"].Size(), 1u);
    EXPECT_GT(s["duration_ms"].GetDouble(), 0);
    EXPECT_GT(s["peak_rss_mb"].GetDouble(), 1);     // the function's own memory, measured
    EXPECT_LT(s["peak_rss_mb"].GetDouble(), 128);   // the bundle fits the smallest size
    EXPECT_GE(s["billed_ms"].GetInt64(), 1);
  }
  const std::string method = d["function"]["method"].GetString();
  EXPECT_TRUE(method == "cgroup" || method == "threads");
  if (method == "cgroup") {
    EXPECT_NEAR(sizes[0]["emulated_cpus"].GetDouble(), 128.0 / 1769.0, 1e-9);
    // The function's init log line says how many threads it sized itself to: one under a 0.07
    // CPU quota, two under 1.70 (3,008 MB: two vCPUs) where the machine has them.
    EXPECT_NE(read(dir_ / "logs/onnxfn-128.log").find("\"threads\":1,"), std::string::npos);
    if (d["machine"]["cpus"].GetInt() >= 2) {
      EXPECT_NE(read(dir_ / "logs/onnxfn-3008.log").find("\"threads\":2,"), std::string::npos);
    }
  }
  const int recommended = d["recommended_memory_mb"].GetInt();
  EXPECT_TRUE(recommended == 128 || recommended == 3008);
  EXPECT_NE(read(svg).find("cost: " + std::to_string(recommended) + " MB"), std::string::npos);

  // Packaging needs the static Release bootstrap (package refuses the dynamic build of sanitizer trees).
#ifdef ONNXFN_SHIPPED_BUILD
  const fs::path out = dir_ / "package";
  ASSERT_EQ(run(std::string(ONNXFN_BINARY) + " package " + ONNXFN_SOURCE_DIR + "/examples/product-matching/bundle --out " + out.string() +
                " --memory auto --tune-report " + json.string() + " > /dev/null"),
            0);
  EXPECT_NE(read(out / "template.yaml").find("MemorySize: " + std::to_string(recommended) + "\n"), std::string::npos);
  EXPECT_EQ(run(std::string(ONNXFN_BINARY) + " package " + ONNXFN_SOURCE_DIR + "/examples/product-matching/bundle --out " + out.string() +
                " --memory auto 2> /dev/null"),
            2);
#endif
}

TEST_F(TuneCli, ComparedCommandThatFailsIsMarkedFailingNotFatal) {
  const fs::path json = dir_ / "tune.json";
  ASSERT_EQ(run(tune("--compare 'echo broken >&2; exit 3' --compare-name broken --json " + json.string() + " > /dev/null", "256")), 0);
  rapidjson::Document d;
  d.Parse(read(json).c_str());
  ASSERT_FALSE(d.HasParseError());
  ASSERT_TRUE(d["compare"].IsObject());
  EXPECT_FALSE(d["compare"]["sizes"][0]["fits"].GetBool());
  EXPECT_NE(std::string(d["compare"]["sizes"][0]["failure"].GetString()).find("invocation 1 failed"), std::string::npos);
  EXPECT_TRUE(d["compare"]["recommendations"]["cost"].IsNull());
  EXPECT_TRUE(d["cost_ratio"].IsNull());
}

TEST_F(TuneCli, ThreadsFallbackPredictsEachSizeFromWallAndCpuTime) {
  const fs::path json = dir_ / "tune.json";
  ASSERT_EQ(run(tune("--method threads --json " + json.string() + " > /dev/null")), 0);
  rapidjson::Document d;
  d.Parse(read(json).c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["function"]["method"].GetString(), "threads");
  EXPECT_NE(std::string(d["function"]["method_note"].GetString()).find("max(wall(k), cpu(k) / s)"), std::string::npos);
  // 128 MB: one vCPU, measured at one thread and scaled by its share; never faster than its CPU
  // time over its share.
  const auto& sizes = d["function"]["sizes"];
  const auto& small = sizes[0];
  EXPECT_DOUBLE_EQ(small["emulated_cpus"].GetDouble(), 1.0);
  EXPECT_GE(small["duration_ms"].GetDouble(), small["cpu_ms"].GetDouble() / small["cpu_share"].GetDouble() * 0.999);
  EXPECT_DOUBLE_EQ(sizes[1]["emulated_cpus"].GetDouble(), std::min(2, d["machine"]["cpus"].GetInt()));
}

TEST_F(TuneCli, RefusesBadOptionsBeforeRunningAnything) {
  EXPECT_EQ(run(tune("2> /dev/null", "64")), 2);
  EXPECT_EQ(run(tune("--strategy cheapest 2> /dev/null")), 2);
  EXPECT_EQ(run(tune("--duration wall 2> /dev/null")), 2);
}

}  // namespace
