// shallow_avx2_available (tree_shallow_avx2.h), compiled for the baseline CPU.
#include <atomic>

#include "ops/ml/trees/tree_shallow_avx2.h"

namespace onnxfn::ops::trees {

namespace {
std::atomic<bool> avx2_off{false};
}  // namespace

bool shallow_avx2_available() {
#if defined(ONNXFN_SHALLOW_AVX2)
  static const bool cpu_has_it = __builtin_cpu_supports("avx2");
  return cpu_has_it && !avx2_off.load(std::memory_order_relaxed);
#else
  return false;
#endif
}

void set_shallow_avx2_off(bool off) { avx2_off = off; }

}  // namespace onnxfn::ops::trees
