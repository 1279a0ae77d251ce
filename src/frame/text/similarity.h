// Similarity of two values, the features of product matching: exact match, Levenshtein, Jaro and
// Jaro–Winkler, token and q-gram Jaccard, token cosine, TF-IDF cosine (tfidf.h), Monge–Elkan,
// numeric difference and model-number agreement. Each implementation file cites the definition
// it follows.
//
// Two layers:
//  - core functions on code points (std::u32string_view) and on sets of hashes, with no nulls;
//  - null-aware functions on PreparedString (prepared_string.h), which is what a pipeline calls
//    per candidate pair after preparing each record once.
//
// Null and empty semantics, the same for every measure:
//  - null on either side → null result (std::nullopt): a missing value is not evidence;
//  - two empty values (or two empty token / q-gram sets) are identical → similarity 1
//    (distance 0); an empty value against a non-empty one → similarity 0;
//  - identical non-empty values → 1. Every similarity lies in [0, 1].
// Exceptions, each documented where declared: model-number Jaccard is 0 when neither side has a
// code (absence on both sides is not agreement), and numeric_similarity treats NaN as null.
//
// Speed: per pair these are allocation-free (per-thread scratch for bit masks), Levenshtein and
// Jaro are bit-parallel over 64-bit words, set measures merge sorted hash arrays. Measured on
// ~60-character product titles, one core: Levenshtein and Jaro(–Winkler) ~0.5–0.8 µs, q-gram
// Jaccard ~0.3–0.6 µs, token measures and TF-IDF (per-record vectors) < 0.3 µs, model numbers and
// exact match < 0.03 µs per pair; Monge–Elkan is quadratic in the token counts (~4 µs for 10×10
// tokens, much less once a thread's memo of token pairs has seen a catalogue's vocabulary; the
// symmetric form computes both directions in one pass). Preparing a record (PreparedString) costs ~2–4 µs (ASCII), ~3–7 µs (non-ASCII).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "frame/text/prepared_string.h"
#include "frame/text/tfidf.h"

namespace onnxfn::text {

// ---- Edit distance (edit_distance.cpp) ----

// Levenshtein distance on code points: the least number of single code-point insertions,
// deletions and substitutions turning `a` into `b`.
size_t levenshtein_distance(std::u32string_view a, std::u32string_view b);
// 1 − d / max(|a|, |b|); 1 for two empty strings.
double levenshtein_similarity(std::u32string_view a, std::u32string_view b);

// ---- Jaro and Jaro–Winkler (jaro.cpp) ----

double jaro(std::u32string_view a, std::u32string_view b);

struct JaroWinklerParams {
  double prefix_scale = 0.1;     // p; at most 1 / max_prefix so that the result stays ≤ 1
  size_t max_prefix = 4;         // ℓ counts at most this many leading code points
  double boost_threshold = 0.7;  // the prefix bonus applies only when Jaro exceeds this
};
double jaro_winkler(std::u32string_view a, std::u32string_view b,
                    const JaroWinklerParams& params = {});

namespace detail {
// A token of 1 to 16 code points, each below 256, as bytes (zero after it): the form in which
// Monge–Elkan compares tokens, converted once per token rather than once per token pair.
struct ShortToken {
  static constexpr size_t kCapacity = 16;
  alignas(16) uint8_t bytes[kCapacity];
  uint32_t size;
  // False (and this unusable) when s is empty, longer than kCapacity or has a code point ≥ 256.
  bool assign(std::u32string_view s);
};
// Bit for bit jaro_winkler(x, y) on the code points, with the default parameters.
double jaro_winkler(const ShortToken& x, const ShortToken& y);
}  // namespace detail

// ---- Sets of hashes, sorted and distinct (set_similarity.cpp) ----

size_t intersection_size(std::span<const uint64_t> a, std::span<const uint64_t> b);
double jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b);
double binary_cosine(std::span<const uint64_t> a, std::span<const uint64_t> b);
// The same from the set sizes and the size of their intersection.
double jaccard_of_counts(size_t na, size_t nb, size_t common);
double binary_cosine_of_counts(size_t na, size_t nb, size_t common);

