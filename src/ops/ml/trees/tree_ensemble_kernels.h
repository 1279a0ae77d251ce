// Kernel factories of the tree-ensemble operators (tree_ensemble_kernels.cpp); register_trees.cpp
// registers them with their versions.
#pragma once

#include <memory>

#include "engine/kernel.h"

namespace onnxfn::ops::trees {

// ai.onnx.ml TreeEnsembleRegressor, versions 1 and 3.
std::unique_ptr<Kernel> make_tree_ensemble_regressor(const KernelBuildInfo& info);
// ai.onnx.ml TreeEnsembleClassifier, versions 1 and 3.
std::unique_ptr<Kernel> make_tree_ensemble_classifier(const KernelBuildInfo& info);
// ai.onnx.ml TreeEnsemble, version 5.
std::unique_ptr<Kernel> make_tree_ensemble(const KernelBuildInfo& info);

}  // namespace onnxfn::ops::trees
