// Per-record text preparation for the similarity functions (see prepared_string.h).
#include "frame/text/prepared_string.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <functional>
#include <limits>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/error.h"
#include "frame/text/pattern_masks.h"
#include "frame/text/string_functions.h"
#include "frame/text/tokenize.h"
#include "frame/text/unicode.h"

namespace onnxfn::text {

namespace {

// Per-thread scratch reused across records: a value is built here, then copied into its own block
// (prepared_string.h). Buffers only grow (their sizes are tracked separately), so the loops below
// write by index without per-character capacity checks.
struct Scratch {
  std::u32string transformed;
  std::vector<char32_t> cps;
  std::string text;
  std::u32string padded;
  std::vector<std::string> codes;
  std::vector<TokenSpan> spans;
  std::vector<uint8_t> token_kinds;  // the ASCII path's: kTokenLetters | kTokenDigits per span
  std::string latin;  // Latin text transformed to ASCII, for the one-pass path
  std::vector<uint32_t> byte_offsets;
  std::vector<uint64_t> sets;
  std::vector<uint64_t> token_hashes;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

template <class Buffer>
void ensure_size(Buffer& buffer, size_t n) {
  if (buffer.size() < n) buffer.resize(std::max(n, 2 * buffer.size()));
}

// Q-gram set members. Up to three code points (≤ U+10FFFF, so c + 1 fits 21 bits) are packed
// exactly into 63 bits, which keeps grams of different lengths apart; longer grams go through a
// multiply–xorshift chain (64-bit, collisions ~2⁻⁶⁴). The packed value is then scrambled by a
// bijection (a multiplication by an odd constant), so the default trigrams still never collide,
// while the key's top bits are uniform: make_hashed_set() puts a value's ~50 grams in order with
// one counting pass on those bits. (Sorted by packed value, grams bunch under a few first
// letters.) Any order serves, as long as every value uses the same: sets are only intersected.
uint64_t scramble_qgram(uint64_t packed) {
  return packed * 0x9E3779B97F4A7C15ULL;  // odd: a bijection whose top bits depend on every bit
}

[[gnu::always_inline]] inline uint64_t qgram_key(std::u32string_view gram) {
  uint64_t h = 0;
  if (gram.size() <= 3) {
    for (const char32_t c : gram) h = (h << 21) | (uint64_t{c} + 1);
  } else {
    h = 0x9E3779B97F4A7C15ULL;
    for (const char32_t c : gram) {
      h = (h ^ (uint64_t{c} + 1)) * 0xBF58476D1CE4E5B9ULL;
      h ^= h >> 31;
    }
  }
  return scramble_qgram(h);
}

// Sorts and removes repeats from sets[from, end).
// (On pointers: the one std::sort instance make_hashed_set also uses; the binary has a size budget.)
void make_set(std::vector<uint64_t>& sets, size_t from) {
  uint64_t* const begin = sets.data() + from;
  uint64_t* const end = sets.data() + sets.size();
  std::sort(begin, end);
  sets.resize(from + static_cast<size_t>(std::unique(begin, end) - begin));
}

// make_set for keys whose top bits are uniform (qgram_key, hash_token): a counting pass on the top
// bits into about two buckets per key, then an insertion sort that has next to nothing left to
// move. About three times faster than std::sort on a title's ~50 grams, a tenth faster on a
// description's ~15 tokens (std::sort's insertion steps mispredict on nearly every hash). Keys
// that crowd into few buckets exhaust the move budget and finish with std::sort, so the worst
// case stays n log n; sets of more than 511 keys (long text) take std::sort directly. Scratch on the stack: per-thread vectors
// cost a lookup on every access.
void make_hashed_set(std::vector<uint64_t>& sets, size_t from) {
  constexpr size_t kMaxKeys = 511;  // bit_width ≤ 9: at most 2^10 buckets
  const size_t n = sets.size() - from;
  if (n < 4 || n > kMaxKeys) return make_set(sets, from);
  uint64_t* const keys = sets.data() + from;
  const unsigned bits = static_cast<unsigned>(std::bit_width(n)) + 1;  // 2n < 2^bits ≤ 4n
  const unsigned shift = 64 - bits;
  const size_t buckets = size_t{1} << bits;
  uint16_t start[1024 + 1];
  uint64_t sorted[kMaxKeys];
  std::fill_n(start, buckets + 1, uint16_t{0});
  for (size_t i = 0; i < n; ++i) ++start[(keys[i] >> shift) + 1];
  for (size_t b = 1; b <= buckets; ++b) start[b] = static_cast<uint16_t>(start[b] + start[b - 1]);
  for (size_t i = 0; i < n; ++i) sorted[start[keys[i] >> shift]++] = keys[i];
  size_t budget = 4 * n;
  for (size_t i = 1; i < n; ++i) {
    const uint64_t x = sorted[i];
    size_t j = i;
    for (; j > 0 && sorted[j - 1] > x; --j) sorted[j] = sorted[j - 1];
    sorted[j] = x;
    if ((budget -= std::min(budget, i - j)) == 0) {
      std::sort(sorted, sorted + n);
      break;
    }
  }
  const size_t kept = static_cast<size_t>(std::unique(sorted, sorted + n) - sorted);
  std::copy_n(sorted, kept, keys);
  sets.resize(from + kept);
}

// Byte classes of the one-pass ASCII path: white space (is_space), word characters (tokenize.h:
// letters and digits; kinds as in extract_ascii_model_numbers), anything else.
namespace ascii_class {  // 0: anything else
constexpr uint8_t kLetter = kTokenLetters, kDigit = kTokenDigits, kSpace = 4;
}  // namespace ascii_class
constexpr auto kAsciiClass = [] {
  std::array<uint8_t, 256> table{};
  for (unsigned c = 0; c < 256; ++c) {
    if (c == ' ' || (c >= '\t' && c <= '\r')) table[c] = ascii_class::kSpace;
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) table[c] = ascii_class::kLetter;
    else if (c >= '0' && c <= '9') table[c] = ascii_class::kDigit;
  }
  return table;
}();

// Step 1's options, and its result in `out` (replacing what it held).
TextTransform transform_options(const PrepareOptions& options) {
  return TextTransform{.case_fold = options.case_fold,
                       .compatibility = options.compatibility,
                       .strip_nonspacing_marks = options.fold_accents,
                       .compose = true};
}
void transform_into(std::string_view raw, const TextTransform& how, std::u32string& out) {
  out.clear();
  transform(raw, how, out);
}

// Step 1 + 4 of the one-pass path: `plain` (ASCII) folded, with white-space runs collapsed to one
// space and the ends trimmed, into `text`; returns its length. Scalar form: every byte is written,
// and the position advances unless the byte is white space after white space (or at the start),
// without a branch: where spaces and capitals fall is unpredictable, and a branchy loop spent
// most of its time in mispredictions.
size_t fold_ascii_scalar(std::string_view plain, bool case_fold, char* text) {
  const unsigned fold_bit = case_fold ? 0x20 : 0;  // on ASCII, full case folding is this
  size_t n = 0;
  bool after_space = true;
  for (const char byte : plain) {
    const auto c = static_cast<unsigned char>(byte);
    const bool space = kAsciiClass[c] == ascii_class::kSpace;
    const unsigned upper = static_cast<unsigned>(c - 'A') < 26u ? fold_bit : 0;
    text[n] = static_cast<char>(space ? ' ' : c + upper);
    n += !(space & after_space);
    after_space = space;
  }
  if (n > 0 && after_space) --n;
  return n;
}

#if defined(__SSE2__)
// Most text has nothing to collapse: its only white space is single ' ' between other bytes.
// Such text is folded 16 bytes a step, and its length kept; false (text then written in part)
// for anything else, which the scalar form does.
bool fold_ascii_single_spaced(std::string_view plain, bool case_fold, char* text) {
  const size_t size = plain.size();
  if (size == 0 || plain.back() == ' ') return false;
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i below_tab = _mm_set1_epi8('\t' - 1), above_cr = _mm_set1_epi8('\r' + 1);
  const __m128i below_a = _mm_set1_epi8('A' - 1), above_z = _mm_set1_epi8('Z' + 1);
  const __m128i fold_bit = _mm_set1_epi8(case_fold ? 0x20 : 0);
  uint32_t space_before = 1;  // a leading space is not between other bytes
  for (size_t i = 0; i < size; i += 16) {
    const size_t left = size - i;
    alignas(16) char tail[16] = {};
    if (left < 16) std::memcpy(tail, plain.data() + i, left);
    const __m128i c = left >= 16 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(plain.data() + i))
                                 : _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
    const uint32_t valid = left >= 16 ? 0xFFFF : (1u << left) - 1;
    // ASCII only (the caller checked), so signed byte compares order it correctly.
    const __m128i control = _mm_and_si128(_mm_cmpgt_epi8(c, below_tab), _mm_cmplt_epi8(c, above_cr));
    const uint32_t spaces = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(c, space))) & valid;
    if ((static_cast<uint32_t>(_mm_movemask_epi8(control)) & valid) != 0) return false;
    if ((spaces & ((spaces << 1) | space_before)) != 0) return false;  // two in a row, or leading
    space_before = (spaces >> 15) & 1;
    const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(c, below_a), _mm_cmplt_epi8(c, above_z));
    const __m128i folded = _mm_add_epi8(c, _mm_and_si128(upper, fold_bit));
    if (left >= 16) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(text + i), folded);
    } else {
      _mm_store_si128(reinterpret_cast<__m128i*>(tail), folded);
      std::memcpy(text + i, tail, left);
    }
  }
  return true;
}
#endif

