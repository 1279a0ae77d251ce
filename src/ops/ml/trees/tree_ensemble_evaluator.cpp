// The evaluator (see tree_ensemble_evaluator.h): for each block of rows, tree by tree, the leaf each
// row reaches and the aggregation of its weights into the row's scores; then per row ORT's
// finalisation: base values, post_transform and the classifier's label rules.
#include "ops/ml/trees/tree_ensemble_evaluator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include "engine/thread_pool.h"
#include "ops/ml/trees/tree_perfect_avx2.h"
#include "ops/ml/trees/tree_shallow_walk.h"

namespace onnxfn::ops::trees {
namespace {

// Rows whose leaves are searched together, tree by tree, so that a tree's nodes are fetched once per
// block (ORT batches 128 rows the same way in its 1-thread path); fewer when there are many targets
// so that a block's scores stay small (n_targets comes from the model and may be large). 512 rows
// of 30 float features are 60 KB of X, which stays in L2; measured against 128 and 1024 on the
// benchmark models: up to 1.2x faster on forests of deep padded trees, the same on the others.
constexpr int64_t kBlockRows = 512;
int64_t block_rows(int64_t targets) { return std::clamp<int64_t>((int64_t{1} << 16) / targets, 1, kBlockRows); }

// Calls fn(begin, end) on rows [0, n) in whole blocks of `block` rows (the last one shorter), one
// parallel_for chunk per block whatever the thread count, so that threads take turns block by
// block. With parallel_for's default of four chunks a thread, two threads at 10,000 rows got 8
// chunks of 1,250 rows, walked as 512 + 512 + 226: the last chunk left one thread idle for up to
// an eighth of the run. Chunks of evenly spread sizes (500 rows) were 2-3% slower on one thread
// than whole blocks: each left 4 rows to walk alone, outside the groups of 16.
template <class Fn>
void for_blocks(const KernelContext& ctx, int64_t n, int64_t block, const Fn& fn) {
  const int64_t blocks = (n + block - 1) / block;
  ctx.threads().parallel_for(blocks, 1, [&](int64_t b0, int64_t b1) { fn(b0 * block, std::min(n, b1 * block)); }, blocks);
}

// The precision of comparisons and sums, ORT's ThresholdType: double for double X, float for
// float, int64 and int32 X (tree_ensemble_classifier.cc / treeregressor.cc pick TreeEnsembleCommon
// <T, double> only for double). Integer features are therefore compared as float, as in ORT.
template <class In>
using Calc = std::conditional_t<std::is_same_v<In, double>, double, float>;

template <class C>
bool is_nan(C v) {
  return v != v;
}

// x86's truncating conversion (cvttss2si / cvttsd2si), which ORT's big-set test relies on: NaN
// and values outside int32 become INT32_MIN (measured with ORT 1.32: NaN is a member of a big set
// that holds -2147483648).
template <class C>
int32_t truncate_to_int32(C v) {
  return (v >= static_cast<C>(-2147483648.0) && v < static_cast<C>(2147483648.0))
             ? static_cast<int32_t>(v)
             : std::numeric_limits<int32_t>::min();
}

template <class T, class C>
bool is_member(const MemberSet<T>& set, C v) {
  if (set.by_int32) return std::binary_search(set.ints.begin(), set.ints.end(), truncate_to_int32(v));
  for (T m : set.values)
    if (v == static_cast<C>(m)) return true;
  return false;
}

// The next node, written as a mask so that the compiler emits no branch: which way a row goes is
// close to a coin flip, and a mispredicted branch per node costs more than waiting for the
// comparison (measured: 1.5x faster on a 100-tree forest).
template <class T>
uint32_t child(bool goes_true, const FlatNode<T>& n) {
  const uint32_t mask = 0u - static_cast<uint32_t>(goes_true);
  return n.on_false ^ ((n.on_false ^ n.on_true) & mask);
}

// One node of any mode. ONNX ml TreeEnsemble*, nodes_missing_value_tracks_true: a NaN feature goes
// the true way on nodes that set it; elsewhere it goes where the comparison sends it (false for
// every mode but BRANCH_NEQ), as ORT's `val CMP threshold || (missing_tracks_true && isnan(val))`.
template <class T, class C>
bool goes_true(const CompiledEnsemble<T>& e, uint32_t i, C v) {
  const C threshold = static_cast<C>(e.nodes[i].value);
  const NodeFlags f = e.flags[i];
  bool t = false;
  switch (f.mode) {
    case NodeMode::Leq: t = v <= threshold; break;
    case NodeMode::Lt: t = v < threshold; break;
    case NodeMode::Gte: t = v >= threshold; break;
    case NodeMode::Gt: t = v > threshold; break;
    case NodeMode::Eq: t = v == threshold; break;
    case NodeMode::Neq: t = v != threshold; break;
    case NodeMode::Member: t = is_member(e.sets[e.node_sets[i]], v); break;
    case NodeMode::Leaf: break;
  }
  return t || (f.missing_tracks_true && is_nan(v));
}

struct MixedWalk {
  template <class In, class T>
  static uint32_t leaf(const CompiledEnsemble<T>& e, uint32_t i, const In* row) {
    const FlatNode<T>* nodes = e.nodes.data();
    while (!nodes[i].is_leaf()) {
      const FlatNode<T>& n = nodes[i];
      i = child(goes_true(e, i, static_cast<Calc<In>>(row[n.feature])), n);
    }
    return i;
  }
};

// Every branch compares with `M` (sklearn and LightGBM use BRANCH_LEQ, XGBoost BRANCH_LT): no
// switch per node, and the NaN flag is only read for NaN features of models that track them.
template <NodeMode M, bool Missing>
struct UniformWalk {
  template <class In, class T>
  static uint32_t leaf(const CompiledEnsemble<T>& e, uint32_t i, const In* row) {
    using C = Calc<In>;
    const FlatNode<T>* nodes = e.nodes.data();
    while (!nodes[i].is_leaf()) {
      const FlatNode<T>& n = nodes[i];
      const C v = static_cast<C>(row[n.feature]);
      const C threshold = static_cast<C>(n.value);
      bool t;
      if constexpr (M == NodeMode::Leq)
        t = v <= threshold;
      else
        t = v < threshold;
      if constexpr (Missing) t = t || (is_nan(v) && e.flags[i].missing_tracks_true);
      i = child(t, n);
    }
    return i;
  }
};

// ---- aggregation (ORT's TreeAggregatorSum / Average / Min / Max) ----

template <class Acc>
void aggregate(Aggregate a, Acc& s, uint8_t& has, Acc w) {
  switch (a) {
    case Aggregate::Sum:
    case Aggregate::Average: s += w; break;
    case Aggregate::Min: s = (!has || w < s) ? w : s; break;
    case Aggregate::Max: s = (!has || w > s) ? w : s; break;
  }
  has = 1;
}

// Scores of rows [first, first + rows): scores/has[r * n_targets + j] for row r and target j, the
// "has a score" flags being what ORT uses to tell untouched targets apart. Tree by tree over the
// block, as ORT's single-thread path does, so a tree's nodes stay in cache for all its rows while
// each row still adds its trees in tree order. A single-target ensemble adds each leaf's first
// weight (FlatNode::value), as ORT does; several targets take every weight of the leaf.
template <class Walk, class In, class T>
void score_block(const CompiledEnsemble<T>& e, const In* x, int64_t stride, int64_t first, int64_t rows,
                 Calc<In>* scores, uint8_t* has) {
  using Acc = Calc<In>;
  const auto n = static_cast<size_t>(e.n_targets);
  const auto cells = static_cast<size_t>(rows) * n;
  std::fill(scores, scores + cells, Acc(0));
  std::fill(has, has + cells, uint8_t{0});
  // Locals, not members of `e`: writes through `has` (a char type) could alias them otherwise.
  const FlatNode<T>* nodes = e.nodes.data();
  const uint32_t* targets = e.weight_targets.data();
  const T* weights = e.weight_values.data();
  const Aggregate a = e.aggregate;
  for (const uint32_t root : e.roots) {
    const In* row = x + first * stride;
    for (int64_t r = 0; r < rows; ++r, row += stride) {
      const FlatNode<T>& leaf = nodes[Walk::template leaf<In, T>(e, root, row)];
      if (n == 1) {
        aggregate(a, scores[r], has[r], static_cast<Acc>(leaf.value));
        continue;
      }
      Acc* s = scores + static_cast<size_t>(r) * n;
      uint8_t* h = has + static_cast<size_t>(r) * n;
      const uint32_t end = leaf.on_true + leaf.feature;
      for (uint32_t k = leaf.on_true; k < end; ++k) aggregate(a, s[targets[k]], h[targets[k]], static_cast<Acc>(weights[k]));
    }
  }
}

// ---- the batch plan: perfect trees walked several rows at a time ----

// Rows walked side by side through one tree. Each row's walk is a chain of dependent loads (node,
// then feature value), so independent rows interleaved hide each other's latency. Measured on the
// benchmark models (bench/tree_kernels_bench.cpp, docs/benchmarks.md): 16 beats 8 by 1.3-1.5x;
// 32 spills registers and is slower again.
constexpr int kInterleave = 16;

// Adds the weights of leaf slot `leaf` of perfect tree t to one row's scores (a leaf's weights in
// attribute order, as the row-by-row walk).
template <class T>
inline void add_leaf(const BatchPlan<T>& p, const PlannedTree& t, uint32_t leaf, T* s) {
  const T* w = p.weights.data() + p.leaves[t.first_leaf + leaf];
  const uint32_t* targets = p.targets.data() + t.first_target;
  for (uint32_t k = 0; k < t.values; ++k) s[targets[k]] += w[k];
}

// Walks rows [0, rows) of x (already widened if the plan needs it) through perfect tree t and adds
// each row's leaf to its scores (scores + r * n). After `depth` steps of i = 2i + 2 - (goes left)
// from the root, i is slot i - (2^depth - 1) of the last level.
template <class T>
void walk_perfect(const BatchPlan<T>& p, const PlannedTree& t, const T* x, int64_t stride, int64_t rows, T* scores,
                  size_t n) {
  const PerfectNode<T>* nodes = p.nodes.data() + t.first_node;
  const int depth = t.depth;
  const uint32_t inner = (1u << depth) - 1;
  auto step = [nodes](uint32_t i, const T* row) -> uint32_t {
    const PerfectNode<T>& node = nodes[i];
    return 2 * i + 2 - static_cast<uint32_t>(row[node.feature] <= node.threshold);
  };
  int64_t r = 0;
  for (; r + kInterleave <= rows; r += kInterleave) {
    const T* row = x + r * stride;
    uint32_t idx[kInterleave] = {};
    for (int d = 0; d < depth; ++d)
      for (int k = 0; k < kInterleave; ++k) idx[k] = step(idx[k], row + k * stride);
    if (t.values == 1) {
      // The common case, spelled out: the same addition as add_leaf, without its loop and lookups.
      const T* values = p.leaf_values.data() + t.first_leaf;
      T* s = scores + static_cast<size_t>(r) * n + p.targets[t.first_target];
      for (int k = 0; k < kInterleave; ++k) s[static_cast<size_t>(k) * n] += values[idx[k] - inner];
    } else {
      for (int k = 0; k < kInterleave; ++k) add_leaf(p, t, idx[k] - inner, scores + static_cast<size_t>(r + k) * n);
    }
  }
  for (; r < rows; ++r) {
    const T* row = x + r * stride;
    uint32_t i = 0;
    for (int d = 0; d < depth; ++d) i = step(i, row);
    add_leaf(p, t, i - inner, scores + static_cast<size_t>(r) * n);
  }
}

// walk_perfect over a copy of the block made by to_columns (column j of row r at cols[j * ld + r]):
// the 16 rows walked together read a node's feature from one cache line, where in rows they read
// it from 16, and row k's value is at base[offset + k] (k a constant): no pointer per row, which
// with 16 rows spilled registers. The offset is the feature times ld: from a copy of the tree's
// nodes with the offsets stored (`local`: one load per step) when the tree is small beside the
// block's steps, else multiplied per step.
// Measured on the product-matching model (100 trees of depth 4-8, NaN sent left by some nodes,
// 2,048 rows, one thread): the model 1.27 ms against 1.34 ms walking rows; 12 or 24 rows at a
// time instead of 16 were slower (1.32, 1.75 ms).
template <bool Multiply, class T>
void walk_columns(const BatchPlan<T>& p, const PlannedTree& t, const PerfectNode<T>* nodes, const T* cols,
                  size_t ld, int64_t rows, T* scores, size_t n) {
  const int depth = t.depth;
  const uint32_t inner = (1u << depth) - 1;
  auto step = [nodes, ld](uint32_t i, const T* base) -> uint32_t {
    const PerfectNode<T>& node = nodes[i];
    const size_t offset = Multiply ? node.feature * ld : node.feature;
    return 2 * i + 2 - static_cast<uint32_t>(base[offset] <= node.threshold);
  };
  int64_t r = 0;
  for (; r + kInterleave <= rows; r += kInterleave) {
    const T* base = cols + r;
    uint32_t idx[kInterleave] = {};
    for (int d = 0; d < depth; ++d)
      for (int k = 0; k < kInterleave; ++k) idx[k] = step(idx[k], base + k);
    if (t.values == 1) {
      const T* values = p.leaf_values.data() + t.first_leaf;
      T* s = scores + static_cast<size_t>(r) * n + p.targets[t.first_target];
      for (int k = 0; k < kInterleave; ++k) s[static_cast<size_t>(k) * n] += values[idx[k] - inner];
    } else {
      for (int k = 0; k < kInterleave; ++k) add_leaf(p, t, idx[k] - inner, scores + static_cast<size_t>(r + k) * n);
    }
  }
  for (; r < rows; ++r) {
    uint32_t i = 0;
    for (int d = 0; d < depth; ++d) i = step(i, cols + r);
    add_leaf(p, t, i - inner, scores + static_cast<size_t>(r) * n);
  }
}

#if defined(ONNXFN_SHALLOW_AVX2)
// walk_columns_avx2's copies of a tree's nodes, kept across the trees of a block.
struct Avx2Nodes {
  std::vector<float> thresholds;  // PerfectTreeColumns
  std::vector<uint32_t> offsets;
  std::vector<PerfectNode<float>> bytes;  // for the lower levels: the offsets in bytes
  std::vector<PerfectNode<float>> tail;   // for walk_columns
};

// walk_columns<false> with the top levels (up to kMaxAvx2TopLevels) in AVX2 (perfect_top_avx2),
// then the levels below walked as walk_columns walks them, kInterleave rows at a time from the
// nodes reached; the rows left over (fewer than kInterleave) by walk_columns. The same leaves,
// added per row in tree order, so the same sums bit for bit. RandomForestClassifier(100 trees,
// max_depth=8) from Python, CPU time per row at 10,000 and 1,000,000 rows: 1.31x and 1.34x lower
// than walk_columns' (bench/python/README.md). Lower levels in AVX2 too were slower: a lane's node and value need
// gathers there (one gather of the values with thresholds picked by permutes: 1.6x slower than
// walk_columns), and comparing all 31 branches of 5 levels cost as much as the 5th level's steps.
void walk_columns_avx2(const BatchPlan<float>& p, const PlannedTree& t, const PerfectNode<float>* planned,
                       const float* cols, size_t ld, int64_t rows, float* scores, size_t n, Avx2Nodes& local) {
  const int depth = t.depth;
  const uint32_t inner = (1u << depth) - 1;
  local.thresholds.resize(inner);
  local.offsets.resize(inner);
  local.bytes.resize(inner);
  for (uint32_t i = 0; i < inner; ++i) {
    local.thresholds[i] = planned[i].threshold;
    local.offsets[i] = planned[i].feature * static_cast<uint32_t>(ld);
    local.bytes[i] = {planned[i].threshold, local.offsets[i] * static_cast<uint32_t>(sizeof(float))};
  }
  const int top = std::min(depth, kMaxAvx2TopLevels);
  const uint32_t top_first = (1u << top) - 1;  // the first node of level `top`
  const PerfectNode<float>* nodes = local.bytes.data();
  const int64_t vectored = rows / kInterleave * kInterleave;
  uint32_t reached[kBlockRows];
  for (int64_t b = 0; b < vectored; b += kBlockRows) {
    const int64_t count = std::min(kBlockRows, vectored - b);
    perfect_top_avx2({local.thresholds.data(), local.offsets.data()}, top, cols + b, static_cast<size_t>(count),
                     reached);
    for (int64_t r = 0; r < count; r += kInterleave) {
      // Byte offsets from the group's first row: row k's value at base + offset + 4k, one
      // addressing mode, where an index sum costs an instruction per step.
      const char* base = reinterpret_cast<const char*>(cols + b + r);
      uint32_t idx[kInterleave];
      for (int k = 0; k < kInterleave; ++k) idx[k] = top_first + reached[r + k];
      for (int d = top; d < depth; ++d)
        for (int k = 0; k < kInterleave; ++k) {
          const PerfectNode<float> node = nodes[idx[k]];
          float x;
          std::memcpy(&x, base + node.feature + sizeof(float) * k, sizeof x);
          idx[k] = 2 * idx[k] + 2 - static_cast<uint32_t>(x <= node.threshold);
        }
      float* s = scores + static_cast<size_t>(b + r) * n;
      if (t.values == 1) {
        const float* values = p.leaf_values.data() + t.first_leaf;
        s += p.targets[t.first_target];
        for (int k = 0; k < kInterleave; ++k) s[static_cast<size_t>(k) * n] += values[idx[k] - inner];
      } else {
        for (int k = 0; k < kInterleave; ++k) add_leaf(p, t, idx[k] - inner, s + static_cast<size_t>(k) * n);
      }
    }
  }
  if (vectored < rows) {
    local.tail.resize(inner);
    for (uint32_t i = 0; i < inner; ++i) local.tail[i] = {local.thresholds[i], local.offsets[i]};
    walk_columns<false>(p, t, local.tail.data(), cols + vectored, ld, rows - vectored,
                        scores + static_cast<size_t>(vectored) * n, n);
  }
}
#else
struct Avx2Nodes {};
#endif

template <class T>
void walk_perfect_columns(const BatchPlan<T>& p, const PlannedTree& t, const T* cols, size_t ld, int64_t rows,
                          T* scores, size_t n, std::vector<PerfectNode<T>>& local, Avx2Nodes& avx2_nodes) {
  const uint32_t inner = (1u << t.depth) - 1;
  const PerfectNode<T>* planned = p.nodes.data() + t.first_node;
  if (static_cast<int64_t>(inner) * 8 > rows * t.depth) {  // copying would cost over an eighth of the walk
    walk_columns<true>(p, t, planned, cols, ld, rows, scores, n);
    return;
  }
#if defined(ONNXFN_SHALLOW_AVX2)
  if constexpr (std::is_same_v<T, float>) {
    // The lower levels' byte offsets are 32-bit: every column of the block must lie within 4 GiB.
    const uint64_t block_bytes = uint64_t{2} * p.width * ld * sizeof(float);
    const bool fits = block_bytes <= std::numeric_limits<uint32_t>::max();
    if (t.depth >= 2 && rows >= kInterleave && fits && shallow_avx2_available()) {
      walk_columns_avx2(p, t, planned, cols, ld, rows, scores, n, avx2_nodes);
      return;
    }
  }
#else
  (void)avx2_nodes;
#endif
  local.resize(inner);
  for (uint32_t i = 0; i < inner; ++i) local[i] = {planned[i].threshold, planned[i].feature * static_cast<uint32_t>(ld)};
  walk_columns<false>(p, t, local.data(), cols, ld, rows, scores, n);
}

// to_columns' distance between columns for a block of `rows`: whole cache lines of floats (16), an
// odd number of them, since at a power of two (512 rows: 2 KB) every column would fall in the same
// few sets of the L1 cache.
inline size_t column_stride(int64_t rows) { return (static_cast<size_t>(rows + 15) / 16 * 16) | 16; }

// The block's rows as walk_perfect_columns reads them: column j of row r (as T; with NaN sent left,
// columns w + j the same with NaN replaced by -inf, as the widened rows) at cols[j * ld + r].
template <class In, class T>
void to_columns(const BatchPlan<T>& p, const In* block, int64_t stride, int64_t rows, T* cols, size_t ld) {
  const size_t w = p.width;
  for (size_t j = 0; j < w; ++j) {
    T* out = cols + j * ld;
    const In* in = block + j;
    for (int64_t r = 0; r < rows; ++r) out[r] = static_cast<T>(in[r * stride]);
    if (p.nan_left) {
      T* low = cols + (w + j) * ld;
      for (int64_t r = 0; r < rows; ++r) low[r] = is_nan(out[r]) ? -std::numeric_limits<T>::infinity() : out[r];
    }
  }
}

// Walks K rows (row k at x + k * stride) through deep tree t together (see DeepNode) and adds each
// row's leaf to its scores (scores + k * n). A step moves every row that is not on a leaf yet; the
// walk ends after the first step that found all of them on leaves.
template <int K, class T>
inline void walk_deep_rows(const BatchPlan<T>& p, const PlannedTree& t, const T* x, int64_t stride, T* scores,
                           size_t n) {
  const DeepNode<T>* nodes = p.deep_nodes.data() + t.first_node;
  const uint32_t shift = p.offset_bits;
  const uint32_t mask = shift >= 32 ? 0xFFFFFFFFu : (1u << shift) - 1;
  uint32_t idx[K] = {};
  uint32_t live;
  do {
    live = 0;
    for (int k = 0; k < K; ++k) {
      const DeepNode<T> node = nodes[idx[k]];
      const uint32_t offset = node.word & mask;
      live |= offset;
      const uint32_t feature = shift >= 32 ? 0u : node.word >> shift;
      idx[k] += offset - static_cast<uint32_t>(x[k * stride + feature] <= node.threshold);
    }
  } while (live != 0);
  if (t.values == 1) {
    const T* values = p.leaf_values.data() + t.first_leaf;
    T* s = scores + p.targets[t.first_target];
    for (int k = 0; k < K; ++k) s[static_cast<size_t>(k) * n] += values[leaf_number(nodes[idx[k]].threshold)];
  } else {
    for (int k = 0; k < K; ++k) add_leaf(p, t, leaf_number(nodes[idx[k]].threshold), scores + static_cast<size_t>(k) * n);
  }
}

// walk_perfect's counterpart for a deep tree: 16 rows at a time, then the rest in smaller groups.
template <class T>
void walk_deep(const BatchPlan<T>& p, const PlannedTree& t, const T* x, int64_t stride, int64_t rows, T* scores,
               size_t n) {
  int64_t r = 0;
  for (; r + kInterleave <= rows; r += kInterleave)
    walk_deep_rows<kInterleave>(p, t, x + r * stride, stride, scores + static_cast<size_t>(r) * n, n);
  if (r + 8 <= rows) {
    walk_deep_rows<8>(p, t, x + r * stride, stride, scores + static_cast<size_t>(r) * n, n);
    r += 8;
  }
  if (r + 4 <= rows) {
    walk_deep_rows<4>(p, t, x + r * stride, stride, scores + static_cast<size_t>(r) * n, n);
    r += 4;
  }
  for (; r < rows; ++r) walk_deep_rows<1>(p, t, x + r * stride, stride, scores + static_cast<size_t>(r) * n, n);
}

// Below this many rows a block's deep trees go through walk_deep_small_batch: at 16-48 rows it
// beat walk_deep by 1.1-1.4x on the default-settings forests (docs/benchmarks.md), at 100 it ties.
constexpr int64_t kSmallBatch = 64;

// A small batch has too few rows for walk_deep to overlap (one row: none), but every (row, tree)
// pair of a run of consecutive deep trees is an independent walk: `Slots` of them step together,
// and a slot whose walk reached its leaf records it and takes the next pair at once, so no slot
// idles while a deeper tree finishes (the trees of one forest differ in depth by 2x and more).
// Each step prefetches the node it moves to, which the slot reads again only `Slots` walks later.
// Node indices are absolute in BatchPlan::deep_nodes (offsets are relative, so a step is the
// same). The leaves are added once a chunk of trees is walked, row by row in tree order: the sums
// of every other path, bit for bit.
constexpr size_t kChunkWalks = 1024;  // leaf indices kept on the stack per chunk (4 KB)
static_assert(kSmallBatch <= static_cast<int64_t>(kChunkWalks), "a chunk holds at least one tree of every row");

template <int Slots, class T>
void walk_deep_slots(const BatchPlan<T>& p, size_t first, size_t count, const T* x, int64_t stride, int64_t rows,
                     T* scores, size_t n) {
  const DeepNode<T>* nodes = p.deep_nodes.data();
  const uint32_t shift = p.offset_bits;
  const uint32_t mask = shift >= 32 ? 0xFFFFFFFFu : (1u << shift) - 1;
  const auto rows_n = static_cast<size_t>(rows);
  const size_t trees_per_chunk = std::max<size_t>(1, kChunkWalks / rows_n);
  uint32_t leaves[kChunkWalks];  // leaves[j * rows + r]: the leaf node row r reached in tree chunk + j
  constexpr uint32_t kIdle = 0xFFFFFFFFu;
  for (size_t chunk = first; chunk < first + count; chunk += trees_per_chunk) {
    const size_t trees = std::min(trees_per_chunk, first + count - chunk);
    const size_t walks = trees * rows_n;  // walk w: tree chunk + w / rows, row w % rows
    uint32_t idx[Slots], walk[Slots];
    const T* row[Slots];
    size_t next = 0, done = 0;
    auto start = [&](int k) {
      walk[k] = static_cast<uint32_t>(next);
      idx[k] = p.trees[chunk + next / rows_n].first_node;
      row[k] = x + static_cast<int64_t>(next % rows_n) * stride;
      ++next;
    };
    const int slots = static_cast<int>(std::min<size_t>(Slots, walks));
    for (int k = 0; k < slots; ++k) start(k);
    while (done < walks) {
      for (int k = 0; k < slots; ++k) {
        const DeepNode<T> node = nodes[idx[k]];
        const uint32_t offset = node.word & mask;
        if (offset == 0) {  // on its leaf; an idle slot stays on the last one it reached
          if (walk[k] != kIdle) {
            leaves[walk[k]] = idx[k];
            ++done;
            if (next < walks)
              start(k);
            else
              walk[k] = kIdle;
          }
          continue;
        }
        const uint32_t feature = shift >= 32 ? 0u : node.word >> shift;
        idx[k] += offset - static_cast<uint32_t>(row[k][feature] <= node.threshold);
        __builtin_prefetch(nodes + idx[k]);
      }
    }
    for (size_t r = 0; r < rows_n; ++r) {
      T* s = scores + r * n;
      for (size_t j = 0; j < trees; ++j) {
        const PlannedTree& t = p.trees[chunk + j];
        const uint32_t leaf = leaf_number(nodes[leaves[j * rows_n + r]].threshold);
        if (t.values == 1)
          s[p.targets[t.first_target]] += p.leaf_values[t.first_leaf + leaf];
        else
          add_leaf(p, t, leaf, s);
      }
    }
  }
}

// Deep trees [first, first + count) for a batch below kSmallBatch rows. 32 walks in flight beat 16
// by up to 1.2x from 8 rows up (more cache misses to overlap) and tie at 4; at one row 16 was ~5%
// faster (fewer idle slots while the last walks drain).
template <class T>
void walk_deep_small_batch(const BatchPlan<T>& p, size_t first, size_t count, const T* x, int64_t stride,
                           int64_t rows, T* scores, size_t n) {
  if (rows < 4)
    walk_deep_slots<16>(p, first, count, x, stride, rows, scores, n);
  else
    walk_deep_slots<32>(p, first, count, x, stride, rows, scores, n);
}

// score_block for a planned ensemble (SUM or AVERAGE, X compared in the thresholds' type): tree by
// tree over the block as score_block, perfect trees by walk_perfect_columns or walk_perfect, deep trees by walk_deep (or,
// for fewer than kSmallBatch rows, walk_deep_small_batch) and the others row by row, so each
// row still adds its trees in tree order. Rows are first copied (as T) when X is not T or
// when some node sends NaN left (the widened rows of BatchPlan). Shallow: the plan is a
// shallow_plan(), scored by walk_shallow.
template <class In, class T, bool Shallow>
void score_planned(const CompiledEnsemble<T>& e, const In* x, int64_t stride, int64_t first, int64_t rows, T* scores,
                   uint8_t* has) {
  const BatchPlan<T>& p = e.batch.get(e);
  const auto n = static_cast<size_t>(e.n_targets);
  std::fill(scores, scores + static_cast<size_t>(rows) * n, T(0));
  std::fill(has, has + static_cast<size_t>(rows) * n, uint8_t{0});
  for (int64_t r = 0; r < rows; ++r)
    for (const uint32_t j : p.scored_targets) has[static_cast<size_t>(r) * n + j] = 1;
  const In* block = x + first * stride;
  // Perfect trees walk a column-major copy of the block (walk_perfect_columns) when the block is large
  // and their steps per row are at least four times the columns to copy; else, like the other trees,
  // the rows (measured on the product-matching model: at 100 rows 2%, at 1 row 14% faster than by
  // columns, whose one-row walk waits for a multiplication per step).
  const size_t columns = p.nan_left ? 2 * size_t{p.width} : p.width;
  bool by_columns = false, rows_walked = true;  // rows_walked: some tree walks the (widened) rows
  // A shallow plan walks its own transposed copy (walk_shallow), never these columns.
  if (!Shallow && rows >= kBlockRows / 2) {
    size_t perfect_steps = 0;
    bool any_deep = false;
    for (const PlannedTree& t : p.trees) {
      if (t.perfect) perfect_steps += t.depth;
      any_deep |= t.deep;
    }
    by_columns = perfect_steps >= 4 * columns;
    rows_walked = !by_columns || any_deep;
  }
  const size_t ld = column_stride(rows);
  std::unique_ptr<T[]> cols;  // every element read is written first
  std::vector<PerfectNode<T>> local;  // walk_perfect_columns' copy of a tree's nodes
  Avx2Nodes avx2_nodes;  // the same for its AVX2 form
  if (by_columns) {
    cols = std::make_unique_for_overwrite<T[]>(columns * ld);
    to_columns(p, block, stride, rows, cols.get(), ld);
  }
  const T* walked = nullptr;
  int64_t walked_stride = stride;
  std::vector<T> wide;
  if constexpr (std::is_same_v<In, T>) {
    if (!p.nan_left) walked = block;  // walked in place
  }
  if (!walked && rows_walked) {
    const size_t w = p.width;
    walked_stride = static_cast<int64_t>(p.nan_left ? 2 * w : w);
    wide.resize(static_cast<size_t>(rows * walked_stride));
    for (int64_t r = 0; r < rows; ++r) {
      T* out = wide.data() + r * walked_stride;
      const In* in = block + r * stride;
      for (size_t j = 0; j < w; ++j) out[j] = static_cast<T>(in[j]);
      if (p.nan_left)
        for (size_t j = 0; j < w; ++j) out[w + j] = is_nan(out[j]) ? -std::numeric_limits<T>::infinity() : out[j];
    }
    walked = wide.data();
  }
  // One row alone is walked (walk_perfect): vectors of 8 rows would carry 7 idle lanes
  // (GradientBoosting 100x3: 6.8 against 7.4 us a call; from 2 rows on the shallow walk ties or wins).
  if constexpr (Shallow) {
    if (rows > 1) {
      walk_shallow(p, walked, walked_stride, rows, scores, n);
      return;
    }
  }
  const FlatNode<T>* nodes = e.nodes.data();
  const uint32_t* targets = e.weight_targets.data();
  const T* weights = e.weight_values.data();
  // A small batch walks each run of consecutive deep trees at once (walk_deep_small_batch).
  const bool few_rows = rows < kSmallBatch;
  for (size_t i = 0; i < p.trees.size(); ++i) {
    const PlannedTree& t = p.trees[i];
    if (t.perfect && by_columns) {
      walk_perfect_columns(p, t, cols.get(), ld, rows, scores, n, local, avx2_nodes);
      continue;
    }
    if (t.perfect) {
      walk_perfect(p, t, walked, walked_stride, rows, scores, n);
      continue;
    }
    if (t.deep && few_rows) {
      size_t count = 1;
      while (i + count < p.trees.size() && p.trees[i + count].deep) ++count;
      walk_deep_small_batch(p, i, count, walked, walked_stride, rows, scores, n);
      i += count - 1;
      continue;
    }
    if (t.deep) {
      walk_deep(p, t, walked, walked_stride, rows, scores, n);
      continue;
    }
    const In* row = block;
    for (int64_t r = 0; r < rows; ++r, row += stride) {
      const FlatNode<T>& leaf = nodes[MixedWalk::leaf<In, T>(e, t.root, row)];
      if (n == 1) {
        aggregate(Aggregate::Sum, scores[r], has[r], static_cast<T>(leaf.value));
        continue;
      }
      T* s = scores + static_cast<size_t>(r) * n;
      uint8_t* h = has + static_cast<size_t>(r) * n;
      const uint32_t end = leaf.on_true + leaf.feature;
      for (uint32_t k = leaf.on_true; k < end; ++k) aggregate(Aggregate::Sum, s[targets[k]], h[targets[k]], weights[k]);
    }
  }
}

template <class In, class T>
using ScoreBlock = void (*)(const CompiledEnsemble<T>&, const In*, int64_t, int64_t, int64_t, Calc<In>*, uint8_t*);

// How a run of `rows` rows walks the trees: by the batch plan when it has perfect trees, except
// for a one-row first run (LazyBatchPlan::for_run), which walks them row by row; both reach the
// same leaves and add them in the same order.
template <class In, class T>
ScoreBlock<In, T> choose_walk(const CompiledEnsemble<T>& e, int64_t rows) {
  if constexpr (std::is_same_v<Calc<In>, T>) {
    if (e.aggregate == Aggregate::Sum || e.aggregate == Aggregate::Average) {
      const BatchPlan<T>* p = e.batch.for_run(e, rows);
      if (p && shallow_plan(*p)) return &score_planned<In, T, true>;
      if (p && p->usable && std::any_of(p->trees.begin(), p->trees.end(), [](const PlannedTree& t) { return t.perfect || t.deep; }))
        return &score_planned<In, T, false>;
    }
  }
  const bool missing = e.any_missing_tracks_true;
  if (e.uniform_mode == NodeMode::Leq)
    return missing ? &score_block<UniformWalk<NodeMode::Leq, true>, In, T>
                   : &score_block<UniformWalk<NodeMode::Leq, false>, In, T>;
  if (e.uniform_mode == NodeMode::Lt)
    return missing ? &score_block<UniformWalk<NodeMode::Lt, true>, In, T>
                   : &score_block<UniformWalk<NodeMode::Lt, false>, In, T>;
  return &score_block<MixedWalk, In, T>;
}

// ---- post_transform (ORT's write_scores for two or more scores) ----

// SOFTMAX_ZERO on double scores: ORT 1.32 keeps the maximum, the exponentials and their sum in
// float and divides in double (measured: its outputs are neither a float nor a double softmax).
template <class Out>
void softmax_zero_mixed(std::span<const double> v, Out* z) {
  float max = -std::numeric_limits<float>::max();
  for (double x : v)
    if (x > max) max = static_cast<float>(x);
  const float exp_neg_max = std::exp(-max);
  float sum = 0;
  for (size_t j = 0; j < v.size(); ++j) {
    double e;
    if (v[j] > 1e-7f || v[j] < -1e-7f) {
      const float ef = std::exp(static_cast<float>(v[j] - max));
      sum += ef;
      e = ef;
    } else {
      e = v[j] * exp_neg_max;
    }
    z[j] = static_cast<Out>(e);
  }
  for (size_t j = 0; j < v.size(); ++j) z[j] = static_cast<Out>(static_cast<double>(z[j]) / sum);
}

// LOGISTIC, SOFTMAX and PROBIT are computed in float whatever the score type (ORT casts the
// scores to float for them; measured on double TreeEnsemble outputs).
template <class Acc, class Out>
void write_transformed(std::span<const Acc> v, ml::PostTransform pt, Out* z, std::vector<float>& buf) {
  switch (pt) {
    case ml::PostTransform::None:
      for (size_t j = 0; j < v.size(); ++j) z[j] = static_cast<Out>(v[j]);
      return;
    case ml::PostTransform::Logistic:
      for (size_t j = 0; j < v.size(); ++j) z[j] = static_cast<Out>(ml::logistic(static_cast<float>(v[j])));
      return;
    case ml::PostTransform::Probit:
      for (size_t j = 0; j < v.size(); ++j) z[j] = static_cast<Out>(ml::probit(static_cast<float>(v[j])));
      return;
    case ml::PostTransform::Softmax:
    case ml::PostTransform::SoftmaxZero:
      if constexpr (std::is_same_v<Acc, double>) {
        if (pt == ml::PostTransform::SoftmaxZero) {
          if constexpr (std::is_same_v<Out, double>) {
            softmax_zero_mixed(v, z);
          } else {
            std::vector<double> tmp(v.size());
            softmax_zero_mixed(v, tmp.data());
            for (size_t j = 0; j < v.size(); ++j) z[j] = static_cast<Out>(tmp[j]);
          }
          return;
        }
      }
      buf.resize(v.size());
      for (size_t j = 0; j < v.size(); ++j) buf[j] = static_cast<float>(v[j]);
      if (pt == ml::PostTransform::Softmax)
        ml::softmax(buf);
      else
        ml::softmax_zero(buf);
      for (size_t j = 0; j < v.size(); ++j) z[j] = static_cast<Out>(buf[j]);
      return;
  }
}

// ---- regression (ORT's TreeAggregator*::FinalizeScores / FinalizeScores1) ----

template <class T, class Acc, class Out>
Out finish_regression_single(const CompiledEnsemble<T>& e, Acc s, bool has) {
  const Acc origin = e.base_values.size() == 1 ? static_cast<Acc>(e.base_values[0]) : Acc(0);
  switch (e.aggregate) {
    case Aggregate::Sum: s += origin; break;
    case Aggregate::Average: s = s / static_cast<Acc>(e.roots.size()) + origin; break;
    case Aggregate::Min:
    case Aggregate::Max: s = has ? s + origin : origin; break;
  }
  // ONNX ml TreeEnsembleRegressor, post_transform with one target: ORT 1.32 applies PROBIT only;
  // LOGISTIC, SOFTMAX and SOFTMAX_ZERO leave a single score unchanged (matches ORT).
  if (e.post_transform == ml::PostTransform::Probit) return static_cast<Out>(ml::probit(static_cast<float>(s)));
  return static_cast<Out>(s);
}

template <class T, class Acc, class Out>
void finish_regression_multi(const CompiledEnsemble<T>& e, Acc* s, const uint8_t* has, Out* z,
                             std::vector<float>& buf) {
  const auto n = static_cast<size_t>(e.n_targets);
  const bool use_base = e.base_values.size() == n;
  const auto trees = static_cast<Acc>(e.roots.size());
  for (size_t j = 0; j < n; ++j) {
    const Acc base = use_base ? static_cast<Acc>(e.base_values[j]) : Acc(0);
    Acc v = s[j];
    switch (e.aggregate) {
      case Aggregate::Sum: v += base; break;
      case Aggregate::Average: v = v / trees + base; break;
      case Aggregate::Min:
      case Aggregate::Max: v = base + (has[j] ? v : Acc(0)); break;
    }
    // ORT writes 0 for a target no leaf contributed to, even when it has a base value (its
    // ScoreValue converts to 0 without has_score; measured with ORT 1.32).
    s[j] = has[j] ? v : Acc(0);
  }
  write_transformed(std::span<const Acc>(s, n), e.post_transform, z, buf);
}

template <class In, class T, class Out>
void run_regression(const CompiledEnsemble<T>& e, const Tensor& x, Tensor& y, const KernelContext& ctx) {
  using Acc = Calc<In>;
  const int64_t n = x.dim(0), stride = x.dim(1), targets = e.n_targets;
  const In* xd = x.data<In>();
  Out* yd = y.mutable_data<Out>();
  const ScoreBlock<In, T> score = choose_walk<In, T>(e, n);
  const int64_t block = block_rows(targets);
  for_blocks(ctx, n, block, [&](int64_t begin, int64_t end) {
    std::vector<Acc> scores(static_cast<size_t>(block * targets));
    std::vector<uint8_t> has(scores.size());
    std::vector<float> buf;
    for (int64_t b = begin; b < end; b += block) {
      const int64_t rows = std::min(block, end - b);
      score(e, xd, stride, b, rows, scores.data(), has.data());
      for (int64_t r = 0; r < rows; ++r) {
        Out* z = yd + (b + r) * targets;
        if (targets == 1)
          *z = finish_regression_single<T, Acc, Out>(e, scores[r], has[r] != 0);
        else
          finish_regression_multi(e, scores.data() + r * targets, has.data() + r * targets, z, buf);
      }
    }
  });
}

// ---- classification (ORT's TreeAggregatorClassifier) ----

// The label of a row: a class index, or (ORT quirk) the literal 1 or 0.
struct LabelChoice {
  int64_t value = 0;
  bool literal = false;
};

void write_label(const ml::ClassLabels& labels, Tensor& out, int64_t i, LabelChoice c) {
  if (labels.strings()) {
    // With a single string label ORT indexes past the list for "positive" rows (it crashes); we
    // keep the only label.
    const auto index = static_cast<size_t>(c.value) < labels.size() ? static_cast<size_t>(c.value) : 0;
    out.mutable_data<std::string>()[i] = labels.strs()[index];
  } else {
    out.mutable_data<int64_t>()[i] = c.literal ? c.value : labels.ints()[static_cast<size_t>(c.value)];
  }
}

// One class: ORT's FinalizeScores1 (one score column, label 1 when the score is positive).
template <class T, class Acc>
LabelChoice finish_classifier_single(const CompiledEnsemble<T>& e, Acc s, float* z) {
  if (e.base_values.size() == 1) s += static_cast<Acc>(e.base_values[0]);
  *z = e.post_transform == ml::PostTransform::Probit ? ml::probit(static_cast<float>(s)) : static_cast<float>(s);
  return {s > 0 ? 1 : 0, true};
}

// Two classes (ORT's "binary case" rules, ONNX ml TreeEnsembleClassifier leaves them open):
//  - base_values of 2: with a class-1 score, score1 = base[1] + score0 and score0 = -score1;
//    otherwise each class adds its own base value. base_values of 1: added to class 0.
//  - If class 1 got no score (and base_values has no 2 values), the remaining score s becomes the
//    two columns: [1-s, s] when all class weights are non-negative, [-s, s] otherwise;
//    LOGISTIC gives [logistic(-s), logistic(s)] either way; PROBIT writes probit(s) in column 0 only.
//  - The label: with class weights for one class only (skl2onnx's binary models), class 1 when the
//    positive score exceeds 0.5 (all weights non-negative) or 0 (otherwise) - on the raw score,
//    before LOGISTIC; with weights for both classes, the literal 1 if class 1's score (else class
//    0's) is positive and 0 otherwise, which are class indices for string labels but are written
//    as such for int64 labels.
template <class T, class Acc>
LabelChoice finish_classifier_binary(const CompiledEnsemble<T>& e, const ClassifierRules& rules, const Acc* s,
                                     const uint8_t* has, float* z, std::vector<float>& buf) {
  Acc s0 = s[0], s1 = s[1];
  const bool h0 = has[0] != 0;
  bool h1 = has[1] != 0;
  const auto& base = e.base_values;
  int expand = -1;     // ORT's add_second_class: how one score becomes two columns (-1: it does not)
  bool single = false;  // class 1 has no score: one score left
  if (base.size() == 2) {
    if (h1) {
      s1 = static_cast<Acc>(base[1]) + s0;
      s0 = -s1;
    } else {
      s1 += static_cast<Acc>(base[1]);
      s0 += static_cast<Acc>(base[0]);
    }
  } else if (base.size() == 1) {
    s0 += static_cast<Acc>(base[0]);
    single = !h1;
  } else {
    expand = 3;
    single = !h1;
  }
  const Acc positive = (!single && h1) ? s1 : (h0 ? s0 : Acc(0));
  LabelChoice label;
  if (rules.binary_case) {
    const bool is_positive = rules.weights_all_positive ? positive > 0.5 : positive > 0;
    expand = rules.weights_all_positive ? (is_positive ? 0 : 1) : (is_positive ? 2 : 3);
    label = {is_positive ? 1 : 0, false};
  } else {
    label = {positive > 0 ? 1 : 0, true};
  }
  if (!single) {
    const Acc v[2] = {h0 ? s0 : Acc(0), h1 ? s1 : Acc(0)};
    write_transformed(std::span<const Acc>(v, 2), e.post_transform, z, buf);
    return label;
  }
  const Acc v = h0 ? s0 : Acc(0);
  // Where ORT leaves column 1 unwritten (uninitialised memory), we leave the zero of the output.
  if (e.post_transform == ml::PostTransform::Probit) {
    z[0] = ml::probit(static_cast<float>(v));
  } else if (expand < 0) {
    z[0] = static_cast<float>(v);
  } else if (e.post_transform == ml::PostTransform::Logistic) {
    ml::logistic_pair(static_cast<float>(v), z);
  } else if (expand <= 1) {
    z[0] = static_cast<float>(Acc(1) - v);
    z[1] = static_cast<float>(v);
  } else {
    z[0] = static_cast<float>(-v);
    z[1] = static_cast<float>(v);
  }
  return label;
}

// Three classes or more: base values count as scores; the label is the first class with the
// highest score among the classes that have one.
template <class T, class Acc>
LabelChoice finish_classifier_multi(const CompiledEnsemble<T>& e, Acc* s, uint8_t* has, float* z,
                                    std::vector<float>& buf, const KernelContext& ctx, int64_t row) {
  const auto n = static_cast<size_t>(e.n_targets);
  for (size_t k = 0; k < e.base_values.size(); ++k) {
    s[k] = has[k] ? s[k] + static_cast<Acc>(e.base_values[k]) : static_cast<Acc>(e.base_values[k]);
    has[k] = 1;
  }
  int64_t best = -1;
  for (size_t k = 0; k < n; ++k)
    if (has[k] && (best < 0 || s[k] > s[static_cast<size_t>(best)])) best = static_cast<int64_t>(k);
  // ORT fails the run (narrowing_error) when no class has a score.
  if (best < 0)
    throw_error(ErrorKind::BadModel, ctx.node().label() + ": row " + std::to_string(row) +
                                         " reaches only leaves without class weights and there are no base_values");
  for (size_t k = 0; k < n; ++k) s[k] = has[k] ? s[k] : Acc(0);
  write_transformed(std::span<const Acc>(s, n), e.post_transform, z, buf);
  return {best, false};
}

template <class In, class T>
void run_classification(const CompiledEnsemble<T>& e, const ClassifierRules& rules, const Tensor& x,
                        Tensor& label, Tensor& zt, const KernelContext& ctx) {
  using Acc = Calc<In>;
  const int64_t n = x.dim(0), stride = x.dim(1), classes = e.n_targets;
  const In* xd = x.data<In>();
  float* zd = zt.mutable_data<float>();
  const ScoreBlock<In, T> score = choose_walk<In, T>(e, n);
  const int64_t block = block_rows(classes);
  for_blocks(ctx, n, block, [&](int64_t begin, int64_t end) {
    std::vector<Acc> scores(static_cast<size_t>(block * classes));
    std::vector<uint8_t> has(scores.size());
    std::vector<float> buf;
    for (int64_t b = begin; b < end; b += block) {
      const int64_t rows = std::min(block, end - b);
      score(e, xd, stride, b, rows, scores.data(), has.data());
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t i = b + r;
        float* z = zd + i * classes;
        Acc* s = scores.data() + r * classes;
        uint8_t* h = has.data() + r * classes;
        const LabelChoice choice = classes == 1   ? finish_classifier_single(e, *s, z)
                                   : classes == 2 ? finish_classifier_binary(e, rules, s, h, z, buf)
                                                  : finish_classifier_multi(e, s, h, z, buf, ctx, i);
        write_label(rules.labels, label, i, choice);
      }
    }
  });
}

}  // namespace

