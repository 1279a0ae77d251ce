// Decoders of the three ONNX attribute sets of tree ensembles (v1/v3 compile directly, see below):
// ai.onnx.ml TreeEnsembleRegressor and TreeEnsembleClassifier (versions 1 and 3,
// tree_attributes_v3.cpp) and TreeEnsemble (version 5, tree_attributes_v5.cpp). They check the
// attributes themselves (names, lengths, ranges) and fail with BadModel naming the attribute; the
// tree structure is checked by compile_ensemble().
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ops/ml/trees/tree_ensemble_evaluator.h"
#include "ops/ml/trees/tree_ensemble_source.h"

namespace onnxfn::ops::trees {

using AnyCompiled = std::variant<CompiledEnsemble<float>, CompiledEnsemble<double>>;

struct DecodedEnsemble {
  // Thresholds and weights in the precision the attributes carry: double only when given as
  // double tensors (*_as_tensor in v3, every tensor in v5). v1/v3 compile straight from the
  // attribute lists (`compiled`); v5 decodes into `source`, which compile_ensemble() lays out.
  std::variant<EnsembleSource<float>, EnsembleSource<double>> source;
  std::optional<AnyCompiled> compiled;
  // The element types X may have, and why (ORT reads *_as_tensor attributes in the precision of X
  // and fails otherwise).
  std::vector<DType> allowed_inputs;
  std::string input_rule;
};

// The width of X (its second dimension) when the main graph declares it; BadModel when X is
// declared with an element type not in `allowed` (`rule` says why). Checked before the layout.
std::optional<int64_t> declared_width(const KernelBuildInfo& info, const std::vector<DType>& allowed,
                                      const std::string& rule);

DecodedEnsemble decode_v3_regressor(const KernelBuildInfo& info);
DecodedEnsemble decode_v3_classifier(const KernelBuildInfo& info, ClassifierRules& rules);
DecodedEnsemble decode_v5_ensemble(const KernelBuildInfo& info);

// A tensor attribute as ORT's GetVectorAttrsOrDefault reads it: null when absent or when it has no
// dims (a scalar counts as absent); BadModel unless it is float or double.
const Tensor* float_tensor_attribute(const KernelBuildInfo& info, std::string_view name);

template <class T>
std::vector<T> tensor_values(const Tensor* t) {
  std::vector<T> out;
  if (!t) return out;
  out.reserve(static_cast<size_t>(t->numel()));
  if (t->dtype() == DType::Float)
    for (float v : t->span<float>()) out.push_back(static_cast<T>(v));
  else
    for (double v : t->span<double>()) out.push_back(static_cast<T>(v));
  return out;
}

}  // namespace onnxfn::ops::trees