size_t fold_ascii(std::string_view plain, bool case_fold, char* text) {
#if defined(__SSE2__)
  if (fold_ascii_single_spaced(plain, case_fold, text)) return plain.size();
#endif
  return fold_ascii_scalar(plain, case_fold, text);
}

// Step 5 on the one-pass path: the runs of letters and digits of text[0, n) (readable, and zero,
// up to the next multiple of 64 past n) into `spans` (room for n / 2 + 1), with their kinds
// (kTokenLetters | kTokenDigits; only when `kinds` is not null); returns their number. Per 64-byte
// window, masks of letter and digit bytes (16 bytes a compare with SSE2); token edges are where
// the word mask changes, found a set bit at a time, so the work is per token rather than per byte.
size_t ascii_tokens(const char* text, size_t n, TokenSpan* spans, uint8_t* kinds) {
  thread_local std::vector<uint64_t> letter_masks, digit_masks;
  const size_t windows = (n + 63) / 64;
  if (letter_masks.size() < windows) {
    letter_masks.resize(windows);
    digit_masks.resize(windows);
  }
  size_t begun = 0, ended = 0;
  uint64_t carry = 0;  // the last byte of the window before was a word byte
  // A token's end comes after its start: in a later window, or in the same one, whose starts are
  // recorded first.
  const auto end_at = [&](size_t position) {
    spans[ended].length = static_cast<uint32_t>(position) - spans[ended].begin;
    ++ended;
  };
  for (size_t w = 0; w < windows; ++w) {
    const char* const p = text + 64 * w;
    uint64_t letters = 0, digits = 0;
#if defined(__SSE2__)
    const __m128i case_bit = _mm_set1_epi8(0x20);
    const __m128i below_a = _mm_set1_epi8('a' - 1), above_z = _mm_set1_epi8('z' + 1);
    const __m128i below_0 = _mm_set1_epi8('0' - 1), above_9 = _mm_set1_epi8('9' + 1);
    for (size_t k = 0; k < 4; ++k) {
      const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i lower = _mm_or_si128(c, case_bit);  // a letter either way exactly when a letter
      const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, below_a), _mm_cmplt_epi8(lower, above_z));
      const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(c, below_0), _mm_cmplt_epi8(c, above_9));
      letters |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(letter))) << (16 * k);
      digits |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(digit))) << (16 * k);
    }
