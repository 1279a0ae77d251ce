// `onnxfn package` through the binary: settings refused before anything is written, reproducible
// function.zip bytes with an executable bootstrap, the zip's bootstrap run under the emulator from
// a clean folder, the SAM template through samtranslator + cfn-lint, and serverless.yml through
// `serverless package` (Serverless Framework v3).
#include <gtest/gtest.h>
#include <minizip/unzip.h>
#include <sys/stat.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "emulator.h"
#include "support/zoo.h"

namespace onnxfn {
namespace {

using namespace onnxfn::testing;
namespace fs = std::filesystem;

int onnxfn(const std::string& args, std::string* out = nullptr, std::string* err = nullptr, const fs::path& dir = fs::temp_directory_path()) {
  const fs::path errfile = dir / "stderr.txt";
  const int code = run_command(std::string(ONNXFN_BINARY) + " " + args + " 2>" + errfile.string(), out);
  if (err) *err = read_file(errfile);
  return code;
}

struct Entry {
  std::string name;
  unsigned mode = 0;
  std::string data;
};

std::vector<Entry> unzip_all(const fs::path& zip) {
  std::vector<Entry> entries;
  unzFile z = unzOpen64(zip.c_str());
  if (!z) return entries;
  for (int rc = unzGoToFirstFile(z); rc == UNZ_OK; rc = unzGoToNextFile(z)) {
    unz_file_info64 info{};
    char name[512] = {};
    unzGetCurrentFileInfo64(z, &info, name, sizeof name, nullptr, 0, nullptr, 0);
    Entry e{name, static_cast<unsigned>(info.external_fa >> 16) & 07777, std::string(info.uncompressed_size, '\0')};
    unzOpenCurrentFile(z);
    unzReadCurrentFile(z, e.data.data(), static_cast<unsigned>(e.data.size()));
    unzCloseCurrentFile(z);
    entries.push_back(std::move(e));
  }
  unzClose(z);
  return entries;
}

// Packages need the static bootstrap (package refuses a dynamically linked one, as Lambda's
// provided.al2023 does not promise its libraries): sanitizer trees build a dynamic onnxfn.
#ifdef ONNXFN_SHIPPED_BUILD
#define REQUIRE_STATIC_BINARY() (void)0
#else
#define REQUIRE_STATIC_BINARY() GTEST_SKIP() << "packaging needs the static Release build of onnxfn (this tree links it dynamically)"
#endif

std::string job_file(const fs::path& dir) {
  const fs::path p = dir / "job.json";
  write_file(p, R"({"left": "data/left.csv", "right": "data/right.csv", "output": "/tmp/matches.jsonl"})");
  return p.string();
}

std::string package_args(const fs::path& out, const std::string& extra = "") {
  return "package " + product_bundle().string() + " --out " + out.string() + " " + extra;
}

TEST(LambdaPackage, RefusesSettingsLambdaWouldRejectBeforeWritingAnything) {
  const fs::path dir = lambda_temp_dir("package_refuses");
  const std::string job = job_file(dir);
  const std::pair<std::string, std::string> cases[] = {
      {"--memory 127", "--memory 127: Lambda functions take 128 to 10240 MB"},
      {"--memory 10241", "128 to 10240 MB"},
      {"--timeout 0", "--timeout 0: Lambda functions run 1 to 900 seconds"},
      {"--timeout 901", "1 to 900 seconds"},
      {"--arch sparc", "--arch 'sparc': expected x86_64 or arm64"},
      {"--schedule 'cron(0 2 * * *)' --job " + job, "has 5 fields; EventBridge needs six"},
      {"--schedule 'cron(0 2 * * * *)' --job " + job, "exactly one of day-of-month and day-of-week must be '?'"},
      {"--schedule 'cron(0 24 * * ? *)' --job " + job, "cron hours field '24': 24 is out of range 0-23"},
      {"--schedule 'cron(0 2 ? * MON#6 *)' --job " + job, "weekday#n with n from 1 to 5"},
      {"--schedule 'rate(1 hours)' --job " + job, "use the singular unit for 1"},
      {"--schedule 'rate(0 minutes)' --job " + job, "at least 1"},
      {"--schedule 'at(2026-02-29T10:00:00)' --job " + job, "not a valid date and time"},
      {"--schedule 'every day' --job " + job, "expected cron(...), rate(...) or at(...)"},
      {"--schedule 'rate(1 day)'", "--schedule needs --job FILE"},
      {"--job " + job, "--job is the input of a schedule"},
      {"--arch arm64", "give --binary with an arm64 static build of onnxfn"},
  };
  for (const auto& [args, expected] : cases) {
    const fs::path out = dir / "out";
    std::string err;
    EXPECT_EQ(onnxfn(package_args(out, args), nullptr, &err, dir), 2) << args;
    EXPECT_NE(err.find(expected), std::string::npos) << args << "\n" << err;
    EXPECT_FALSE(fs::exists(out)) << args;
  }
  // A job that the function could not run is refused too.
  write_file(dir / "bad_job.json", R"({"left": "a.csv", "output": "/tmp/x.csv"})");
  std::string err;
  EXPECT_EQ(onnxfn(package_args(dir / "out", "--schedule 'rate(1 day)' --job " + (dir / "bad_job.json").string()), nullptr, &err, dir), 2);
  EXPECT_NE(err.find("a pair job needs both \"left\" and \"right\""), std::string::npos) << err;
  // The binary must be a static ELF of the requested architecture.
  EXPECT_EQ(onnxfn(package_args(dir / "out", "--binary " + (product_bundle() / "pipeline.json").string()), nullptr, &err, dir), 2);
  EXPECT_NE(err.find("not a 64-bit ELF executable"), std::string::npos) << err;
  EXPECT_EQ(onnxfn(package_args(dir / "out", "--binary /bin/sh"), nullptr, &err, dir), 2);
  EXPECT_NE(err.find("dynamically linked"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(LambdaPackage, FunctionZipIsReproducibleWithAnExecutableBootstrapAndTheBundle) {
  REQUIRE_STATIC_BINARY();
  const fs::path dir = lambda_temp_dir("package_zip");
  std::string out;
  ASSERT_EQ(onnxfn(package_args(dir / "a", "--memory 512 --timeout 30"), &out, nullptr, dir), 0);
  EXPECT_NE(out.find("of the 50 MB limit"), std::string::npos) << out;
  ASSERT_EQ(onnxfn(package_args(dir / "b", "--memory 512 --timeout 30"), nullptr, nullptr, dir), 0);
  EXPECT_EQ(read_file(dir / "a/function.zip"), read_file(dir / "b/function.zip"));
  const auto entries = unzip_all(dir / "a/function.zip");
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].name, "bootstrap");
  EXPECT_EQ(entries[0].mode, 0755u);
  EXPECT_EQ(entries[0].data, read_file(ONNXFN_BINARY));
  EXPECT_EQ(entries[1].name, "bundle/metadata.json");
  EXPECT_EQ(entries[1].mode, 0644u);
  EXPECT_EQ(entries[1].data, read_file(product_bundle() / "metadata.json"));
  EXPECT_EQ(entries[2].name, "bundle/model.onnx");
  EXPECT_EQ(entries[5].name, "bundle/state/title_idf.tsv");
  const std::string sam = read_file(dir / "a/template.yaml");
  EXPECT_NE(sam.find("Runtime: provided.al2023"), std::string::npos);
  EXPECT_NE(sam.find("MemorySize: 512"), std::string::npos);
  EXPECT_NE(sam.find("Timeout: 30"), std::string::npos);
  EXPECT_NE(sam.find("Handler: 'bundle'"), std::string::npos);
  EXPECT_EQ(sam.find("Events:"), std::string::npos);  // neither --http nor --schedule
}

TEST(LambdaPackage, ZipsBootstrapRunsUnderTheEmulatorFromACleanFolder) {
  REQUIRE_STATIC_BINARY();
  if (emulator_path().empty()) {
    if (emulator_required()) FAIL() << "aws-lambda-rie is missing (scripts/install_rie.sh)";
    GTEST_SKIP() << "aws-lambda-rie not installed";
  }
  const fs::path dir = lambda_temp_dir("package_runs");
  ASSERT_EQ(onnxfn(package_args(dir / "out", "--http"), nullptr, nullptr, dir), 0);
  const fs::path task = dir / "task";
  for (const Entry& e : unzip_all(dir / "out/function.zip")) {
    fs::create_directories((task / e.name).parent_path());
    write_file(task / e.name, e.data);
    ::chmod((task / e.name).c_str(), e.mode);
  }
  Emulator rie(task / "bootstrap", {{"LAMBDA_TASK_ROOT", task.string()}, {"_HANDLER", "bundle"}}, dir / "rie.log");
  const Invoked r = rie.invoke("{\"records\": [" + pair_record("a", "b", "usb c cable 2m", "usb-c cable 2 m") + "]}");
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_TRUE(d.IsObject() && d.HasMember("records")) << r.body << rie.log();
  EXPECT_STREQ(d["records"][0]["left_id"].GetString(), "a");
  EXPECT_NE(rie.log().find("\"model\":\"" + (task / "bundle").string() + "\""), std::string::npos) << rie.log();
}

bool tool_missing(const fs::path& tool, const char* what) {
  if (fs::exists(tool)) return false;
  if (emulator_required()) ADD_FAILURE() << what << " is missing: " << tool;
  return true;
}

TEST(LambdaPackage, SamTemplateTranslatesAndPassesCfnLintAndTheLintCatchesAWrongRuntime) {
  REQUIRE_STATIC_BINARY();
  const fs::path python = fs::path(ONNXFN_SOURCE_DIR) / ".venv/bin/python", cfn_lint = fs::path(ONNXFN_SOURCE_DIR) / ".venv/bin/cfn-lint";
  if (tool_missing(cfn_lint, "cfn-lint (tools/requirements.txt)")) GTEST_SKIP();
  const fs::path dir = lambda_temp_dir("package_sam");
  ASSERT_EQ(onnxfn(package_args(dir / "out", "--http --memory 2048 --timeout 120 --schedule 'cron(15 3 ? * MON-FRI *)' --job " + job_file(dir)),
                   nullptr, nullptr, dir),
            0);
  const std::string check = python.string() + " " + ONNXFN_SOURCE_DIR + "/tools/lambda/check_sam.py ";
  std::string types;
  ASSERT_EQ(run_command(check + (dir / "out/template.yaml").string() + " " + (dir / "cfn.json").string(), &types), 0);
  for (const char* t : {"AWS::Lambda::Function", "AWS::Scheduler::Schedule", "AWS::SQS::Queue", "AWS::ApiGatewayV2::Api"})
    EXPECT_NE(types.find(t), std::string::npos) << t << " in " << types;
  const std::string cfn = read_file(dir / "cfn.json");
  EXPECT_NE(cfn.find("\"Runtime\": \"provided.al2023\""), std::string::npos);
  EXPECT_NE(cfn.find("\"MaximumRetryAttempts\": 2"), std::string::npos);
  EXPECT_NE(cfn.find("cron(15 3 ? * MON-FRI *)"), std::string::npos);
  EXPECT_NE(cfn.find("\\\"left\\\":\\\"data/left.csv\\\""), std::string::npos);  // the job as the schedule's input
  EXPECT_EQ(run_command(cfn_lint.string() + " " + (dir / "cfn.json").string()), 0);
  // The same template with a runtime Lambda does not have must fail the lint (the check is live).
  std::string bad = read_file(dir / "out/template.yaml");
  bad.replace(bad.find("provided.al2023"), 15, "provided.al2099");
  write_file(dir / "out/bad.yaml", bad);
  ASSERT_EQ(run_command(check + (dir / "out/bad.yaml").string() + " " + (dir / "bad.json").string()), 0);
  EXPECT_NE(run_command(cfn_lint.string() + " " + (dir / "bad.json").string() + " >/dev/null"), 0);
}

TEST(LambdaPackage, ServerlessFrameworkPackagesTheServerlessYml) {
  REQUIRE_STATIC_BINARY();
  const fs::path sls = fs::path(ONNXFN_SOURCE_DIR) / "tools/serverless/node_modules/.bin/serverless";
  if (tool_missing(sls, "serverless (scripts/install_lambda_tools.sh)")) GTEST_SKIP();
  const fs::path dir = lambda_temp_dir("package_sls");
  ASSERT_EQ(onnxfn(package_args(dir / "out", "--http --timeout 25 --schedule 'rate(6 hours)' --job " + job_file(dir)), nullptr, nullptr, dir), 0);
  std::string out;
  const int code = run_command("cd " + (dir / "out").string() +
                                   " && SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off HOME=" + dir.string() + " " + sls.string() +
                                   " package --package " + (dir / "sls").string() + " 2>&1",
                               &out);
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(out.find("Invalid configuration"), std::string::npos) << out;
  const std::string cfn = read_file(dir / "sls/cloudformation-template-update-stack.json");
  EXPECT_NE(cfn.find("\"Runtime\": \"provided.al2023\""), std::string::npos);
  EXPECT_NE(cfn.find("AWS::Scheduler::Schedule"), std::string::npos);
  EXPECT_NE(cfn.find("rate(6 hours)"), std::string::npos);
  EXPECT_NE(cfn.find("AWS::ApiGatewayV2::Api"), std::string::npos);
}

TEST(LambdaPackage, VerifyRecomputesTheReferenceSetAndPackageRefusesABundleThatDisagrees) {
  REQUIRE_STATIC_BINARY();
  const fs::path dir = lambda_temp_dir("verify");
  std::string out, err;
  ASSERT_EQ(onnxfn("verify --bundle " + product_bundle().string(), &out, &err, dir), 0) << err;
  EXPECT_NE(out.find("verify: 100 reference records (scikit-learn"), std::string::npos) << out;
  EXPECT_NE(out.find("labels 100 of 100 agree: OK"), std::string::npos) << out;
  // One probability moved by 0.01: verify exits 3 naming the record, and package writes nothing.
  fs::copy(product_bundle(), dir / "bundle", fs::copy_options::recursive);
  rapidjson::Document ref;
  ref.Parse(read_file(dir / "bundle/reference.json").c_str());
  ref["probability"][7].SetDouble(ref["probability"][7].GetDouble() + 0.01);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  ref.Accept(w);
  write_file(dir / "bundle/reference.json", buffer.GetString());
  ASSERT_EQ(onnxfn("verify --bundle " + (dir / "bundle").string(), &out, &err, dir), 3) << err;
  EXPECT_NE(out.find("max |diff| 0.01 at record 7"), std::string::npos) << out;
  EXPECT_NE(out.find("DISAGREES"), std::string::npos) << out;
  EXPECT_EQ(onnxfn("package " + (dir / "bundle").string() + " --out " + (dir / "out").string(), &out, &err, dir), 3);
  EXPECT_NE(err.find("package: refused: the bundle disagrees with its own training-time outputs"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir / "out"));
  // Without a reference set: verify says so; package goes ahead and says it did not check.
  fs::remove(dir / "bundle/reference.json");
  EXPECT_EQ(onnxfn("verify --bundle " + (dir / "bundle").string(), &out, &err, dir), 2);
  EXPECT_NE(err.find("has no reference set"), std::string::npos) << err;
  ASSERT_EQ(onnxfn("package " + (dir / "bundle").string() + " --out " + (dir / "out").string(), &out, &err, dir), 0) << err;
  EXPECT_NE(out.find("parity with scikit-learn not checked"), std::string::npos) << out;
}

}  // namespace
}  // namespace onnxfn
