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
#include <utility>
#include <type_traits>
#include <vector>

#include "frame/text/pattern_masks.h"
#include "frame/text/similarity.h"

namespace onnxfn::text {

namespace {

// One DP column of a pattern of at most 64 code points, in one word each for the vertical deltas.
struct SingleWord {
  uint64_t vp = ~uint64_t{0}, vn = 0;
  uint64_t last;  // the bit of the pattern's last position
  size_t score;   // the distance so far: D[m][j]

  explicit SingleWord(size_t m) : last(uint64_t{1} << (m - 1)), score(m) {}

  // Advances by one text character, given the pattern positions it matches.
  [[gnu::always_inline]] void step(uint64_t row) {
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
};

// Pattern of at most 64 code points: one word per column. Masks: PatternMasks or NarrowMasks.
template <class Masks>
size_t hyyro_single_word(const Masks& masks, size_t m, std::u32string_view text) {
  SingleWord column(m);
  for (const char32_t c : text) {
    if constexpr (std::is_same_v<Masks, detail::PatternMasks>) column.step(masks.row(c)[0]);
    else column.step(masks.row(c));
  }
  return column.score;
}

// Two pairs' single-word loops in one: each step depends on the one before (~10 cycles of
// dependent operations per character), so one pair leaves most of the core idle, and two
// independent chains fill it. Same steps per pair, so the same distances.
void hyyro_two(const detail::NarrowMasks& masks0, size_t m0, std::u32string_view text0,
               const detail::NarrowMasks& masks1, size_t m1, std::u32string_view text1, size_t out[2]) {
  SingleWord column0(m0), column1(m1);
  const size_t both = std::min(text0.size(), text1.size());
  for (size_t i = 0; i < both; ++i) {
    column0.step(masks0.row(text0[i]));
    column1.step(masks1.row(text1[i]));
  }
  for (size_t i = both; i < text0.size(); ++i) column0.step(masks0.row(text0[i]));
  for (size_t i = both; i < text1.size(); ++i) column1.step(masks1.row(text1[i]));
  out[0] = column0.score;
  out[1] = column1.score;
}

// What the distance depends on: a and b without their common prefix and suffix (which never
// change it, and near-duplicates, the pairs that matter in matching, share long ones), the
// shorter as the pattern. (Index loops: std::mismatch over reverse iterators compiled to a
// slower loop.)
struct Trimmed {
  std::u32string_view pattern, text;
};
Trimmed trim(std::u32string_view a, std::u32string_view b) {
  size_t skip = 0;
  const size_t shorter = std::min(a.size(), b.size());
  while (skip < shorter && a[skip] == b[skip]) ++skip;
  size_t drop = 0;
  while (drop < shorter - skip && a[a.size() - 1 - drop] == b[b.size() - 1 - drop]) ++drop;
  a = a.substr(skip, a.size() - skip - drop);
  b = b.substr(skip, b.size() - skip - drop);
  if (a.size() > b.size()) std::swap(a, b);
  return {a, b};
}

double similarity_of_distance(size_t distance, size_t a_size, size_t b_size) {
  const size_t longest = std::max(a_size, b_size);
  if (longest == 0) return 1.0;
  return 1.0 - static_cast<double>(distance) / static_cast<double>(longest);
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
  const auto [pattern, text] = trim(a, b);
  if (pattern.empty()) return text.size();
  if (detail::NarrowMasks::fits(pattern)) return hyyro_single_word(detail::NarrowMasks(pattern), pattern.size(), text);
  detail::PatternMasks& masks = detail::PatternMasks::scratch();
  masks.assign(pattern);
  return pattern.size() <= 64 ? hyyro_single_word(masks, pattern.size(), text) : hyyro_blocks(masks, pattern.size(), text);
}

double levenshtein_similarity(std::u32string_view a, std::u32string_view b) {
  return similarity_of_distance(levenshtein_distance(a, b), a.size(), b.size());
}

std::optional<int64_t> levenshtein_distance(const PreparedString& a, const PreparedString& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return static_cast<int64_t>(levenshtein_distance(a.code_points(), b.code_points()));
}

std::optional<double> levenshtein_similarity(const PreparedString& a, const PreparedString& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return levenshtein_similarity(a.code_points(), b.code_points());
}

void levenshtein_similarity_2(const PreparedString& a0, const PreparedString& b0, const PreparedString& a1,
                              const PreparedString& b1, std::optional<double> out[2]) {
  if (a0.is_null() || b0.is_null() || a1.is_null() || b1.is_null()) {
    out[0] = levenshtein_similarity(a0, b0);
    out[1] = levenshtein_similarity(a1, b1);
    return;
  }
  const Trimmed t0 = trim(a0.code_points(), b0.code_points()), t1 = trim(a1.code_points(), b1.code_points());
  if (!detail::NarrowMasks::fits(t0.pattern) || !detail::NarrowMasks::fits(t1.pattern)) {
    out[0] = levenshtein_similarity(a0, b0);  // an empty, long or wide pattern: one at a time
    out[1] = levenshtein_similarity(a1, b1);
    return;
  }
  size_t distance[2];
  {
    const detail::NarrowMasks masks0(t0.pattern, 0), masks1(t1.pattern, 1);
    hyyro_two(masks0, t0.pattern.size(), t0.text, masks1, t1.pattern.size(), t1.text, distance);
  }
  out[0] = similarity_of_distance(distance[0], a0.code_points().size(), b0.code_points().size());
  out[1] = similarity_of_distance(distance[1], a1.code_points().size(), b1.code_points().size());
}

std::optional<double> exact_match(const PreparedString& a, const PreparedString& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return a.text() == b.text() ? 1.0 : 0.0;
}

}  // namespace onnxfn::text