#else
    for (size_t i = 0; i < 64; ++i) {
      const uint8_t cls = kAsciiClass[static_cast<unsigned char>(p[i])];
      letters |= static_cast<uint64_t>((cls & ascii_class::kLetter) != 0) << i;
      digits |= static_cast<uint64_t>((cls & ascii_class::kDigit) != 0) << i;
    }
#endif
    letter_masks[w] = letters;
    digit_masks[w] = digits;
    const uint64_t word = letters | digits;
    const uint64_t before = (word << 1) | carry;  // bit i: byte i − 1 is a word byte
    carry = word >> 63;
    for (uint64_t bits = word & ~before; bits != 0; bits &= bits - 1)
      spans[begun++].begin = static_cast<uint32_t>(64 * w + static_cast<size_t>(std::countr_zero(bits)));
    for (uint64_t bits = ~word & before; bits != 0; bits &= bits - 1)
      end_at(64 * w + static_cast<size_t>(std::countr_zero(bits)));
  }
  if (carry != 0) end_at(n);  // a word up to a window's end
  for (size_t k = 0; kinds != nullptr && k < ended; ++k) {
    const size_t begin = spans[k].begin, end = begin + spans[k].length;
    uint8_t kind = 0;
    for (size_t w = begin / 64; 64 * w < end; ++w) {
      const uint64_t range = detail::bit_range(std::max(begin, 64 * w) - 64 * w, std::min(end, 64 * w + 64) - 64 * w);
      kind |= static_cast<uint8_t>(((letter_masks[w] & range) != 0 ? kTokenLetters : 0) |
                                   ((digit_masks[w] & range) != 0 ? kTokenDigits : 0));
    }
    kinds[k] = kind;
  }
  return ended;
}

