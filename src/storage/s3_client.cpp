// S3Client: request building, signing, retries and error mapping (see s3_client.h).
#include "storage/s3_client.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "common/error.h"
#include "net/url.h"

namespace onnxfn::storage {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string s3_uri(const std::string& bucket, const std::string& key) { return "s3://" + bucket + "/" + key; }

// The error codes S3 documents as "slow down and retry" (besides any 5xx / 429 status).
bool is_throttling_code(std::string_view code) {
  return code == "SlowDown" || code == "Throttling" || code == "ThrottlingException" || code == "RequestTimeout" ||
         code == "RequestLimitExceeded" || code == "RequestThrottled" || code == "InternalError" ||
         code == "ServiceUnavailable";
}

bool is_retryable(const net::HttpResponse& response) {
  const int s = response.status;
  if (s == 500 || s == 502 || s == 503 || s == 504 || s == 429) return true;
  if (s == 400 || s == 403) return is_throttling_code(parse_error_body(response.body).code);
  return false;
}

}  // namespace

S3Config s3_config_from_environment() {
  S3Config config;
  config.credentials.access_key_id = env("AWS_ACCESS_KEY_ID");
  config.credentials.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  config.credentials.session_token = env("AWS_SESSION_TOKEN");
  if (config.credentials.access_key_id.empty() || config.credentials.secret_access_key.empty())
    throw_error(ErrorKind::BadInput,
                "S3: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN "
                "for temporary credentials)");
  config.region = env("AWS_REGION");
  if (config.region.empty()) config.region = env("AWS_DEFAULT_REGION");
  if (config.region.empty()) config.region = "us-east-1";
  config.endpoint = env("AWS_ENDPOINT_URL_S3");
  if (config.endpoint.empty()) config.endpoint = env("AWS_ENDPOINT_URL");
  while (!config.endpoint.empty() && config.endpoint.back() == '/') config.endpoint.pop_back();
  if (!config.endpoint.empty()) net::parse_url(config.endpoint);  // a bad override fails here, by name
  return config;
}

std::string payload_hash_for(const S3Config& config, std::string_view url, std::string_view body) {
  if (body.size() >= config.unsigned_payload_min_bytes && url.rfind("https://", 0) == 0)
    return std::string(kUnsignedPayload);
  return sha256_hex(body);
}

struct S3Client::Call {
  const char* operation;  // S3's name for it, used in messages
  const char* method;
  const std::string& bucket;
  const std::string& key;  // "" for bucket-level calls
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  bool bucket_only = false;
};

S3Client::S3Client(S3Config config)
    : config_(std::move(config)),
      http_(config_.http),
      jitter_state_(static_cast<std::uint64_t>(std::time(nullptr)) * 0x9E3779B97F4A7C15ull ^
                    static_cast<std::uint64_t>(getpid())) {}

