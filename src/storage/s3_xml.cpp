// The S3 XML scanner and documents (see s3_xml.h).
#include "storage/s3_xml.h"

#include <charconv>

#include "common/error.h"

namespace onnxfn::storage {

namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Parses a character reference body ("#123", "#x1F") into a code point, or returns false.
bool parse_char_ref(std::string_view body, std::uint32_t& cp) {
  if (body.size() < 2 || body[0] != '#') return false;
  const bool is_hex = body[1] == 'x' || body[1] == 'X';
  const std::string_view digits = body.substr(is_hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return false;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, is_hex ? 16 : 10);
  return ec == std::errc() && end == digits.data() + digits.size() && cp <= 0x10FFFF &&
         !(cp >= 0xD800 && cp <= 0xDFFF);
}

}  // namespace

std::string xml_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const auto semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += '&';
      continue;
    }
    const std::string_view body = text.substr(i + 1, semi - i - 1);
    std::uint32_t cp = 0;
    if (body == "amp") out += '&';
    else if (body == "lt") out += '<';
    else if (body == "gt") out += '>';
    else if (body == "quot") out += '"';
    else if (body == "apos") out += '\'';
    else if (parse_char_ref(body, cp)) append_utf8(out, cp);
    else {
      out += '&';
      continue;
    }
    i = semi;
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<std::string> xml_elements(std::string_view doc, std::string_view tag, bool decode) {
  std::vector<std::string> out;
  const std::string open = "<" + std::string(tag);
  const std::string close = "</" + std::string(tag) + ">";
  std::size_t pos = 0;
  while ((pos = doc.find(open, pos)) != std::string_view::npos) {
    std::size_t after = pos + open.size();
    // "<Key>" or "<Key attr=...>" or "<Key/>", but not "<KeyCount>".
    if (after >= doc.size()) break;
    const char next = doc[after];
    if (next != '>' && next != '/' && next != ' ' && next != '\t' && next != '\n' && next != '\r') {
      pos = after;
      continue;
    }
    const auto tag_end = doc.find('>', after);
    if (tag_end == std::string_view::npos) break;
    if (doc[tag_end - 1] == '/') {
      out.emplace_back();
      pos = tag_end + 1;
      continue;
    }
    const auto end = doc.find(close, tag_end + 1);
    if (end == std::string_view::npos) break;
    const std::string_view inner = doc.substr(tag_end + 1, end - tag_end - 1);
    out.push_back(decode ? xml_unescape(inner) : std::string(inner));
    pos = end + close.size();
  }
  return out;
}

std::optional<std::string> xml_element(std::string_view doc, std::string_view tag) {
  // Only the first is needed, but documents are small: reuse the scanner.
  auto all = xml_elements(doc, tag);
  if (all.empty()) return std::nullopt;
  return std::move(all.front());
}

ListObjectsPage parse_list_objects_v2(std::string_view doc) {
  if (doc.find("<ListBucketResult") == std::string_view::npos)
    throw_error(ErrorKind::Internal, "S3 ListObjectsV2: the response is not a ListBucketResult document");
  ListObjectsPage page;
  // Raw (not unescaped) <Contents> blocks, so that a key holding "&lt;Key&gt;" stays one key.
  const std::string_view open = "<Contents>", close = "</Contents>";
  std::size_t pos = 0;
  while ((pos = doc.find(open, pos)) != std::string_view::npos) {
    const auto end = doc.find(close, pos);
    if (end == std::string_view::npos)
      throw_error(ErrorKind::Internal, "S3 ListObjectsV2: unterminated <Contents> element");
    const std::string_view block = doc.substr(pos + open.size(), end - pos - open.size());
    S3Object object;
    auto key = xml_element(block, "Key");
    if (!key) throw_error(ErrorKind::Internal, "S3 ListObjectsV2: a <Contents> element has no <Key>");
    object.key = std::move(*key);
    if (auto size = xml_element(block, "Size")) {
      const auto [p, ec] = std::from_chars(size->data(), size->data() + size->size(), object.size);
      if (ec != std::errc() || p != size->data() + size->size())
        throw_error(ErrorKind::Internal, "S3 ListObjectsV2: bad <Size> '" + *size + "' for key " + object.key);
    }
    object.etag = xml_element(block, "ETag").value_or("");
    object.last_modified = xml_element(block, "LastModified").value_or("");
    page.objects.push_back(std::move(object));
    pos = end + close.size();
  }
  for (const auto& block : xml_elements(doc, "CommonPrefixes", false))
    if (auto prefix = xml_element(block, "Prefix")) page.common_prefixes.push_back(std::move(*prefix));
  page.truncated = xml_element(doc, "IsTruncated").value_or("false") == "true";
  page.next_continuation_token = xml_element(doc, "NextContinuationToken").value_or("");
  if (page.truncated && page.next_continuation_token.empty())
    throw_error(ErrorKind::Internal, "S3 ListObjectsV2: truncated result without a NextContinuationToken");
  return page;
}

S3ErrorBody parse_error_body(std::string_view doc) {
  S3ErrorBody error;
  const auto start = doc.find("<Error>");
  if (start == std::string_view::npos) return error;
  doc = doc.substr(start);
  error.code = xml_element(doc, "Code").value_or("");
  error.message = xml_element(doc, "Message").value_or("");
  for (const char* tag : {"Key", "BucketName", "Resource"})
    if (auto value = xml_element(doc, tag)) {
      error.resource = std::move(*value);
      break;
    }
  return error;
}

std::string parse_upload_id(std::string_view doc) {
  auto id = xml_element(doc, "UploadId");
  if (!id || id->empty())
    throw_error(ErrorKind::Internal, "S3 CreateMultipartUpload: the response has no <UploadId>");
  return std::move(*id);
}

std::string complete_multipart_body(const std::vector<CompletedPart>& parts) {
  std::string out = "<CompleteMultipartUpload>";
  for (const auto& part : parts)
    out += "<Part><PartNumber>" + std::to_string(part.number) + "</PartNumber><ETag>" + xml_escape(part.etag) +
           "</ETag></Part>";
  out += "</CompleteMultipartUpload>";
  return out;
}

}  // namespace onnxfn::storage
