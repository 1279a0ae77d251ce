// S3Client and Store against a real S3-compatible server (versitygw on loopback): signing with
// payload hashes, ranges, paging, multipart, conditional writes, errors and retries.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "common/error.h"
#include "storage/store.h"
#include "net/loopback.h"
#include "versitygw.h"

namespace onnxfn::storage {
namespace {

using testing::VersityGw;

class S3 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string why_not;
    server_ = VersityGw::start(why_not).release();
    why_not_ = why_not;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_) {
      if (testing::s3_tests_required()) FAIL() << "S3 tests required (ONNXFN_REQUIRE_S3=1): " << why_not_;
      GTEST_SKIP() << why_not_;
    }
    client_ = std::make_unique<S3Client>(server_->config());
    // One bucket per test: names are lower-case, 3-63 characters.
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    bucket_ = "t-";
    for (char c : name) bucket_ += static_cast<char>(std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '-');
    bucket_ = bucket_.substr(0, 63);
    client_->create_bucket(bucket_);
  }
  std::string uri(const std::string& key) const { return "s3://" + bucket_ + "/" + key; }
  Store store(std::size_t part_size = 5u << 20, std::size_t block = 8u << 20) const {
    StoreOptions options;
    options.s3 = server_->config();
    options.multipart_part_size = part_size;
    options.read_block_size = block;
    return Store(options);
  }

  static VersityGw* server_;
  static std::string why_not_;
  std::unique_ptr<S3Client> client_;
  std::string bucket_;
};
VersityGw* S3::server_ = nullptr;
std::string S3::why_not_;

std::string pattern(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  std::mt19937 rng(seed);
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST_F(S3, PutGetHeadDeleteRoundTrip) {
  const std::string body = "id,score\n1,0.5\n";
  const auto put = client_->put_object(bucket_, "dir/a b+c&d.csv", body);  // a key that needs encoding
  EXPECT_TRUE(put.written);
  EXPECT_FALSE(put.etag.empty());
  EXPECT_EQ(client_->get_object(bucket_, "dir/a b+c&d.csv"), body);
  const auto head = client_->head_object(bucket_, "dir/a b+c&d.csv");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, body.size());
  EXPECT_EQ(head->etag, put.etag);
  client_->delete_object(bucket_, "dir/a b+c&d.csv");
  EXPECT_FALSE(client_->head_object(bucket_, "dir/a b+c&d.csv"));
  EXPECT_NO_THROW(client_->delete_object(bucket_, "dir/a b+c&d.csv"));  // absent: fine
}

TEST_F(S3, EmptyAndBinaryObjects) {
  client_->put_object(bucket_, "empty", "");
  EXPECT_EQ(client_->get_object(bucket_, "empty"), "");
  const std::string bytes = pattern(100000, 7);
  client_->put_object(bucket_, "binary", bytes);
  EXPECT_EQ(client_->get_object(bucket_, "binary"), bytes);
}

TEST_F(S3, RangedGets) {
  const std::string bytes = pattern(1000, 1);
  client_->put_object(bucket_, "r", bytes);
  EXPECT_EQ(client_->get_object(bucket_, "r", S3ByteRange{10, 20}), bytes.substr(10, 20));
  EXPECT_EQ(client_->get_object(bucket_, "r", S3ByteRange{990, 100}), bytes.substr(990));
  EXPECT_EQ(client_->get_object(bucket_, "r", S3ByteRange{1000, 10}), "");
  Store s = store();
  EXPECT_EQ(s.read_range(uri("r"), 0, 1), bytes.substr(0, 1));
}

TEST_F(S3, MissingKeyAndBucketAreClearErrors) {
  EXPECT_FALSE(client_->get_object_if_exists(bucket_, "nope"));
  EXPECT_FALSE(client_->head_object(bucket_, "nope"));
  const std::string missing_key = error_of([&] { client_->get_object(bucket_, "nope"); });
  EXPECT_NE(missing_key.find("S3 GetObject s3://" + bucket_ + "/nope: NoSuchKey"), std::string::npos) << missing_key;
  EXPECT_NE(missing_key.find("HTTP 404"), std::string::npos) << missing_key;
  const std::string missing_bucket = error_of([&] { client_->put_object("no-such-bucket-x", "k", "v"); });
  EXPECT_NE(missing_bucket.find("NoSuchBucket"), std::string::npos) << missing_bucket;
  Store s = store();
  EXPECT_FALSE(s.try_read(uri("nope")));
  EXPECT_FALSE(s.exists(uri("nope")));
}

