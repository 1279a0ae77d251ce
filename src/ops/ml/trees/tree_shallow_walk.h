// Shallow ensembles: every tree padded to a perfect tree of depth <= 3 whose leaves add one value
// (GradientBoostingClassifier / Regressor at their default max_depth=3, binary or regression).
// Such a tree has at most 7 branches, so instead of walking each row down 3 levels (a chain of
// dependent loads per row), every branch is compared for a group of rows at once and the leaf
// value is picked by selects, level by level: with the block's X stored column by column, a
// branch is one vector load and one vector compare over contiguous rows, and nothing depends on
// where a row went. Comparing 7 branches instead of 3 still beats the walk by several times
// (bench/python, tests/ops/tree_shallow_walk_test.cpp). Each row's score adds its trees in tree
// order, starting from 0, as walk_perfect does, so the sums are the same bit for bit.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

#include "ops/ml/trees/tree_ensemble_layout.h"
#include "ops/ml/trees/tree_shallow_avx2.h"

namespace onnxfn::ops::trees {

inline constexpr int kMaxShallowDepth = 3;

// Whether walk_shallow scores the ensemble of plan p: every tree perfect, at most
// kMaxShallowDepth deep, each leaf adding one value; and X not much wider than the trees read
// (walk_shallow copies every column up to the last one read, about one instruction per value,
// where the trees cost about a quarter of one per branch and row: a few trees over a wide X
// keep walk_perfect, which reads only the values it compares).
template <class T>
bool shallow_plan(const BatchPlan<T>& p) {
  if (!p.usable || p.trees.empty()) return false;
  size_t branches = 0;
  for (const PlannedTree& t : p.trees) {
    if (!t.perfect || t.depth > kMaxShallowDepth || t.values != 1) return false;
    branches += (size_t{1} << t.depth) - 1;
  }
  const size_t columns = p.nan_left ? 2 * size_t{p.width} : size_t{p.width};
  return columns <= 64 + branches / 2;
}

namespace shallow {

// 16-byte vectors (SSE2 on x86-64, NEON on arm64: the baseline of every build, no ABI notes for
// wider vectors passed around without AVX). A comparison gives a lane mask of all ones or zeros.
template <class T>
struct Vec;
template <>
struct Vec<float> {
  typedef float V __attribute__((vector_size(16)));
  typedef int32_t M __attribute__((vector_size(16)));
};
template <>
struct Vec<double> {
  typedef double V __attribute__((vector_size(16)));
  typedef int64_t M __attribute__((vector_size(16)));
};

template <class T>
using V = typename Vec<T>::V;
template <class T>
using M = typename Vec<T>::M;
template <class T>
inline constexpr size_t kLanes = 16 / sizeof(T);

template <class T>
inline V<T> splat(T v) {
  V<T> out;
  for (size_t k = 0; k < kLanes<T>; ++k) out[k] = v;
  return out;
}

template <class T>
inline V<T> load(const T* p) {
  V<T> out;
  std::memcpy(&out, p, sizeof out);
  return out;
}

// Lanes of a where m is set, of b elsewhere: bits are moved, never computed, so values (NaN
// payloads, -0) come through unchanged.
template <class T>
inline V<T> select(M<T> m, V<T> a, V<T> b) {
  const M<T> ia = std::bit_cast<M<T>>(a), ib = std::bit_cast<M<T>>(b);
  return std::bit_cast<V<T>>(ib ^ (m & (ia ^ ib)));
}

// One perfect tree of depth D (BatchPlan layout: branch i's children 2i + 1, taken when
// x <= threshold, and 2i + 2; leaf slots after the 2^D - 1 branches), its thresholds and leaf
// values splat once per block and its branches' columns resolved.
template <class T, int D>
struct Tree {
  static constexpr int kInner = (1 << D) - 1;
  const T* column[kInner > 0 ? kInner : 1] = {};
  V<T> threshold[kInner > 0 ? kInner : 1] = {};
  V<T> leaf[1 << D] = {};

  Tree(const BatchPlan<T>& p, const PlannedTree& t, const T* xt, size_t ld) {
    for (int i = 0; i < kInner; ++i) {
      const PerfectNode<T>& node = p.nodes[t.first_node + static_cast<size_t>(i)];
      column[i] = xt + static_cast<size_t>(node.feature) * ld;
      threshold[i] = splat(node.threshold);
    }
    for (int i = 0; i < (1 << D); ++i) leaf[i] = splat(p.leaf_values[t.first_leaf + static_cast<size_t>(i)]);
  }

