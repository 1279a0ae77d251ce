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
#include <bit>
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
// Rounding can put a computed similarity an ulp above the exact bound (Jaro–Winkler of lengths 12
// and 5 computes to 0.88333333333333341 against 0.8833333333333333; Levenshtein 1 − 2/3 against
// 1/3), where a skip would keep a maximum an ulp low; a margin far above an ulp prevents that.
double similarity_bound(size_t lx, size_t ly, InnerSimilarity inner) {
  constexpr double kMargin = 1e-9;
  const double s = static_cast<double>(std::min(lx, ly)), l = static_cast<double>(std::max(lx, ly));
  if (inner == InnerSimilarity::Levenshtein) return s / l + kMargin;
  const JaroWinklerParams params;
  const double j = (s / l + 2.0) / 3.0 + kMargin;
  if (j <= params.boost_threshold) return j;
  const double bonus = static_cast<double>(params.max_prefix) * params.prefix_scale;
  return j + bonus * (1.0 - j) + kMargin;
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
    PairMemo& memo = memos[inner == InnerSimilarity::JaroWinkler ? 0 : 1];
    if (memo.entries_.empty()) memo.entries_.assign(kSize, Entry{0, -1.0});
    return memo;
  }

  // One 64-bit key for the unordered pair (the inner measures are symmetric; a multiply–xorshift
  // mix of both hashes): the table stays half the size, and a wrong hit needs a 64-bit
  // collision, as above.
  static uint64_t key(uint64_t hx, uint64_t hy) {
    if (hx > hy) std::swap(hx, hy);
    uint64_t key = (hx ^ (hy * 0x9E3779B97F4A7C15ULL)) * 0xBF58476D1CE4E5B9ULL;
    return key ^ (key >> 31);
  }

  // The stored similarity of `key`, or −1. Without a branch: whether a pair is in the table is
  // unpredictable, and a mispredicted branch on each lookup cost more than the lookup.
  double find(uint64_t key) const {
    const Entry& e = entries_[key >> (64 - kBits)];
    const uint64_t hit = uint64_t{0} - static_cast<uint64_t>(e.key == key);  // all ones or zero
    // An empty entry holds −1 whatever its key.
    return std::bit_cast<double>((std::bit_cast<uint64_t>(e.sim) & hit) | (kMissing & ~hit));
  }
  void store(uint64_t key, double sim) { entries_[key >> (64 - kBits)] = Entry{key, sim}; }

  template <class Compute>
  double get(uint64_t hx, uint64_t hy, Compute&& compute) {
    const uint64_t k = key(hx, hy);
    double sim = find(k);
    if (sim < 0) store(k, sim = compute());
    return sim;
  }

 private:
  // 65,536 entries, 1 MiB. A quarter of that stayed in L2 and was faster while each lookup was
  // waited for in turn; since a batch's lookups overlap (monge_elkan_sums), the fifth fewer
  // misses of the larger table win: Monge–Elkan on the 100,000 generated pairs ~5% less time
  // alone, and the features' Monge–Elkan steps 10-20% less on the shared machine under load.
  static constexpr unsigned kBits = 16;
  static constexpr size_t kSize = size_t{1} << kBits;
  static constexpr uint64_t kMissing = std::bit_cast<uint64_t>(-1.0);
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

namespace {

// similarity_bound for tokens of up to kBoundTable code points, read from a table made once by
// that function (so the same doubles): the symmetric form needs it for every pair it knows.
constexpr size_t kBoundTable = 16;
struct BoundTable {
  double value[2][kBoundTable + 1][kBoundTable + 1];
  BoundTable() {
    for (const InnerSimilarity inner : {InnerSimilarity::JaroWinkler, InnerSimilarity::Levenshtein})
      for (size_t lx = 1; lx <= kBoundTable; ++lx)
        for (size_t ly = 1; ly <= kBoundTable; ++ly)
          value[inner == InnerSimilarity::JaroWinkler ? 0 : 1][lx][ly] = similarity_bound(lx, ly, inner);
  }
  double operator()(size_t lx, size_t ly, InnerSimilarity inner) const {
    if (lx > kBoundTable || ly > kBoundTable) return similarity_bound(lx, ly, inner);
    return value[inner == InnerSimilarity::JaroWinkler ? 0 : 1][lx][ly];
  }
};
const BoundTable bound_table;

// What the symmetric form reads of each token, gathered once per call into contiguous arrays.
struct TokenInfo {
  const char32_t* cps;
  uint32_t size;
  uint32_t distinct;  // bits in mask: classes (PreparedString::char_class) among its characters
  double inverse_size;  // 1 / size
  uint64_t hash;
  uint64_t mask;
  // The token as bytes for detail::jaro_winkler, converted at its first computed pair.
  enum class Short : uint8_t { kUnknown, kYes, kNo } is_short;
  detail::ShortToken bytes;

