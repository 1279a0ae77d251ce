// Jaro and Jaro–Winkler similarity on code points, with bit-parallel matching.
//
// Jaro: M. A. Jaro, "Advances in record-linkage methodology as applied to matching the 1985
// census of Tampa, Florida", JASA 84(406), 1989. With m matching characters — a character of a
// matches an equal, not yet matched character of b at most ⌊max(|a|,|b|)/2⌋ − 1 positions away,
// taken leftmost first, scanning a in order — and t half the number of matched characters that
// differ when both sides' matches are read in order (integer division, as in the Census Bureau's
// strcmp95.c):
//   jaro = (m/|a| + m/|b| + (m − t)/m) / 3,   0 when m = 0.
// Jaro–Winkler: W. E. Winkler, "String comparator metrics and enhanced decision rules in the
// Fellegi–Sunter model of record linkage", Proc. Section on Survey Research Methods, ASA, 1990:
//   jw = jaro + ℓ·p·(1 − jaro)   when jaro > 0.7 (the boost threshold), else jaro,
// ℓ the common prefix length capped at 4, p = 0.1. The widely reproduced examples (Winkler's
// papers, Wikipedia's "Jaro–Winkler distance"): MARTHA/MARHTA 0.944/0.961, DWAYNE/DUANE
// 0.822/0.840, DIXON/DICKSONX 0.767/0.813. strcmp95's further adjustments (similar-character
// table, long strings) are not applied.
//
// Matching without the O(|a|·window) scan: bit masks of b's positions per character (as in
// Myers' Peq) select, for each character of a, the unmatched equal positions inside the window;
// the lowest set bit is the leftmost match, exactly the textbook choice. The value is symmetric
// in a and b (the tests check it against the textbook scan both ways), so b is the shorter
// string: fewer mask words. Monge–Elkan compares tokens converted once to bytes
// (detail::ShortToken: nearly every product-title token has at most 16 code points, all below
// 256); then b's bytes fit one SSE2 register, and one compare per character of a gives its equal
// positions.
#include <algorithm>
#include <bit>
#include <iterator>
#include <type_traits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "frame/text/pattern_masks.h"
#include "frame/text/similarity.h"

