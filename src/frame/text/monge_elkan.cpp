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
#include <vector>

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
template <class TokenA, class TokenB, class MayShare, class Similarity>
double monge_elkan_of(size_t na, TokenA&& token_a, size_t nb, TokenB&& token_b,
                      MayShare&& may_share, Similarity&& similarity, InnerSimilarity inner) {
  if (na == 0 && nb == 0) return 1.0;
  if (na == 0 || nb == 0) return 0.0;
  double total = 0;
  for (size_t i = 0; i < na; ++i) {
    const std::u32string_view x = token_a(i);
    double best = 0;
    for (size_t j = 0; j < nb && best < 1.0; ++j) {
      const std::u32string_view y = token_b(j);
      if (may_share(i, j) && similarity_bound(x.size(), y.size(), inner) > best)
        best = std::max(best, similarity(i, j, x, y));
    }
    total += best;
  }
  return total / static_cast<double>(na);
}

// Token-pair similarities recur across pairs: a record's tokens meet those of each of its
// candidates, and a catalogue's vocabulary is small. So computed values are kept in a per-thread
// direct-mapped table keyed by both tokens' 64-bit hashes (PreparedString::token_hash): a hit
// costs a few nanoseconds, Jaro–Winkler on a short token tens. Only computed values are stored,
// so results never depend on hits; two distinct tokens share a hash with probability ~2⁻⁶⁴, the
// assumption set similarity already makes (prepared_string.h).
class PairMemo {
 public:
  static PairMemo& of(InnerSimilarity inner) {
    thread_local PairMemo memos[2];
    return memos[inner == InnerSimilarity::JaroWinkler ? 0 : 1];
  }

  template <class Compute>
  double get(uint64_t hx, uint64_t hy, Compute&& compute) {
    if (entries_.empty()) entries_.assign(kSize, Entry{0, -1.0});
    if (hx > hy) std::swap(hx, hy);  // the inner measures are symmetric
    // One 64-bit key for the pair (a multiply–xorshift mix of both hashes): the table stays half
    // the size, and a wrong hit needs a 64-bit collision, as above.
    uint64_t key = (hx ^ (hy * 0x9E3779B97F4A7C15ULL)) * 0xBF58476D1CE4E5B9ULL;
    key ^= key >> 31;
    Entry& e = entries_[key >> (64 - kBits)];
    if (e.sim >= 0 && e.key == key) return e.sim;
    e = Entry{key, compute()};
    return e.sim;
  }

 private:
  static constexpr unsigned kBits = 14;  // 16,384 entries, 256 KiB: stays in L2
  static constexpr size_t kSize = size_t{1} << kBits;
  struct Entry {
    uint64_t key;
    double sim;  // < 0: empty
  };
  std::vector<Entry> entries_;
};

}  // namespace

double monge_elkan(std::span<const std::u32string_view> a, std::span<const std::u32string_view> b,
                   InnerSimilarity inner) {
  return monge_elkan_of(
      a.size(), [&](size_t i) { return a[i]; }, b.size(), [&](size_t j) { return b[j]; },
      [](size_t, size_t) { return true; },
      [&](size_t, size_t, std::u32string_view x, std::u32string_view y) { return token_similarity(x, y, inner); },
      inner);
}

std::optional<double> monge_elkan(const PreparedString& a, const PreparedString& b,
                                  InnerSimilarity inner) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return monge_elkan_of(
      a.token_count(), [&](size_t i) { return a.token_code_points(i); }, b.token_count(),
      [&](size_t j) { return b.token_code_points(j); },
      [&](size_t i, size_t j) { return (a.token_char_mask(i) & b.token_char_mask(j)) != 0; },
      [&](size_t i, size_t j, std::u32string_view x, std::u32string_view y) {
        return PairMemo::of(inner).get(a.token_hash(i), b.token_hash(j), [&] { return token_similarity(x, y, inner); });
      },
      inner);
}

// Both directions from one pass over the token pairs: the inner measures are symmetric, so each
// similarity computed serves row i's maximum (ME(a, b)) and column j's (ME(b, a)). Equal tokens
// are settled first, since they fix both their row and column at 1 and so prune most of the
// matrix in matching pairs; a pair is skipped when it can raise neither maximum. Same sums in the
// same order as two calls of monge_elkan, so the same value, in about half the time or less.
std::optional<double> monge_elkan_symmetric(const PreparedString& a, const PreparedString& b,
                                            InnerSimilarity inner) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  const size_t na = a.token_count(), nb = b.token_count();
  if (na == 0 || nb == 0) return na == nb ? 1.0 : 0.0;
  thread_local std::vector<double> best;  // row maxima, then column maxima
  best.assign(na + nb, 0.0);
  double* const row = best.data();
  double* const col = row + na;
  for (size_t i = 0; i < na; ++i)
    for (size_t j = 0; j < nb; ++j)
      if (a.token_hash(i) == b.token_hash(j) && a.token_code_points(i) == b.token_code_points(j))
        row[i] = col[j] = 1.0;
  for (size_t i = 0; i < na; ++i) {
    const std::u32string_view x = a.token_code_points(i);
    for (size_t j = 0; j < nb; ++j) {
      const double floor = std::min(row[i], col[j]);
      if (floor >= 1.0 || (a.token_char_mask(i) & b.token_char_mask(j)) == 0) continue;
      const std::u32string_view y = b.token_code_points(j);
      if (floor > 0 && similarity_bound(x.size(), y.size(), inner) <= floor) continue;
      const double sim = PairMemo::of(inner).get(a.token_hash(i), b.token_hash(j),
                                                 [&] { return token_similarity(x, y, inner); });
      row[i] = std::max(row[i], sim);
      col[j] = std::max(col[j], sim);
    }
  }
  double ab = 0, ba = 0;
  for (size_t i = 0; i < na; ++i) ab += row[i];
  for (size_t j = 0; j < nb; ++j) ba += col[j];
  return (ab / static_cast<double>(na) + ba / static_cast<double>(nb)) / 2.0;
}

}  // namespace onnxfn::text