// ASCII white space inline (nearly every character of a product title is ASCII).
bool is_space(char32_t cp) {
  return cp < 0x80 ? cp == U' ' || (cp >= U'\t' && cp <= U'\r') : is_white_space(cp);
}

// Steps 2–4 of the general path, after step 1 (s.transformed): model numbers, punctuation and
// white space, the UTF-8 text and, unless it is ASCII, the byte offset of each code point; returns
// the number of code points. Text that is not ASCII after step 1 (Latin letters that fold to ASCII
// take the one-pass path) is rare in product data, and this path is utf8proc-bound anyway:
// compiled for size (the binary has a size budget).
[[gnu::cold, gnu::noinline]] size_t general_steps(const PrepareOptions& options, Scratch& s) {
  // 2. Model numbers, before punctuation goes.
  if (options.model_numbers) extract_model_numbers(s.transformed, options.model_number_options, s.codes);
  // 3 + 4. Punctuation and white space.
  ensure_size(s.cps, s.transformed.size());
  char32_t* const cps = s.cps.data();
  size_t n = 0;
  bool pending_space = false;
  char32_t any_bits = 0;
  for (const char32_t cp : s.transformed) {
    if (is_space(cp) || (options.strip_punctuation && is_punctuation(cp))) {
      pending_space = n != 0;
      continue;
    }
    if (pending_space) cps[n++] = U' ';
    pending_space = false;
    cps[n++] = cp;
    any_bits |= cp;
  }
  const bool ascii = any_bits < 0x80;
  s.text.clear();
  if (!ascii) s.byte_offsets.resize(n + 1);
  for (size_t i = 0; i < n; ++i) {
    if (!ascii) s.byte_offsets[i] = static_cast<uint32_t>(s.text.size());
    append_utf8(cps[i], s.text);
  }
  if (!ascii) s.byte_offsets[n] = static_cast<uint32_t>(s.text.size());
  return n;
}

// Q-grams other than the default padded trigrams (which assign rolls inline), appended to `sets`.
[[gnu::cold, gnu::noinline]] void other_qgrams(std::u32string_view cps, const PrepareOptions& options, Scratch& s) {
  for_each_qgram(cps, options.qgram_size, options.qgram_padding, s.padded,
                 [&](std::u32string_view gram) { s.sets.push_back(qgram_key(gram)); });
}

}  // namespace

// Eight bytes at a time through a multiply–xorshift step, the last one to seven bytes read as one
// word (overlapping loads, or three bytes that cover a 1-3 byte tail), then a finaliser. Each step
// is a bijection of the state for a given word, so two different tokens of the same length never
// share a hash; other pairs do with probability ~2⁻⁶⁴. Inline here, where std::hash (a library
// call with a byte loop) was a tenth of preparing a description's token set.
uint64_t PreparedString::hash_token(std::string_view token) {
  const char* const p = token.data();
  const size_t n = token.size();
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xC2B2AE3D27D4EB4FULL);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = (h ^ word) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 29;
  }
  if (i < n) {
    uint64_t word = 0;
    if (n - i >= 4) {
      uint32_t lo, hi;
      std::memcpy(&lo, p + i, 4);
      std::memcpy(&hi, p + n - 4, 4);
      word = lo | (uint64_t{hi} << 32);
    } else {
      word = uint64_t{static_cast<unsigned char>(p[i])} | (uint64_t{static_cast<unsigned char>(p[i + (n - i) / 2])} << 8) |
             (uint64_t{static_cast<unsigned char>(p[n - 1])} << 16);
    }
    h = (h ^ word) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 29;
  }
  h = (h ^ (h >> 32)) * 0x94D049BB133111EBULL;
  return h ^ (h >> 29);
}