net::HttpResponse S3Client::send(const Call& call) {
  // Where the request goes: path-style on a custom endpoint (and for dotted bucket names, whose
  // virtual host would not match AWS's wildcard certificate), virtual-hosted on AWS otherwise.
  std::string base;
  std::string canonical_uri;
  const std::string encoded_key = uri_encode(call.key, false);
  if (!config_.endpoint.empty() || call.bucket.find('.') != std::string::npos) {
    base = config_.endpoint.empty() ? "https://s3." + config_.region + ".amazonaws.com" : config_.endpoint;
    canonical_uri = "/" + uri_encode(call.bucket, true) + (call.bucket_only ? "" : "/" + encoded_key);
  } else {
    base = "https://" + call.bucket + ".s3." + config_.region + ".amazonaws.com";
    canonical_uri = "/" + (call.bucket_only ? "" : encoded_key);
  }
  const std::string query = canonical_query(call.query);
  const std::string url = base + canonical_uri + (query.empty() ? "" : "?" + query);
  const std::string host = net::parse_url(url).host_header();
  const std::string payload_hash = payload_hash_for(config_, url, call.body);
  const std::string where = std::string("S3 ") + call.operation + " " +
                            (call.bucket_only ? "s3://" + call.bucket : s3_uri(call.bucket, call.key));

  std::string last_problem;
  for (int attempt = 1;; ++attempt) {
    ++attempts_;
    SigningRequest signing{call.method, canonical_uri, call.query, call.headers, payload_hash};
    signing.headers.emplace_back("host", host);
    sign_request(signing, config_.credentials, config_.region, "s3", amz_date(std::time(nullptr)));
    net::HttpHeaders headers(signing.headers.begin(), signing.headers.end());
    bool retry = false;
    net::HttpResponse response;
    try {
      response = http_.request(call.method, url, headers, call.body);
      retry = is_retryable(response);
      if (retry) {
        const auto error = parse_error_body(response.body);
        last_problem = "HTTP " + std::to_string(response.status) + (error.code.empty() ? "" : " " + error.code);
      }
    } catch (const net::NetworkError& e) {
      retry = true;
      last_problem = e.what();
    }
    if (!retry) return response;
    if (attempt >= config_.max_attempts) {
      if (response.status != 0) return response;  // the caller reports the last status
      throw_error(ErrorKind::Internal, where + ": gave up after " + std::to_string(attempt) +
                                           " attempts; last: " + last_problem);
    }
    // Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): a random wait in
    // [0, min(cap, base * 2^attempt)) spreads out clients that failed together.
    const auto ceiling = std::min<long long>(config_.max_backoff.count(),
                                             config_.base_backoff.count() << std::min(attempt - 1, 20));
    jitter_state_ += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = jitter_state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    const auto wait = ceiling > 0 ? static_cast<long long>(z % static_cast<std::uint64_t>(ceiling)) : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
}

namespace {

[[noreturn]] void fail(const char* operation, const std::string& target, const net::HttpResponse& response) {
  const S3ErrorBody error = parse_error_body(response.body);
  std::string message = std::string("S3 ") + operation + " " + target + ": ";
  if (!error.code.empty()) {
    message += error.code;
    if (!error.message.empty()) message += ": " + error.message;
  } else {
    message += response.status == 404 ? std::string("not found") : std::string("request failed");
  }
  message += " (HTTP " + std::to_string(response.status) + ")";
  if (error.code == "InvalidAccessKeyId") message += "; check AWS_ACCESS_KEY_ID";
  if (error.code == "SignatureDoesNotMatch") message += "; check AWS_SECRET_ACCESS_KEY and the region";
  if (error.code == "ExpiredToken" || error.code == "InvalidToken") message += "; refresh AWS_SESSION_TOKEN";
  throw_error(response.status >= 400 && response.status < 500 ? ErrorKind::BadInput : ErrorKind::Internal, message);
}

bool ok(const net::HttpResponse& r) { return r.status >= 200 && r.status < 300; }

}  // namespace

std::string S3Client::get_object(const std::string& bucket, const std::string& key,
                                 std::optional<S3ByteRange> range) {
  Call call{"GetObject", "GET", bucket, key, {}, {}, {}};
  if (range) {
    if (range->length == 0) return "";
    call.headers.emplace_back(
        "range", "bytes=" + std::to_string(range->offset) + "-" + std::to_string(range->offset + range->length - 1));
  }
  net::HttpResponse response = send(call);
  if (range && response.status == 416) return "";  // the range starts at or past the end
  if (!ok(response)) fail(call.operation, s3_uri(bucket, key), response);
  if (range && response.status == 200) {  // a server that ignored Range sent it all
    if (range->offset >= response.body.size()) return "";
    return response.body.substr(range->offset, range->length);
  }
  return std::move(response.body);
}

std::optional<std::string> S3Client::get_object_if_exists(const std::string& bucket, const std::string& key) {
  Call call{"GetObject", "GET", bucket, key, {}, {}, {}};
  net::HttpResponse response = send(call);
  if (response.status == 404 && parse_error_body(response.body).code != "NoSuchBucket") return std::nullopt;
  if (!ok(response)) fail(call.operation, s3_uri(bucket, key), response);
  return std::move(response.body);
}

std::optional<S3Object> S3Client::head_object(const std::string& bucket, const std::string& key) {
  Call call{"HeadObject", "HEAD", bucket, key, {}, {}, {}};
  net::HttpResponse response = send(call);
  if (response.status == 404) return std::nullopt;
  if (!ok(response)) fail(call.operation, s3_uri(bucket, key), response);
  S3Object object;
  object.key = key;
  const std::string length = response.header("content-length");
  object.size = length.empty() ? 0 : std::strtoull(length.c_str(), nullptr, 10);
  object.etag = response.header("etag");
  object.last_modified = response.header("last-modified");
  return object;
}

S3WriteResult S3Client::put_object(const std::string& bucket, const std::string& key, std::string_view data,
                                   const S3PutOptions& options) {
  Call call{"PutObject", "PUT", bucket, key, {}, {}, data};
  if (options.if_none_match) call.headers.emplace_back("if-none-match", "*");
  if (!options.if_match.empty()) call.headers.emplace_back("if-match", options.if_match);
  if (!options.content_type.empty()) call.headers.emplace_back("content-type", options.content_type);
  net::HttpResponse response = send(call);
  // 412: the precondition failed; 409 ConditionalRequestConflict: a concurrent conditional write
  // to the key won the race. Either way this write did not happen.
  if (response.status == 412 ||
      (response.status == 409 && parse_error_body(response.body).code == "ConditionalRequestConflict"))
    return {false, ""};
  if (!ok(response)) fail(call.operation, s3_uri(bucket, key), response);
  return {true, response.header("etag")};
}

void S3Client::delete_object(const std::string& bucket, const std::string& key) {
  Call call{"DeleteObject", "DELETE", bucket, key, {}, {}, {}};
  net::HttpResponse response = send(call);
  if (response.status == 404 && parse_error_body(response.body).code == "NoSuchKey") return;
  if (!ok(response)) fail(call.operation, s3_uri(bucket, key), response);
}

ListObjectsPage S3Client::list_objects_page(const std::string& bucket, const std::string& prefix,
                                            const std::string& token, int max_keys, const std::string& delimiter) {
  static const std::string no_key;
  Call call{"ListObjectsV2", "GET", bucket, no_key, {{"list-type", "2"}, {"max-keys", std::to_string(max_keys)}},
            {}, {}, true};
  call.query.emplace_back("prefix", prefix);
  if (!token.empty()) call.query.emplace_back("continuation-token", token);
  if (!delimiter.empty()) call.query.emplace_back("delimiter", delimiter);
  net::HttpResponse response = send(call);
  if (!ok(response)) fail(call.operation, s3_uri(bucket, prefix) + "*", response);
  return parse_list_objects_v2(response.body);
}

std::vector<S3Object> S3Client::list_objects(const std::string& bucket, const std::string& prefix, int page_size) {
  std::vector<S3Object> out;
  std::string token;
  for (;;) {
    ListObjectsPage page = list_objects_page(bucket, prefix, token, page_size);
    std::move(page.objects.begin(), page.objects.end(), std::back_inserter(out));
    if (!page.truncated) return out;
    if (page.next_continuation_token == token)
      throw_error(ErrorKind::Internal, "S3 ListObjectsV2 " + s3_uri(bucket, prefix) + "*: the server repeated its continuation token");
    token = std::move(page.next_continuation_token);
  }
}

void S3Client::create_bucket(const std::string& bucket) {
  static const std::string no_key;
  // Outside us-east-1, AWS wants the region named in the body.
  const std::string body =
      config_.region == "us-east-1"
          ? std::string()
          : "<CreateBucketConfiguration><LocationConstraint>" + xml_escape(config_.region) +
                "</LocationConstraint></CreateBucketConfiguration>";
  Call call{"CreateBucket", "PUT", bucket, no_key, {}, {}, body, true};
  net::HttpResponse response = send(call);
  if (response.status == 409 && parse_error_body(response.body).code == "BucketAlreadyOwnedByYou") return;
  if (!ok(response)) fail(call.operation, "s3://" + bucket, response);
}

std::string S3Client::create_multipart_upload(const std::string& bucket, const std::string& key) {
  Call call{"CreateMultipartUpload", "POST", bucket, key, {{"uploads", ""}}, {}, {}};
  net::HttpResponse response = send(call);
  if (!ok(response)) fail(call.operation, s3_uri(bucket, key), response);
  return parse_upload_id(response.body);
}

std::string S3Client::upload_part(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                  int part_number, std::string_view data) {
  Call call{"UploadPart", "PUT", bucket, key, {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}},
            {}, data};
  net::HttpResponse response = send(call);
  if (!ok(response)) fail(call.operation, s3_uri(bucket, key), response);
  std::string etag = response.header("etag");
  if (etag.empty())
    throw_error(ErrorKind::Internal, "S3 UploadPart " + s3_uri(bucket, key) + ": part " +
                                         std::to_string(part_number) + " answered without an ETag");
  return etag;
}

