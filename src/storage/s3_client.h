// An S3 client over net::HttpClient and SigV4: the object operations the Store and the batch jobs
// need, with bounded retries and S3's XML errors turned into messages that say what failed.
//
//   S3Client s3(s3_config_from_environment());
//   s3.put_object("bucket", "runs/1/part-0", bytes);
//   auto r = s3.put_object("bucket", "runs/1/lease", lease, {.if_none_match = true});
//   if (!r.written) { /* someone else holds it: 412, not an exception */ }
//
// Retries (S3Config::max_attempts, full-jitter exponential backoff): connection failures and
// timeouts, HTTP 500/502/503/504, 429, and the throttling codes (SlowDown, Throttling,
// RequestTimeout...). Everything else fails at once with Error: BadInput for the caller's
// mistakes (missing key or bucket, access denied, bad credentials: 4xx), Internal otherwise.
// A conditional PUT retried after a lost response can report 412 for a write that did land: a
// caller for whom that matters (a lease) reads the object back to tell its own write apart.
// Not thread-safe: one S3Client per thread (it keeps one connection alive).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_client.h"
#include "storage/s3_xml.h"
#include "storage/sigv4.h"

namespace onnxfn::storage {

struct S3Config {
  Credentials credentials;
  std::string region = "us-east-1";
  // "" = AWS (https://BUCKET.s3.REGION.amazonaws.com, virtual-hosted); otherwise the base URL of an
  // S3-compatible server, addressed path-style (ENDPOINT/BUCKET/KEY).
  std::string endpoint;
  int max_attempts = 5;
  std::chrono::milliseconds base_backoff{100};
  std::chrono::milliseconds max_backoff{5'000};
  // Bodies are hashed and the hash signed (x-amz-content-sha256; the server checks it), except
  // bodies of at least this many bytes sent over https, which go as UNSIGNED-PAYLOAD: TLS already
  // protects them on the wire, and hashing a 16 MiB part costs more CPU than sending it.
  std::size_t unsigned_payload_min_bytes = 1u << 20;
  net::HttpClientOptions http;
};

// From AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_REGION (then
// AWS_DEFAULT_REGION, then us-east-1) and AWS_ENDPOINT_URL_S3 (then AWS_ENDPOINT_URL).
// Throws Error(BadInput) when the key pair is missing.
S3Config s3_config_from_environment();

// The x-amz-content-sha256 value for BODY sent to URL under CONFIG (see unsigned_payload_min_bytes).
std::string payload_hash_for(const S3Config& config, std::string_view url, std::string_view body);

struct S3PutOptions {
  bool if_none_match = false;  // create only if absent (If-None-Match: *)
  std::string if_match;        // replace only if the current ETag is this one (If-Match)
  std::string content_type;
};

struct S3WriteResult {
  bool written = false;  // false: the precondition failed (HTTP 412), nothing was written
  std::string etag;      // the new object's ETag when written
};

struct S3ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // > 0
};

class S3Client {
 public:
  explicit S3Client(S3Config config);

  const S3Config& config() const { return config_; }

  // The object's bytes (or the RANGE of them; a range past the end is cut at the end). A missing
  // object is Error(BadInput) "... NoSuchKey ..."; get_object_if_exists returns nullopt instead.
  std::string get_object(const std::string& bucket, const std::string& key,
                         std::optional<S3ByteRange> range = std::nullopt);
  std::optional<std::string> get_object_if_exists(const std::string& bucket, const std::string& key);
  std::optional<S3Object> head_object(const std::string& bucket, const std::string& key);
  S3WriteResult put_object(const std::string& bucket, const std::string& key, std::string_view data,
                           const S3PutOptions& options = {});
  void delete_object(const std::string& bucket, const std::string& key);  // absent: no error
  // One page of keys under PREFIX (MAX_KEYS 1..1000); TOKEN from the previous page.
  ListObjectsPage list_objects_page(const std::string& bucket, const std::string& prefix,
                                    const std::string& token = "", int max_keys = 1000,
                                    const std::string& delimiter = "");
  // Every key under PREFIX, following the pages.
  std::vector<S3Object> list_objects(const std::string& bucket, const std::string& prefix, int page_size = 1000);
  void create_bucket(const std::string& bucket);  // already owned by us: no error

  // Multipart upload, the three steps; see S3MultipartUpload for the usual way to drive them.
  std::string create_multipart_upload(const std::string& bucket, const std::string& key);
  std::string upload_part(const std::string& bucket, const std::string& key, const std::string& upload_id,
                          int part_number, std::string_view data);  // returns the part's ETag
  std::string complete_multipart_upload(const std::string& bucket, const std::string& key,
                                        const std::string& upload_id, const std::vector<CompletedPart>& parts);
  void abort_multipart_upload(const std::string& bucket, const std::string& key, const std::string& upload_id);
  // Keys of the uploads in progress under PREFIX (first 1000): to find and abort leftovers.
  std::vector<std::string> list_multipart_uploads(const std::string& bucket, const std::string& prefix);

  // Number of HTTP attempts made so far (retries included): for tests and --profile lines.
  std::uint64_t attempts() const { return attempts_; }

 private:
  struct Call;
  net::HttpResponse send(const Call& call);
  std::string object_url(const std::string& bucket, const std::string& key, std::string& canonical_uri,
                         std::string& host) const;

  S3Config config_;
  net::HttpClient http_;
  std::uint64_t attempts_ = 0;
  std::uint64_t jitter_state_;
};

// Uploads a large object in parts as they are produced: add() buffers PART_SIZE bytes (S3's
// minimum part is 5 MiB) and uploads each full part; finish() uploads the rest and completes. If
// the object is destroyed unfinished, or any step throws, the upload is aborted (no orphan parts
// left billed). An object smaller than one part is written with one plain PUT.
class S3MultipartUpload {
 public:
  S3MultipartUpload(S3Client& client, std::string bucket, std::string key,
                    std::size_t part_size = 16u << 20);
  ~S3MultipartUpload();
  S3MultipartUpload(const S3MultipartUpload&) = delete;
  S3MultipartUpload& operator=(const S3MultipartUpload&) = delete;

  void add(std::string_view data);
  std::string finish();  // returns the object's ETag
  void abort();          // idempotent

 private:
  void flush_part();

  S3Client& client_;
  std::string bucket_, key_;
  std::size_t part_size_;
  std::string buffer_;
  std::string upload_id_;
  std::vector<CompletedPart> parts_;
  bool done_ = false;
};

}  // namespace onnxfn::storage