  bool short_form() {
    if (is_short == Short::kUnknown) is_short = bytes.assign({cps, size}) ? Short::kYes : Short::kNo;
    return is_short == Short::kYes;
  }
};

// 1 / n for token lengths, made once: gathering a pair's ~30 tokens divided once per token.
constexpr size_t kInverses = 65;
struct Inverses {
  double value[kInverses];
  Inverses() {
    value[0] = 0;
    for (size_t n = 1; n < kInverses; ++n) value[n] = 1.0 / static_cast<double>(n);
  }
};
const Inverses inverses;

// Bits set in x. std::popcount compiles to a library call on baseline x86-64 (no POPCNT).
uint32_t bit_count(uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ULL;
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<uint32_t>((x * 0x0101010101010101ULL) >> 56);
}

// An upper bound of the inner similarity of x and y that also counts the characters they can
// share, to skip computing pairs that cannot raise a maximum. Every Jaro match pairs equal
// characters, so m ≤ the number of positions of x whose class (PreparedString::char_class)
// occurs in y. Each of x's classes absent from y takes at least one of its |x| positions, so
// m ≤ |x| − (distinct_x − shared) = shared + (|x| − distinct_x), with `shared` the classes in
// both; likewise for y; and m ≤ min(|x|, |y|). Then jaro ≤ (m/|x| + m/|y| + 1)/3 (t ≥ 0), and
// Jaro–Winkler adds ℓ·p·(1 − jaro) above the threshold, ℓ the common prefix (≤ max_prefix), which
// grows with jaro. Levenshtein: at most m positions align on equal characters, so
// d ≥ max(|x|, |y|) − m and sim ≤ m / max(|x|, |y|). The bound is only compared, never returned,
// so it is computed with reciprocals instead of divisions (relative error ~1e-16), and a margin
// far above that keeps it a bound of the computed double.
double shared_character_bound(const TokenInfo& x, const TokenInfo& y, InnerSimilarity inner) {
  const uint32_t shared = bit_count(x.mask & y.mask);
  const uint32_t m =
      std::min({x.size, y.size, shared + std::min(x.size - x.distinct, y.size - y.distinct)});
  const double md = m;
  constexpr double kMargin = 1e-9;
  if (inner == InnerSimilarity::Levenshtein) return md * std::min(x.inverse_size, y.inverse_size) + kMargin;
  const JaroWinklerParams params;
  // Above any jaro the pair computes to, so also on the right side of the boost threshold.
  const double j = (md * x.inverse_size + md * y.inverse_size + 1.0) * (1.0 / 3.0) + kMargin;
  if (j <= params.boost_threshold || x.cps[0] != y.cps[0]) return j;
  const size_t limit = std::min<size_t>({params.max_prefix, x.size, y.size});
  size_t prefix = 1;
  while (prefix < limit && x.cps[prefix] == y.cps[prefix]) ++prefix;
  return j + static_cast<double>(prefix) * params.prefix_scale * (1.0 - j) + kMargin;
}

constexpr size_t kBatch = 256;  // candidate pairs looked up at once

// Open addressing over token indexes by token hash (linear probing, at most half full).
struct TokenTable {
  static constexpr uint32_t kEmpty = ~uint32_t{0};
  uint32_t* slots;
  size_t mask;  // size − 1, size a power of two
  unsigned bits;

  uint32_t* slot(uint64_t hash) const { return slots + (hash >> (64 - bits)); }
  uint32_t* next(uint32_t* s) const { return slots + ((static_cast<size_t>(s - slots) + 1) & mask); }
};

struct Scratch {
  std::vector<TokenInfo> tokens;  // a's, then b's
  std::vector<double> values;     // row maxima, then column maxima
  std::vector<uint32_t> pairs;    // a batch's candidate pairs (i << 16 | j), then those missing
  std::vector<uint64_t> masks;    // b's token_char_mask, then 0 for the tokens settled at 1
  std::vector<uint32_t> slots;    // TokenTable's