std::string S3Client::complete_multipart_upload(const std::string& bucket, const std::string& key,
                                                const std::string& upload_id, const std::vector<CompletedPart>& parts) {
  const std::string body = complete_multipart_body(parts);
  Call call{"CompleteMultipartUpload", "POST", bucket, key, {{"uploadId", upload_id}}, {}, body};
  net::HttpResponse response = send(call);
  // S3 may answer 200 and still report an error in the body (the work takes a while and the
  // status line was sent first).
  if (!ok(response) || !parse_error_body(response.body).code.empty())
    fail(call.operation, s3_uri(bucket, key), response);
  return xml_element(response.body, "ETag").value_or("");
}

void S3Client::abort_multipart_upload(const std::string& bucket, const std::string& key, const std::string& upload_id) {
  Call call{"AbortMultipartUpload", "DELETE", bucket, key, {{"uploadId", upload_id}}, {}, {}};
  net::HttpResponse response = send(call);
  if (response.status == 404) return;  // already gone
  if (!ok(response)) fail(call.operation, s3_uri(bucket, key), response);
}

std::vector<std::string> S3Client::list_multipart_uploads(const std::string& bucket, const std::string& prefix) {
  static const std::string no_key;
  Call call{"ListMultipartUploads", "GET", bucket, no_key, {{"uploads", ""}, {"prefix", prefix}}, {}, {}, true};
  net::HttpResponse response = send(call);
  if (!ok(response)) fail(call.operation, s3_uri(bucket, prefix) + "*", response);
  std::vector<std::string> keys;
  for (const auto& upload : xml_elements(response.body, "Upload", false))
    if (auto key = xml_element(upload, "Key")) keys.push_back(std::move(*key));
  return keys;
}

