// ai.onnx.ml SVMClassifier: libsvm-style one-vs-one SVC (support vectors, pairwise votes, Platt
// probabilities with pairwise coupling) or, without support vectors, a linear model per class;
// labels and score layouts as ONNX Runtime 1.32 produces them.
#include <algorithm>
#include <string>
#include <vector>

#include "engine/thread_pool.h"
#include "ops/ml/class_labels.h"
#include "ops/ml/float_rows.h"
#include "ops/ml/model_attributes.h"
#include "ops/ml/post_transform.h"
#include "ops/ml/register_ml.h"
#include "ops/ml/svm_kernel.h"

namespace onnxfn::ops::ml {
namespace {

// Pairwise coupling of one-vs-one probabilities into class probabilities: method 2 of Wu, Lin and
// Weng, "Probability Estimates for Multi-class Classification by Pairwise Coupling" (JMLR 2004),
// as libsvm and ORT implement it, in float with the same update order (at most 100 iterations,
// stop when every |Qp_i - pQp| < 0.005 / k). r[i * k + j] = P(class i beats class j).
void pairwise_coupling(int64_t k, const std::vector<float>& r, float* p) {
  const size_t n = static_cast<size_t>(k);
  std::vector<float> q(n * n, 0.0f), qp(n, 0.0f);
  const float eps = 0.005f / static_cast<float>(k);
  for (size_t i = 0; i < n; ++i) {
    p[i] = 1.0f / static_cast<float>(k);
    for (size_t j = 0; j < i; ++j) {
      q[i * n + i] += r[j * n + i] * r[j * n + i];
      q[i * n + j] = q[j * n + i];
    }
    for (size_t j = i + 1; j < n; ++j) {
      q[i * n + i] += r[j * n + i] * r[j * n + i];
      q[i * n + j] = -r[j * n + i] * r[i * n + j];
    }
  }
  for (int iteration = 0; iteration < 100; ++iteration) {
    float pqp = 0;
    for (size_t i = 0; i < n; ++i) {
      qp[i] = 0;
      for (size_t j = 0; j < n; ++j) qp[i] += q[i * n + j] * p[j];
      pqp += p[i] * qp[i];
    }
    float max_error = 0;
    for (size_t i = 0; i < n; ++i) max_error = std::max(max_error, std::fabs(qp[i] - pqp));
    if (max_error < eps) break;
    for (size_t i = 0; i < n; ++i) {
      const float diff = (-qp[i] + pqp) / q[i * n + i];
      p[i] += diff;
      pqp = (pqp + diff * (diff * q[i * n + i] + 2 * qp[i])) / (1 + diff) / (1 + diff);
      for (size_t j = 0; j < n; ++j) {
        qp[j] = (qp[j] + diff * q[i * n + j]) / (1 + diff);
        p[j] /= (1 + diff);
      }
    }
  }
}

class SvmClassifierKernel final : public Kernel {
 public:
  explicit SvmClassifierKernel(const KernelBuildInfo& info)
      : kernel_(info),
        labels_(ClassLabels::parse(info, "classlabels_ints", "classlabels_strings")),
        transform_(parse_post_transform(info)) {
    const Node& node = info.node();
    coefficients_ = required_floats(info, "coefficients");
    rho_ = required_floats(info, "rho");
    support_vectors_ = node.find_floats("support_vectors").value_or(std::vector<float>{});
    prob_a_ = node.find_floats("prob_a").value_or(std::vector<float>{});
    prob_b_ = node.find_floats("prob_b").value_or(std::vector<float>{});
    const std::vector<int64_t> per_class = node.find_ints("vectors_per_class").value_or(std::vector<int64_t>{});
    if (labels_.empty()) info.fail("classlabels_ints or classlabels_strings must be provided");
    if (prob_a_.size() != prob_b_.size())
      info.fail("attributes 'prob_a' and 'prob_b' must have the same length, got " + std::to_string(prob_a_.size()) +
                " and " + std::to_string(prob_b_.size()));
    classes_ = static_cast<int64_t>(labels_.size());
    pairs_ = classes_ * (classes_ - 1) / 2;
    // Every support vector has at least one value, so no count can exceed the support_vectors size
    // (which also keeps the sums below from overflowing).
    for (int64_t count : per_class) {
      if (count < 0 || static_cast<uint64_t>(count) > support_vectors_.size())
        info.fail("attribute 'vectors_per_class' has an invalid count " + std::to_string(count));
      starts_.push_back(vectors_);
      vectors_ += count;
    }
    counts_ = per_class;
    all_positive_ = std::all_of(coefficients_.begin(), coefficients_.end(), [](float c) { return c >= 0; });

    if (vectors_ > 0) {
      if (per_class.size() != static_cast<size_t>(classes_))
        info.fail("attribute 'vectors_per_class' has " + std::to_string(per_class.size()) + " entries for " +
                  std::to_string(classes_) + " classes");
      if (classes_ < 2) info.fail("a support-vector classifier needs at least 2 classes");
      if (support_vectors_.empty() || support_vectors_.size() % static_cast<size_t>(vectors_) != 0)
        info.fail("support_vectors size (" + std::to_string(support_vectors_.size()) +
                  ") is not a positive multiple of the support vector count (" + std::to_string(vectors_) + ")");
      features_ = static_cast<int64_t>(support_vectors_.size()) / vectors_;
      if (coefficients_.size() < static_cast<size_t>((classes_ - 1) * vectors_))
        info.fail("coefficients attribute size (" + std::to_string(coefficients_.size()) + ") is less than (classes - 1) * vectors (" +
                  std::to_string((classes_ - 1) * vectors_) + ")");
      if (rho_.size() < static_cast<size_t>(pairs_))
        info.fail("rho attribute size (" + std::to_string(rho_.size()) + ") is less than the number of class pairs (" +
                  std::to_string(pairs_) + ")");
      if (!prob_a_.empty() && prob_a_.size() < static_cast<size_t>(pairs_))
        info.fail("prob_a attribute size (" + std::to_string(prob_a_.size()) + ") is less than the number of class pairs (" +
                  std::to_string(pairs_) + ")");
    } else {
      // No support vectors: one coefficient row per class and rho[0] as a shared bias (ORT).
      kernel_.force_linear();
      if (coefficients_.size() % static_cast<size_t>(classes_) != 0)
        info.fail("coefficients size (" + std::to_string(coefficients_.size()) +
                  ") must be a multiple of the number of classes (" + std::to_string(classes_) + ")");
      features_ = static_cast<int64_t>(coefficients_.size()) / classes_;
    }
  }

