// Set similarity of word tokens and character q-grams.
//
// Jaccard: P. Jaccard, "Étude comparative de la distribution florale dans une portion des Alpes
// et du Jura", Bulletin de la Société Vaudoise des Sciences Naturelles 37, 1901:
//   J(A, B) = |A ∩ B| / |A ∪ B|.
// Binary (set) cosine, i.e. the Ochiai coefficient: |A ∩ B| / sqrt(|A|·|B|), the cosine of the
// 0/1 membership vectors (Manning, Raghavan & Schütze, "Introduction to Information Retrieval",
// 2008, §6.3). q-grams as set members: E. Ukkonen, "Approximate string-matching with q-grams and
// maximal matches", Theoretical Computer Science 92, 1992. Both are 1 for two empty sets (equal
// inputs) and 0 when exactly one is empty (similarity.h).
// Sets are sorted arrays of distinct 64-bit hashes (PreparedString), so each measure is one
// linear merge, with no allocation.
#include <cmath>

#include "frame/text/similarity.h"

namespace onnxfn::text {

size_t intersection_size(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  // Branch-free merge: which side advances is a coin toss for hashes, so a branchy merge
  // mispredicts about every other step.
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    const uint64_t x = a[i], y = b[j];
    common += x == y;
    i += x <= y;
    j += y <= x;
  }
  return common;
}

double jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.empty() && b.empty()) return 1.0;
  const size_t common = intersection_size(a, b);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

double binary_cosine(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const double common = static_cast<double>(intersection_size(a, b));
  return std::min(1.0, common / std::sqrt(static_cast<double>(a.size()) *
                                          static_cast<double>(b.size())));
}

std::optional<double> token_jaccard(const PreparedString& a, const PreparedString& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return jaccard(a.token_set(), b.token_set());
}

std::optional<double> qgram_jaccard(const PreparedString& a, const PreparedString& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return jaccard(a.qgram_set(), b.qgram_set());
}

std::optional<double> token_cosine(const PreparedString& a, const PreparedString& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return binary_cosine(a.token_set(), b.token_set());
}

}  // namespace onnxfn::text
