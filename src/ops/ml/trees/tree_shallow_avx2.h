// The AVX2 form of the shallow walk's tree loop (tree_shallow_walk.h), compiled on x86-64 only and
// with -mavx2 (src/CMakeLists.txt), used when the CPU has AVX2: 8 rows a vector instead of 4, one
// blend per select instead of three SSE2 instructions. Only plain data crosses this boundary: the
// AVX2 file instantiates no inline code that other files share (the linker keeps one copy of such
// code, and an AVX2 copy would then run on CPUs without AVX2).
#pragma once

#include <cstddef>
#include <cstdint>

namespace onnxfn::ops::trees {

// One perfect tree of depth <= 3 over float columns, in the BatchPlan layout (branch i's children
// 2i + 1, taken when x <= threshold, and 2i + 2; then the leaves).
struct ShallowTreeRef {
  uint32_t depth = 0;
  uint32_t column[7] = {};  // of each branch, in xt
  float threshold[7] = {};
  float leaf[8] = {};
  float* acc = nullptr;  // the accumulators of the target it adds to, one per row
};

// Whether this build and this CPU run add_shallow_trees_avx2 (checked once, outside the AVX2
// file, whose every instruction may be AVX).
bool shallow_avx2_available();
// Tests: true makes shallow_avx2_available() false, so that the SSE2 form runs too.
void set_shallow_avx2_off(bool off);

#if defined(ONNXFN_SHALLOW_AVX2)
// For each tree in order and rows [0, padded) (a multiple of 8): acc[r] += the row's leaf, rows
// read column by column from xt (column c at xt + c * ld).
void add_shallow_trees_avx2(const ShallowTreeRef* trees, size_t count, const float* xt, size_t ld, size_t padded);
#endif

}  // namespace onnxfn::ops::trees
