// Per-record text preparation for the similarity functions (see prepared_string.h).
#include "frame/text/prepared_string.h"

#include <algorithm>
#include <functional>
#include <limits>

#include "common/error.h"
#include "frame/text/string_functions.h"
#include "frame/text/tokenize.h"
#include "frame/text/unicode.h"

namespace onnxfn::text {

namespace {

// Per-thread scratch reused across records, so preparing a column allocates only the record's
// own buffers.
struct Scratch {
  std::u32string transformed;
  std::u32string collapsed;  // the code points, when the value does not keep them
  std::u32string padded;
  std::vector<std::string> codes;
  std::vector<TokenSpan> spans;
  std::vector<uint32_t> byte_offsets;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Q-gram set members. Up to three code points (≤ U+10FFFF, so c + 1 fits 21 bits) are packed
// exactly into 63 bits: the default trigrams never collide, and the +1 keeps grams of different
// lengths apart. Longer grams go through a multiply–xorshift chain (64-bit, collisions ~2⁻⁶⁴).
// Several times cheaper than std::hash over the bytes, and q-grams are most of the hashing here.
uint64_t qgram_key(std::u32string_view gram) {
  if (gram.size() <= 3) {
    uint64_t key = 0;
    for (const char32_t c : gram) key = (key << 21) | (uint64_t{c} + 1);
    return key;
  }
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  for (const char32_t c : gram) {
    h = (h ^ (uint64_t{c} + 1)) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
  }
  return h;
}

// Sorts and removes repeats from sets[from, end).
void make_set(std::vector<uint64_t>& sets, size_t from) {
  const auto begin = sets.begin() + static_cast<std::ptrdiff_t>(from);
  std::sort(begin, sets.end());
  sets.erase(std::unique(begin, sets.end()), sets.end());
}

// make_set for packed q-gram keys whose leading code point field (bits `shift` and up) is below
// 256, as in Latin text: a counting pass by that field, then insertion sort of the short runs
// that share a first character. About twice as fast as std::sort on a title's ~50 grams (sorting
// was the largest part of preparing q-grams). Text whose runs are long (one letter leading many
// grams) exhausts the move budget and finishes with std::sort, so the worst case stays n log n.
void make_qgram_set(std::vector<uint64_t>& sets, size_t from, unsigned shift) {
  const size_t n = sets.size() - from;
  uint64_t* const keys = sets.data() + from;
  bool small = n <= 0xFFFF;
  for (size_t i = 0; i < n && small; ++i) small = (keys[i] >> shift) < 256;
  if (!small) return make_set(sets, from);
  uint16_t start[257] = {};
  for (size_t i = 0; i < n; ++i) ++start[(keys[i] >> shift) + 1];
  for (size_t b = 1; b < 257; ++b) start[b] = static_cast<uint16_t>(start[b] + start[b - 1]);
  thread_local std::vector<uint64_t> sorted;
  sorted.resize(n);
  for (size_t i = 0; i < n; ++i) sorted[start[keys[i] >> shift]++] = keys[i];
  size_t budget = 8 * n;
  for (size_t i = 1; i < n; ++i) {
    const uint64_t x = sorted[i];
    size_t j = i;
    for (; j > 0 && sorted[j - 1] > x; --j) sorted[j] = sorted[j - 1];
    sorted[j] = x;
    if ((budget -= std::min(budget, i - j)) == 0) {
      std::sort(sorted.begin(), sorted.end());
      break;
    }
  }
  const size_t kept = static_cast<size_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
  std::copy_n(sorted.begin(), kept, keys);
  sets.resize(from + kept);
}

// ASCII white space inline (nearly every character of a product title is ASCII).
bool is_space(char32_t cp) {
  return cp < 0x80 ? cp == U' ' || (cp >= U'\t' && cp <= U'\r') : is_white_space(cp);
}

}  // namespace

uint64_t PreparedString::hash_token(std::string_view token) {
  return std::hash<std::string_view>{}(token);
}

void PreparedString::assign_null() {
  null_ = true;
  text_.clear();
  cps_.clear();
  tokens_.clear();
  sets_.clear();
  token_set_size_ = qgram_set_size_ = 0;
  model_numbers_.clear();
}

void PreparedString::assign(std::string_view raw, const PrepareOptions& options) {
  // Offsets are 32-bit to keep tokens small; a 4 GiB cell is not a product title.
  if (raw.size() >= std::numeric_limits<uint32_t>::max() / 4)
    throw_error(ErrorKind::ResourceLimit, "text value too long to prepare for similarity (" +
                                              std::to_string(raw.size()) + " bytes)");
  if (options.qgram_size > kMaxQgramSize)
    throw_error(ErrorKind::BadInput, "q-gram size must be at most " +
                                         std::to_string(kMaxQgramSize) + ", got " +
                                         std::to_string(options.qgram_size));
  assign_null();
  null_ = false;
  Scratch& s = scratch();

  // 1. Unicode.
  s.transformed.clear();
  transform(raw,
            TextTransform{.case_fold = options.case_fold,
                          .compatibility = options.compatibility,
                          .strip_nonspacing_marks = options.fold_accents,
                          .compose = true},
            s.transformed);

  // 2. Model numbers, before punctuation goes.
  s.codes.clear();
  if (options.model_numbers)
    extract_model_numbers(s.transformed, options.model_number_options, s.codes);

  // 3 + 4. Punctuation and white space. Code points not kept are built in scratch.
  const bool keep_token_list = options.tokens && options.keep_tokens;
  // Kept tokens are views into the kept code points.
  std::u32string& cps = options.keep_code_points || keep_token_list ? cps_ : s.collapsed;
  cps.clear();
  cps.reserve(s.transformed.size());
  bool pending_space = false;
  char32_t any_bits = 0;
  for (const char32_t cp : s.transformed) {
    if (is_space(cp) || (options.strip_punctuation && is_punctuation(cp))) {
      pending_space = !cps.empty();
      continue;
    }
    if (pending_space) cps.push_back(U' ');
    pending_space = false;
    cps.push_back(cp);
    any_bits |= cp;
  }
  const bool ascii = any_bits < 0x80;  // then byte offsets are code-point offsets
  if (ascii) {
    text_.resize(cps.size());
    for (size_t i = 0; i < cps.size(); ++i) text_[i] = static_cast<char>(cps[i]);
  } else {
    s.byte_offsets.resize(cps.size() + 1);
    text_.reserve(cps.size() + cps.size() / 2);
    for (size_t i = 0; i < cps.size(); ++i) {
      s.byte_offsets[i] = static_cast<uint32_t>(text_.size());
      append_utf8(cps[i], text_);
    }
    s.byte_offsets[cps.size()] = static_cast<uint32_t>(text_.size());
  }
  const auto byte_offset = [&](uint32_t cp_index) {
    return ascii ? cp_index : s.byte_offsets[cp_index];
  };

  // 5. Tokens and sets.
  s.spans.clear();
  if (options.tokens) tokenize(cps, s.spans);
  if (keep_token_list) tokens_.reserve(s.spans.size());
  sets_.reserve(s.spans.size() + (options.qgram_size ? cps.size() + 2 * options.qgram_size : 0) +
                s.codes.size());
  for (const TokenSpan& span : s.spans) {
    const uint32_t byte_begin = byte_offset(span.begin);
    const uint32_t byte_length = byte_offset(span.begin + span.length) - byte_begin;
    const uint64_t hash = hash_token(std::string_view(text_).substr(byte_begin, byte_length));
    sets_.push_back(hash);
    if (!keep_token_list) continue;
    uint64_t char_mask = 0;
    for (uint32_t k = span.begin; k < span.begin + span.length; ++k)
      char_mask |= uint64_t{1} << (cps[k] % 64);
    tokens_.push_back({byte_begin, byte_length, span.begin, span.length, hash, char_mask});
  }
  make_set(sets_, 0);
  token_set_size_ = sets_.size();

  if (options.qgram_size > 0) {
    for_each_qgram(cps, options.qgram_size, options.qgram_padding, s.padded,
                   [&](std::u32string_view gram) {
                     sets_.push_back(qgram_key(gram));
                   });
    // Up to three code points are packed 21 bits each (qgram_key); longer grams are hashed.
    if (options.qgram_size <= 3) make_qgram_set(sets_, token_set_size_, 21 * static_cast<unsigned>(options.qgram_size - 1));
    else make_set(sets_, token_set_size_);
  }
  qgram_set_size_ = sets_.size() - token_set_size_;

  for (const std::string& code : s.codes) {  // already sorted and distinct
    sets_.push_back(hash_token(code));
    model_numbers_ += code;
    model_numbers_ += ' ';
  }
  make_set(sets_, token_set_size_ + qgram_set_size_);

  // One huge value must not pin the per-thread scratch for the thread's lifetime.
  if (s.transformed.capacity() > (size_t{1} << 20)) s = Scratch{};
}

std::vector<std::string_view> PreparedString::model_numbers() const {
  std::vector<std::string_view> codes;
  const std::string_view all(model_numbers_);
  size_t start = 0;
  while (start < all.size()) {
    const size_t end = all.find(' ', start);
    codes.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  return codes;
}

}  // namespace onnxfn::text