  void run(KernelContext& ctx) const override {
    const FloatRows x(ctx, ctx.input(0));
    if (x.cols() != features_)
      ctx.fail("input X has " + std::to_string(x.cols()) + " features, the model expects " + std::to_string(features_));
    const int64_t n = x.rows();
    const bool svc = vectors_ > 0;
    const bool proba = !prob_a_.empty();
    // Score columns: classes, or with support vectors and no probabilities one per class pair
    // (two for a binary model).
    const int64_t columns = !svc || proba ? classes_ : (classes_ > 2 ? pairs_ : 2);
    Tensor& y = ctx.output(0, labels_.dtype(), {n});
    Tensor& z = ctx.output(1, DType::Float, {n, columns});
    float* scores = z.mutable_data<float>();

    ctx.threads().parallel_for(n, kRowGrain, [&](int64_t begin, int64_t end) {
      Scratch s;
      for (int64_t i = begin; i < end; ++i) {
        if (svc)
          run_svc_row(x.row(i), y, i, scores + i * columns, s);
        else
          run_linear_row(x.row(i), y, i, scores + i * columns);
      }
    });
  }

  OutputType output_type(size_t i) const override {
    if (i > 1) return {};
    return {TypeInfo::Kind::Tensor, i == 0 ? labels_.dtype() : DType::Float};
  }

 private:
  struct Scratch {
    std::vector<float> kernels, pair_scores, pairwise;
    std::vector<int64_t> votes;
  };

