// Position bit masks of a pattern string, the "Peq" table of Myers' bit-parallel edit distance
// (G. Myers, "A fast bit-vector algorithm for approximate string matching based on dynamic
// programming", J. ACM 46(3), 1999) and of the bit-parallel Jaro matcher: bit i of row(c)[w] is
// set when pattern[64·w + i] == c. Internal to the similarity functions.
//
// Built once per comparison, so it must be cheap to rebuild: the tables are per-thread scratch
// that is cleared entry by entry (only the entries the previous pattern set), never wholesale.
// A character's words are contiguous, so the inner loops over words read one row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onnxfn::text::detail {

// Bits [lo, hi) of a word, 0 ≤ lo < hi ≤ 64.
inline uint64_t bit_range(size_t lo, size_t hi) {
  const uint64_t upto = hi >= 64 ? ~uint64_t{0} : (uint64_t{1} << hi) - 1;
  return upto & (~uint64_t{0} << lo);
}

class PatternMasks {
 public:
  void assign(std::u32string_view pattern);

  size_t words() const { return words_; }
  // words() masks of `c` (all zero when c is not in the pattern).
  const uint64_t* row(char32_t c) const {
    if (c < kDirect) return direct_.data() + c * words_;
    return other_row(c);
  }

  // The per-thread instance: similarity functions are called from many threads at once.
  static PatternMasks& scratch();

 private:
  static constexpr char32_t kDirect = 128;  // ASCII indexes a flat table

  const uint64_t* other_row(char32_t c) const;
  size_t slot(char32_t c) const;

  size_t words_ = 0;
  std::u32string pattern_;         // the current pattern, to clear exactly its entries
  std::vector<uint64_t> direct_;   // [c * words + word]
  std::vector<uint64_t> zeros_;    // the row of a character not in the pattern
  // Open addressing for non-ASCII code points (key 0 = empty, never a real key here).
  std::vector<char32_t> keys_;
  std::vector<uint64_t> other_;    // [slot * words + word]
  bool has_other_ = false;
};

// The common case in one word: a pattern of at most 64 code points, all below 256 (product
// titles, Latin-script text), whose masks sit in a flat per-thread table indexed by the code
// point (one alive per thread and slot at a time): no hashing, no row stride, and the table
// stays zero between uses (the destructor clears exactly the pattern's entries), so building it
// is one pass over the pattern. PatternMasks serves everything else.
class NarrowMasks {
 public:
  static constexpr size_t kMaxLength = 64;
  static constexpr char32_t kLimit = 256;

  // Whether `pattern` can use this table (an empty one cannot: nothing to match).
  static bool fits(std::u32string_view pattern) {
    if (pattern.empty() || pattern.size() > kMaxLength) return false;
    char32_t any = 0;
    for (const char32_t c : pattern) any |= c;
    return any < kLimit;
  }

  // `slot` 0 or 1: each thread has two tables, so that two patterns can be alive at once (two
  // pairs interleaved, edit_distance.cpp).
  explicit NarrowMasks(std::u32string_view pattern, size_t slot = 0) : table_(table(slot)), pattern_(pattern) {
    for (size_t i = 0; i < pattern.size(); ++i) table_[pattern[i]] |= uint64_t{1} << i;
  }
  ~NarrowMasks() {
    for (const char32_t c : pattern_) table_[c] = 0;
  }
  NarrowMasks(const NarrowMasks&) = delete;
  NarrowMasks& operator=(const NarrowMasks&) = delete;

  // The positions of `c` in the pattern (0 when absent).
  uint64_t row(char32_t c) const { return c < kLimit ? table_[c] : 0; }

 private:
  static uint64_t* table(size_t slot);  // this thread's, all zero when no NarrowMasks is alive on it

  uint64_t* const table_;
  const std::u32string_view pattern_;
};

}  // namespace onnxfn::text::detail
