// Numeric similarity by relative (absolute-normalised) difference.
//
// Definition: P. Christen, "Data Matching", Springer 2012, ch. 5 (numerical comparison by
// percentage difference): with pc = |a − b| / max(|a|, |b|), sim = 1 − pc, clamped to [0, 1] here
// (pc ≥ 1 whenever the signs differ). 0/0 is defined as 1 (two zeros are equal). Equal values,
// including the same infinity, give 1; an infinity against anything else gives 0 (the ratio
// would be ∞/∞). NaN is treated as a missing value: the result is null.
#include <algorithm>
#include <cmath>

#include "frame/text/similarity.h"

namespace onnxfn::text {

std::optional<double> numeric_similarity(std::optional<double> a, std::optional<double> b) {
  if (!a || !b || std::isnan(*a) || std::isnan(*b)) return std::nullopt;
  if (*a == *b) return 1.0;  // also 0 == -0 and equal infinities
  if (std::isinf(*a) || std::isinf(*b)) return 0.0;
  const double largest = std::max(std::fabs(*a), std::fabs(*b));  // > 0: a ≠ b
  // |a − b| can overflow to ∞ for huge opposite values; the clamp still yields 0.
  const double ratio = std::fabs(*a - *b) / largest;
  return std::clamp(1.0 - ratio, 0.0, 1.0);
}

}  // namespace onnxfn::text
