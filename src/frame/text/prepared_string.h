// PreparedString: one text value normalised, decoded and tokenised once, so that the per-pair
// similarity functions (similarity.h) reuse per-record work. Product matching compares each record
// with several candidates and computes ~10 features per pair; preparing a record costs about as
// much as all its per-pair features, so it must happen once per record, not once per pair.
//
// Preparation, in order (PrepareOptions switches each step):
//  1. decode UTF-8 (ill-formed bytes → U+FFFD), full case folding, NFKC (or NFC), accent folding
//     (nonspacing marks removed after decomposition) — unicode.h, TextTransform;
//  2. model numbers extracted (model_numbers.h; before step 3, since '-', '/', '.' join codes);
//  3. punctuation (P*) replaced by spaces, if asked;
//  4. White_Space runs collapsed to one space, ends trimmed: text() and code_points();
//  5. word tokens (tokenize.h), their set, and the set of character q-grams (string_functions.h).
// Steps 2 and 5 are optional: a caller that needs only some parts (a pipeline knows which
// functions read a column) skips the others, which are most of the cost on long text.
// Sets are stored as sorted 64-bit keys of their members (hash_token of a token's UTF-8; q-grams of
// up to three code points packed exactly and scrambled by a bijection, longer ones hashed), so set
// similarity is a merge of two short integer arrays. Two distinct hashed members share a key with
// probability ~n²/2⁶⁵, negligible for the few hundred members a value has.
// Plain ASCII text (most product data) takes a one-pass path for steps 1, 4 and 5.
//
// A default-constructed PreparedString is null (a missing value); every similarity function
// returns null when either side is null.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "frame/text/model_numbers.h"

namespace onnxfn::text {

struct PrepareOptions {
  bool case_fold = true;            // full Unicode case folding ("Straße" ≡ "STRASSE")
  bool compatibility = true;        // NFKC rather than NFC ("ＫＤＬ４０" ≡ "KDL40", "ﬁ" ≡ "fi")
  bool fold_accents = true;         // "Café" ≡ "Cafe"
  bool strip_punctuation = false;   // P* → space ("Wi-Fi" → "Wi Fi"); tokens ignore P* anyway
  bool tokens = true;               // word tokens and their set (off: token_count() is 0)
  // What a value keeps once prepared. Memory is most of the cost of preparing a column (fresh
  // pages), so a caller that needs only token sets (token_jaccard, token_cosine) drops the rest:
  bool keep_tokens = true;          // the token list (off: token_count() is 0, token_set() stays)
  bool keep_code_points = true;     // off: code_points() is empty (text() stays), unless the
                                    // token list is kept (its tokens are views into them)
  size_t qgram_size = 3;            // 0: no q-grams; else 1..kMaxQgramSize
  bool qgram_padding = true;        // see qgrams() in string_functions.h
  bool model_numbers = true;        // extract model numbers (model_numbers.h)
  ModelNumberOptions model_number_options{};
  // false: every value takes the general path (step by step), never the one-pass path of ASCII
  // text. The result is the same; the tests compare the two.
  bool fast_paths = true;
};

// Storage for the blocks of many values prepared together (a column's distinct values): carved
// from a few large chunks, so that ten thousand titles are not ten thousand allocations and
// frees (with their page faults spread over the heap). Values placed here must not outlive it.
class PreparedArena {
 public:
  std::byte* allocate(size_t bytes);  // aligned for uint64_t

 private:
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  std::byte* next_ = nullptr;
  size_t left_ = 0;        // bytes from next_ to the end of the current chunk
  size_t chunk_size_ = 0;  // of the last chunk
};

class PreparedString {
  // char_class below for ASCII, by table (a token's characters take it in turn; the tests
  // branch-wise mispredicted).
  static constexpr auto kAsciiCharClass = [] {
    std::array<uint8_t, 128> table{};
    for (unsigned c = 0; c < 128; ++c)
      table[c] = static_cast<uint8_t>(c >= 'a' && c <= 'z' ? c - 'a' : c >= '0' && c <= '9' ? 26 + (c - '0') : 36 + c % 28);
    return table;
  }();

 public:
  PreparedString() = default;  // null
  explicit PreparedString(std::string_view raw, const PrepareOptions& options = {}) {
    assign(raw, options);
  }
  PreparedString(const PreparedString& other) { *this = other; }
  PreparedString& operator=(const PreparedString& other);
  PreparedString(PreparedString&& other) noexcept { *this = std::move(other); }
  PreparedString& operator=(PreparedString&& other) noexcept;  // leaves `other` null

  // Re-prepares in place, reusing this object's storage when it is large enough, or taking new
  // storage from `arena` when one is given (which must then outlive this value's use of it).
  void assign(std::string_view raw, const PrepareOptions& options = {}, PreparedArena* arena = nullptr);
  void assign_null();

  bool is_null() const { return null_; }