std::byte* PreparedArena::allocate(size_t bytes) {
  bytes = (bytes + 7) & ~size_t{7};  // every block starts 8-aligned (its sets are uint64_t)
  if (bytes > left_) {
    // Chunks grow from 16 KiB (a request's few values) to 1 MiB (a column of titles).
    chunk_size_ = std::clamp<size_t>(2 * chunk_size_, size_t{16} << 10, size_t{1} << 20);
    const size_t size = std::max(bytes, chunk_size_);
    chunks_.emplace_back(new std::byte[size]);
    next_ = chunks_.back().get();
    left_ = size;
  }
  std::byte* const block = next_;
  next_ += bytes;
  left_ -= bytes;
  return block;
}

PreparedString& PreparedString::operator=(const PreparedString& other) {
  if (this == &other) return *this;
  if (capacity_ < other.layout_.used) {
    owned_.reset(new std::byte[other.layout_.used]);
    capacity_ = other.layout_.used;
  }
  block_ = owned_.get();  // a copy owns its block, wherever the original's lives
  if (other.layout_.used > 0) std::copy_n(other.block_, other.layout_.used, block_);
  null_ = other.null_;
  layout_ = other.layout_;
  return *this;
}

PreparedString& PreparedString::operator=(PreparedString&& other) noexcept {
  if (this == &other) return *this;
  block_ = std::exchange(other.block_, nullptr);
  owned_ = std::move(other.owned_);
  capacity_ = std::exchange(other.capacity_, 0);
  null_ = std::exchange(other.null_, true);
  layout_ = std::exchange(other.layout_, Layout{});
  return *this;
}

void PreparedString::assign_null() {
  null_ = true;
  layout_ = Layout{};
}