  // The leaf values of rows [g, g + kLanes) under node I.
  template <int I>
  V<T> value(size_t g) const {
    if constexpr (I >= kInner) {
      return leaf[I - kInner];
    } else {
      // x <= threshold: false for NaN x and for a NaN threshold (padding), both of which go right.
      const M<T> left = load(column[I] + g) <= threshold[I];
      return select<T>(left, value<2 * I + 1>(g), value<2 * I + 2>(g));
    }
  }

  void add_to(T* acc, size_t padded) const {
    for (size_t g = 0; g < padded; g += kLanes<T>) {
      const V<T> sum = load(acc + g) + value<0>(g);
      std::memcpy(acc + g, &sum, sizeof sum);
    }
  }
};

}  // namespace shallow

// Scores rows [0, rows) of x (walked rows: widened when the plan needs it, `stride` apart) through
// every tree of a shallow_plan() into scores (row r's target j at scores[r * n + j], zero on entry),
// the same additions in the same order as walk_perfect.
template <class T>
void walk_shallow(const BatchPlan<T>& p, const T* x, int64_t stride, int64_t rows, T* scores, size_t n) {
  constexpr size_t lanes = 8;  // 8 floats for AVX2, two or four 16-byte vectors otherwise
  const auto rows_n = static_cast<size_t>(rows);
  const size_t padded = (rows_n + lanes - 1) / lanes * lanes;  // rows past `rows` are zeros, then dropped
  const size_t columns = p.nan_left ? 2 * size_t{p.width} : size_t{p.width};
  // Columns 64 bytes more than a power of two apart (512 rows: 2 KB), which would put every
  // column of a row in the same few cache sets: the transposition ran 4x slower that way.
  const size_t ld = padded + 64 / sizeof(T);
  std::vector<T> xt(columns * ld);
  // A few rows at a time, every column: the rows' values stay in L1 while each column gets a run.
  constexpr size_t kRowsAtOnce = 8;
  auto transpose = [&]<size_t Count>(size_t r0, size_t count) {
    const T* row = x + static_cast<int64_t>(r0) * stride;
    T* out = xt.data() + r0;
    for (size_t c = 0; c < columns; ++c, out += ld)
      for (size_t k = 0; k < (Count ? Count : count); ++k) out[k] = row[static_cast<int64_t>(k) * stride + static_cast<int64_t>(c)];
  };
  size_t r0 = 0;
  for (; r0 + kRowsAtOnce <= rows_n; r0 += kRowsAtOnce) transpose.template operator()<kRowsAtOnce>(r0, kRowsAtOnce);
  if (r0 < rows_n) transpose.template operator()<0>(r0, rows_n - r0);
  // One accumulator per scored target and row, column by column like xt.
  std::vector<T> acc(n * padded);
  bool avx2 = false;
#if defined(ONNXFN_SHALLOW_AVX2)
  if constexpr (std::is_same_v<T, float>) {
    if (shallow_avx2_available()) {
      std::vector<ShallowTreeRef> refs(p.trees.size());
      for (size_t i = 0; i < refs.size(); ++i) {
        const PlannedTree& t = p.trees[i];
        ShallowTreeRef& ref = refs[i];
        ref.depth = t.depth;
        for (size_t k = 0; k < (size_t{1} << t.depth) - 1; ++k) {
          ref.column[k] = p.nodes[t.first_node + k].feature;
          ref.threshold[k] = p.nodes[t.first_node + k].threshold;
        }
        for (size_t k = 0; k < (size_t{1} << t.depth); ++k) ref.leaf[k] = p.leaf_values[t.first_leaf + k];
        ref.acc = acc.data() + static_cast<size_t>(p.targets[t.first_target]) * padded;
      }
      add_shallow_trees_avx2(refs.data(), refs.size(), xt.data(), ld, padded);
      avx2 = true;
    }
  }
#endif
  for (const PlannedTree& t : avx2 ? std::span<const PlannedTree>() : std::span<const PlannedTree>(p.trees)) {
    T* a = acc.data() + static_cast<size_t>(p.targets[t.first_target]) * padded;
    switch (t.depth) {
      case 0: shallow::Tree<T, 0>(p, t, xt.data(), ld).add_to(a, padded); break;
      case 1: shallow::Tree<T, 1>(p, t, xt.data(), ld).add_to(a, padded); break;
      case 2: shallow::Tree<T, 2>(p, t, xt.data(), ld).add_to(a, padded); break;
      default: shallow::Tree<T, 3>(p, t, xt.data(), ld).add_to(a, padded); break;
    }
  }
  for (const uint32_t j : p.scored_targets)
    for (size_t r = 0; r < rows_n; ++r) scores[r * n + j] = acc[static_cast<size_t>(j) * padded + r];
}

}  // namespace onnxfn::ops::trees
