// FunctionHandler in-process over the committed bundle: records arrays (decoded from their slice
// of the event) to a response or to an output file, OIP v2 with keys in any order, HTTP events
// through the handler it is given, malformed events, and the response limit.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "common/error.h"
#include "emulator.h"
#include "lambda/function_handler.h"

namespace onnxfn {
namespace {

using namespace onnxfn::testing;
using lambda::EventKind;
using lambda::FunctionHandler;

struct Handler {
  std::unique_ptr<pipeline::Predictor> predictor = pipeline::Predictor::load(product_bundle(), {.threads = 1});
  std::vector<protocol::HttpRequest> seen;
  FunctionHandler make(size_t max_response = lambda::kMaxResponseBytes) {
    return FunctionHandler(
        *predictor,
        [this](const protocol::HttpRequest& r) {
          seen.push_back(r);
          return protocol::HttpResponse{202, {{"Content-Type", "text/plain"}}, "seen " + r.method + " " + r.target};
        },
        {.max_response_bytes = max_response, .task_root = ".", .default_job = ""});
  }
};

std::string error_of(const FunctionHandler& h, const std::string& event) {
  try {
    h.handle(event, lambda::Deadline());
  } catch (const Error& e) {
    return std::string(to_string(e.kind())) + ": " + e.what();
  }
  return "";
}

const std::string kPair = pair_record("a1", "b1", "Sony WH-1000XM4 wireless headphones", "Sony WH1000XM4 wireless headphones");

TEST(LambdaHandler, RecordsArrayAnswersOrGoesToTheOutputFileWhateverTheKeyOrder) {
  Handler h;
  const FunctionHandler handler = h.make();
  lambda::HandlerResult r = handler.handle("{\"records\": [" + kPair + ", " + kPair + "]}", lambda::Deadline());
  EXPECT_EQ(r.kind, EventKind::Records);
  EXPECT_EQ(r.rows, 2u);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_TRUE(d.HasMember("records")) << r.body;
  EXPECT_EQ(d["records"].Size(), 2u);
  EXPECT_TRUE(d["records"][1]["match"].GetBool());
  const auto out = lambda_temp_dir("handler_output") / "scored.csv";
  r = handler.handle("{\"output\": \"" + out.string() + "\", \"records\": [" + kPair + "], \"note\": {\"records\": []}}", lambda::Deadline());
  EXPECT_EQ(r.body, "{\"output\":\"" + out.string() + "\",\"rows\":1}");
  const std::string csv = read_file(out);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "left_id,right_id,probability,match");
  EXPECT_NE(error_of(handler, "{\"records\": [" + kPair + "], \"output\": 7}").find("\"output\" must be a file path"), std::string::npos);
  EXPECT_NE(error_of(handler, "{\"records\": 5}").find("must be an array of objects or a CSV"), std::string::npos);
}

TEST(LambdaHandler, InferenceEventsAndHttpEventsReachTheirCodecs) {
  Handler h;
  const FunctionHandler handler = h.make();
  std::string inputs;
  for (const char* c : {"left_id", "right_id", "left_title", "right_title", "left_brand", "right_brand", "left_price", "right_price",
                        "left_description", "right_description"})
    inputs += std::string(inputs.empty() ? "" : ",") + "{\"name\":\"" + c + "\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"x y\"]}";
  // "id" and "outputs" before "inputs": the scan stops at "inputs", the codec reads them all.
  lambda::HandlerResult r =
      handler.handle("{\"id\": \"r1\", \"outputs\": [{\"name\": \"probability\"}], \"inputs\": [" + inputs + "]}", lambda::Deadline());
  EXPECT_EQ(r.kind, EventKind::Inference);
  EXPECT_NE(r.body.find("\"id\":\"r1\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"name\":\"probability\""), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("\"name\":\"match\""), std::string::npos) << r.body;
  r = handler.handle(R"({"version": "2.0", "rawPath": "/v2", "requestContext": {"http": {"method": "GET"}}, "inputs": []})", lambda::Deadline());
  EXPECT_EQ(r.kind, EventKind::HttpV2);  // an HTTP event with a stray "inputs" is still an HTTP event
  ASSERT_EQ(h.seen.size(), 1u);
  EXPECT_EQ(h.seen[0].target, "/v2");
  EXPECT_NE(r.body.find("\"statusCode\":202"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("seen GET /v2"), std::string::npos) << r.body;
}

TEST(LambdaHandler, RecordsArrayIsFoundAroundBracketsInStringsAndItsErrorsNameTheRecords) {
  Handler h;
  const FunctionHandler handler = h.make();
  const std::string tricky = pair_record("a]1", "b\\\"[1", "Sony } headphones [x]", "Sony \\\"]\\\" headphones");
  lambda::HandlerResult r = handler.handle("{\"records\": [" + tricky + ", " + kPair + "], \"note\": \"]\"}", lambda::Deadline());
  EXPECT_EQ(r.kind, EventKind::Records);
  EXPECT_EQ(r.rows, 2u);
  EXPECT_NE(r.body.find("a]1"), std::string::npos) << r.body;
  // Closed but malformed inside: the record reader names it, not a crash or a silent skip.
  const std::string e = error_of(handler, "{\"records\": [" + kPair + ", {\"left_id\": 1,}]}");
  EXPECT_NE(e.find("bad input: event \"records\": line 1, byte "), std::string::npos) << e;
  EXPECT_NE(e.find("Missing a name for object member"), std::string::npos) << e;
  // Unbalanced: RapidJSON's own scan finds it.
  EXPECT_NE(error_of(handler, "{\"records\": [" + kPair + "}").find("bad input: event: invalid JSON at byte"), std::string::npos);
}

TEST(LambdaHandler, MalformedEventsAndOversizedAnswersAreRefusedByCategory) {
  Handler h;
  const FunctionHandler handler = h.make();
  EXPECT_NE(error_of(handler, "{\"records\": [").find("bad input: event: invalid JSON at byte"), std::string::npos);
  EXPECT_NE(error_of(handler, "\"text\"").find("expected a JSON object"), std::string::npos);
  EXPECT_NE(error_of(handler, "{\"hello\": 1}").find("not one this function answers"), std::string::npos);
  EXPECT_NE(error_of(handler, "{\"detail-type\": \"Scheduled Event\", \"source\": \"aws.events\", \"detail\": {}}").find("names no job"),
            std::string::npos);
  const FunctionHandler small = h.make(100);
  const std::string e = error_of(small, "{\"records\": [" + kPair + ", " + kPair + "]}");
  EXPECT_NE(e.find("resource limit: response: "), std::string::npos) << e;
  EXPECT_NE(e.find("bytes is over Lambda's limit of 100 bytes"), std::string::npos) << e;
}

}  // namespace
}  // namespace onnxfn