namespace onnxfn::text {

namespace {

// jaro = (m/|a| + m/|b| + (m − t)/m) / 3, t = ⌊half_transpositions / 2⌋; m > 0. Every path ends
// here, so all give the same double for the same m and t.
double jaro_value(size_t m, size_t half_transpositions, size_t a_size, size_t b_size) {
  const double md = static_cast<double>(m);
  const double t = static_cast<double>(half_transpositions / 2);
  return (md / static_cast<double>(a_size) + md / static_cast<double>(b_size) + (md - t) / md) / 3.0;
}

// Winkler's boost of a Jaro value given the common prefix length (already capped).
double winkler(double j, size_t prefix, const JaroWinklerParams& params) {
  if (j <= params.boost_threshold) return j;
  // Clamped: a prefix scale above 1 / max_prefix (or below 0) would leave [0, 1].
  return std::clamp(j + static_cast<double>(prefix) * params.prefix_scale * (1.0 - j), 0.0, 1.0);
}

// jaro from the matched characters of a (in a's order) and the matched positions of b (bit j of
// flagged[j / 64]).
double jaro_from_matches(std::u32string_view a, std::u32string_view b, const char32_t* a_matches,
                         size_t m, const uint64_t* flagged, size_t words) {
  if (m == 0) return 0.0;
  size_t half_transpositions = 0, k = 0;
  for (size_t w = 0; w < words; ++w) {
    for (uint64_t bits = flagged[w]; bits != 0; bits &= bits - 1) {
      const size_t j = w * 64 + static_cast<size_t>(std::countr_zero(bits));
      half_transpositions += b[j] != a_matches[k++];
    }
  }
  return jaro_value(m, half_transpositions, a.size(), b.size());
}

// Short strings (tokens, in Monge–Elkan): the window is a few positions, and the textbook scan
// beats building bit masks (measured: about half the time for 5–8 letter tokens; a branch-free
// variant of this scan was slower, since similar tokens find their match at the first try).
// |b| ≤ |a| ≤ kShort.
constexpr size_t kShort = 16;
double jaro_short(std::u32string_view a, std::u32string_view b, size_t window) {
  uint64_t flagged = 0;
  char32_t a_matches[kShort];
  size_t m = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(b.size(), i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (!((flagged >> j) & 1) && a[i] == b[j]) {
        flagged |= uint64_t{1} << j;
        a_matches[m++] = a[i];
        break;
      }
    }
  }
  return jaro_from_matches(a, b, a_matches, m, &flagged, 1);
}

// jaro_short for a, b as detail::ShortToken bytes, |b| ≤ |a|: each character of a takes the
// leftmost unflagged equal position of b inside the window, as in the scan. The window moves up one
// bit per position instead of being shifted into place from i, and the matched characters of a are
// written in order as they are found, so the transposition count walks b's matched positions only
// (together about a tenth less time per pair on product-title tokens than shifting the window and
// walking both sides' match bits).
double jaro_short_tokens(const detail::ShortToken& a, const detail::ShortToken& b) {
  const size_t window = std::max<size_t>(a.size / 2, 1) - 1;
#if defined(__SSE2__)
  const __m128i b_bytes = _mm_load_si128(reinterpret_cast<const __m128i*>(b.bytes));
#endif
  const uint32_t b_valid = (uint32_t{1} << b.size) - 1;
  // Bits [i − window, i + window] of b, clipped to b: bits [0, window] at i = 0; then each step
  // shifts it up one, keeping bit 0 while the window's lower edge is still below 0.
  uint32_t in_window = ((uint32_t{2} << window) - 1) & b_valid;
  uint32_t b_matched = 0;
  uint8_t a_matches[detail::ShortToken::kCapacity + 1];  // plus the slot written after the last
  size_t m = 0;
  const size_t end = std::min<size_t>(a.size, b.size + window);  // beyond, the window is past b
  for (size_t i = 0; i < end; ++i) {
#if defined(__SSE2__)
    const __m128i c = _mm_set1_epi8(static_cast<char>(a.bytes[i]));
    const auto equal = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(b_bytes, c)));
#else
    uint32_t equal = 0;
    for (size_t j = 0; j < detail::ShortToken::kCapacity; ++j)
      equal |= static_cast<uint32_t>(b.bytes[j] == a.bytes[i]) << j;
#endif
    const uint32_t candidates = equal & ~b_matched & in_window;
    b_matched |= candidates & (~candidates + 1);  // lowest set bit: the leftmost match
    a_matches[m] = a.bytes[i];
    m += candidates != 0;
    in_window = ((in_window << 1) | static_cast<uint32_t>(i < window)) & b_valid;
  }
  if (m == 0) return 0.0;
  size_t half = 0, k = 0;
  for (uint32_t fb = b_matched; fb != 0; fb &= fb - 1) half += b.bytes[std::countr_zero(fb)] != a_matches[k++];
  return jaro_value(m, half, a.size, b.size);
}

// |b| ≤ 64: one mask word, and a branch-free loop (whether a character finds a match is
// unpredictable, and mispredictions dominated the branchy version).
// Masks: b's PatternMasks or NarrowMasks.
template <class Masks>
double jaro_single_word(const Masks& masks, std::u32string_view a, std::u32string_view b, size_t window) {
  uint64_t flagged = 0;
  char32_t a_matches[65];  // at most |b| ≤ 64 matches, plus the slot written after the last
  size_t m = 0;
  const size_t end = std::min(a.size(), b.size() + window);  // beyond, the window is past b
  for (size_t i = 0; i < end; ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(b.size(), i + window + 1);
    uint64_t row;
    if constexpr (std::is_same_v<Masks, detail::PatternMasks>) row = masks.row(a[i])[0];
    else row = masks.row(a[i]);
    const uint64_t candidates = row & ~flagged & detail::bit_range(lo, hi);
    const uint64_t leftmost = candidates & (~candidates + 1);
    flagged |= leftmost;
    a_matches[m] = a[i];
    m += leftmost != 0;
  }
  return jaro_from_matches(a, b, a_matches, m, &flagged, 1);
}

