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
#include <algorithm>
#include <bit>
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

double jaccard_of_counts(size_t na, size_t nb, size_t common) {
  if (na == 0 && nb == 0) return 1.0;
  return static_cast<double>(common) / static_cast<double>(na + nb - common);
}

double binary_cosine_of_counts(size_t na, size_t nb, size_t common) {
  if (na == 0 && nb == 0) return 1.0;
  if (na == 0 || nb == 0) return 0.0;
  return std::min(1.0, static_cast<double>(common) / std::sqrt(static_cast<double>(na) * static_cast<double>(nb)));
}

double jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  return jaccard_of_counts(a.size(), b.size(), intersection_size(a, b));
}

double binary_cosine(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  return binary_cosine_of_counts(a.size(), b.size(), intersection_size(a, b));
}

void SetProbe::assign(std::span<const uint64_t> a) {
  set_ = a;
  has_zero_ = merge_ = false;
  // About one member per bucket; a bucket that would overflow doubles the table. Uniform members
  // overflow rarely (a 55-gram title: ~1 time in 5 at 64 buckets, ~1 in 100 at 128); members
  // that still crowd a bucket at 16 times that many are merged with instead.
  const unsigned first = std::max(2u, static_cast<unsigned>(std::bit_width(a.size())));
  for (unsigned bits = first;; ++bits) {
    if (bits > first + 4 || bits > 40) {
      merge_ = true;
      table_.clear();
      return;
    }
    const size_t buckets = size_t{1} << bits;
    table_.assign(buckets * kWays, 0);
    shift_ = 64 - bits;
    bool overflow = false;
    for (const uint64_t x : a) {
      if (x == 0) {
        has_zero_ = true;
        continue;
      }
      uint64_t* const bucket = table_.data() + (x >> shift_) * kWays;
      size_t way = 0;
      while (way < kWays && bucket[way] != 0) ++way;
      if (way == kWays) {
        overflow = true;
        break;
      }
      bucket[way] = x;
    }
    if (!overflow) return;
    has_zero_ = false;
  }
}

size_t SetProbe::intersection_size(std::span<const uint64_t> b) const {
  if (merge_) return text::intersection_size(set_, b);
  size_t common = 0;
  const uint64_t* const table = table_.data();
  for (const uint64_t y : b) {
    if (y == 0) {
      common += has_zero_;
      continue;
    }
    const uint64_t* const bucket = table + (y >> shift_) * kWays;
    common += static_cast<size_t>((bucket[0] == y) | (bucket[1] == y) | (bucket[2] == y) | (bucket[3] == y));
  }
  return common;
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