void check_input(const KernelContext& ctx, const Tensor& x, int64_t max_feature, const std::vector<DType>& allowed,
                 const std::string& why) {
  if (std::find(allowed.begin(), allowed.end(), x.dtype()) == allowed.end())
    ctx.fail("input X has element type " + dtype_name(x.dtype()) + ", which is not supported here: " + why);
  // ORT's shape inference requires [N, C] (its kernel would also take a single row).
  if (x.rank() != 2) ctx.fail("input X must be a 2-D tensor [N, C], got shape " + shape_to_string(x.shape()));
  if (max_feature >= x.dim(1))
    ctx.fail("the trees read feature " + std::to_string(max_feature) + " but input X has " +
             std::to_string(x.dim(1)) + " columns");
}

template <class T>
void evaluate_regression(const CompiledEnsemble<T>& e, const Tensor& x, Tensor& y, const KernelContext& ctx) {
  const bool out_double = y.dtype() == DType::Double;
  auto go = [&]<class In>(In) {
    if constexpr (std::is_same_v<T, double> && !std::is_same_v<In, double>) {
      ONNXFN_ASSERT(false);  // check_input() admits only double X for double thresholds
    } else if (out_double) {
      run_regression<In, T, double>(e, x, y, ctx);
    } else {
      run_regression<In, T, float>(e, x, y, ctx);
    }
  };
  switch (x.dtype()) {
    case DType::Float: go(float{}); return;
    case DType::Double: go(double{}); return;
    case DType::Int64: go(int64_t{}); return;
    case DType::Int32: go(int32_t{}); return;
    default: ctx.fail("input X has unsupported element type " + dtype_name(x.dtype()));
  }
}

