// AWS Signature Version 4 for S3 requests (header form): canonical request, string to sign,
// signing key and the Authorization header, with SHA-256/HMAC from mbedTLS's libmbedcrypto.
//
//   SigningRequest r{"GET", "/bucket/key", {{"max-keys", "2"}}, {{"host", "h:9000"}}, sha256_hex("")};
//   sign_request(r, credentials, "us-east-1", "s3", amz_date(std::time(nullptr)));
//   // r.headers now also holds x-amz-date, x-amz-content-sha256, [x-amz-security-token,] authorization
//
// The path must be sent on the wire exactly as passed in canonical_uri (already URI-encoded, by
// uri_encode(key, false) for S3, which S3 does not encode a second time); query values are
// passed raw and encoded here, and canonical_query() builds the same string for the URL.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onnxfn::storage {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // AWS_SESSION_TOKEN for temporary credentials (Lambda), else ""
};

struct SigningRequest {
  std::string method;
  std::string canonical_uri;                                // URI-encoded path, starting with '/'
  std::vector<std::pair<std::string, std::string>> query;   // raw names and values
  std::vector<std::pair<std::string, std::string>> headers; // must include "host"
  std::string payload_hash;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

std::string sha256_hex(std::string_view data);
// Raw 32-byte HMAC-SHA256 of DATA under KEY.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hex(std::string_view bytes);

// RFC 3986 percent-encoding as SigV4 defines it: unreserved characters (A-Z a-z 0-9 - _ . ~) stay,
// everything else becomes %XX (upper-case hex); '/' stays when ENCODE_SLASH is false (paths).
std::string uri_encode(std::string_view text, bool encode_slash);

// "name=value&..." sorted by encoded name then value, both encoded: the canonical query string,
// also usable as the request's query.
std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);

// "YYYYMMDDTHHMMSSZ" for a UTC time.
std::string amz_date(std::time_t utc);

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // hex
  std::string authorization;  // the Authorization header value
};

// Adds x-amz-date (AMZ_DATE), x-amz-content-sha256 and, with a session token,
// x-amz-security-token to REQUEST's headers, signs every header present, and adds the
// Authorization header. Returns the intermediate strings (a server's SignatureDoesNotMatch error
// can be compared with canonical_request).
Signature sign_request(SigningRequest& request, const Credentials& credentials, std::string_view region,
                       std::string_view service, std::string_view amz_date);

}  // namespace onnxfn::storage