TEST_F(S3, WrongCredentialsAreAClearErrorNotARetryLoop) {
  S3Client wrong_secret(server_->config(VersityGw::kAccess, "not-the-secret"));
  const std::string bad_secret = error_of([&] { wrong_secret.put_object(bucket_, "k", "v"); });
  EXPECT_NE(bad_secret.find("SignatureDoesNotMatch"), std::string::npos) << bad_secret;
  EXPECT_NE(bad_secret.find("check AWS_SECRET_ACCESS_KEY"), std::string::npos) << bad_secret;
  EXPECT_EQ(wrong_secret.attempts(), 1u);
  S3Client wrong_key(server_->config("nobody", VersityGw::kSecret));
  std::string bad_key = error_of([&] { wrong_key.get_object(bucket_, "k"); });
  // AWS says 403 InvalidAccessKeyId, versitygw 404 XAdminUserNotFound; both name the access key.
  for (auto& c : bad_key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(bad_key.find("access key"), std::string::npos) << bad_key;
  EXPECT_NE(bad_key.find("s3 getobject s3://" + bucket_ + "/k"), std::string::npos) << bad_key;
  EXPECT_EQ(wrong_key.attempts(), 1u);
}

TEST_F(S3, ListPagesWithSmallMaxKeys) {
  for (int i = 0; i < 23; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "run/part-%05d", i);
    client_->put_object(bucket_, key, std::string(static_cast<std::size_t>(i), 'x'));
  }
  client_->put_object(bucket_, "other/x", "x");
  const auto first = client_->list_objects_page(bucket_, "run/", "", 5);
  EXPECT_EQ(first.objects.size(), 5u);
  EXPECT_TRUE(first.truncated);
  const auto all = client_->list_objects(bucket_, "run/", 5);  // 5 pages
  ASSERT_EQ(all.size(), 23u);
  for (int i = 0; i < 23; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "run/part-%05d", i);
    EXPECT_EQ(all[static_cast<std::size_t>(i)].key, key);
    EXPECT_EQ(all[static_cast<std::size_t>(i)].size, static_cast<std::uint64_t>(i));
  }
  Store s = store();
  const auto listed = s.list(uri("run/part-0001"));
  ASSERT_EQ(listed.size(), 10u);
  EXPECT_EQ(listed[0].location, uri("run/part-00010"));
  EXPECT_EQ(s.list(uri("none/")).size(), 0u);
}

TEST_F(S3, ConditionalWritesFailWith412BothWays) {
  Store s = store();
  const auto created = s.write_if_absent(uri("lease-1"), "run-a");
  ASSERT_TRUE(created.written);
  const auto again = s.write_if_absent(uri("lease-1"), "run-b");
  EXPECT_FALSE(again.written);  // If-None-Match: * over an existing key
  EXPECT_EQ(s.read(uri("lease-1")), "run-a");

  const auto swapped = s.write_if_match(uri("lease-1"), "run-a renewed", created.etag);
  ASSERT_TRUE(swapped.written);
  EXPECT_NE(swapped.etag, created.etag);
  EXPECT_FALSE(s.write_if_match(uri("lease-1"), "stale", created.etag).written);  // wrong If-Match
  EXPECT_EQ(s.read(uri("lease-1")), "run-a renewed");
  const auto stat = s.stat(uri("lease-1"));
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->etag, swapped.etag);
  EXPECT_EQ(stat->size, 13u);
}

TEST_F(S3, MultipartWriterAndBlockReader) {
  Store s = store(5u << 20, 3u << 20);
  const std::string bytes = pattern((12u << 20) + 12345, 3);  // three parts, the last one short
  auto writer = s.open_writer(uri("out/big.bin"));
  for (std::size_t at = 0; at < bytes.size(); at += 1000003) writer->write(std::string_view(bytes).substr(at, 1000003));
  EXPECT_FALSE(s.exists(uri("out/big.bin")));  // nothing visible before completion
  const auto result = writer->commit();
  EXPECT_TRUE(result.written);
  auto reader = s.open_reader(uri("out/big.bin"));
  EXPECT_EQ(reader->size(), bytes.size());
  std::string back;
  std::string buffer(1 << 20, '\0');
  while (std::size_t n = reader->read(buffer.data(), buffer.size())) back.append(buffer.data(), n);
  EXPECT_TRUE(back == bytes);
  EXPECT_EQ(s.stat(uri("out/big.bin"))->etag, result.etag);
}

