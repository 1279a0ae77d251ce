// `onnxfn package --fanout`: its flags refused before anything is written; the Step Functions
// state machine through samtranslator + cfn-lint (with the Amazon States Language schema) and
// tools/lambda/check_fanout.py; and the exact event one Map item sends, rendered from the
// generated template, run by the zip's bootstrap under the emulator as a durable pair job on
// S3 (versitygw): the output object equals a plain local run's, and a repeated delivery is a no-op.
#include <gtest/gtest.h>
#include <minizip/unzip.h>
#include <sys/stat.h>

#include "../storage/versitygw.h"
#include "emulator.h"
#include "storage/s3_client.h"
#include "support/zoo.h"

namespace onnxfn {
namespace {

using namespace onnxfn::testing;
namespace fs = std::filesystem;

int onnxfn(const std::string& args, std::string* out, std::string* err, const fs::path& dir) {
  const fs::path errfile = dir / "stderr.txt";
  const int code = run_command(std::string(ONNXFN_BINARY) + " " + args + " 2>" + errfile.string(), out);
  if (err) *err = read_file(errfile);
  return code;
}

std::string package_args(const fs::path& out, const std::string& extra) {
  return "package " + product_bundle().string() + " --out " + out.string() + " " + extra;
}

#ifdef ONNXFN_SHIPPED_BUILD
#define REQUIRE_STATIC_BINARY() (void)0
#else
#define REQUIRE_STATIC_BINARY() GTEST_SKIP() << "packaging needs the static Release build of onnxfn (this tree links it dynamically)"
#endif

const fs::path kPython = fs::path(ONNXFN_SOURCE_DIR) / ".venv/bin/python";
const fs::path kCfnLint = fs::path(ONNXFN_SOURCE_DIR) / ".venv/bin/cfn-lint";
const std::string kCheckSam = kPython.string() + " " + ONNXFN_SOURCE_DIR + "/tools/lambda/check_sam.py ";
const std::string kCheckFanout = kPython.string() + " " + ONNXFN_SOURCE_DIR + "/tools/lambda/check_fanout.py ";

bool checkers_missing() {
  if (fs::exists(kCfnLint)) return false;
  if (emulator_required()) ADD_FAILURE() << "cfn-lint (tools/requirements.txt) is missing: " << kCfnLint;
  return true;
}

void unzip_to(const fs::path& zip, const fs::path& dir) {
  unzFile z = unzOpen64(zip.c_str());
  ASSERT_NE(z, nullptr) << zip;
  for (int rc = unzGoToFirstFile(z); rc == UNZ_OK; rc = unzGoToNextFile(z)) {
    unz_file_info64 info{};
    char name[512] = {};
    unzGetCurrentFileInfo64(z, &info, name, sizeof name, nullptr, 0, nullptr, 0);
    std::string data(info.uncompressed_size, '\0');
    unzOpenCurrentFile(z);
    unzReadCurrentFile(z, data.data(), static_cast<unsigned>(data.size()));
    unzCloseCurrentFile(z);
    fs::create_directories((dir / name).parent_path());
    write_file(dir / name, data);
    ::chmod((dir / name).c_str(), static_cast<mode_t>(info.external_fa >> 16) & 07777);
  }
  unzClose(z);
}

TEST(LambdaFanout, RefusesBadFanoutFlagsBeforeWritingAnything) {
  const fs::path dir = lambda_temp_dir("fanout_refuses");
  const fs::path model = zoo_dir() / "binarizer/model.onnx";
  const std::pair<std::string, std::string> cases[] = {
      {package_args(dir / "out", "--fanout --fanout-concurrency 0"), "--fanout-concurrency 0: a Distributed Map runs 1 to 10000 child executions"},
      {package_args(dir / "out", "--fanout --fanout-concurrency 10001"), "--fanout-concurrency 10001"},
      {package_args(dir / "out", "--fanout-concurrency 8"), "--fanout-concurrency sets the fan-out's parallelism: give --fanout too"},
      {"package " + model.string() + " --out " + (dir / "out").string() + " --fanout", "--fanout runs product-matching pair jobs"},
  };
  for (const auto& [args, expected] : cases) {
    std::string err;
    EXPECT_EQ(onnxfn(args, nullptr, &err, dir), 2) << args;
    EXPECT_NE(err.find(expected), std::string::npos) << args << "\n" << err;
    EXPECT_FALSE(fs::exists(dir / "out")) << args;
  }
}

TEST(LambdaFanout, StateMachinePassesSamTranslateCfnLintAndOurChecksWhichCatchMistakes) {
  REQUIRE_STATIC_BINARY();
  if (checkers_missing()) GTEST_SKIP();
  const fs::path dir = lambda_temp_dir("fanout_sam");
  std::string out;
  ASSERT_EQ(onnxfn(package_args(dir / "out", "--http --timeout 300 --fanout --fanout-concurrency 20"), &out, nullptr, dir), 0);
  EXPECT_NE(out.find("Step Functions fan-out at 20 shards at once"), std::string::npos) << out;
  std::string types;
  ASSERT_EQ(run_command(kCheckSam + (dir / "out/template.yaml").string() + " " + (dir / "cfn.json").string(), &types), 0);
  for (const char* t : {"AWS::Lambda::Function", "AWS::StepFunctions::StateMachine", "AWS::IAM::Role", "AWS::ApiGatewayV2::Api"})
    EXPECT_NE(types.find(t), std::string::npos) << t << " in " << types;
  EXPECT_EQ(run_command(kCfnLint.string() + " " + (dir / "cfn.json").string()), 0);
  const std::string cfn = read_file(dir / "cfn.json");
  for (const char* s : {"\"Resource\": \"arn:aws:states:::s3:listObjectsV2\"", "\"Mode\": \"DISTRIBUTED\"", "\"MaxConcurrency\": 20",
                        "\"ToleratedFailurePercentage\": 0", "Lambda.TooManyRequestsException", "states:StartExecution",
                        "\"s3:ListBucket\"", "\"lambda:InvokeFunction\"", "\"s3:PutObject\""})
    EXPECT_NE(cfn.find(s), std::string::npos) << s;
  const std::string params = " --param InputBucket=in-bucket --param RightTable=s3://catalogs/right.csv --param OutputBucket=out-bucket";
  std::string event;
  ASSERT_EQ(run_command(kCheckFanout + (dir / "out/template.yaml").string() + " --key shards/part-7.csv --execution run-1" + params, &event), 0);
  EXPECT_EQ(event,
            R"({"job": {"left": "s3://in-bucket/shards/part-7.csv", "right": "s3://catalogs/right.csv", )"
            R"("output": "s3://out-bucket/matches/shards/part-7.csv.jsonl"}, "run_id": "run-1/shards/part-7.csv"})" "\n");
  // The checks are live: cfn-lint refuses a definition the States Language schema does not allow,
  // our check a run that tolerates failed shards, and a parameter outside its pattern.
  const std::string sam = read_file(dir / "out/template.yaml");
  auto broken = [&](const std::string& from, const std::string& to) {
    std::string t = sam;
    t.replace(t.find(from), from.size(), to);
    write_file(dir / "out/broken.yaml", t);
    return (dir / "out/broken.yaml").string();
  };
  ASSERT_EQ(run_command(kCheckSam + broken("\"Type\": \"Map\"", "\"Type\": \"Mapp\"") + " " + (dir / "bad.json").string() + " >/dev/null"), 0);
  EXPECT_NE(run_command(kCfnLint.string() + " " + (dir / "bad.json").string() + " >/dev/null"), 0);
  std::string why;
  EXPECT_NE(run_command(kCheckFanout + broken("\"ToleratedFailurePercentage\": 0", "\"ToleratedFailurePercentage\": 5") + " --key k" + params +
                            " 2>&1",
                        &why),
            0);
  EXPECT_NE(why.find("ToleratedFailurePercentage must be 0"), std::string::npos) << why;
  EXPECT_NE(run_command(kCheckFanout + broken("\"onnxfn.ResourceLimit\"", "\"onnxfn.BadInput\"") + " --key k" + params + " 2>&1", &why), 0);
  EXPECT_NE(why.find("no retry with backoff on onnxfn.ResourceLimit"), std::string::npos) << why;
  EXPECT_NE(run_command(kCheckFanout + (dir / "out/template.yaml").string() + " --key k" + params + " --param InputBucket=In_put 2>&1", &why), 0);
  EXPECT_NE(why.find("does not match its AllowedPattern"), std::string::npos) << why;
}

TEST(LambdaFanout, ItemEventFromTheStateMachineRunsADurableJobOnS3UnderTheEmulator) {
  REQUIRE_STATIC_BINARY();
  if (emulator_path().empty()) {
    if (emulator_required()) FAIL() << "aws-lambda-rie is missing (scripts/install_rie.sh)";
    GTEST_SKIP() << "aws-lambda-rie not installed";
  }
  if (checkers_missing()) GTEST_SKIP();
  std::string why_not;
  auto gw = storage::testing::VersityGw::start(why_not);
  if (!gw) {
    if (storage::testing::s3_tests_required()) FAIL() << why_not;
    GTEST_SKIP() << why_not;
  }
  const fs::path dir = lambda_temp_dir("fanout_run");
  write_product_tables(dir, 150, 0);
  storage::S3Client s3(gw->config());
  s3.create_bucket("shards");
  s3.create_bucket("results");
  s3.put_object("shards", "nightly/part-0001.csv", read_file(dir / "left.csv"));
  s3.put_object("shards", "catalog/right.csv", read_file(dir / "right.csv"));

  ASSERT_EQ(onnxfn(package_args(dir / "out", "--timeout 120 --fanout"), nullptr, nullptr, dir), 0);
  std::string event;
  ASSERT_EQ(run_command(kCheckFanout + (dir / "out/template.yaml").string() +
                            " --key nightly/part-0001.csv --execution night-1 --param InputBucket=shards --param InputPrefix=nightly/"
                            " --param RightTable=s3://shards/catalog/right.csv --param OutputBucket=results",
                        &event),
            0);
  const fs::path task = dir / "task";
  unzip_to(dir / "out/function.zip", task);
  Emulator rie(task / "bootstrap",
               {{"LAMBDA_TASK_ROOT", task.string()}, {"_HANDLER", "bundle"}, {"AWS_ACCESS_KEY_ID", storage::testing::VersityGw::kAccess},
                {"AWS_SECRET_ACCESS_KEY", storage::testing::VersityGw::kSecret}, {"AWS_REGION", "us-east-1"},
                {"AWS_ENDPOINT_URL_S3", gw->endpoint()}},
               dir / "rie.log");
  const Invoked first = rie.invoke(event);
  ASSERT_EQ(first.status, 200) << first.body << rie.log();
  EXPECT_NE(first.body.find("\"status\": \"complete\""), std::string::npos) << first.body << rie.log();
  const auto output = s3.get_object_if_exists("results", "matches/nightly/part-0001.csv.jsonl");
  ASSERT_TRUE(output.has_value()) << first.body;
  // The same tables as local files, a plain (not checkpointed) job: the same records.
  const Invoked plain = rie.invoke(R"({"job": {"left": ")" + (dir / "left.csv").string() + R"(", "right": ")" + (dir / "right.csv").string() +
                                   R"(", "output": ")" + (dir / "plain.jsonl").string() + "\"}}");
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_NE(plain.body.find("\"matches\":"), std::string::npos) << plain.body;
  EXPECT_FALSE(output->empty());
  EXPECT_EQ(*output, read_file(dir / "plain.jsonl"));
  // Step Functions retries deliver the same payload again: the job is already complete.
  const Invoked again = rie.invoke(event);
  EXPECT_NE(again.body.find("\"status\": \"already_complete\""), std::string::npos) << again.body;
  // A bad run id in the event is refused as a bad request.
  const Invoked bad = rie.invoke(R"({"job": {"left": "a.csv", "right": "b.csv", "output": "/tmp/x.jsonl"}, "run_id": 7})");
  EXPECT_NE(bad.body.find("event \\\"run_id\\\": expected a non-empty string"), std::string::npos) << bad.body;
}

}  // namespace
}  // namespace onnxfn