  // The normalised text (valid UTF-8) and its code points.
  std::string_view text() const { return {at<char>(layout_.text_offset), layout_.text_size}; }
  std::u32string_view code_points() const { return {at<char32_t>(layout_.cps_offset), layout_.cps_size}; }

  size_t token_count() const { return layout_.token_count; }
  std::string_view token(size_t i) const {
    return text().substr(tokens()[i].byte_begin, tokens()[i].byte_length);
  }
  std::u32string_view token_code_points(size_t i) const {
    return code_points().substr(tokens()[i].cp_begin, tokens()[i].cp_length);
  }
  uint64_t token_hash(size_t i) const { return tokens()[i].hash; }
  // Bit char_class(c) for every code point c of the token: tokens whose masks are disjoint share
  // no character, which lets Monge–Elkan skip pairs whose inner similarity must be 0.
  uint64_t token_char_mask(size_t i) const { return tokens()[i].char_mask; }
  // A code point's bit in token_char_mask: one bit of its own for each ASCII lower-case letter and
  // digit (what folded product tokens are made of), the other 28 bits shared by everything else
  // (c mod 28). With c mod 64, digits shared bits with 'p'..'y', so a model number looked as if it
  // shared characters with most words, and Monge–Elkan's bounds skipped little.
  static unsigned char_class(char32_t c) { return c < 128 ? kAsciiCharClass[c] : 36 + static_cast<unsigned>(c % 28); }

  // Sorted, distinct hashes.
  std::span<const uint64_t> token_set() const { return {sets(), layout_.token_set_size}; }
  std::span<const uint64_t> qgram_set() const { return {sets() + layout_.token_set_size, layout_.qgram_set_size}; }
  std::span<const uint64_t> model_number_set() const {
    return {sets() + layout_.token_set_size + layout_.qgram_set_size, layout_.code_set_size};
  }
  // The model numbers themselves, sorted (views into this object).
  std::vector<std::string_view> model_numbers() const;

  static uint64_t hash_token(std::string_view token);

  // Asks the processor to fetch parts of this value (Prefetch flags) ahead of their use: a column
  // pass reads the values of its rows in an order no hardware prefetcher follows, and a column of
  // titles is far larger than L2, so each feature's pass otherwise waits on each value.
  enum Prefetch : uint8_t { kTokenSet = 1, kQgramSet = 2, kCodeSet = 4, kTokenList = 8, kCodePoints = 16 };
  void prefetch(uint8_t parts) const {
    const auto fetch = [this](size_t offset, size_t bytes) {
      // A few lines at most: the start of a long description is enough to hide most of the wait.
      for (size_t line = 0; line < std::min<size_t>(bytes, 512); line += 64) __builtin_prefetch(block_ + offset + line);
    };
    const size_t qgrams = layout_.token_set_size * sizeof(uint64_t);
    const size_t codes = qgrams + layout_.qgram_set_size * sizeof(uint64_t);
    if (parts & kTokenSet) fetch(0, qgrams);
    if (parts & kQgramSet) fetch(qgrams, codes - qgrams);
    if (parts & kCodeSet) fetch(codes, layout_.code_set_size * sizeof(uint64_t));
    if (parts & kTokenList) fetch(layout_.tokens_offset, layout_.token_count * sizeof(Token));
    if (parts & kCodePoints) fetch(layout_.cps_offset, layout_.cps_size * sizeof(char32_t));
  }

 private:
  struct Token {
    uint32_t byte_begin;
    uint32_t byte_length;
    uint32_t cp_begin;
    uint32_t cp_length;
    uint64_t hash;
    uint64_t char_mask;
  };

  // Everything a value holds lives in one block, in this order: the sets (token, q-gram, model
  // number), the tokens, the code points, the text, the model numbers (each followed by a space).
  // One allocation per value instead of five: a column of ten thousand titles is prepared (and
  // freed) several times faster, and a pair's similarity functions read two compact blocks.
  template <class T>
  const T* at(uint32_t offset) const {
    return reinterpret_cast<const T*>(block_ + offset);
  }
  const uint64_t* sets() const { return at<uint64_t>(0); }
  const Token* tokens() const { return at<Token>(layout_.tokens_offset); }

  // Where each part lies in block_ (offsets in bytes) and how long it is.
  struct Layout {
    size_t used = 0;  // bytes of block_ in use
    uint32_t token_set_size = 0, qgram_set_size = 0, code_set_size = 0;
    uint32_t token_count = 0, cps_size = 0, text_size = 0, model_numbers_size = 0;
    uint32_t tokens_offset = 0, cps_offset = 0, text_offset = 0, model_numbers_offset = 0;
  };

  std::byte* block_ = nullptr;  // owned_, or a block of a PreparedArena
  std::unique_ptr<std::byte[]> owned_;
  size_t capacity_ = 0;  // bytes in owned_
  bool null_ = true;
  Layout layout_;
};

}  // namespace onnxfn::text