  // An empty TokenTable for up to n tokens.
  TokenTable table(size_t n) {
    size_t size = 64;
    while (size < 2 * n) size *= 2;
    if (slots.size() < size) slots.resize(size);
    std::fill(slots.begin(), slots.begin() + static_cast<std::ptrdiff_t>(size), TokenTable::kEmpty);
    return TokenTable{slots.data(), size - 1, static_cast<unsigned>(std::countr_zero(size))};
  }
  std::vector<double> found;      // a batch's memo values

  // This thread's scratch, large enough for na and nb tokens.
  static Scratch& get(size_t na, size_t nb) {
    thread_local Scratch scratch;
    if (scratch.tokens.size() < na + nb || scratch.masks.size() < 2 * nb) scratch.grow(na, nb);
    return scratch;
  }

 private:
  [[gnu::cold, gnu::noinline]] void grow(size_t na, size_t nb) {
    tokens.resize(std::max(tokens.size(), na + nb));
    values.resize(tokens.size());
    pairs.resize(2 * kBatch);
    found.resize(kBatch);
    masks.resize(std::max(masks.size(), 2 * nb));
  }
};

// Row and column maxima of 1 for the tokens that have an equal token on the other side, 0 else.
void settle_equal_tokens(const TokenInfo* ta, size_t na, const TokenInfo* tb, size_t nb,
                         double* row, double* col) {
  std::fill(row, row + na, 0.0);
  std::fill(col, col + nb, 0.0);
  for (size_t i = 0; i < na; ++i)
    for (size_t j = 0; j < nb; ++j)
      if (ta[i].hash == tb[j].hash && ta[i].size == tb[j].size &&
          std::equal(ta[i].cps, ta[i].cps + ta[i].size, tb[j].cps))
        row[i] = col[j] = 1.0;
}

// The plain walk: the pairs in row-major order, each skipped or computed (through the memo)
// given the maxima so far. The reference semantics of the symmetric form; used when the
// order-free walk cannot vouch for giving the same maxima (below), which is rare: cold, so
// compiled for size (the binary has a size budget).
[[gnu::cold, gnu::noinline]] void ordered_walk(const TokenInfo* ta, size_t na, const TokenInfo* tb,
                                               size_t nb, double* row, double* col,
                                               InnerSimilarity inner, PairMemo& memo, bool rows_only) {
  settle_equal_tokens(ta, na, tb, nb, row, col);
  if (rows_only) std::fill(col, col + nb, 1.0);
  for (size_t i = 0; i < na; ++i) {
    for (size_t j = 0; j < nb; ++j) {
      const double floor = std::min(row[i], col[j]);
      if (floor >= 1.0 || (ta[i].mask & tb[j].mask) == 0) continue;
      if (floor > 0 && bound_table(ta[i].size, tb[j].size, inner) <= floor) continue;
      const double sim = memo.get(ta[i].hash, tb[j].hash, [&] {
        return token_similarity({ta[i].cps, ta[i].size}, {tb[j].cps, tb[j].size}, inner);
      });
      row[i] = std::max(row[i], sim);
      col[j] = std::max(col[j], sim);
    }
  }
}

// The sums of the row maxima (ME(a, b)·|a|) and, unless `rows_only`, of the column maxima
// (ME(b, a)·|b|) of two non-empty token lists, described below.
void monge_elkan_sums(const PreparedString& a, const PreparedString& b, InnerSimilarity inner, bool rows_only,
                      double& ab, double& ba);

}  // namespace

