// The runtime under the real AWS Lambda Runtime Interface Emulator: every event shape, init
// failure, a bad request, a crash and a timeout mid-invocation (the emulator re-inits), an
// oversized response, the deadline honoured by a long batch job, and the JSON log lines.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <chrono>
#include <future>
#include <thread>

#include "emulator.h"
#include "lambda/http_event.h"

namespace onnxfn {
namespace {

using namespace onnxfn::testing;
namespace fs = std::filesystem;

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseNanAndInfFlag>(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text.substr(0, 300);
  return d;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A task folder (bootstrap + bundle) and an emulator running it.
struct Function {
  fs::path dir;
  std::unique_ptr<Emulator> rie;
  Function(const std::string& name, std::map<std::string, std::string> env = {}, bool with_bundle = true) : dir(lambda_temp_dir(name)) {
    fs::create_directories(dir / "task");
    fs::copy_file(ONNXFN_BINARY, dir / "task/bootstrap");
    if (with_bundle) fs::copy(product_bundle(), dir / "task/bundle", fs::copy_options::recursive);
    env.emplace("LAMBDA_TASK_ROOT", (dir / "task").string());
    rie = std::make_unique<Emulator>(dir / "task/bootstrap", env, dir / "rie.log");
  }
  Invoked invoke(const std::string& event) const { return rie->invoke(event); }
};

#define REQUIRE_EMULATOR()                                                                              \
  do {                                                                                                  \
    if (emulator_path().empty()) {                                                                      \
      if (emulator_required()) FAIL() << "aws-lambda-rie is missing (scripts/install_rie.sh)";          \
      GTEST_SKIP() << "aws-lambda-rie not installed (scripts/install_rie.sh)";                          \
    }                                                                                                   \
  } while (0)

const std::string kSamePair = pair_record("a1", "b1", "Sony WH-1000XM4 wireless headphones", "Sony WH1000XM4 wireless headphones");
const std::string kOtherPair = pair_record("a2", "b2", "Canon EOS 250D camera body", "Logitech MX Master 3 mouse");

TEST(LambdaEmulator, RecordsEventAnswersEveryRowAndLogsAJsonLine) {
  REQUIRE_EMULATOR();
  Function f("records");
  const Invoked r = f.invoke("{\"records\": [" + kSamePair + "," + kOtherPair + "]}");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  ASSERT_TRUE(d.HasMember("records")) << r.body;
  const auto& rows = d["records"];
  ASSERT_EQ(rows.Size(), 2u);
  EXPECT_STREQ(rows[0]["left_id"].GetString(), "a1");
  EXPECT_TRUE(rows[0]["match"].GetBool());
  EXPECT_GT(rows[0]["probability"].GetDouble(), 0.9);
  EXPECT_FALSE(rows[1]["match"].GetBool());
  EXPECT_LT(rows[1]["probability"].GetDouble(), 0.1);
  EXPECT_STREQ(d["model_name"].GetString(), "product-matching-synthetic");
  const std::string log = f.rie->log();
  EXPECT_NE(log.find("\"message\":\"init\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"event\":\"records\",\"rows\":2"), std::string::npos) << log;
  EXPECT_NE(log.find("\"peak_rss_mb\""), std::string::npos) << log;
}

TEST(LambdaEmulator, InferenceEventTakesOpenInferenceProtocolV2) {
  REQUIRE_EMULATOR();
  Function f("infer");
  std::string inputs;
  const char* columns[][2] = {{"left_id", "a1"}, {"right_id", "b1"}, {"left_title", "Sony WH-1000XM4 wireless headphones"},
                              {"right_title", "Sony WH1000XM4 wireless headphones"}, {"left_brand", "sony"}, {"right_brand", "sony"},
                              {"left_price", "10"}, {"right_price", "10"}, {"left_description", ""}, {"right_description", ""}};
  for (const auto& c : columns)
    inputs += std::string(inputs.empty() ? "" : ",") + "{\"name\":\"" + c[0] + "\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"" + c[1] + "\"]}";
  const Invoked r = f.invoke("{\"id\":\"q7\",\"inputs\":[" + inputs + "],\"outputs\":[{\"name\":\"match\"}]}");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  ASSERT_TRUE(d.HasMember("outputs")) << r.body;
  EXPECT_STREQ(d["id"].GetString(), "q7");
  ASSERT_EQ(d["outputs"].Size(), 1u);
  EXPECT_STREQ(d["outputs"][0]["name"].GetString(), "match");
  EXPECT_TRUE(d["outputs"][0]["data"][0].GetBool());
}

TEST(LambdaEmulator, ApiGatewayAndFunctionUrlEventsGoThroughTheHttpApi) {
  REQUIRE_EMULATOR();
  Function f("http");
  // HTTP API / Function URL (payload 2.0), body base64-encoded, a named stage in the path.
  const std::string body = "[" + kSamePair + "]";
  const std::string v2 = "{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"/prod/v2/models/product-matching-synthetic/records\","
                         "\"rawQueryString\":\"\",\"headers\":{\"content-type\":\"application/json\"},"
                         "\"requestContext\":{\"http\":{\"method\":\"POST\",\"path\":\"/prod/v2/models/product-matching-synthetic/records\"},\"stage\":\"prod\"},"
                         "\"body\":\"" + lambda::base64_encode(body) + "\",\"isBase64Encoded\":true}";
  Invoked r = f.invoke(v2);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  ASSERT_TRUE(d.HasMember("statusCode")) << r.body;
  EXPECT_EQ(d["statusCode"].GetInt(), 200) << r.body;
  auto records = parse(d["body"].GetString());
  ASSERT_TRUE(records.IsArray()) << d["body"].GetString();
  EXPECT_TRUE(records[0]["match"].GetBool());
  // REST API (payload 1.0): a GET, then a malformed request answered 400 with the API's error.
  r = f.invoke("{\"resource\":\"/{proxy+}\",\"path\":\"/v2/health/ready\",\"httpMethod\":\"GET\",\"headers\":null,"
               "\"requestContext\":{\"stage\":\"prod\"},\"body\":null,\"isBase64Encoded\":false}");
  d = parse(r.body);
  EXPECT_EQ(d["statusCode"].GetInt(), 200) << r.body;
  r = f.invoke("{\"resource\":\"/{proxy+}\",\"path\":\"/v2/models/product-matching-synthetic/infer\",\"httpMethod\":\"POST\","
               "\"headers\":{\"Content-Type\":\"application/json\"},\"requestContext\":{},\"body\":\"{not json\",\"isBase64Encoded\":false}");
  d = parse(r.body);
  EXPECT_EQ(d["statusCode"].GetInt(), 400) << r.body;
  EXPECT_NE(std::string(d["body"].GetString()).find("error"), std::string::npos);
  r = f.invoke("{\"resource\":\"/{proxy+}\",\"path\":\"/v2/models/nope\",\"httpMethod\":\"GET\",\"requestContext\":{}}");
  EXPECT_EQ(parse(r.body)["statusCode"].GetInt(), 404) << r.body;
}

TEST(LambdaEmulator, JobAndScheduledEventsRunThePairJobIntoAFile) {
  REQUIRE_EMULATOR();
  const fs::path data = lambda_temp_dir("job_data");
  write_product_tables(data, 50, 0);
  const std::string configured = "{\"left\":\"" + (data / "left.csv").string() + "\",\"right\":\"" + (data / "right.csv").string() +
                                 "\",\"output\":\"" + (data / "scheduled.csv").string() + "\",\"all\":true}";
  Function f("job", {{"ONNXFN_JOB", configured}});
  // EventBridge Scheduler input / a direct call: the job in the event.
  Invoked r = f.invoke("{\"job\":{\"left\":\"" + (data / "left.csv").string() + "\",\"right\":\"" + (data / "right.csv").string() +
                       "\",\"output\":\"" + (data / "matches.jsonl").string() + "\"}}");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  ASSERT_TRUE(d.HasMember("pairs")) << r.body;
  EXPECT_EQ(d["left_rows"].GetUint64(), 50u);
  EXPECT_GT(d["pairs"].GetUint64(), 50u);  // blocking: top 20 per left record
  const size_t matches = d["matches"].GetUint64();
  EXPECT_GE(matches, 40u) << r.body;  // every L<i> has R<i> with the same title + "new"
  EXPECT_EQ(count(read_file(data / "matches.jsonl"), "\n"), matches);
  // An EventBridge rule's scheduled event (empty detail): the configured job.
  r = f.invoke(R"({"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event","source":"aws.events",)"
               R"("account":"123456789012","time":"2026-12-07T02:00:00Z","region":"us-east-1","resources":["arn:aws:events:us-east-1:123456789012:rule/nightly"],"detail":{}})");
  d = parse(r.body);
  ASSERT_TRUE(d.HasMember("rows_written")) << r.body;
  EXPECT_EQ(d["rows_written"].GetUint64(), d["pairs"].GetUint64());  // "all": every scored pair
  EXPECT_EQ(count(read_file(data / "scheduled.csv"), "\n"), d["pairs"].GetUint64() + 1);  // + header
}

TEST(LambdaEmulator, BadRequestIsAnErrorOfTheTableTypeAndTheRuntimeKeepsServing) {
  REQUIRE_EMULATOR();
  Function f("bad_request");
  Invoked r = f.invoke("{\"records\": [{\"left_id\": \"x\"}]}");
  auto d = parse(r.body);
  ASSERT_TRUE(d.HasMember("errorType")) << r.body;
  EXPECT_STREQ(d["errorType"].GetString(), "onnxfn.BadInput");
  EXPECT_NE(std::string(d["errorMessage"].GetString()).find("left_title"), std::string::npos) << r.body;
  r = f.invoke("[1, 2]");
  EXPECT_STREQ(parse(r.body)["errorType"].GetString(), "onnxfn.BadInput");
  r = f.invoke("{\"records\": [" + kSamePair + "]}");
  EXPECT_TRUE(parse(r.body).HasMember("records")) << r.body;
  EXPECT_EQ(count(f.rie->log(), "\"message\":\"init\""), 1u);  // one process served all three
}

TEST(LambdaEmulator, InitFailureIsReportedWithTheErrorTableType) {
  REQUIRE_EMULATOR();
  Function f("init_error", {{"_HANDLER", "broken.onnx"}}, false);
  write_file(f.dir / "task/broken.onnx", "this is not a protobuf");
  const Invoked r = f.invoke("{\"records\": []}");
  EXPECT_NE(r.body.find("onnxfn.BadModel"), std::string::npos) << r.status << " " << r.body;
  const std::string log = f.rie->log();
  EXPECT_NE(log.find("\"message\":\"init failed\",\"errorType\":\"onnxfn.BadModel\""), std::string::npos) << log;
}

TEST(LambdaEmulator, OversizedResponseIsRefusedNamingItsSizeOrWrittenToAFile) {
  REQUIRE_EMULATOR();
  Function f("oversized");
  // 36,000 pairs with long ids as CSV text (5.5 MB in) answer 7 MB of JSON records: over Lambda's 6 MB.
  std::string csv = "left_id,right_id,left_title,right_title,left_description,right_description,left_brand,right_brand,left_price,right_price\\n";
  const std::string pad(56, 'x');
  for (int i = 0; i < 36000; ++i) csv += "l" + pad + std::to_string(i) + ",r" + pad + std::to_string(i) + ",usb cable,usb cable,,,,,1,1\\n";
  Invoked r = f.invoke("{\"records\": \"" + csv + "\"}");
  auto d = parse(r.body);
  ASSERT_TRUE(d.HasMember("errorType")) << r.body.substr(0, 300);
  EXPECT_STREQ(d["errorType"].GetString(), "onnxfn.ResourceLimit");
  const std::string message = d["errorMessage"].GetString();
  EXPECT_NE(message.find("6291556"), std::string::npos) << message;
  EXPECT_NE(message.find("\"output\""), std::string::npos) << message;
  const fs::path out = f.dir / "out.jsonl";
  r = f.invoke("{\"records\": \"" + csv + "\", \"output\": \"" + out.string() + "\"}");
  d = parse(r.body);
  ASSERT_TRUE(d.HasMember("rows")) << r.body;
  EXPECT_EQ(d["rows"].GetUint64(), 36000u);
  EXPECT_EQ(count(read_file(out), "\n"), 36000u);
}

// A pair job far longer than the function's timeout.
struct LongJob {
  fs::path data = lambda_temp_dir("long_job_data");
  std::string event;
  LongJob() {
    write_product_tables(data, 1000, 1'000'000);
    event = "{\"job\":{\"left\":\"" + (data / "left.csv").string() + "\",\"right\":\"" + (data / "right.csv").string() +
            "\",\"pairs\":\"" + (data / "pairs.csv").string() + "\",\"output\":\"" + (data / "out.jsonl").string() + "\",\"chunk_size\":5000}}";
  }
};

TEST(LambdaEmulator, LongBatchStopsBeforeTheDeadlineAndWritesNoPartialOutput) {
  REQUIRE_EMULATOR();
#ifndef ONNXFN_SHIPPED_BUILD
  // Reading a million pairs under the sanitizers can take the whole 3 s timeout by itself.
  GTEST_SKIP() << "timing test: runs on the Release build";
#endif
  LongJob job;
  Function f("deadline", {{"AWS_LAMBDA_FUNCTION_TIMEOUT", "3"}});
  const auto start = std::chrono::steady_clock::now();
  Invoked r = f.invoke(job.event);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto d = parse(r.body);
  ASSERT_TRUE(d.HasMember("errorType")) << r.body;
  EXPECT_STREQ(d["errorType"].GetString(), "onnxfn.ResourceLimit") << r.body;
  EXPECT_NE(std::string(d["errorMessage"].GetString()).find("deadline: stopped"), std::string::npos) << r.body;
  EXPECT_LT(seconds, 3.0);
  EXPECT_FALSE(fs::exists(job.data / "out.jsonl"));
  // The function answered in time: the same process serves the next call (no timeout, no re-init).
  r = f.invoke("{\"records\": [" + kSamePair + "]}");
  EXPECT_TRUE(parse(r.body).HasMember("records")) << r.body;
  const std::string log = f.rie->log();
  EXPECT_EQ(count(log, "\"message\":\"init\""), 1u) << log;
  EXPECT_EQ(log.find("Task timed out"), std::string::npos) << log;
}

// Starts the long job, waits until the bootstrap is working on it, and signals it.
Invoked signal_mid_invocation(Function& f, const std::string& event, int signal) {
  auto pending = std::async(std::launch::async, [&] { return f.invoke(event); });
  pid_t pid = 0;
  // The emulator starts the bootstrap on the first call; a loaded machine can take seconds.
  for (int i = 0; i < 1000 && !pid; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    pid = f.rie->bootstrap_pid();
  }
  // Init done (its log line written; a loaded machine can take seconds), then the job running.
  for (int i = 0; i < 1000 && count(f.rie->log(), "\"message\":\"init\"") == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_GT(pid, 0);
  if (pid > 0) ::kill(pid, signal);
  return pending.get();
}

TEST(LambdaEmulator, CrashMidInvocationFailsThatCallAndTheNextCallReinits) {
  REQUIRE_EMULATOR();
  LongJob job;
  Function f("crash");
  const Invoked r = signal_mid_invocation(f, job.event, SIGKILL);
  EXPECT_NE(r.body.find("Runtime.ExitError"), std::string::npos) << r.status << " " << r.body;
  const Invoked next = f.invoke("{\"records\": [" + kSamePair + "]}");
  EXPECT_TRUE(parse(next.body).HasMember("records")) << next.body;
  EXPECT_EQ(count(f.rie->log(), "\"message\":\"init\""), 2u);
}

TEST(LambdaEmulator, TimeoutFailsThatCallAndTheNextCallReinits) {
  REQUIRE_EMULATOR();
  LongJob job;
  Function f("timeout", {{"AWS_LAMBDA_FUNCTION_TIMEOUT", "2"}});
  // A stopped process cannot watch its deadline: the emulator's own timeout ends the call.
  const Invoked r = signal_mid_invocation(f, job.event, SIGSTOP);
  EXPECT_NE(r.body.find("Task timed out"), std::string::npos) << r.status << " " << r.body;
  const Invoked next = f.invoke("{\"records\": [" + kSamePair + "]}");
  EXPECT_TRUE(parse(next.body).HasMember("records")) << next.body;
  EXPECT_EQ(count(f.rie->log(), "\"message\":\"init\""), 2u);
}

}  // namespace
}  // namespace onnxfn
