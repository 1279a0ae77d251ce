// perfect_top_avx2 (tree_perfect_avx2.h). Built with -mavx2 and ONNXFN_SHALLOW_AVX2 on x86-64
// (src/CMakeLists.txt), empty elsewhere; the CPU check is shallow_avx2_available().
#include "ops/ml/trees/tree_perfect_avx2.h"

#if defined(ONNXFN_SHALLOW_AVX2)
#if !defined(__AVX2__)
#error "tree_perfect_avx2.cpp must be compiled with -mavx2"
#endif
#include <immintrin.h>

namespace onnxfn::ops::trees {
namespace {

// x <= threshold as a lane mask (all ones: goes left). Ordered: false for a NaN x and for the NaN
// threshold of padding, as the scalar `<=`.
inline __m256i goes_left(__m256 x, __m256 threshold) {
  return _mm256_castps_si256(_mm256_cmp_ps(x, threshold, _CMP_LE_OQ));
}

// The top D levels: every branch compared for 8 rows (contiguous loads of its column), the
// position reached on level D picked by blends, as the shallow walk picks leaf values.
template <int D>
struct Top {
  static constexpr int kInner = (1 << D) - 1;
  const float* column[kInner];
  __m256 threshold[kInner];

  Top(const PerfectTreeColumns& t, const float* cols) {
    for (int i = 0; i < kInner; ++i) {
      column[i] = cols + t.offset[i];
      threshold[i] = _mm256_set1_ps(t.threshold[i]);
    }
  }

  template <int I>
  __m256i position(size_t g) const {
    if constexpr (I >= kInner) {
      return _mm256_set1_epi32(I - kInner);
    } else {
      const __m256i left = goes_left(_mm256_loadu_ps(column[I] + g), threshold[I]);
      return _mm256_blendv_epi8(position<2 * I + 2>(g), position<2 * I + 1>(g), left);
    }
  }

  void run(size_t rows, uint32_t* out) const {
    for (size_t g = 0; g < rows; g += 8) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + g), position<0>(g));
  }
};

}  // namespace

void perfect_top_avx2(const PerfectTreeColumns& t, int levels, const float* cols, size_t rows, uint32_t* out) {
  switch (levels) {
    case 1: Top<1>(t, cols).run(rows, out); break;
    case 2: Top<2>(t, cols).run(rows, out); break;
    case 3: Top<3>(t, cols).run(rows, out); break;
    default: Top<4>(t, cols).run(rows, out); break;
  }
  _mm256_zeroupper();
}

}  // namespace onnxfn::ops::trees
#endif
