// Registers the kernels of this family (see register.h): the tree-ensemble operators.
#include "ops/ml/register.h"
#include "ops/ml/trees/tree_ensemble_kernels.h"

namespace onnxfn::ops {

void register_tree_kernels(KernelRegistry& r) {
  // Versions 1 and 3 share one kernel; version 3 only adds the *_as_tensor attributes. Version 5
  // deprecated both operators in favour of TreeEnsemble.
  r.add("ai.onnx.ml", "TreeEnsembleRegressor", 1, 3, trees::make_tree_ensemble_regressor);
  r.add("ai.onnx.ml", "TreeEnsembleClassifier", 1, 3, trees::make_tree_ensemble_classifier);
  r.add("ai.onnx.ml", "TreeEnsemble", 5, 5, trees::make_tree_ensemble);
}

}  // namespace onnxfn::ops
