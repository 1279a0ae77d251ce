// Per-thread position bit masks of a pattern string (see pattern_masks.h).
#include "frame/text/pattern_masks.h"

#include <algorithm>

namespace onnxfn::text::detail {

PatternMasks& PatternMasks::scratch() {
  thread_local PatternMasks masks;
  return masks;
}

uint64_t* NarrowMasks::table(size_t slot) {
  thread_local uint64_t tables[2][kLimit] = {};
  return tables[slot];
}

void PatternMasks::assign(std::u32string_view pattern) {
  for (size_t i = 0; i < pattern_.size(); ++i)
    if (pattern_[i] < kDirect) direct_[pattern_[i] * words_ + i / 64] = 0;
  words_ = (pattern.size() + 63) / 64;
  // A very long pattern must not pin its tables (16+ bytes per code point) for the thread's life.
  constexpr size_t kMaxRetained = size_t{1} << 17;
  if (words_ * kDirect <= kMaxRetained && direct_.size() > kMaxRetained) {
    std::vector<uint64_t>().swap(direct_);
    std::vector<uint64_t>().swap(other_);
    std::vector<char32_t>().swap(keys_);
    std::u32string().swap(pattern_);
  }
  pattern_.assign(pattern);
  if (direct_.size() < words_ * kDirect) direct_.resize(words_ * kDirect, 0);
  if (zeros_.size() < words_) zeros_.resize(words_, 0);

  has_other_ = std::any_of(pattern.begin(), pattern.end(), [](char32_t c) { return c >= kDirect; });
  if (has_other_) {
    size_t capacity = 16;
    while (capacity < 2 * pattern.size()) capacity <<= 1;  // load factor ≤ 1/2
    keys_.assign(capacity, 0);
    other_.assign(capacity * words_, 0);
  }
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char32_t c = pattern[i];
    const uint64_t bit = uint64_t{1} << (i % 64);
    if (c < kDirect) {
      direct_[c * words_ + i / 64] |= bit;
    } else {
      const size_t s = slot(c);
      keys_[s] = c;
      other_[s * words_ + i / 64] |= bit;
    }
  }
}

size_t PatternMasks::slot(char32_t c) const {
  const size_t mask = keys_.size() - 1;
  // Fibonacci hashing: consecutive code points (one script's block) spread over the table.
  size_t s = static_cast<size_t>((uint64_t{c} * 0x9E3779B97F4A7C15ULL) >> 40) & mask;
  while (keys_[s] != 0 && keys_[s] != c) s = (s + 1) & mask;
  return s;
}

const uint64_t* PatternMasks::other_row(char32_t c) const {
  if (has_other_) {
    const size_t s = slot(c);
    if (keys_[s] == c) return other_.data() + s * words_;
  }
  return zeros_.data();
}

}  // namespace onnxfn::text::detail
