// Score transforms of the ai.onnx.ml classifiers and regressors (the post_transform attribute),
// computed in float the way ONNX Runtime 1.32 computes them, including its erfinv approximation.
//
// ONNX-ML spec (docs/Operators-ml.md), attribute post_transform of LinearClassifier,
// LinearRegressor, SVMClassifier, SVMRegressor and TreeEnsemble*: "one of 'NONE,' 'SOFTMAX,'
// 'LOGISTIC,' 'SOFTMAX_ZERO,' or 'PROBIT'" with no formulas and no word on single-score rows, so
// ORT's ml_common.h behaviour is the contract for every function below.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <span>
#include <string>

#include "engine/kernel.h"

namespace onnxfn::ops::ml {

enum class PostTransform { None, Logistic, Softmax, SoftmaxZero, Probit };

// Reads the post_transform attribute (default NONE). ONNX names five values; anything else is a
// BadModel naming the attribute (ORT rejects unknown names too).
inline PostTransform parse_post_transform(const KernelBuildInfo& info) {
  const std::string name = info.node().get_string("post_transform", "NONE");
  if (name == "NONE") return PostTransform::None;
  if (name == "LOGISTIC") return PostTransform::Logistic;
  if (name == "SOFTMAX") return PostTransform::Softmax;
  if (name == "SOFTMAX_ZERO") return PostTransform::SoftmaxZero;
  if (name == "PROBIT") return PostTransform::Probit;
  info.fail("attribute 'post_transform' is '" + name + "', expected NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO or PROBIT");
}

// Spec value LOGISTIC: 1 / (1 + e^-x), evaluated on |x| and mirrored so large negative scores do not
// overflow (same formula as ORT's ComputeLogistic).
inline float logistic(float x) {
  const float v = 1.0f / (1.0f + std::exp(-std::fabs(x)));
  return x < 0 ? 1.0f - v : v;
}

// [logistic(-x), logistic(x)] with one exponential: both evaluate e^-|x| (binary classifiers'
// two columns; the values are logistic()'s bit for bit).
inline void logistic_pair(float x, float* out) {
  const float v = 1.0f / (1.0f + std::exp(-std::fabs(x)));
  out[0] = -x < 0 ? 1.0f - v : v;
  out[1] = x < 0 ? 1.0f - v : v;
}

// The inverse error function by Winitzki's closed-form approximation (a = 0.147), which is what
// ORT uses for PROBIT; it is accurate to about 2e-3, so an exact erfinv would not match ORT.
inline float erfinv_winitzki(float x) {
  constexpr float a = 0.147f;
  const float sign = x < 0 ? -1.0f : 1.0f;
  const float ln = std::log((1 - x) * (1 + x));
  const float t = 2 / (std::numbers::pi_v<float> * a) + 0.5f * ln;
  return sign * std::sqrt(-t + std::sqrt(t * t - (1 / a) * ln));
}

// Spec value PROBIT: the standard normal quantile, sqrt(2) * erfinv(2p - 1). NaN outside [0, 1] (as ORT).
inline float probit(float p) { return std::numbers::sqrt2_v<float> * erfinv_winitzki(2 * p - 1); }

// Spec value SOFTMAX over one row, shifted by the row maximum.
inline void softmax(std::span<float> row) {
  float max = -std::numeric_limits<float>::max();
  for (float v : row) max = std::max(max, v);
  float sum = 0;
  for (float& v : row) {
    v = std::exp(v - max);
    sum += v;
  }
  for (float& v : row) v /= sum;
}

// Spec value SOFTMAX_ZERO: like SOFTMAX but scores within 1e-7 of zero stay (scaled) zero and do not join
// the sum; a row of zeros becomes NaN (0/0), as in ORT.
inline void softmax_zero(std::span<float> row) {
  float max = -std::numeric_limits<float>::max();
  for (float v : row) max = std::max(max, v);
  const float exp_neg_max = std::exp(-max);
  float sum = 0;
  for (float& v : row) {
    if (v > 1e-7f || v < -1e-7f) {
      v = std::exp(v - max);
      sum += v;
    } else {
      v *= exp_neg_max;
    }
  }
  for (float& v : row) v /= sum;
}

// Applies the transform to one row of scores as ORT does for every row it post-processes: rows
// of two or more scores get the full transform; a single score is only changed by PROBIT (ORT's
// "binary case" leaves LOGISTIC/SOFTMAX single scores raw).
inline void transform_row(std::span<float> row, PostTransform t) {
  if (row.size() == 1) {
    if (t == PostTransform::Probit) row[0] = probit(row[0]);
    return;
  }
  switch (t) {
    case PostTransform::None: return;
    case PostTransform::Logistic:
      for (float& v : row) v = logistic(v);
      return;
    case PostTransform::Softmax: softmax(row); return;
    case PostTransform::SoftmaxZero: softmax_zero(row); return;
    case PostTransform::Probit:
      for (float& v : row) v = probit(v);
      return;
  }
}

// The two score columns ORT writes for a binary model that computes a single score s (a
// LinearClassifier with one coefficient row and two labels, an SVMClassifier with two classes and
// no probabilities): [1 - s, s], except LOGISTIC gives [logistic(-s), logistic(s)] and NONE on an
// SVM gives [-s, s]. PROBIT is handled by the callers (ORT's layout differs per operator).
inline void expand_binary_score(float s, PostTransform t, bool negate_for_none, float* out) {
  if (t == PostTransform::Logistic) {
    logistic_pair(s, out);
  } else if (t == PostTransform::None && negate_for_none) {
    out[0] = -s;
    out[1] = s;
  } else {
    out[0] = 1.0f - s;
    out[1] = s;
  }
}

}  // namespace onnxfn::ops::ml
