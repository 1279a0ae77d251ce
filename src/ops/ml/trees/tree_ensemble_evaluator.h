// The evaluator: walks a CompiledEnsemble for every row of X and aggregates the leaves' weights
// into the outputs exactly as ONNX Runtime 1.32 does (tree_ensemble_aggregator.h, ml_common.h).
//
//   evaluate_regression(ensemble, x, y, ctx);                   // y: [N, n_targets]
//   evaluate_classification(ensemble, rules, x, label, z, ctx); // label: [N], z: [N, classes]
//
// Summation order: rows are split over ctx.threads() into chunks that depend only on the batch size,
// and every row's scores are summed tree by tree in tree order (a leaf's weights in attribute
// order), in ORT's precision (float for float and integer X, double for double X), whichever walk
// (row by row, or the batch plan's perfect trees) evaluates a tree. Results therefore do not
// depend on the thread count. X must already be checked (check_input()).
#pragma once

#include <string>
#include <vector>

#include "ops/ml/class_labels.h"
#include "ops/ml/trees/tree_ensemble_layout.h"

namespace onnxfn::ops::trees {

// What the classifier needs besides the ensemble (ORT's TreeEnsembleCommonClassifier members).
struct ClassifierRules {
  ml::ClassLabels labels;
  bool binary_case = false;           // two classes and every class weight names the same class
  bool weights_all_positive = true;  // no class weight is negative
};

// BadInput through ctx unless X is a [N, C] tensor whose element type is in `allowed` (`why`
// explains the restriction) and whose C exceeds every feature the ensemble reads.
void check_input(const KernelContext& ctx, const Tensor& x, int64_t max_feature, const std::vector<DType>& allowed,
                 const std::string& why);

// y must be [N, n_targets] of float or double.
template <class T>
void evaluate_regression(const CompiledEnsemble<T>& e, const Tensor& x, Tensor& y, const KernelContext& ctx);

// label: [N] int64 or string as rules.labels; z: [N, n_targets] float.
template <class T>
void evaluate_classification(const CompiledEnsemble<T>& e, const ClassifierRules& rules, const Tensor& x,
                             Tensor& label, Tensor& z, const KernelContext& ctx);

}  // namespace onnxfn::ops::trees