// Both directions from one pass over the token pairs: the inner measures are symmetric, so each
// similarity computed serves row i's maximum (ME(a, b)) and column j's (ME(b, a)). Equal tokens
// are settled first, since they fix both their row and column at 1 and so prune most of the
// matrix in matching pairs; a pair is skipped when it can raise neither maximum. Same sums in the
// same order as two calls of monge_elkan, so the same value.
//
// Every skip rests on a true upper bound (similarity_bound, shared_character_bound), so the
// maxima are those of all pairs whatever the order in which pairs are visited. ordered_walk, the
// plain row-major walk, takes over for token lists too long for the pair numbering below, and as
// a guard: should a similarity ever exceed similarity_bound, the walk is redone in that order.
//
// One direction alone (rows_only) takes the same walk with every column maximum held at 1: a pair
// is then skipped when it cannot raise its row's maximum, and the columns are not summed.
//
// The order-free walk, per batch of candidate pairs (sharing a character, not settled by equal
// tokens): read the memo for all of them (independent loads, which the processor overlaps),
// raise the maxima with the values found, then compute the missing pairs whose bound exceeds
// min(row max, column max) — known values first make most computations unnecessary.
std::optional<double> monge_elkan_symmetric(const PreparedString& a, const PreparedString& b,
                                            InnerSimilarity inner) {
  const auto both = monge_elkan_both(a, b, inner);
  if (!both) return std::nullopt;
  return (both->first + both->second) / 2.0;
}

std::optional<std::pair<double, double>> monge_elkan_both(const PreparedString& a, const PreparedString& b,
                                                          InnerSimilarity inner) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  const size_t na = a.token_count(), nb = b.token_count();
  if (na == 0 || nb == 0) return na == nb ? std::pair(1.0, 1.0) : std::pair(0.0, 0.0);
  double ab = 0, ba = 0;
  monge_elkan_sums(a, b, inner, false, ab, ba);
  return std::pair(ab / static_cast<double>(na), ba / static_cast<double>(nb));
}

std::optional<double> monge_elkan(const PreparedString& a, const PreparedString& b, InnerSimilarity inner) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  const size_t na = a.token_count(), nb = b.token_count();
  if (na == 0 || nb == 0) return na == nb ? 1.0 : 0.0;
  double ab = 0, ba = 0;
  monge_elkan_sums(a, b, inner, true, ab, ba);
  return ab / static_cast<double>(na);
}

