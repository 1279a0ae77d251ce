// UTF-8 decoding (maximal-subpart replacement), encoding, character properties and the utf8proc
// normalisation pass used by every text function.
#include "frame/text/unicode.h"

#include <utf8proc.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "common/error.h"

namespace onnxfn::text {

namespace {

// Length of the ASCII prefix, eight bytes at a time: product titles are mostly ASCII, and every
// function here has a fast path for it.
size_t ascii_prefix(std::string_view bytes) {
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, bytes.data() + i, 8);
    if (chunk & 0x8080808080808080ULL) break;
  }
  while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) < 0x80) ++i;
  return i;
}

// Decodes one code point at `bytes[i]` (not ASCII) following the well-formed byte sequences of
// Unicode 15.0 Table 3-7. Returns the number of bytes consumed; on an ill-formed sequence `cp` is
// U+FFFD, `ok` is false and the count is the length of the maximal subpart (at least 1), so
// decoding resumes at the first byte that cannot continue the sequence.
size_t decode_one(std::string_view bytes, size_t i, char32_t& cp, bool& ok) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  const unsigned char lead = byte(i);
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    cp = lead & 0x0F;
    if (lead == 0xE0) lo = 0xA0;  // no overlong forms
    if (lead == 0xED) hi = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    cp = lead & 0x07;
    if (lead == 0xF0) lo = 0x90;  // no overlong forms
    if (lead == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    cp = kReplacementCharacter;  // 80..C1, F5..FF can start nothing
    ok = false;
    return 1;
  }
  size_t k = 1;
  for (; k <= need; ++k) {
    if (i + k >= bytes.size()) break;
    const unsigned char b = byte(i + k);
    const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
    if (b < min || b > max) break;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (k <= need) {
    cp = kReplacementCharacter;
    ok = false;
    return k;
  }
  ok = true;
  return need + 1;
}

constexpr size_t kMaxRetainedScratch = size_t{1} << 20;

bool has_category(char32_t cp, std::initializer_list<utf8proc_category_t> categories) {
  const utf8proc_category_t c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  for (const auto want : categories)
    if (c == want) return true;
  return false;
}

}  // namespace

bool is_ascii(std::string_view bytes) { return ascii_prefix(bytes) == bytes.size(); }

bool is_valid_utf8(std::string_view bytes) {
  size_t i = ascii_prefix(bytes);
  while (i < bytes.size()) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    bool ok;
    i += decode_one(bytes, i, cp, ok);
    if (!ok) return false;
  }
  return true;
}

void decode_utf8(std::string_view bytes, std::u32string& out) {
  size_t i = 0;
  while (i < bytes.size()) {
    const size_t ascii = ascii_prefix(bytes.substr(i));
    for (size_t k = 0; k < ascii; ++k) out.push_back(static_cast<char32_t>(bytes[i + k]));
    i += ascii;
    if (i == bytes.size()) break;
    char32_t cp;
    bool ok;
    i += decode_one(bytes, i, cp, ok);
    out.push_back(cp);
  }
}

std::u32string decode_utf8(std::string_view bytes) {
  std::u32string out;
  out.reserve(bytes.size());
  decode_utf8(bytes, out);
  return out;
}

void append_utf8(char32_t cp, std::string& out) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = kReplacementCharacter;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void encode_utf8(std::u32string_view cps, std::string& out) {
  for (const char32_t cp : cps) append_utf8(cp, out);
}

std::string encode_utf8(std::u32string_view cps) {
  std::string out;
  out.reserve(cps.size());
  encode_utf8(cps, out);
  return out;
}

std::string sanitize_utf8(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size() + 8);
  size_t i = 0;
  while (i < bytes.size()) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      out.push_back(bytes[i++]);
      continue;
    }
    char32_t cp;
    bool ok;
    const size_t n = decode_one(bytes, i, cp, ok);
    if (ok)
      out.append(bytes.substr(i, n));
    else
      append_utf8(kReplacementCharacter, out);
    i += n;
  }
  return out;
}