void PreparedString::assign(std::string_view raw, const PrepareOptions& options, PreparedArena* arena) {
  // Offsets are 32-bit to keep tokens small; a 4 GiB cell is not a product title.
  if (raw.size() >= std::numeric_limits<uint32_t>::max() / 16)
    throw_error(ErrorKind::ResourceLimit, "text value too long to prepare for similarity (" +
                                              std::to_string(raw.size()) + " bytes)");
  if (options.qgram_size > kMaxQgramSize)
    throw_error(ErrorKind::BadInput, "q-gram size must be at most " +
                                         std::to_string(kMaxQgramSize) + ", got " +
                                         std::to_string(options.qgram_size));
  assign_null();
  null_ = false;
  Scratch& s = scratch();
  s.codes.clear();
  size_t n = 0;  // code points in s.cps (= bytes of s.text when ascii)
  bool ascii = true, tokenized = false, have_cps = true;  // s.cps holds the n code points
  std::string_view plain = raw;  // the ASCII text the one-pass path reads
  bool one_pass = !options.strip_punctuation && is_ascii(raw);
  bool transformed = false;      // s.transformed holds step 1's result
  if (!one_pass && options.fast_paths) {
    transform_into(raw, transform_options(options), s.transformed);
    transformed = true;
    // Accented Latin text ("Müller", "Café": a fifth of product titles) mostly transforms to
    // ASCII; the one-pass path then gives what the steps below would on it (the transformed text
    // is folded already, and NFKC and accent folding leave ASCII as it is).
    char32_t any_bits = 0;
    for (const char32_t cp : s.transformed) any_bits |= cp;
    if (!options.strip_punctuation && any_bits < 0x80) {
      s.latin.resize(s.transformed.size());
      for (size_t i = 0; i < s.transformed.size(); ++i) s.latin[i] = static_cast<char>(s.transformed[i]);
      plain = s.latin;
      one_pass = true;
    }
  }
  if (one_pass && options.fast_paths) {
    // Steps 1 and 4 in one pass: on ASCII, case folding is the ASCII mapping and NFKC and accent
    // folding change nothing (the general path below gives the same result, and the tests
    // compare both). Model numbers read collapsed white space as they read the original: white
    // space only ever separates codes.
    // Branch-free passes: where spaces, capitals and token edges fall is unpredictable, and the
    // branchy single pass spent most of its time in mispredictions (a title has a few dozen).
    // Padded: the token pass reads whole 64-byte windows (zeros past the end: no word bytes).
    ensure_size(s.text, plain.size() + 64);
    char* const text = s.text.data();
    // (a) Fold and collapse white space.
    n = fold_ascii(plain, options.case_fold, text);
    std::fill_n(text + n, 64, '\0');
    // (b) Step 5's word tokens (tokenize.h: on ASCII, runs of letters and digits) and what each
    // holds.
    if (options.tokens) {
      const size_t most = n / 2 + 1;  // tokens are separated by at least one byte
      s.spans.resize(most);
      ensure_size(s.token_kinds, most);
      // Kinds are what model numbers read.
      s.spans.resize(ascii_tokens(text, n, s.spans.data(), options.model_numbers ? s.token_kinds.data() : nullptr));
    } else {
      s.spans.clear();
    }
    // Code points only where a later step reads them (a description's token set does not).
    have_cps = options.keep_code_points || options.keep_tokens || options.qgram_size > 0 || options.model_numbers;
    if (have_cps) {
      ensure_size(s.cps, n);
      char32_t* const cps = s.cps.data();  // a local pointer: the loop then vectorises
      for (size_t i = 0; i < n; ++i) cps[i] = static_cast<unsigned char>(text[i]);
    }
    tokenized = true;
    if (options.model_numbers && options.tokens)
      extract_ascii_model_numbers(std::string_view(text, n), s.spans, {s.token_kinds.data(), s.spans.size()},
                                  options.model_number_options, s.codes);
    else if (options.model_numbers)
      extract_model_numbers(std::u32string_view(s.cps.data(), n), options.model_number_options, s.codes);
  } else {
    if (!transformed) transform_into(raw, transform_options(options), s.transformed);
    n = general_steps(options, s);
    ascii = n == s.text.size();  // then byte offsets are code-point offsets
  }
  const std::u32string_view cps(s.cps.data(), have_cps ? n : 0);
  const size_t text_bytes = ascii ? n : s.byte_offsets[n];
  const auto byte_offset = [&](uint32_t cp_index) {
    return ascii ? cp_index : s.byte_offsets[cp_index];
  };

  // 5. Tokens and sets.
  const bool keep_token_list = options.tokens && options.keep_tokens;
  if (!options.tokens) s.spans.clear();
  else if (!tokenized) tokenize(cps, s.spans);
  std::vector<uint64_t>& sets = s.sets;
  sets.clear();
  s.token_hashes.clear();
  for (const TokenSpan& span : s.spans) {
    const uint32_t byte_begin = byte_offset(span.begin);
    const uint32_t byte_length = byte_offset(span.begin + span.length) - byte_begin;
    s.token_hashes.push_back(hash_token(std::string_view(s.text.data() + byte_begin, byte_length)));
  }
  sets.assign(s.token_hashes.begin(), s.token_hashes.end());
  make_hashed_set(sets, 0);
  const size_t token_set_size = sets.size();
  if (options.qgram_size == 3 && options.qgram_padding && !cps.empty()) {
    // The default padded trigrams, rolled: the same keys as qgram_key on each of the n + 2 grams
    // of "##" + text + "$$" (for_each_qgram), without building the padded text.
    constexpr uint64_t kField = 21, kMask = (uint64_t{1} << 63) - 1;
    sets.resize(token_set_size + cps.size() + 2);
    uint64_t* const out = sets.data() + token_set_size;
    uint64_t packed = ((uint64_t{kQgramPadBefore} + 1) << kField) | (uint64_t{kQgramPadBefore} + 1);
    size_t k = 0;
    for (const char32_t c : cps) {
      packed = ((packed << kField) | (uint64_t{c} + 1)) & kMask;
      out[k++] = scramble_qgram(packed);
    }
    for (int pad = 0; pad < 2; ++pad) {
      packed = ((packed << kField) | (uint64_t{kQgramPadAfter} + 1)) & kMask;
      out[k++] = scramble_qgram(packed);
    }
  } else if (options.qgram_size > 0) {
    other_qgrams(cps, options, s);
  }
  if (options.qgram_size > 0) make_hashed_set(sets, token_set_size);
  const size_t qgram_set_size = sets.size() - token_set_size;
  size_t model_numbers_size = 0;
  for (const std::string& code : s.codes) {  // already sorted and distinct
    sets.push_back(hash_token(code));
    model_numbers_size += code.size() + 1;
  }
  make_set(sets, token_set_size + qgram_set_size);

  // The block (layout in prepared_string.h). Kept tokens are views into the kept code points.
  const bool keep_code_points = options.keep_code_points || keep_token_list;
  const size_t token_count = keep_token_list ? s.spans.size() : 0;
  const size_t cps_kept = keep_code_points ? n : 0;
  const size_t tokens_offset = sets.size() * sizeof(uint64_t);
  const size_t cps_offset = tokens_offset + token_count * sizeof(Token);
  const size_t text_offset = cps_offset + cps_kept * sizeof(char32_t);
  const size_t model_numbers_offset = text_offset + text_bytes;
  const size_t used = model_numbers_offset + model_numbers_size;
  if (used >= std::numeric_limits<uint32_t>::max())  // offsets are 32-bit
    throw_error(ErrorKind::ResourceLimit, "text value too long to prepare for similarity (" +
                                              std::to_string(raw.size()) + " bytes)");
  if (arena != nullptr) {
    block_ = arena->allocate(used);
  } else {
    if (capacity_ < used) {
      owned_.reset(new std::byte[used]);
      capacity_ = used;
    }
    block_ = owned_.get();
  }
  std::byte* const block = block_;
  if (!sets.empty()) std::memcpy(block, sets.data(), tokens_offset);
  auto* const tokens = reinterpret_cast<Token*>(block + tokens_offset);
  if (keep_token_list) {
    size_t k = 0;
    for (const TokenSpan& span : s.spans) {
      const uint32_t byte_begin = byte_offset(span.begin);
      const uint32_t byte_length = byte_offset(span.begin + span.length) - byte_begin;
      uint64_t char_mask = 0;
      for (uint32_t c = span.begin; c < span.begin + span.length; ++c)
        char_mask |= uint64_t{1} << char_class(cps[c]);
      tokens[k] = Token{byte_begin, byte_length, span.begin, span.length, s.token_hashes[k], char_mask};
      ++k;
    }
  }
  if (cps_kept > 0) std::memcpy(block + cps_offset, cps.data(), cps_kept * sizeof(char32_t));
  if (text_bytes > 0) std::memcpy(block + text_offset, s.text.data(), text_bytes);
  char* model_numbers = reinterpret_cast<char*>(block + model_numbers_offset);
  for (const std::string& code : s.codes) {
    std::memcpy(model_numbers, code.data(), code.size());
    model_numbers[code.size()] = ' ';
    model_numbers += code.size() + 1;
  }
  const auto u32 = [](size_t v) { return static_cast<uint32_t>(v); };  // all below `used`
  layout_ = Layout{.used = used,
                   .token_set_size = u32(token_set_size),
                   .qgram_set_size = u32(qgram_set_size),
                   .code_set_size = u32(sets.size() - token_set_size - qgram_set_size),
                   .token_count = u32(token_count),
                   .cps_size = u32(cps_kept),
                   .text_size = u32(text_bytes),
                   .model_numbers_size = u32(model_numbers_size),
                   .tokens_offset = u32(tokens_offset),
                   .cps_offset = u32(cps_offset),
                   .text_offset = u32(text_offset),
                   .model_numbers_offset = u32(model_numbers_offset)};

  // One huge value must not pin the per-thread scratch for the thread's lifetime.
  if (s.cps.size() > (size_t{1} << 18)) s = Scratch{};
}

std::vector<std::string_view> PreparedString::model_numbers() const {
  std::vector<std::string_view> codes;
  const std::string_view all(at<char>(layout_.model_numbers_offset), layout_.model_numbers_size);
  size_t start = 0;
  while (start < all.size()) {
    const size_t end = all.find(' ', start);
    codes.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  return codes;
}

}  // namespace onnxfn::text
