// The event adapters in-process: API Gateway v1/v2 and Function URL events to HTTP requests and
// back, base64, the schedule expression check, job parsing, and the deadline guard.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "common/error.h"
#include "lambda/deadline.h"
#include "lambda/http_event.h"
#include "lambda/job_event.h"
#include "schedule/expression.h"

namespace onnxfn {
namespace {

using namespace onnxfn::lambda;

rapidjson::Document parse(const char* text) {
  rapidjson::Document d;
  d.Parse(text);
  return d;
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(LambdaEvents, RestApiEventBecomesARequestWithEncodedQueryAndMultiValueHeaders) {
  auto d = parse(R"({"resource": "/{proxy+}", "path": "/v2/models/m/infer", "httpMethod": "POST",
    "headers": {"content-type": "text/csv"}, "multiValueHeaders": {"Content-Type": ["text/csv"], "X-Two": ["a", "b"]},
    "queryStringParameters": {"q": "a b"}, "multiValueQueryStringParameters": {"q": ["a b", "c&d"]},
    "requestContext": {"stage": "prod"}, "body": "x,y\n1,2\n", "isBase64Encoded": false})");
  ASSERT_EQ(http_event_version(d), 1);
  const protocol::HttpRequest r = http_request_from_event(d, 1);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/v2/models/m/infer?q=a%20b&q=c%26d");
  EXPECT_EQ(r.header("content-type"), "text/csv");
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[2].second, "b");
  EXPECT_EQ(r.body, "x,y\n1,2\n");
}

TEST(LambdaEvents, HttpApiEventDecodesBase64AndDropsANamedStage) {
  const std::string body = std::string("{\"inputs\": []}\0\xff", 16);
  const std::string event = R"({"version": "2.0", "rawPath": "/live/v2/health/ready", "rawQueryString": "a=1",
    "headers": {"accept": "application/json"}, "requestContext": {"http": {"method": "GET"}, "stage": "live"},
    "body": ")" + base64_encode(body) + R"(", "isBase64Encoded": true})";
  auto d = parse(event.c_str());
  ASSERT_EQ(http_event_version(d), 2);
  const protocol::HttpRequest r = http_request_from_event(d, 2);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/v2/health/ready?a=1");
  EXPECT_EQ(r.body, body);
  // $default stage (Function URLs, SAM's HttpApi): the path is kept whole.
  d = parse(R"({"version": "2.0", "rawPath": "/live/x", "requestContext": {"http": {"method": "GET"}, "stage": "$default"}})");
  EXPECT_EQ(http_request_from_event(d, 2).target, "/live/x");
  // Not an HTTP event; an HTTP event without a method.
  EXPECT_EQ(http_event_version(parse(R"({"records": []})")), 0);
  EXPECT_EQ(http_event_version(parse(R"({"version": "2.0", "requestContext": {}})")), 0);
  d = parse(R"({"httpMethod": "", "resource": "/"})");
  EXPECT_NE(error_of([&] { http_request_from_event(d, 1); }).find("'httpMethod' is missing"), std::string::npos);
}

TEST(LambdaEvents, ResponsesAreTextOrBase64ByContent) {
  protocol::HttpResponse text{201, {{"Content-Type", "application/json"}}, "{\"a\":\"é\"}"};
  auto d = parse(http_response_event(text).c_str());
  EXPECT_EQ(d["statusCode"].GetInt(), 201);
  EXPECT_STREQ(d["headers"]["Content-Type"].GetString(), "application/json");
  EXPECT_STREQ(d["body"].GetString(), "{\"a\":\"é\"}");
  EXPECT_FALSE(d["isBase64Encoded"].GetBool());
  protocol::HttpResponse binary{200, {{"Content-Type", "application/octet-stream"}}, std::string("\x00\xff\xfe\x01", 4)};
  d = parse(http_response_event(binary).c_str());
  EXPECT_TRUE(d["isBase64Encoded"].GetBool());
  EXPECT_EQ(base64_decode(d["body"].GetString(), "body"), binary.body);
}