// |A ∩ B| for one set A against many sets B: a record against its candidates. A goes once into a
// table of four-member buckets picked by a member's top bits (uniform: PreparedString's sets hold
// hashes and scrambled keys); each member of B is then a branch-free look at one bucket,
// independent of the others, where a merge takes one dependent step per member of either set.
// Members must be distinct (sets), as for intersection_size, which gives the same count.
class SetProbe {
 public:
  // Makes `a` the probed set; `a` must outlive the probes (members that crowd a few buckets, as
  // crafted input could make, are merged with instead).
  void assign(std::span<const uint64_t> a);
  size_t size() const { return set_.size(); }
  size_t intersection_size(std::span<const uint64_t> b) const;

 private:
  static constexpr size_t kWays = 4;
  std::span<const uint64_t> set_;
  std::vector<uint64_t> table_;  // buckets × kWays members, 0 = empty
  unsigned shift_ = 0;           // bucket = member >> shift_
  bool has_zero_ = false;        // 0 is a member (it cannot sit in the table)
  bool merge_ = false;           // no table: intersection_size merges with set_
};

// ---- Monge–Elkan (monge_elkan.cpp) ----

enum class InnerSimilarity { JaroWinkler, Levenshtein };

// (1/|A|) Σ_{a∈A} max_{b∈B} sim(a, b) over token lists (repeats count). Asymmetric: it asks how
// well each token of A is matched in B.
double monge_elkan(std::span<const std::u32string_view> a, std::span<const std::u32string_view> b,
                   InnerSimilarity inner = InnerSimilarity::JaroWinkler);

// ---- Null-aware, on prepared values ----

// 1 when the normalised texts are equal, else 0.
std::optional<double> exact_match(const PreparedString& a, const PreparedString& b);
std::optional<int64_t> levenshtein_distance(const PreparedString& a, const PreparedString& b);
std::optional<double> levenshtein_similarity(const PreparedString& a, const PreparedString& b);
// The same for two pairs at once (a0 with b0, a1 with b1): their bit-parallel loops interleave,
// each filling the other's latency; the same values as two calls.
void levenshtein_similarity_2(const PreparedString& a0, const PreparedString& b0, const PreparedString& a1,
                              const PreparedString& b1, std::optional<double> out[2]);
std::optional<double> jaro(const PreparedString& a, const PreparedString& b);
std::optional<double> jaro_winkler(const PreparedString& a, const PreparedString& b,
                                   const JaroWinklerParams& params = {});
// Jaccard |A∩B| / |A∪B| of the word-token sets, and of the q-gram sets.
std::optional<double> token_jaccard(const PreparedString& a, const PreparedString& b);
std::optional<double> qgram_jaccard(const PreparedString& a, const PreparedString& b);
// Cosine of the binary token vectors: |A∩B| / sqrt(|A|·|B|).
std::optional<double> token_cosine(const PreparedString& a, const PreparedString& b);
// Monge–Elkan over word tokens, A = a's tokens; and its symmetric mean (ME(a,b) + ME(b,a)) / 2.
std::optional<double> monge_elkan(const PreparedString& a, const PreparedString& b,
                                  InnerSimilarity inner = InnerSimilarity::JaroWinkler);
std::optional<double> monge_elkan_symmetric(const PreparedString& a, const PreparedString& b,
                                            InnerSimilarity inner = InnerSimilarity::JaroWinkler);
// Both directions, (ME(a,b), ME(b,a)), from one pass over the token pairs: the same values as
// two calls of monge_elkan.
std::optional<std::pair<double, double>> monge_elkan_both(const PreparedString& a, const PreparedString& b,
                                                          InnerSimilarity inner = InnerSimilarity::JaroWinkler);

// ---- Model numbers (model_numbers.cpp) ----

struct ModelNumberMatch {
  size_t left = 0;    // distinct codes in a
  size_t right = 0;   // distinct codes in b
  size_t common = 0;  // codes in both

  // common / |union|, and 0 (not 1) when neither side has a code: two listings without model
  // numbers have not agreed on one.
  double jaccard() const;
  bool both_present() const { return left > 0 && right > 0; }
  // Codes on both sides but none shared: strong evidence of different products.
  bool conflict() const { return both_present() && common == 0; }
};
std::optional<ModelNumberMatch> compare_model_numbers(const PreparedString& a,
                                                      const PreparedString& b);

// ---- Numbers (numeric_similarity.cpp) ----

// 1 − |a − b| / max(|a|, |b|), clamped to [0, 1]: 1 when equal (including 0 and 0, and the same
// infinity), 0 when the signs differ or only one is infinite. Null when either is null or NaN.
std::optional<double> numeric_similarity(std::optional<double> a, std::optional<double> b);

}  // namespace onnxfn::text
