// AWS Signature Version 4 (see sigv4.h); follows the steps of AWS's "Signature Version 4 signing
// process": canonical request -> string to sign -> derived signing key -> HMAC. SHA-256 and HMAC
// come from mbedTLS's libmbedcrypto (already linked for TLS).
#include "storage/sigv4.h"

#include <mbedtls/md.h>
#include <mbedtls/sha256.h>

#include <algorithm>
#include <cctype>

#include "common/error.h"

namespace onnxfn::storage {

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[32];
  if (mbedtls_sha256_ret(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, 0) != 0)
    throw_error(ErrorKind::Internal, "SHA-256 failed in mbedcrypto");
  return hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char digest[32];
  if (mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), reinterpret_cast<const unsigned char*>(key.data()),
                      key.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest) != 0)
    throw_error(ErrorKind::Internal, "SigV4: HMAC-SHA256 failed in mbedcrypto");
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::string uri_encode(std::string_view text, bool encode_slash) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encode_slash)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(uri_encode(name, true), uri_encode(value, true));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string amz_date(std::time_t utc) {
  std::tm parts{};
  gmtime_r(&utc, &parts);
  char text[17];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &parts);
  return text;
}

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Canonical header values: leading and trailing spaces trimmed, inner runs of spaces made one.
std::string trim_value(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

void set_header(std::vector<std::pair<std::string, std::string>>& headers, std::string name, std::string value) {
  for (auto& [key, old] : headers)
    if (lower(key) == name) {
      old = std::move(value);
      return;
    }
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace

Signature sign_request(SigningRequest& request, const Credentials& credentials, std::string_view region,
                       std::string_view service, std::string_view date_time) {
  if (date_time.size() != 16)
    throw_error(ErrorKind::Internal, "SigV4: date '" + std::string(date_time) + "' is not YYYYMMDDTHHMMSSZ");
  set_header(request.headers, "x-amz-date", std::string(date_time));
  set_header(request.headers, "x-amz-content-sha256", request.payload_hash);
  if (!credentials.session_token.empty())
    set_header(request.headers, "x-amz-security-token", credentials.session_token);

  std::vector<std::pair<std::string, std::string>> canonical;
  for (const auto& [name, value] : request.headers) canonical.emplace_back(lower(name), trim_value(value));
  std::sort(canonical.begin(), canonical.end());
  std::string header_lines;
  std::string signed_headers;
  for (const auto& [name, value] : canonical) {
    header_lines += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }

  Signature out;
  out.canonical_request = request.method + "\n" + request.canonical_uri + "\n" + canonical_query(request.query) +
                          "\n" + header_lines + "\n" + signed_headers + "\n" + request.payload_hash;
  const std::string date(date_time.substr(0, 8));
  const std::string scope = date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  out.string_to_sign =
      "AWS4-HMAC-SHA256\n" + std::string(date_time) + "\n" + scope + "\n" + sha256_hex(out.canonical_request);
  std::string key = hmac_sha256("AWS4" + credentials.secret_access_key, date);
  key = hmac_sha256(key, region);
  key = hmac_sha256(key, service);
  key = hmac_sha256(key, "aws4_request");
  out.signature = hex(hmac_sha256(key, out.string_to_sign));
  out.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                      ",SignedHeaders=" + signed_headers + ",Signature=" + out.signature;
  request.headers.emplace_back("authorization", out.authorization);
  return out;
}

}  // namespace onnxfn::storage
