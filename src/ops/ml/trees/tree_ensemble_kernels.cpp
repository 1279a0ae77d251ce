// The kernels of ai.onnx.ml TreeEnsembleRegressor, TreeEnsembleClassifier (versions 1 and 3) and
// TreeEnsemble (version 5). At session creation each decodes its attributes (tree_attributes_*.cpp)
// and compiles them into the flat layout (v1/v3 in one go from the lists, v5 through
// tree_ensemble_compiler.cpp); run() only checks X and evaluates (tree_ensemble_evaluator.cpp).
#include "ops/ml/trees/tree_ensemble_kernels.h"

#include <algorithm>
#include <optional>
#include <variant>

#include "ops/ml/trees/tree_attributes.h"

namespace onnxfn::ops::trees {
namespace {

using AnyEnsemble = AnyCompiled;

// The declared type of X when the main graph declares it (graph input, value_info or initializer);
// null otherwise, e.g. for an intermediate value without value_info. Used only to report problems
// at load time; run() checks the actual X anyway.
const TypeInfo* declared_input_type(const KernelBuildInfo& info) {
  if (!info.has_input(0)) return nullptr;
  const std::string& name = info.node().inputs[0];
  for (const auto* list : {&info.model().graph.inputs, &info.model().graph.value_info})
    for (const ValueInfo& v : *list)
      if (v.name == name && v.type.is_tensor()) return &v.type;
  return nullptr;
}

AnyEnsemble compile(DecodedEnsemble& decoded, const KernelBuildInfo& info) {
  if (decoded.compiled) return std::move(*decoded.compiled);
  const std::optional<int64_t> width = declared_width(info, decoded.allowed_inputs, decoded.input_rule);
  return std::visit([&](const auto& src) -> AnyEnsemble { return compile_ensemble(src, width, info); },
                    decoded.source);
}

int64_t max_feature(const AnyEnsemble& e) {
  return std::visit([](const auto& c) { return c.max_feature; }, e);
}
int64_t target_count(const AnyEnsemble& e) {
  return std::visit([](const auto& c) { return c.n_targets; }, e);
}

template <class V>
uint64_t vector_bytes(const V& v) {
  return v.size() * sizeof(typename V::value_type);
}

Kernel::Footprint footprint_of(const AnyEnsemble& any) {
  return std::visit(
      [](const auto& e) {
        Kernel::Footprint f;
        f.tree_nodes = e.nodes.size();
        f.compiled_bytes = vector_bytes(e.nodes) + vector_bytes(e.flags) + vector_bytes(e.roots) +
                           vector_bytes(e.weight_targets) + vector_bytes(e.weight_values) + vector_bytes(e.node_sets) +
                           vector_bytes(e.base_values);
        for (const auto& set : e.sets) f.compiled_bytes += vector_bytes(set.values) + vector_bytes(set.ints);
        const auto& plan = e.batch.get(e);
        f.batch_plan_bytes = vector_bytes(plan.trees) + vector_bytes(plan.nodes) + vector_bytes(plan.deep_nodes) +
                             vector_bytes(plan.leaves) + vector_bytes(plan.leaf_values) + vector_bytes(plan.weights) +
                             vector_bytes(plan.targets) + vector_bytes(plan.scored_targets);
        return f;
      },
      any);
}

class TreeRegressorKernel final : public Kernel {
 public:
  // `output_like_input`: TreeEnsemble-5 outputs X's element type; the v1/v3 regressor always float.
  TreeRegressorKernel(DecodedEnsemble decoded, const KernelBuildInfo& info, bool output_like_input)
      : ensemble_(compile(decoded, info)),
        allowed_(decoded.allowed_inputs),
        input_rule_(decoded.input_rule),
        output_like_input_(output_like_input) {}

  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    check_input(ctx, x, max_feature(ensemble_), allowed_, input_rule_);
    Tensor& y = ctx.output(0, output_like_input_ ? x.dtype() : DType::Float, {x.dim(0), target_count(ensemble_)});
    std::visit([&](const auto& e) { evaluate_regression(e, x, y, ctx); }, ensemble_);
  }

  OutputType output_type(size_t i) const override {
    if (i != 0) return {};
    return {TypeInfo::Kind::Tensor, output_like_input_ ? DType::Undefined : DType::Float};
  }
  Footprint footprint() const override { return footprint_of(ensemble_); }

 private:
  const AnyEnsemble ensemble_;
  const std::vector<DType> allowed_;
  const std::string input_rule_;
  const bool output_like_input_;
};

class TreeClassifierKernel final : public Kernel {
 public:
  TreeClassifierKernel(DecodedEnsemble decoded, ClassifierRules rules, const KernelBuildInfo& info)
      : ensemble_(compile(decoded, info)),
        rules_(std::move(rules)),
        allowed_(decoded.allowed_inputs),
        input_rule_(decoded.input_rule) {}

  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    check_input(ctx, x, max_feature(ensemble_), allowed_, input_rule_);
    const int64_t n = x.dim(0);
    Tensor& label = ctx.output(0, rules_.labels.dtype(), {n});
    Tensor& z = ctx.output(1, DType::Float, {n, target_count(ensemble_)});
    std::visit([&](const auto& e) { evaluate_classification(e, rules_, x, label, z, ctx); }, ensemble_);
  }

  OutputType output_type(size_t i) const override {
    if (i > 1) return {};
    return {TypeInfo::Kind::Tensor, i == 0 ? rules_.labels.dtype() : DType::Float};
  }
  Footprint footprint() const override { return footprint_of(ensemble_); }

 private:
  const AnyEnsemble ensemble_;
  const ClassifierRules rules_;
  const std::vector<DType> allowed_;
  const std::string input_rule_;
};

}  // namespace

std::optional<int64_t> declared_width(const KernelBuildInfo& info, const std::vector<DType>& allowed,
                                      const std::string& rule) {
  std::optional<int64_t> width;
  if (const TypeInfo* type = declared_input_type(info)) {
    if (type->elem != DType::Undefined && std::find(allowed.begin(), allowed.end(), type->elem) == allowed.end())
      info.fail("input X is declared " + dtype_name(type->elem) + ": " + rule);
    if (type->shape && type->shape->size() == 2) width = (*type->shape)[1].value;
  }
  return width;
}

std::unique_ptr<Kernel> make_tree_ensemble_regressor(const KernelBuildInfo& info) {
  return std::make_unique<TreeRegressorKernel>(decode_v3_regressor(info), info, false);
}

std::unique_ptr<Kernel> make_tree_ensemble_classifier(const KernelBuildInfo& info) {
  ClassifierRules rules;
  DecodedEnsemble decoded = decode_v3_classifier(info, rules);
  return std::make_unique<TreeClassifierKernel>(std::move(decoded), std::move(rules), info);
}

std::unique_ptr<Kernel> make_tree_ensemble(const KernelBuildInfo& info) {
  return std::make_unique<TreeRegressorKernel>(decode_v5_ensemble(info), info, true);
}

}  // namespace onnxfn::ops::trees