bool is_white_space(char32_t cp) {
  // PropList.txt (Unicode 15.0), White_Space: the complete list.
  switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool is_letter(char32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  return has_category(cp, {UTF8PROC_CATEGORY_LU, UTF8PROC_CATEGORY_LL, UTF8PROC_CATEGORY_LT,
                           UTF8PROC_CATEGORY_LM, UTF8PROC_CATEGORY_LO});
}

bool is_mark(char32_t cp) {
  if (cp < 0x80) return false;
  return has_category(cp, {UTF8PROC_CATEGORY_MN, UTF8PROC_CATEGORY_MC, UTF8PROC_CATEGORY_ME});
}

bool is_nonspacing_mark(char32_t cp) {
  return cp >= 0x300 && has_category(cp, {UTF8PROC_CATEGORY_MN});
}

bool is_number(char32_t cp) {
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  return has_category(cp, {UTF8PROC_CATEGORY_ND, UTF8PROC_CATEGORY_NL, UTF8PROC_CATEGORY_NO});
}

bool is_punctuation(char32_t cp) {
  return has_category(cp, {UTF8PROC_CATEGORY_PC, UTF8PROC_CATEGORY_PD, UTF8PROC_CATEGORY_PS,
                           UTF8PROC_CATEGORY_PE, UTF8PROC_CATEGORY_PI, UTF8PROC_CATEGORY_PF,
                           UTF8PROC_CATEGORY_PO});
}

bool is_ideographic(char32_t cp) {
  return (cp >= 0x3040 && cp <= 0x309F)      // Hiragana
         || (cp >= 0x3400 && cp <= 0x4DBF)   // CJK Unified Ideographs Extension A
         || (cp >= 0x4E00 && cp <= 0x9FFF)   // CJK Unified Ideographs
         || (cp >= 0xF900 && cp <= 0xFAFF)   // CJK Compatibility Ideographs
         || (cp >= 0x20000 && cp <= 0x323AF);  // Extensions B..H and the compatibility supplement
}

char32_t simple_lower(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if (cp > 0x10FFFF) return cp;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
}

char32_t simple_upper(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
  if (cp > 0x10FFFF) return cp;
  return static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(cp)));
}

namespace {

void transform_general(std::string_view bytes, const TextTransform& how, std::u32string& out);

// Latin text. A fifth of product titles carry an accented letter or two ("Müller", "Škoda"), and
// utf8proc's decompose-and-compose costs about a microsecond on such a title, several times the
// rest of its preparation. Below U+0250 (Latin-1 Supplement, Latin Extended-A and -B) every code
// point is a starter whose decomposition begins with its base letter, and no two Latin letters
// compose with each other (UAX #15: starter pairs compose only in Hangul and a few Indic scripts),
// so on text made only of such code points the transform is the concatenation of each code
// point's own transform. Those are cached per flag combination the first time a code point is met:
// up to two output code points, each below U+0250 or a combining diacritic (U+0300..U+036F) —
// anything else marks the code point as not cached, and text containing it takes the general path.
// Each entry is one 64-bit atomic: bits 0-1 state (0 unknown, 1 cached, 2 general path), bits 2-4
// the output length, then 10 bits per output code point.
constexpr char32_t kLatinEnd = 0x250;
constexpr size_t kLatinEntries = kLatinEnd - 0x80;
std::atomic<uint64_t> latin_table[16][kLatinEntries];

uint64_t latin_entry(char32_t cp, const TextTransform& how) {
  const unsigned flags = (how.case_fold ? 1u : 0u) | (how.compatibility ? 2u : 0u) |
                         (how.strip_nonspacing_marks ? 4u : 0u) | (how.compose ? 8u : 0u);
  std::atomic<uint64_t>& slot = latin_table[flags][cp - 0x80];
  uint64_t entry = slot.load(std::memory_order_relaxed);
  if (entry != 0) return entry;
  std::string utf8;
  append_utf8(cp, utf8);
  std::u32string single;
  transform_general(utf8, how, single);
  // Two bytes in, at most two code points out (transform_latin sizes its output by bytes); the
  // first a starter, so that nothing reorders or composes across code points.
  entry = 1 | (uint64_t{single.size()} << 2);
  bool cacheable = single.size() <= 2 && (single.empty() || single[0] < kLatinEnd);
  for (size_t k = 0; k < single.size() && cacheable; ++k) {
    const char32_t c = single[k];
    cacheable = c < kLatinEnd || (c >= 0x300 && c < 0x370);
    entry |= uint64_t{c} << (8 + 10 * k);
  }
  if (!cacheable) entry = 2;
  slot.store(entry, std::memory_order_relaxed);  // every thread computes the same value
  return entry;
}

// Appends the transform of `bytes` if it is well-formed UTF-8 made of ASCII and cached Latin code
// points; otherwise leaves `out` as it was and returns false.
bool transform_latin(std::string_view bytes, const TextTransform& how, std::u32string& out) {
  const size_t start = out.size();
  out.resize(start + bytes.size());  // never more code points than bytes (see latin_entry)
  size_t n = start;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b < 0x80) {
      out[n++] = how.case_fold && b >= 'A' && b <= 'Z' ? char32_t{b} + 32 : char32_t{b};
      continue;
    }
    const auto next = i + 1 < bytes.size() ? static_cast<unsigned char>(bytes[i + 1]) : 0;
    const char32_t cp = (char32_t{b & 0x1Fu} << 6) | (next & 0x3Fu);
    if (b < 0xC2 || b > 0xC9 || (next & 0xC0) != 0x80 || cp >= kLatinEnd) {
      out.resize(start);
      return false;
    }
    const uint64_t entry = latin_entry(cp, how);
    if ((entry & 3) != 1) {
      out.resize(start);
      return false;
    }
    const size_t length = (entry >> 2) & 7;
    for (size_t k = 0; k < length; ++k) out[n++] = static_cast<char32_t>((entry >> (8 + 10 * k)) & 0x3FF);
    ++i;
  }
  out.resize(n);
  return true;
}

}  // namespace