S3MultipartUpload::S3MultipartUpload(S3Client& client, std::string bucket, std::string key, std::size_t part_size)
    : client_(client), bucket_(std::move(bucket)), key_(std::move(key)), part_size_(part_size) {
  if (part_size_ < (5u << 20))
    throw_error(ErrorKind::BadInput, "S3 multipart upload to " + s3_uri(bucket_, key_) +
                                         ": parts must be at least 5 MiB (S3's minimum)");
}

S3MultipartUpload::~S3MultipartUpload() {
  try {
    abort();
  } catch (...) {
    // Best effort: a bucket lifecycle rule cleans up uploads whose abort failed.
  }
}

void S3MultipartUpload::flush_part() {
  try {
    if (upload_id_.empty()) upload_id_ = client_.create_multipart_upload(bucket_, key_);
    const int number = static_cast<int>(parts_.size()) + 1;
    if (number > 10000)
      throw_error(ErrorKind::ResourceLimit, "S3 multipart upload to " + s3_uri(bucket_, key_) +
                                                ": more than 10,000 parts (raise the part size)");
    parts_.push_back({number, client_.upload_part(bucket_, key_, upload_id_, number, buffer_)});
    buffer_.clear();
  } catch (...) {
    abort();
    throw;
  }
}

void S3MultipartUpload::add(std::string_view data) {
  if (done_) throw_error(ErrorKind::Internal, "S3 multipart upload to " + s3_uri(bucket_, key_) + ": already finished");
  while (!data.empty()) {
    const std::size_t take = std::min(data.size(), part_size_ - buffer_.size());
    buffer_.append(data.substr(0, take));
    data.remove_prefix(take);
    if (buffer_.size() == part_size_) flush_part();
  }
}

std::string S3MultipartUpload::finish() {
  if (done_) throw_error(ErrorKind::Internal, "S3 multipart upload to " + s3_uri(bucket_, key_) + ": already finished");
  if (upload_id_.empty()) {  // smaller than one part: a plain PUT
    done_ = true;
    return client_.put_object(bucket_, key_, buffer_).etag;
  }
  if (!buffer_.empty()) flush_part();
  try {
    std::string etag = client_.complete_multipart_upload(bucket_, key_, upload_id_, parts_);
    done_ = true;
    return etag;
  } catch (...) {
    abort();
    throw;
  }
}

void S3MultipartUpload::abort() {
  if (done_) return;
  done_ = true;
  buffer_.clear();
  if (!upload_id_.empty()) client_.abort_multipart_upload(bucket_, key_, upload_id_);
}

}  // namespace onnxfn::storage