namespace onnxfn {
namespace {

// A scheduled event whose job is checkpointed: an invocation with too little time left commits the
// chunks it can and fails as a ResourceLimit (so Lambda and the schedule's retry policy invoke it
// again); the retry, the same event, continues the job; the output equals a plain run's.
TEST(LambdaHandler, ScheduledCheckpointedJobContinuesAcrossInvocations) {
  Handler h;
  const FunctionHandler handler = h.make();
  const std::filesystem::path data = lambda_temp_dir("durable_job");
  write_product_tables(data, 300, 0);
  auto event_for = [&](const std::string& output, const std::string& extra) {
    return R"({"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602","detail-type":"Scheduled Event","source":"aws.events",)"
           R"("time":"2026-12-07T03:00:00Z","detail":{"job":{"left":")" +
           (data / "left.csv").string() + R"(","right":")" + (data / "right.csv").string() + R"(","output":")" + (data / output).string() +
           R"(","all":true,"chunk_size":500)" + extra + "}}}";
  };
  const lambda::HandlerResult plain = handler.handle(event_for("plain.csv", ""), lambda::Deadline());
  const std::string durable = event_for("durable.csv", R"(,"checkpoint":")" + (data / "ck").string() + "\"");
  // Already past the deadline's safety margin: no chunk fits, the job is left partial.
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  try {
    handler.handle(durable, lambda::Deadline(now_ms + 500));
    FAIL() << "expected a partial job";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ResourceLimit);
    EXPECT_NE(std::string(e.what()).find("\"status\": \"partial\""), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(data / "durable.csv"));
  const lambda::HandlerResult done = handler.handle(durable, lambda::Deadline());
  EXPECT_NE(done.body.find("\"status\": \"complete\""), std::string::npos) << done.body;
  EXPECT_EQ(read_file(data / "durable.csv"), read_file(data / "plain.csv"));
  // The same event delivered once more: a no-op that says so.
  const lambda::HandlerResult again = handler.handle(durable, lambda::Deadline());
  EXPECT_NE(again.body.find("\"status\": \"already_complete\""), std::string::npos) << again.body;
  (void)plain;
}

}  // namespace
}  // namespace onnxfn
