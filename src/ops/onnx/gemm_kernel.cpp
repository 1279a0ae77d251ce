// Packed, register-tiled matrix multiply for MatMul and Gemm (see gemm_kernel.h).
#include "ops/onnx/gemm_kernel.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "engine/thread_pool.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ONNXFN_GEMM_AVX2 1
#include <immintrin.h>
#endif

namespace onnxfn::ops {
namespace {

// Rows per register tile: 6 rows x 2 vectors = 12 accumulators, plus 2 B vectors and one
// broadcast of A, fits the 16 vector registers of SSE2 and AVX2.
constexpr int64_t kTileRows = 6;

// ---- Portable kernel: 16-byte vectors through GCC/Clang vector extensions (SSE2, NEON). ----
template <class T>
struct VecOf;
template <> struct VecOf<float> { typedef float type __attribute__((vector_size(16))); };
template <> struct VecOf<double> { typedef double type __attribute__((vector_size(16))); };
template <> struct VecOf<int32_t> { typedef int32_t type __attribute__((vector_size(16))); };
template <> struct VecOf<int64_t> { typedef int64_t type __attribute__((vector_size(16))); };
template <> struct VecOf<uint32_t> { typedef uint32_t type __attribute__((vector_size(16))); };
template <> struct VecOf<uint64_t> { typedef uint64_t type __attribute__((vector_size(16))); };
template <class T>
using Vec = typename VecOf<T>::type;
template <class T>
constexpr int64_t kLanes = 16 / static_cast<int64_t>(sizeof(T));

template <class T>
Vec<T> load(const T* p) {
  Vec<T> v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// One tile of Rows x (2 * kLanes) outputs over the whole K. The accumulators are vector values,
// never addressed in memory, so they stay in registers.
template <class T, int64_t Rows>
void micro_kernel(const T* a, int64_t a_row_step, int64_t a_k_step, const T* panel, int64_t K, T* c, int64_t ldc,
                  int64_t cols) {
  constexpr int64_t L = kLanes<T>;
  Vec<T> lo[Rows], hi[Rows];
  for (int64_t r = 0; r < Rows; ++r) lo[r] = hi[r] = Vec<T>{};
  for (int64_t k = 0; k < K; ++k) {
    const Vec<T> b0 = load(panel + k * 2 * L);
    const Vec<T> b1 = load(panel + k * 2 * L + L);
    for (int64_t r = 0; r < Rows; ++r) {
      const T av = a[r * a_row_step + k * a_k_step];
      lo[r] += av * b0;
      hi[r] += av * b1;
    }
  }
  for (int64_t r = 0; r < Rows; ++r) {
    T tmp[2 * L];
    std::memcpy(tmp, &lo[r], sizeof(Vec<T>));
    std::memcpy(tmp + L, &hi[r], sizeof(Vec<T>));
    std::copy(tmp, tmp + cols, c + r * ldc);
  }
}

#ifdef ONNXFN_GEMM_AVX2
// ---- AVX2 + FMA kernel for float and double (the common case), chosen at run time. ----
template <class T, int64_t Rows>
__attribute__((target("avx2,fma"))) void micro_kernel_avx2(const T* a, int64_t a_row_step, int64_t a_k_step,
                                                            const T* panel, int64_t K, T* c, int64_t ldc, int64_t cols) {
  if constexpr (std::is_same_v<T, float>) {
    __m256 lo[Rows], hi[Rows];
    for (int64_t r = 0; r < Rows; ++r) lo[r] = hi[r] = _mm256_setzero_ps();
    for (int64_t k = 0; k < K; ++k) {
      const __m256 b0 = _mm256_loadu_ps(panel + k * 16);
      const __m256 b1 = _mm256_loadu_ps(panel + k * 16 + 8);
      for (int64_t r = 0; r < Rows; ++r) {
        const __m256 av = _mm256_set1_ps(a[r * a_row_step + k * a_k_step]);
        lo[r] = _mm256_fmadd_ps(av, b0, lo[r]);
        hi[r] = _mm256_fmadd_ps(av, b1, hi[r]);
      }
    }
    for (int64_t r = 0; r < Rows; ++r) {
      if (cols == 16) {
        _mm256_storeu_ps(c + r * ldc, lo[r]);
        _mm256_storeu_ps(c + r * ldc + 8, hi[r]);
        continue;
      }
      float tmp[16];
      _mm256_storeu_ps(tmp, lo[r]);
      _mm256_storeu_ps(tmp + 8, hi[r]);
      for (int64_t j = 0; j < cols; ++j) c[r * ldc + j] = tmp[j];
    }
  } else {
    __m256d lo[Rows], hi[Rows];
    for (int64_t r = 0; r < Rows; ++r) lo[r] = hi[r] = _mm256_setzero_pd();
    for (int64_t k = 0; k < K; ++k) {
      const __m256d b0 = _mm256_loadu_pd(panel + k * 8);
      const __m256d b1 = _mm256_loadu_pd(panel + k * 8 + 4);
      for (int64_t r = 0; r < Rows; ++r) {
        const __m256d av = _mm256_set1_pd(a[r * a_row_step + k * a_k_step]);
        lo[r] = _mm256_fmadd_pd(av, b0, lo[r]);
        hi[r] = _mm256_fmadd_pd(av, b1, hi[r]);
      }
    }
    for (int64_t r = 0; r < Rows; ++r) {
      if (cols == 8) {
        _mm256_storeu_pd(c + r * ldc, lo[r]);
        _mm256_storeu_pd(c + r * ldc + 4, hi[r]);
        continue;
      }
      double tmp[8];
      _mm256_storeu_pd(tmp, lo[r]);
      _mm256_storeu_pd(tmp + 4, hi[r]);
      for (int64_t j = 0; j < cols; ++j) c[r * ldc + j] = tmp[j];
    }
  }
}

bool cpu_has_avx2_fma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}
#endif

template <class T>
constexpr bool kHasAvx2Kernel = std::is_same_v<T, float> || std::is_same_v<T, double>;

// The panel width the running CPU's kernel expects.
template <class T>
int64_t panel_width() {
#ifdef ONNXFN_GEMM_AVX2
  if (kHasAvx2Kernel<T> && cpu_has_avx2_fma()) return 2 * 32 / static_cast<int64_t>(sizeof(T));
#endif
  return 2 * kLanes<T>;
}

template <class T, int64_t Rows>
void tile_rows(bool avx2, const T* a, int64_t a_row_step, int64_t a_k_step, const T* panel, int64_t K, T* c,
               int64_t ldc, int64_t cols) {
#ifdef ONNXFN_GEMM_AVX2
  if constexpr (kHasAvx2Kernel<T>) {
    if (avx2) return micro_kernel_avx2<T, Rows>(a, a_row_step, a_k_step, panel, K, c, ldc, cols);
  }
#endif
  (void)avx2;
  micro_kernel<T, Rows>(a, a_row_step, a_k_step, panel, K, c, ldc, cols);
}

template <class T>
void tile(bool avx2, int64_t rows, const T* a, int64_t a_row_step, int64_t a_k_step, const T* panel, int64_t K, T* c,
          int64_t ldc, int64_t cols) {
  switch (rows) {
    case 6: return tile_rows<T, 6>(avx2, a, a_row_step, a_k_step, panel, K, c, ldc, cols);
    case 5: return tile_rows<T, 5>(avx2, a, a_row_step, a_k_step, panel, K, c, ldc, cols);
    case 4: return tile_rows<T, 4>(avx2, a, a_row_step, a_k_step, panel, K, c, ldc, cols);
    case 3: return tile_rows<T, 3>(avx2, a, a_row_step, a_k_step, panel, K, c, ldc, cols);
    case 2: return tile_rows<T, 2>(avx2, a, a_row_step, a_k_step, panel, K, c, ldc, cols);
    default: return tile_rows<T, 1>(avx2, a, a_row_step, a_k_step, panel, K, c, ldc, cols);
  }
}

}  // namespace

template <class T>
PackedMatrix<T> PackedMatrix<T>::pack(const T* b, int64_t K, int64_t N, bool transposed) {
  PackedMatrix m;
  m.rows_ = K;
  m.cols_ = N;
  m.width_ = panel_width<T>();
  const int64_t NR = m.width_;
  const int64_t panels = (N + NR - 1) / NR;
  m.data_.assign(static_cast<size_t>(panels * K * NR), T{0});
  for (int64_t p = 0; p < panels; ++p) {
    T* dst = m.data_.data() + p * K * NR;
    const int64_t width = std::min(NR, N - p * NR);
    for (int64_t k = 0; k < K; ++k)
      for (int64_t j = 0; j < width; ++j) {
        const int64_t n = p * NR + j;
        dst[k * NR + j] = transposed ? b[n * K + k] : b[k * N + n];
      }
  }
  return m;
}

template <class T>
void gemm(const T* a, int64_t lda, bool a_transposed, int64_t M, const PackedMatrix<T>& b, T* c, int64_t ldc,
          ThreadPool* threads) {
  const int64_t NR = b.width();
  const int64_t K = b.rows(), N = b.cols();
  if (M == 0 || N == 0) return;
  // A matrix packed on another CPU kind cannot happen within one process; the width tells the
  // kernel apart all the same.
  const bool avx2 = NR != 2 * kLanes<T>;
  const int64_t a_row_step = a_transposed ? 1 : lda;
  const int64_t a_k_step = a_transposed ? lda : 1;
  const int64_t panels = (N + NR - 1) / NR;
  // Row blocks sized so a block of A (block x K) stays in L2 while every panel passes over it.
  const int64_t budget = (int64_t{192} << 10) / static_cast<int64_t>(sizeof(T)) / std::max<int64_t>(K, 1);
  const int64_t block = std::clamp<int64_t>(budget / kTileRows * kTileRows, kTileRows, 240);
  const int64_t blocks = (M + block - 1) / block;
  auto work = [&](int64_t begin, int64_t end) {
    for (int64_t blk = begin; blk < end; ++blk) {
      const int64_t row0 = blk * block;
      const int64_t row_end = std::min(M, row0 + block);
      for (int64_t p = 0; p < panels; ++p) {
        const int64_t cols = std::min(NR, N - p * NR);
        for (int64_t i = row0; i < row_end; i += kTileRows)
          tile<T>(avx2, std::min(kTileRows, row_end - i), a + i * a_row_step, a_row_step, a_k_step, b.panel(p), K,
                  c + i * ldc + p * NR, ldc, cols);
      }
    }
  };
  const double flops = static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(std::max<int64_t>(K, 1));
  if (!threads || blocks == 1 || flops < 262144.0) {
    work(0, blocks);
  } else {
    threads->parallel_for(blocks, 1, work);
  }
}

#define ONNXFN_GEMM_INSTANTIATE(T)                                                                         \
  template class PackedMatrix<T>;                                                                          \
  template void gemm<T>(const T*, int64_t, bool, int64_t, const PackedMatrix<T>&, T*, int64_t, ThreadPool*);
ONNXFN_GEMM_INSTANTIATE(float)
ONNXFN_GEMM_INSTANTIATE(double)
ONNXFN_GEMM_INSTANTIATE(int32_t)
ONNXFN_GEMM_INSTANTIATE(int64_t)
ONNXFN_GEMM_INSTANTIATE(uint32_t)
ONNXFN_GEMM_INSTANTIATE(uint64_t)
#undef ONNXFN_GEMM_INSTANTIATE

}  // namespace onnxfn::ops