TEST_F(S3, AbandonedMultipartUploadIsAborted) {
  Store s = store(5u << 20);
  {
    auto writer = s.open_writer(uri("out/abandoned"));
    writer->write(pattern(6u << 20, 4));  // one part uploaded
  }
  EXPECT_FALSE(s.exists(uri("out/abandoned")));
  EXPECT_TRUE(client_->list_multipart_uploads(bucket_, "out/").empty());  // none left in progress
  // Control: an upload that is not aborted is listed.
  const std::string id = client_->create_multipart_upload(bucket_, "out/open");
  EXPECT_EQ(client_->list_multipart_uploads(bucket_, "out/"), (std::vector<std::string>{"out/open"}));
  client_->abort_multipart_upload(bucket_, "out/open", id);
  EXPECT_TRUE(client_->list_multipart_uploads(bucket_, "out/").empty());
}

TEST_F(S3, SmallWriterOutputIsOnePut) {
  Store s = store();
  auto writer = s.open_writer(uri("small"));
  writer->write("abc");
  writer->commit();
  EXPECT_EQ(s.read(uri("small")), "abc");
}

TEST_F(S3, ClosedPortIsRetriedBoundedlyThenAClearError) {
  S3Config config = server_->config();
  config.endpoint = "http://127.0.0.1:" + std::to_string(net::free_loopback_port());
  config.max_attempts = 4;
  S3Client client(config);
  const auto start = std::chrono::steady_clock::now();
  const std::string message = error_of([&] { client.get_object("b", "k"); });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(client.attempts(), 4u);
  EXPECT_NE(message.find("S3 GetObject s3://b/k: gave up after 4 attempts"), std::string::npos) << message;
  EXPECT_NE(message.find("cannot connect to 127.0.0.1"), std::string::npos) << message;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(S3Config, FromEnvironment) {
  ::setenv("AWS_ACCESS_KEY_ID", "AK", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "SK", 1);
  ::setenv("AWS_SESSION_TOKEN", "TOKEN", 1);
  ::unsetenv("AWS_REGION");
  ::setenv("AWS_DEFAULT_REGION", "eu-west-3", 1);
  ::setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9/", 1);
  ::unsetenv("AWS_ENDPOINT_URL_S3");
  S3Config config = s3_config_from_environment();
  EXPECT_EQ(config.credentials.session_token, "TOKEN");
  EXPECT_EQ(config.region, "eu-west-3");
  EXPECT_EQ(config.endpoint, "http://127.0.0.1:9");
  ::setenv("AWS_REGION", "us-west-2", 1);
  ::setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:10", 1);
  config = s3_config_from_environment();
  EXPECT_EQ(config.region, "us-west-2");
  EXPECT_EQ(config.endpoint, "http://127.0.0.1:10");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  const std::string message = error_of([] { s3_config_from_environment(); });
  EXPECT_NE(message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << message;
}

// Loopback throughput of a large object through the Store, against the same through a local
// file; ONNXFN_S3_THROUGHPUT_MB sets the size (default 32 MB: the test command stays quick).
TEST_F(S3, ThroughputAgainstLocalFile) {
  const char* env = std::getenv("ONNXFN_S3_THROUGHPUT_MB");
  const std::size_t megabytes = env ? std::strtoul(env, nullptr, 10) : 32;
  const std::string bytes = pattern(megabytes << 20, 9);
  Store s = store(16u << 20, 8u << 20);
  const std::string local_path = ::testing::TempDir() + "onnxfn-throughput-" + std::to_string(getpid());
  auto seconds = [](auto&& fn) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  auto drain = [&](const std::string& location) {
    auto reader = s.open_reader(location);
    std::string buffer(1 << 20, '\0');
    std::size_t total = 0;
    while (std::size_t n = reader->read(buffer.data(), buffer.size())) total += n;
    return total;
  };
  const double s3_write = seconds([&] { s.write(uri("big"), bytes); });
  std::size_t s3_bytes = 0;
  const double s3_read = seconds([&] { s3_bytes = drain(uri("big")); });
  const double file_write = seconds([&] { s.write(local_path, bytes); });
  std::size_t file_bytes = 0;
  const double file_read = seconds([&] { file_bytes = drain(local_path); });
  s.remove(local_path);
  EXPECT_EQ(s3_bytes, bytes.size());
  EXPECT_EQ(file_bytes, bytes.size());
  const double mb = static_cast<double>(megabytes);
  std::printf("throughput for %zu MB: S3 (versitygw, loopback) write %.0f MB/s, read %.0f MB/s; "
              "local file write %.0f MB/s, read %.0f MB/s\n",
              megabytes, mb / s3_write, mb / s3_read, mb / file_write, mb / file_read);
}

}  // namespace
}  // namespace onnxfn::storage
