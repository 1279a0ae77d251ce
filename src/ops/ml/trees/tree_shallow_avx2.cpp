// add_shallow_trees_avx2 (tree_shallow_avx2.h). Built with -mavx2 and ONNXFN_SHALLOW_AVX2 on
// x86-64 (src/CMakeLists.txt), empty elsewhere: everything here has internal linkage or is this
// file's own entry point, and the CPU check lives in tree_shallow_cpu.cpp.
#include "ops/ml/trees/tree_shallow_avx2.h"

#if defined(ONNXFN_SHALLOW_AVX2)
#if !defined(__AVX2__)
#error "tree_shallow_avx2.cpp must be compiled with -mavx2"
#endif
#include <immintrin.h>

namespace onnxfn::ops::trees {
namespace {

template <int D>
struct Tree {
  static constexpr int kInner = (1 << D) - 1;
  const float* column[kInner > 0 ? kInner : 1];
  __m256 threshold[kInner > 0 ? kInner : 1];
  __m256 leaf[1 << D];

  Tree(const ShallowTreeRef& t, const float* xt, size_t ld) {
    for (int i = 0; i < kInner; ++i) {
      column[i] = xt + static_cast<size_t>(t.column[i]) * ld;
      threshold[i] = _mm256_set1_ps(t.threshold[i]);
    }
    for (int i = 0; i < (1 << D); ++i) leaf[i] = _mm256_set1_ps(t.leaf[i]);
  }

  // The leaf values of rows [g, g + 8) under node I; x <= threshold (ordered: false for NaN x and
  // for the NaN threshold of padding) goes left. Blends move bits, so leaves come through as they are.
  template <int I>
  __m256 value(size_t g) const {
    if constexpr (I >= kInner) {
      return leaf[I - kInner];
    } else {
      const __m256 left = _mm256_cmp_ps(_mm256_loadu_ps(column[I] + g), threshold[I], _CMP_LE_OQ);
      return _mm256_blendv_ps(value<2 * I + 2>(g), value<2 * I + 1>(g), left);
    }
  }

  void add_to(float* acc, size_t padded) const {
    for (size_t g = 0; g < padded; g += 8) _mm256_storeu_ps(acc + g, _mm256_add_ps(_mm256_loadu_ps(acc + g), value<0>(g)));
  }
};

}  // namespace

void add_shallow_trees_avx2(const ShallowTreeRef* trees, size_t count, const float* xt, size_t ld, size_t padded) {
  for (size_t i = 0; i < count; ++i) {
    const ShallowTreeRef& t = trees[i];
    switch (t.depth) {
      case 0: Tree<0>(t, xt, ld).add_to(t.acc, padded); break;
      case 1: Tree<1>(t, xt, ld).add_to(t.acc, padded); break;
      case 2: Tree<2>(t, xt, ld).add_to(t.acc, padded); break;
      default: Tree<3>(t, xt, ld).add_to(t.acc, padded); break;
    }
  }
  _mm256_zeroupper();
}

}  // namespace onnxfn::ops::trees
#endif
