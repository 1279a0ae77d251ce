// Parsers for the small XML documents S3 answers with (ListObjectsV2 results, error bodies,
// multipart upload ids) and the one it is sent (CompleteMultipartUpload). Not a general XML
// parser: S3's responses are flat, namespace-free in practice and element-only, so a scanner for
// <Name>text</Name> pairs suffices; untrusted bytes never crash it (fuzzed: fuzz/s3_xml_fuzzer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onnxfn::storage {

struct S3Object {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;           // as S3 sends it, quotes included
  std::string last_modified;  // ISO 8601
};

struct ListObjectsPage {
  std::vector<S3Object> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_continuation_token;
};

struct S3ErrorBody {
  std::string code;     // e.g. NoSuchKey, SignatureDoesNotMatch, SlowDown
  std::string message;
  std::string resource;  // Key / BucketName / Resource when present
};

// The text of every <TAG>...</TAG> element in DOC, in order, entities decoded (unless DECODE is
// false: for blocks that hold further elements, decoded once at the leaves). Empty elements
// (<TAG/>) give "".
std::vector<std::string> xml_elements(std::string_view doc, std::string_view tag, bool decode = true);
// The first such element, or nullopt.
std::optional<std::string> xml_element(std::string_view doc, std::string_view tag);
// Decodes &amp; &lt; &gt; &quot; &apos; and numeric character references (UTF-8 out); an unknown
// or malformed reference is kept as written.
std::string xml_unescape(std::string_view text);
std::string xml_escape(std::string_view text);

// Throws Error(Internal) naming what is missing when DOC is not a ListBucketResult.
ListObjectsPage parse_list_objects_v2(std::string_view doc);
// An empty code when DOC is not an <Error> document (e.g. a proxy's HTML page).
S3ErrorBody parse_error_body(std::string_view doc);
// The UploadId of an InitiateMultipartUploadResult; throws when absent.
std::string parse_upload_id(std::string_view doc);

struct CompletedPart {
  int number = 0;
  std::string etag;
};
std::string complete_multipart_body(const std::vector<CompletedPart>& parts);

}  // namespace onnxfn::storage