TEST(LambdaEvents, Base64RoundTripsEveryLengthAndRefusesGarbage) {
  std::string bytes;
  for (int n = 0; n < 40; ++n) {
    EXPECT_EQ(base64_decode(base64_encode(bytes), "t"), bytes) << n;
    bytes += static_cast<char>(n * 37 + 11);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_NE(error_of([] { base64_decode("Zm9v!mFy", "body"); }).find("body: not base64 (character 4)"), std::string::npos);
  EXPECT_NE(error_of([] { base64_decode("Zm9vY", "body"); }).find("bad length or padding"), std::string::npos);
  EXPECT_NE(error_of([] { base64_decode("Zm=9", "body"); }).find("not base64"), std::string::npos);
}

TEST(LambdaEvents, PackageScheduleCheckIsTheScheduleParser) {
  for (const char* ok : {"cron(0 2 * * ? *)", "cron(15 10 ? * 6L 2026-2030)", "cron(0/15 8-17 ? * MON-FRI *)", "cron(0 12 L * ? *)",
                         "cron(0 9 15W * ? *)", "cron(0 9 ? * 2#1 *)", "cron(5,35 14 * JAN,jul ? *)", "rate(1 minute)", "rate(90 days)",
                         "at(2028-02-29T23:59:59)"})
    EXPECT_EQ(error_of([&] { schedule::validate_expression(ok); }), "") << ok;
  const std::pair<const char*, const char*> bad[] = {
      {"cron(0 2 * * ?)", "has 5 fields; it needs 6"},
      {"cron(60 2 * * ? *)", "cron minutes field '60': 60 is out of range 0-59"},
      {"cron(0 2 ? * 8 *)", "cron day-of-week field '8': 8 is out of range 1-7"},
      {"cron(0 2 ? ? * *)", "'?' is not allowed in month"},
      {"cron(0 2 ? * * 1969)", "1969 is out of range 1970-2199"},
      {"cron(0 2 * FOO ? *)", "'FOO' is not a number or name"},
      {"cron(0/0 2 * * ? *)", "the step after '/' must be 1 or more"},
      {"cron(0 2 * * ? *", "missing the closing ')'"},
      {"rate(5 weeks)", "unknown unit 'weeks'"},
      {"rate(2 day)", "takes the plural unit 'days'"},
      {"at(2026-13-01T00:00:00)", "needs a real local date and time"},
      {"at(2026-01-01 00:00:00)", "yyyy-mm-ddThh:mm:ss"},
  };
  // A plain variable, not a structured binding: clang 14 (the sanitizer build) cannot capture those.
  for (const auto& entry : bad) {
    const char* text = entry.first;
    EXPECT_NE(error_of([&] { schedule::validate_expression(text); }).find(entry.second), std::string::npos) << text;
  }
}

TEST(LambdaEvents, JobsResolveRelativePathsAndRefuseWhatTheyCannotRun) {
  auto d = parse(R"({"left": "a.csv", "right": "/data/b.csv", "output": "out.jsonl", "top_k": 5, "all": true})");
  const JobSpec s = parse_job(d, "job", "/var/task");
  EXPECT_EQ(s.left, "/var/task/a.csv");
  EXPECT_EQ(s.right, "/data/b.csv");
  EXPECT_EQ(s.output, "/var/task/out.jsonl");
  EXPECT_EQ(s.top_k, 5u);
  EXPECT_TRUE(s.all);
  const std::pair<const char*, const char*> bad[] = {
      {R"({"input": "r.csv"})", "\"output\" is missing"},
      {R"({"left": "a", "right": "b", "input": "c", "output": "o"})", "give either"},
      {R"({"input": "r.csv", "output": "o", "top_k": 3})", "belong to pair jobs"},
      {R"({"left": "a", "right": "b", "output": "o", "top_k": 0})", "job.top_k: expected a whole number"},
      {R"({"left": "a", "right": "b", "output": "o", "colour": 1})", "unknown key 'colour'"},
      {R"([1])", "must be a JSON object"},
  };
  for (const auto& [text, expected] : bad) {
    auto j = parse(text);
    EXPECT_NE(error_of([&] { parse_job(j, "job", "/"); }).find(expected), std::string::npos) << text;
  }
}

TEST(LambdaEvents, DeadlineGuardStopsWhenAnotherChunkWouldNotFit) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  DeadlineGuard plenty(Deadline(now_ms + 60'000), "pairs");
  EXPECT_EQ(error_of([&] { plenty.check(10, 100); }), "");
  DeadlineGuard tight(Deadline(now_ms + 100), "pairs");  // under the 300 ms margin
  EXPECT_NE(error_of([&] { tight.check(10, 100); }).find("deadline: stopped after 10 of 100 pairs"), std::string::npos);
  EXPECT_EQ(error_of([&] { tight.check(100, 100); }), "");  // the last chunk is done: nothing to stop
  DeadlineGuard late(Deadline(now_ms - 5), "pairs");
  EXPECT_NE(error_of([&] { late.begin(500); }).find("deadline: stopped before scoring 500 pairs"), std::string::npos);
  EXPECT_EQ(error_of([&] { plenty.begin(500); }), "");
  DeadlineGuard none(Deadline(), "rows");
  EXPECT_EQ(error_of([&] { none.check(1, 2); }), "");
}

}  // namespace
}  // namespace onnxfn
