// Monge–Elkan similarity of two token lists.
//
// A. E. Monge and C. P. Elkan, "The field matching problem: algorithms and applications",
// Proc. KDD 1996, §3 (the recursive matching scheme):
//   ME(A, B) = (1/|A|) Σ_{i=1..|A|} max_{j=1..|B|} sim'(A_i, B_j)
// with a secondary similarity sim' between tokens, here Jaro–Winkler or normalised Levenshtein
// (Cohen, Ravikumar & Fienberg, "A comparison of string distance metrics for name-matching
// tasks", IJCAI-03 workshop, found Monge–Elkan with Jaro–Winkler among the best). ME is
// asymmetric — ME(sony, sony tv) = 1 while ME(sony tv, sony) = (1 + sim'(tv, sony)) / 2 — so the
// symmetric mean (ME(A,B) + ME(B,A)) / 2 is offered for features that must not depend on the
// order of the pair.
// Two empty lists give 1, one empty list 0 (similarity.h).
#include <algorithm>

#include "frame/text/similarity.h"

namespace onnxfn::text {

namespace {

double token_similarity(std::u32string_view x, std::u32string_view y, InnerSimilarity inner) {
  if (x == y) return 1.0;  // frequent in matching pairs, and cheaper than either measure
  return inner == InnerSimilarity::JaroWinkler ? jaro_winkler(x, y) : levenshtein_similarity(x, y);
}

// An upper bound of the inner similarity from the lengths alone, to skip tokens that cannot beat
// the best match found so far (the result is unchanged). With s ≤ l the shorter and longer
// lengths: Levenshtein needs l − s insertions, so sim ≤ s / l; Jaro has m ≤ s, so
// jaro ≤ (s/l + 1 + 1) / 3, and Jaro–Winkler adds at most 4 · 0.1 · (1 − jaro) above 0.7.
double similarity_bound(size_t lx, size_t ly, InnerSimilarity inner) {
  const double s = static_cast<double>(std::min(lx, ly)), l = static_cast<double>(std::max(lx, ly));
  if (inner == InnerSimilarity::Levenshtein) return s / l;
  const JaroWinklerParams params;
  const double j = (s / l + 2.0) / 3.0;
  if (j <= params.boost_threshold) return j;
  const double bonus = static_cast<double>(params.max_prefix) * params.prefix_scale;
  return std::min(1.0, j + bonus * (1.0 - j));
}

// `may_share(i, j)` is false only when tokens i and j have no character in common, in which case
// both inner measures are 0 (no Jaro matches; Levenshtein distance = the longer length).
template <class TokenA, class TokenB, class MayShare>
double monge_elkan_of(size_t na, TokenA&& token_a, size_t nb, TokenB&& token_b,
                      MayShare&& may_share, InnerSimilarity inner) {
  if (na == 0 && nb == 0) return 1.0;
  if (na == 0 || nb == 0) return 0.0;
  double total = 0;
  for (size_t i = 0; i < na; ++i) {
    const std::u32string_view x = token_a(i);
    double best = 0;
    for (size_t j = 0; j < nb && best < 1.0; ++j) {
      const std::u32string_view y = token_b(j);
      if (may_share(i, j) && similarity_bound(x.size(), y.size(), inner) > best)
        best = std::max(best, token_similarity(x, y, inner));
    }
    total += best;
  }
  return total / static_cast<double>(na);
}

}  // namespace

double monge_elkan(std::span<const std::u32string_view> a, std::span<const std::u32string_view> b,
                   InnerSimilarity inner) {
  return monge_elkan_of(
      a.size(), [&](size_t i) { return a[i]; }, b.size(), [&](size_t j) { return b[j]; },
      [](size_t, size_t) { return true; }, inner);
}

std::optional<double> monge_elkan(const PreparedString& a, const PreparedString& b,
                                  InnerSimilarity inner) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return monge_elkan_of(
      a.token_count(), [&](size_t i) { return a.token_code_points(i); }, b.token_count(),
      [&](size_t j) { return b.token_code_points(j); },
      [&](size_t i, size_t j) { return (a.token_char_mask(i) & b.token_char_mask(j)) != 0; },
      inner);
}

std::optional<double> monge_elkan_symmetric(const PreparedString& a, const PreparedString& b,
                                            InnerSimilarity inner) {
  const auto ab = monge_elkan(a, b, inner);
  if (!ab) return std::nullopt;
  return (*ab + *monge_elkan(b, a, inner)) / 2.0;
}

}  // namespace onnxfn::text