  void run_linear_row(const float* x, Tensor& y, int64_t i, float* out) const {
    for (int64_t c = 0; c < classes_; ++c) out[c] = kernel_(x, coefficients_.data() + c * features_, features_) + rho_[0];
    const int64_t best = std::max_element(out, out + classes_) - out;
    const float max_weight = out[best];
    size_t label = static_cast<size_t>(best);
    // ORT's binary rule for two classes without probabilities: all-non-negative coefficients
    // pick the second label from a best score of 0.5, mixed ones from any positive best score.
    if (classes_ == 2 && prob_a_.empty() && ((all_positive_ && max_weight >= 0.5f) || (!all_positive_ && max_weight > 0)))
      label = 1;
    labels_.write(y, i, label);
    transform_row({out, static_cast<size_t>(classes_)}, transform_);
  }

  void run_svc_row(const float* x, Tensor& y, int64_t i, float* out, Scratch& s) const {
    s.kernels.resize(static_cast<size_t>(vectors_));
    for (int64_t v = 0; v < vectors_; ++v) s.kernels[v] = kernel_(x, support_vectors_.data() + v * features_, features_);
    s.pair_scores.resize(static_cast<size_t>(pairs_));
    s.votes.assign(static_cast<size_t>(classes_), 0);
    // Decision value of the (i, j) classifier: class i's support vectors weighted by coefficient
    // row j-1, class j's by row i, plus rho (libsvm's dual layout; ORT adds rho).
    size_t pair = 0;
    for (int64_t a = 0; a < classes_ - 1; ++a) {
      for (int64_t b = a + 1; b < classes_; ++b, ++pair) {
        double sum = 0;
        const float* coef_a = coefficients_.data() + (b - 1) * vectors_ + starts_[a];
        for (int64_t m = 0; m < counts_[a]; ++m) sum += coef_a[m] * s.kernels[starts_[a] + m];
        const float* coef_b = coefficients_.data() + a * vectors_ + starts_[b];
        for (int64_t m = 0; m < counts_[b]; ++m) sum += coef_b[m] * s.kernels[starts_[b] + m];
        sum += rho_[pair];
        s.pair_scores[pair] = static_cast<float>(sum);
        ++s.votes[sum > 0 ? a : b];
      }
    }
    const size_t winner = static_cast<size_t>(std::max_element(s.votes.begin(), s.votes.end()) - s.votes.begin());
    labels_.write(y, i, winner);

    if (!prob_a_.empty()) {
      // Platt scaling of each pairwise decision value, clipped to [1e-7, 1 - 1e-7], then coupled.
      const size_t k = static_cast<size_t>(classes_);
      s.pairwise.assign(k * k, 0.0f);
      pair = 0;
      for (size_t a = 0; a + 1 < k; ++a) {
        for (size_t b = a + 1; b < k; ++b, ++pair) {
          float p = 1 - logistic(s.pair_scores[pair] * prob_a_[pair] + prob_b_[pair]);
          p = std::min(std::max(p, 1.0e-7f), 1 - 1.0e-7f);
          s.pairwise[a * k + b] = p;
          s.pairwise[b * k + a] = 1 - p;
        }
      }
      pairwise_coupling(classes_, s.pairwise, out);
      transform_row({out, k}, transform_);
    } else if (classes_ > 2) {
      std::copy(s.pair_scores.begin(), s.pair_scores.end(), out);
      transform_row({out, static_cast<size_t>(pairs_)}, transform_);
    } else if (transform_ == PostTransform::Probit) {
      // ORT transforms the single score and leaves the second column unwritten (zero here).
      out[0] = probit(s.pair_scores[0]);
    } else {
      expand_binary_score(s.pair_scores[0], transform_, /*negate_for_none=*/true, out);
    }
  }

  SvmKernel kernel_;
  ClassLabels labels_;
  PostTransform transform_;
  std::vector<float> coefficients_, rho_, support_vectors_, prob_a_, prob_b_;
  std::vector<int64_t> starts_, counts_;
  int64_t classes_ = 0, pairs_ = 0, vectors_ = 0, features_ = 0;
  bool all_positive_ = false;
};

}  // namespace

void register_svm_classifier(KernelRegistry& r) {
  r.add("ai.onnx.ml", "SVMClassifier", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<SvmClassifierKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
