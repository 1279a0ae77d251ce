// Levenshtein distance on code points, bit-parallel.
//
// Definition: V. I. Levenshtein, "Binary codes capable of correcting deletions, insertions and
// reversals", Soviet Physics Doklady 10(8), 1966 — the least number of insertions, deletions and
// substitutions; the textbook DP is D[i][j] = min(D[i-1][j] + 1, D[i][j-1] + 1,
// D[i-1][j-1] + [a_i ≠ b_j]) (Wagner & Fischer, J. ACM 21(1), 1974).
// Algorithm: H. Hyyrö, "A bit-vector algorithm for computing Levenshtein and Damerau edit
// distances", Nordic Journal of Computing 10, 2003 — Myers' bit-vector algorithm (J. ACM 46(3),
// 1999) adapted to global distance, which encodes a DP column as vertical +1/−1 deltas (VP/VN) in
// machine words and advances it by one text character in a few word operations: O(⌈m/64⌉·n)
// instead of O(m·n). Patterns longer than 64 use Myers' block formulation, carrying the
// horizontal deltas (HP/HN) from word to word.
// Normalised similarity 1 − d / max(|a|, |b|): e.g. P. Christen, "Data Matching", Springer 2012,
// ch. 5.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "frame/text/pattern_masks.h"
#include "frame/text/similarity.h"

namespace onnxfn::text {

namespace {

// Pattern of at most 64 code points: one word per column. Masks: PatternMasks or NarrowMasks.
template <class Masks>
size_t hyyro_single_word(const Masks& masks, size_t m, std::u32string_view text) {
  uint64_t vp = ~uint64_t{0}, vn = 0;
  const uint64_t last = uint64_t{1} << (m - 1);
  size_t score = m;
  for (const char32_t c : text) {
    uint64_t row;
    if constexpr (std::is_same_v<Masks, detail::PatternMasks>) row = masks.row(c)[0];
    else row = masks.row(c);
    const uint64_t x = row | vn;
    const uint64_t d0 = (((x & vp) + vp) ^ vp) | x;
    uint64_t hp = vn | ~(d0 | vp);
    uint64_t hn = vp & d0;
    score += (hp & last) != 0;
    score -= (hn & last) != 0;
    hp = (hp << 1) | 1;  // row 0 of the DP is 0, 1, 2, ...: every horizontal delta there is +1
    hn <<= 1;
    vp = hn | ~(d0 | hp);
    vn = hp & d0;
  }
  return score;
}

// Longer patterns: Myers (1999) §4 blocks. The +1/−1 horizontal delta leaving the bottom of one
// word enters the top of the next; the carry of the addition does not need to cross words, since
// the incoming −1 is folded into the match vector (x) instead.
size_t hyyro_blocks(const detail::PatternMasks& masks, size_t m, std::u32string_view text) {
  const size_t words = masks.words();
  thread_local std::vector<uint64_t> vp_scratch, vn_scratch;
  vp_scratch.assign(words, ~uint64_t{0});
  vn_scratch.assign(words, 0);
  uint64_t* const vp = vp_scratch.data();
  uint64_t* const vn = vn_scratch.data();
  const uint64_t last = uint64_t{1} << ((m - 1) % 64);
  size_t score = m;
  for (const char32_t c : text) {
    const uint64_t* const pm = masks.row(c);
    uint64_t hp_carry = 1, hn_carry = 0;
    for (size_t w = 0; w < words; ++w) {
      const uint64_t x = pm[w] | hn_carry;
      const uint64_t d0 = (((x & vp[w]) + vp[w]) ^ vp[w]) | x | vn[w];
      uint64_t hp = vn[w] | ~(d0 | vp[w]);
      uint64_t hn = vp[w] & d0;
      const uint64_t hp_in = hp_carry, hn_in = hn_carry;
      if (w + 1 < words) {
        hp_carry = hp >> 63;
        hn_carry = hn >> 63;
      } else {
        hp_carry = (hp & last) != 0;
        hn_carry = (hn & last) != 0;
      }
      hp = (hp << 1) | hp_in;
      hn = (hn << 1) | hn_in;
      vp[w] = hn | ~(d0 | hp);
      vn[w] = hp & d0;
    }
    score += hp_carry;
    score -= hn_carry;
  }
  return score;
}

}  // namespace

size_t levenshtein_distance(std::u32string_view a, std::u32string_view b) {
  // A common prefix or suffix never changes the distance; dropping it shortens the work, and
  // near-duplicates (the pairs that matter in matching) share long ones.
  // (Index loops: std::mismatch over reverse iterators compiled to a slower loop.)
  size_t skip = 0;
  const size_t shorter = std::min(a.size(), b.size());
  while (skip < shorter && a[skip] == b[skip]) ++skip;
  size_t drop = 0;
  while (drop < shorter - skip && a[a.size() - 1 - drop] == b[b.size() - 1 - drop]) ++drop;
  a = a.substr(skip, a.size() - skip - drop);
  b = b.substr(skip, b.size() - skip - drop);
  if (a.size() > b.size()) std::swap(a, b);  // the shorter string is the pattern
  if (a.empty()) return b.size();
  if (detail::NarrowMasks::fits(a)) return hyyro_single_word(detail::NarrowMasks(a), a.size(), b);
  detail::PatternMasks& masks = detail::PatternMasks::scratch();
  masks.assign(a);
  return a.size() <= 64 ? hyyro_single_word(masks, a.size(), b) : hyyro_blocks(masks, a.size(), b);
}

double levenshtein_similarity(std::u32string_view a, std::u32string_view b) {
  const size_t longest = std::max(a.size(), b.size());
  if (longest == 0) return 1.0;
  return 1.0 - static_cast<double>(levenshtein_distance(a, b)) / static_cast<double>(longest);
}

std::optional<int64_t> levenshtein_distance(const PreparedString& a, const PreparedString& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return static_cast<int64_t>(levenshtein_distance(a.code_points(), b.code_points()));
}

std::optional<double> levenshtein_similarity(const PreparedString& a, const PreparedString& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return levenshtein_similarity(a.code_points(), b.code_points());
}

std::optional<double> exact_match(const PreparedString& a, const PreparedString& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return a.text() == b.text() ? 1.0 : 0.0;
}

}  // namespace onnxfn::text