template <class T>
void evaluate_classification(const CompiledEnsemble<T>& e, const ClassifierRules& rules, const Tensor& x,
                             Tensor& label, Tensor& z, const KernelContext& ctx) {
  auto go = [&]<class In>(In) {
    if constexpr (std::is_same_v<T, double> && !std::is_same_v<In, double>)
      ONNXFN_ASSERT(false);  // check_input() admits only double X for double thresholds
    else
      run_classification<In, T>(e, rules, x, label, z, ctx);
  };
  switch (x.dtype()) {
    case DType::Float: go(float{}); return;
    case DType::Double: go(double{}); return;
    case DType::Int64: go(int64_t{}); return;
    case DType::Int32: go(int32_t{}); return;
    default: ctx.fail("input X has unsupported element type " + dtype_name(x.dtype()));
  }
}

template void evaluate_regression(const CompiledEnsemble<float>&, const Tensor&, Tensor&, const KernelContext&);
template void evaluate_regression(const CompiledEnsemble<double>&, const Tensor&, Tensor&, const KernelContext&);
template void evaluate_classification(const CompiledEnsemble<float>&, const ClassifierRules&, const Tensor&,
                                      Tensor&, Tensor&, const KernelContext&);
template void evaluate_classification(const CompiledEnsemble<double>&, const ClassifierRules&, const Tensor&,
                                      Tensor&, Tensor&, const KernelContext&);

}  // namespace onnxfn::ops::trees