void transform_without_shortcuts(std::string_view bytes, const TextTransform& how, std::u32string& out) {
  transform_general(bytes, how, out);
}

void transform(std::string_view bytes, const TextTransform& how, std::u32string& out) {
  if (is_ascii(bytes)) {
    const size_t start = out.size();
    out.resize(start + bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i) {
      const auto c = static_cast<char32_t>(bytes[i]);
      out[start + i] = how.case_fold && c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
    return;
  }
  if (transform_latin(bytes, how, out)) return;
  transform_general(bytes, how, out);
}

namespace {

void transform_general(std::string_view bytes, const TextTransform& how, std::u32string& out) {
  // utf8proc rejects ill-formed input, so replace first (the common valid case copies nothing).
  std::string sanitized;
  if (!is_valid_utf8(bytes)) {
    sanitized = sanitize_utf8(bytes);
    bytes = sanitized;
  }
  int options = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE;
  if (how.case_fold) options |= UTF8PROC_CASEFOLD;
  if (how.compatibility) options |= UTF8PROC_COMPAT;
  // Per-thread scratch: normalisation runs once per record, and reusing the buffer keeps it
  // from allocating per call.
  thread_local std::vector<utf8proc_int32_t> buffer;
  // Decomposition rarely more than triples the code-point count; utf8proc reports the size it
  // needs when the buffer is too small, and we retry once with that.
  if (buffer.size() < bytes.size() * 3 + 16) buffer.resize(bytes.size() * 3 + 16);
  const auto* data = reinterpret_cast<const utf8proc_uint8_t*>(bytes.data());
  const auto length = static_cast<utf8proc_ssize_t>(bytes.size());
  utf8proc_ssize_t n = utf8proc_decompose(data, length, buffer.data(),
                                          static_cast<utf8proc_ssize_t>(buffer.size()),
                                          static_cast<utf8proc_option_t>(options));
  if (n > static_cast<utf8proc_ssize_t>(buffer.size())) {
    buffer.resize(static_cast<size_t>(n));
    n = utf8proc_decompose(data, length, buffer.data(), n, static_cast<utf8proc_option_t>(options));
  }
  if (n < 0)
    throw_error(ErrorKind::Internal,
                std::string("Unicode normalisation failed: ") + utf8proc_errmsg(n));
  if (how.strip_nonspacing_marks) {
    utf8proc_ssize_t kept = 0;
    for (utf8proc_ssize_t i = 0; i < n; ++i)
      if (!is_nonspacing_mark(static_cast<char32_t>(buffer[static_cast<size_t>(i)])))
        buffer[static_cast<size_t>(kept++)] = buffer[static_cast<size_t>(i)];
    n = kept;
  }
  if (how.compose) {
    const auto compose = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    n = utf8proc_normalize_utf32(buffer.data(), n, compose);
    if (n < 0)
      throw_error(ErrorKind::Internal,
                  std::string("Unicode composition failed: ") + utf8proc_errmsg(n));
  }
  out.reserve(out.size() + static_cast<size_t>(n));
  for (utf8proc_ssize_t i = 0; i < n; ++i)
    out.push_back(static_cast<char32_t>(buffer[static_cast<size_t>(i)]));
  // One huge value must not pin its scratch (12 bytes per input byte) for the thread's lifetime.
  if (buffer.size() > kMaxRetainedScratch) std::vector<utf8proc_int32_t>().swap(buffer);
}

}  // namespace

}  // namespace onnxfn::text