// Any length: b's masks span several words; the window covers one to three of them.
double jaro_blocks(std::u32string_view a, std::u32string_view b, size_t window) {
  detail::PatternMasks& masks = detail::PatternMasks::scratch();
  masks.assign(b);
  const size_t words = masks.words();
  thread_local std::vector<uint64_t> flagged;  // matched positions of b
  thread_local std::u32string a_matches;       // matched characters of a, in a's order
  flagged.assign(words, 0);
  a_matches.clear();
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(b.size(), i + window + 1);
    if (lo >= hi) break;  // the window has moved past the end of b
    const uint64_t* const pm = masks.row(a[i]);
    for (size_t w = lo / 64; w <= (hi - 1) / 64; ++w) {
      const size_t from = w == lo / 64 ? lo % 64 : 0;
      const size_t to = w == (hi - 1) / 64 ? (hi - 1) % 64 + 1 : 64;
      const uint64_t candidates = pm[w] & ~flagged[w] & detail::bit_range(from, to);
      if (candidates != 0) {
        flagged[w] |= candidates & (~candidates + 1);  // lowest set bit: the leftmost match
        a_matches.push_back(a[i]);
        break;
      }
    }
  }
  return jaro_from_matches(a, b, a_matches.data(), a_matches.size(), flagged.data(), words);
}

}  // namespace

double jaro(std::u32string_view a, std::u32string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a.size() < b.size()) std::swap(a, b);
  const size_t window = std::max<size_t>(a.size() / 2, 1) - 1;
  if (a.size() <= kShort) return jaro_short(a, b, window);
  if (detail::NarrowMasks::fits(b)) return jaro_single_word(detail::NarrowMasks(b), a, b, window);
  if (b.size() <= 64) {
    detail::PatternMasks& masks = detail::PatternMasks::scratch();
    masks.assign(b);
    return jaro_single_word(masks, a, b, window);
  }
  return jaro_blocks(a, b, window);
}

double jaro_winkler(std::u32string_view a, std::u32string_view b, const JaroWinklerParams& params) {
  const double j = jaro(a, b);
  if (j <= params.boost_threshold) return j;
  const size_t limit = std::min({params.max_prefix, a.size(), b.size()});
  size_t prefix = 0;
  while (prefix < limit && a[prefix] == b[prefix]) ++prefix;
  return winkler(j, prefix, params);
}

namespace detail {

bool ShortToken::assign(std::u32string_view s) {
  if (s.empty() || s.size() > kCapacity) return false;
  std::fill(std::begin(bytes), std::end(bytes), uint8_t{0});
  char32_t any = 0;
  for (size_t k = 0; k < s.size(); ++k) {
    any |= s[k];
    bytes[k] = static_cast<uint8_t>(s[k]);
  }
  size = static_cast<uint32_t>(s.size());
  return any < 256;
}

double jaro_winkler(const ShortToken& x, const ShortToken& y) {
  // As jaro() then jaro_winkler() on the code points: the longer string scans the shorter (x
  // when equal), then the prefix bonus.
  const bool x_longer = x.size >= y.size;
  const double j = jaro_short_tokens(x_longer ? x : y, x_longer ? y : x);
  const JaroWinklerParams params;
  if (j <= params.boost_threshold) return j;
  const size_t limit = std::min<size_t>({params.max_prefix, x.size, y.size});
  size_t prefix = 0;
  while (prefix < limit && x.bytes[prefix] == y.bytes[prefix]) ++prefix;
  return winkler(j, prefix, params);
}

}  // namespace detail

std::optional<double> jaro(const PreparedString& a, const PreparedString& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return jaro(a.code_points(), b.code_points());
}

std::optional<double> jaro_winkler(const PreparedString& a, const PreparedString& b,
                                   const JaroWinklerParams& params) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return jaro_winkler(a.code_points(), b.code_points(), params);
}

}  // namespace onnxfn::text
