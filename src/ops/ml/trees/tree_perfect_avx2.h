// The AVX2 form of the top levels of the column-major perfect-tree walk (walk_perfect_columns in
// tree_ensemble_evaluator.cpp: forests of trees padded to depth 4-12, e.g. RandomForest with
// max_depth=8), compiled with -mavx2 on x86-64 and used when the CPU has it (the same check as the
// shallow walk, tree_shallow_avx2.h). On the top levels every branch is compared for 8 rows at
// once over contiguous column values and the node each row reaches is picked by blends, as the
// shallow walk picks leaves: no load waits for where a row went. Only plain data crosses this
// boundary (see tree_shallow_avx2.h for why).
#pragma once

#include <cstddef>
#include <cstdint>

namespace onnxfn::ops::trees {

// Levels perfect_top_avx2 walks at most: 15 branches compared per 8 rows, where the scalar walk
// takes 4 steps of ~10 instructions per row; a fifth level (31 branches) measured no faster.
inline constexpr int kMaxAvx2TopLevels = 4;

// One perfect tree's branches in breadth-first order (children of i: 2i + 1 when x <= threshold,
// else 2i + 2): thresholds, and each branch's column as its offset from the block's first value.
struct PerfectTreeColumns {
  const float* threshold = nullptr;
  const uint32_t* offset = nullptr;
};

#if defined(ONNXFN_SHALLOW_AVX2)
// For rows [0, rows) (rows a multiple of 8) of a block stored column by column at cols (row r's
// value of the column at offset o is cols[o + r]): out[r] = the position on level `levels` (1 to
// kMaxAvx2TopLevels) that row r reaches in tree t, i.e. node 2^levels - 1 + out[r], the node the
// scalar walk reaches after as many steps (x <= threshold is false for NaN there too).
void perfect_top_avx2(const PerfectTreeColumns& t, int levels, const float* cols, size_t rows, uint32_t* out);
#endif

}  // namespace onnxfn::ops::trees
