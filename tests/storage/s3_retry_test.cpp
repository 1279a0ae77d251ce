// S3Client's retry policy and error mapping against a scripted loopback server: throttling and 5xx
// are retried (bounded), 4xx are not, 412 is a value, and error bodies become messages.
#include <gtest/gtest.h>

#include <atomic>

#include "common/error.h"
#include "storage/s3_client.h"
#include "support/scripted_http_server.h"

namespace onnxfn::storage {
namespace {

using onnxfn::testing::ScriptedServer;

std::string reply(int status, const std::string& reason, const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra + "\r\n" + body;
}

std::string error_xml(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>" + message + "</Message></Error>";
}

S3Config config_for(const ScriptedServer& server, int attempts = 4) {
  S3Config config;
  config.credentials = {"AK", "SK", ""};
  config.endpoint = server.url("");
  config.max_attempts = attempts;
  config.base_backoff = std::chrono::milliseconds(1);
  config.max_backoff = std::chrono::milliseconds(20);
  return config;
}

TEST(S3Retry, SlowDownAndServerErrorsAreRetriedUntilSuccess) {
  std::atomic<int> calls{0};
  ScriptedServer server([&](const std::string&, int, bool&) {
    switch (++calls) {
      case 1: return reply(503, "Slow Down", error_xml("SlowDown", "Please reduce your request rate."));
      case 2: return reply(500, "Internal Server Error", error_xml("InternalError", "try again"));
      case 3: return reply(400, "Bad Request", error_xml("RequestTimeout", "idle too long"));
      default: return reply(200, "OK", "payload");
    }
  });
  S3Client client(config_for(server, 5));
  EXPECT_EQ(client.get_object("b", "k"), "payload");
  EXPECT_EQ(client.attempts(), 4u);
}

TEST(S3Retry, PersistentServerErrorEndsAfterMaxAttemptsWithTheLastError) {
  std::atomic<int> calls{0};
  ScriptedServer server([&](const std::string&, int, bool&) {
    ++calls;
    return reply(503, "Service Unavailable", error_xml("SlowDown", "Please reduce your request rate."));
  });
  S3Client client(config_for(server, 3));
  try {
    client.put_object("b", "out/part-1", "data");
    FAIL() << "a permanently throttled PUT returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Internal);
    EXPECT_STREQ(e.what(), "S3 PutObject s3://b/out/part-1: SlowDown: Please reduce your request rate. (HTTP 503)");
  }
  EXPECT_EQ(calls.load(), 3);
}

TEST(S3Retry, ClientErrorsAreNotRetried) {
  std::atomic<int> calls{0};
  ScriptedServer server([&](const std::string&, int, bool&) {
    ++calls;
    return reply(403, "Forbidden", error_xml("AccessDenied", "Access Denied"));
  });
  S3Client client(config_for(server));
  try {
    client.get_object("b", "k");
    FAIL() << "a 403 returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_STREQ(e.what(), "S3 GetObject s3://b/k: AccessDenied: Access Denied (HTTP 403)");
  }
  EXPECT_EQ(calls.load(), 1);
}

TEST(S3Retry, PreconditionFailedIsAValueAndConditionHeadersAreSent) {
  std::string seen;
  ScriptedServer server([&](const std::string& request, int, bool&) {
    seen = request;
    return reply(412, "Precondition Failed", error_xml("PreconditionFailed", "At least one of the pre-conditions"));
  });
  S3Client client(config_for(server));
  S3PutOptions options;
  options.if_match = "\"abc\"";
  const auto result = client.put_object("b", "manifest", "v2", options);
  EXPECT_FALSE(result.written);
  EXPECT_NE(seen.find("if-match: \"abc\"\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("PUT /b/manifest HTTP/1.1\r\n"), std::string::npos) << seen;
  // The payload hash is signed (not UNSIGNED-PAYLOAD): the server can check the body.
  EXPECT_NE(seen.find("x-amz-content-sha256: " + sha256_hex("v2")), std::string::npos) << seen;
  EXPECT_NE(seen.find("if-match;"), std::string::npos) << "the condition is signed too: " << seen;
  EXPECT_EQ(client.attempts(), 1u);
}

TEST(S3Retry, CompleteMultipartErrorInsideA200IsAnError) {
  ScriptedServer server([&](const std::string&, int, bool&) {
    return reply(200, "OK", error_xml("InternalError", "We encountered an internal error."));
  });
  S3Client client(config_for(server));
  EXPECT_THROW(client.complete_multipart_upload("b", "k", "id", {{1, "\"e\""}}), Error);
}

TEST(S3Signing, LargeBodiesOverHttpsGoUnsigned) {
  S3Config config;
  const std::string small(100, 'a'), large(1u << 20, 'b');
  EXPECT_EQ(payload_hash_for(config, "https://b.s3.us-east-1.amazonaws.com/k", small), sha256_hex(small));
  EXPECT_EQ(payload_hash_for(config, "https://b.s3.us-east-1.amazonaws.com/k", large), "UNSIGNED-PAYLOAD");
  // Plain http: the hash is the only integrity check, so it is always sent.
  EXPECT_EQ(payload_hash_for(config, "http://127.0.0.1:9000/b/k", large), sha256_hex(large));
  config.unsigned_payload_min_bytes = SIZE_MAX;
  EXPECT_EQ(payload_hash_for(config, "https://h/k", large), sha256_hex(large));
}

TEST(S3Retry, SessionTokenIsSent) {
  std::string seen;
  ScriptedServer server([&](const std::string& request, int, bool&) {
    seen = request;
    return reply(200, "OK", "x");
  });
  S3Config config = config_for(server);
  config.credentials.session_token = "SESSION";
  S3Client client(config);
  client.get_object("b", "k");
  EXPECT_NE(seen.find("x-amz-security-token: SESSION\r\n"), std::string::npos) << seen;
}

}  // namespace
}  // namespace onnxfn::storage