namespace {

void monge_elkan_sums(const PreparedString& a, const PreparedString& b, InnerSimilarity inner, bool rows_only,
                      double& ab, double& ba) {
  const size_t na = a.token_count();
  size_t nb = b.token_count();
  Scratch& scratch = Scratch::get(na, nb);
  TokenInfo* const ta = scratch.tokens.data();
  TokenInfo* const tb = ta + na;
  const auto gather = [](const PreparedString& s, size_t n, TokenInfo* out) {
    for (size_t i = 0; i < n; ++i) {
      const std::u32string_view t = s.token_code_points(i);
      TokenInfo& info = out[i];
      info.cps = t.data();
      info.size = static_cast<uint32_t>(t.size());
      info.mask = s.token_char_mask(i);
      info.distinct = bit_count(info.mask);
      info.inverse_size = info.size < kInverses ? inverses.value[info.size] : 1.0 / static_cast<double>(info.size);
      info.hash = s.token_hash(i);
      info.is_short = TokenInfo::Short::kUnknown;
    }
  };
  gather(a, na, ta);
  gather(b, nb, tb);
  // One direction needs each distinct token of b once (a row's maximum over repeats is the same):
  // a description repeats a fifth of its words, and every repeat costs a memo lookup per row.
  double* const row = scratch.values.data();
  double* const col = row + na;
  uint32_t* const cells = scratch.pairs.data();
  uint32_t* const misses = cells + kBatch;
  if (rows_only) {
    // b's distinct tokens through a small hash table (nb + na probes, where comparing every pair
    // of tokens took nb² / 2 + na · nb), then a's tokens equal to one of them settled at 1.
    const TokenTable table = scratch.table(nb);
    const auto same = [](const TokenInfo& x, const TokenInfo& y) {
      return x.hash == y.hash && x.size == y.size && std::equal(x.cps, x.cps + x.size, y.cps);
    };
    size_t kept = 0;
    for (size_t j = 0; j < nb; ++j) {
      uint32_t* slot = table.slot(tb[j].hash);
      for (; *slot != TokenTable::kEmpty; slot = table.next(slot))
        if (same(tb[*slot], tb[j])) break;
      if (*slot != TokenTable::kEmpty) continue;  // a repeat
      *slot = static_cast<uint32_t>(kept);
      tb[kept++] = tb[j];
    }
    nb = kept;
    for (size_t i = 0; i < na; ++i) {
      row[i] = 0.0;
      for (uint32_t* slot = table.slot(ta[i].hash); *slot != TokenTable::kEmpty; slot = table.next(slot))
        if (same(tb[*slot], ta[i])) {
          row[i] = 1.0;
          break;
        }
    }
  } else {
    settle_equal_tokens(ta, na, tb, nb, row, col);
  }
  if (rows_only) std::fill(col, col + nb, 1.0);

  PairMemo& memo = PairMemo::of(inner);
  // b's masks, and the same with 0 for tokens settled by an equal token: a pair of two settled
  // tokens is no candidate.
  uint64_t* const all_masks = scratch.masks.data();
  uint64_t* const open_masks = all_masks + nb;
  for (size_t j = 0; j < nb; ++j) {
    all_masks[j] = tb[j].mask;
    open_masks[j] = col[j] >= 1.0 ? 0 : tb[j].mask;
  }
  bool within_bounds = true;  // every similarity obtained is ≤ similarity_bound
  // Pairs are numbered i << 16 | j; longer token lists (never seen in titles) take the plain walk.
  const bool order_free = na < 65536 && nb < 65536;
  for (size_t next_i = 0, next_j = 0; order_free && next_i < na;) {
    // Candidates from (i, j) on, appended without a branch (the test is unpredictable; written
    // as arithmetic, since the compiler turned a boolean into a branch).
    size_t n = 0;
    for (size_t& i = next_i; i < na && n < kBatch; next_j = 0, ++i) {
      const uint64_t* const masks = row[i] >= 1.0 ? open_masks : all_masks;
      const uint64_t mask = ta[i].mask;
      size_t& j = next_j;
      for (; j < nb && n < kBatch; ++j) {
        cells[n] = static_cast<uint32_t>(i << 16 | j);
        const uint64_t common = mask & masks[j];
        n += (common | (uint64_t{0} - common)) >> 63;  // 1 when common ≠ 0
      }
      if (j < nb) break;  // batch full inside row i: resume there
    }
    // The memo's loads first, into found[] (independent loads that the processor overlaps; read
    // where the maxima are raised, each load waited for in turn).
    double* const found = scratch.found.data();
    for (size_t k = 0; k < n; ++k) found[k] = memo.find(PairMemo::key(ta[cells[k] >> 16].hash, tb[cells[k] & 0xFFFF].hash));
    size_t missing = 0;
    for (size_t k = 0; k < n; ++k) {
      const size_t i = cells[k] >> 16;
      const size_t j = cells[k] & 0xFFFF;
      // −1 when missing, which raises no maximum.
      const double sim = found[k];
      within_bounds &= sim <= bound_table(ta[i].size, tb[j].size, inner);
      row[i] = std::max(row[i], sim);
      col[j] = std::max(col[j], sim);
      misses[missing] = cells[k];
      missing += sim < 0;
    }
    for (size_t k = 0; k < missing; ++k) {
      const size_t i = misses[k] >> 16;
      const size_t j = misses[k] & 0xFFFF;
      TokenInfo& x = ta[i];
      TokenInfo& y = tb[j];
      if (shared_character_bound(x, y, inner) <= std::min(row[i], col[j])) continue;
      // Different hashes, so different tokens: no equality test (token_similarity's) needed.
      const double sim = inner == InnerSimilarity::JaroWinkler && x.short_form() && y.short_form()
                             ? detail::jaro_winkler(x.bytes, y.bytes)
                             : token_similarity({x.cps, x.size}, {y.cps, y.size}, inner);
      memo.store(PairMemo::key(x.hash, y.hash), sim);
      within_bounds &= sim <= bound_table(x.size, y.size, inner);
      row[i] = std::max(row[i], sim);
      col[j] = std::max(col[j], sim);
    }
  }
  if (!within_bounds || !order_free) ordered_walk(ta, na, tb, nb, row, col, inner, memo, rows_only);
  ab = 0;
  ba = 0;
  for (size_t k = 0; k < na; ++k) ab += row[k];
  if (!rows_only)
    for (size_t k = 0; k < nb; ++k) ba += col[k];
}

}  // namespace

}  // namespace onnxfn::text
