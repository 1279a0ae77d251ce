// Fuzzes the S3 XML response parsers (ListObjectsV2 result, error body, multipart upload id) and
// the entity decoder: untrusted server bytes must give a value or an Error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.h"
#include "storage/s3_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view doc(reinterpret_cast<const char*>(data), size);
  try {
    const auto page = onnxfn::storage::parse_list_objects_v2(doc);
    // Invariant: a truncated page always carries the token to continue from.
    if (page.truncated && page.next_continuation_token.empty()) __builtin_trap();
  } catch (const onnxfn::Error&) {
  }
  (void)onnxfn::storage::parse_error_body(doc);
  try {
    if (onnxfn::storage::parse_upload_id(doc).empty()) __builtin_trap();
  } catch (const onnxfn::Error&) {
  }
  // Escaping then decoding gives the text back.
  if (onnxfn::storage::xml_unescape(onnxfn::storage::xml_escape(doc)) != doc) __builtin_trap();
  return 0;
}
