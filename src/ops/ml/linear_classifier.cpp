// ai.onnx.ml LinearClassifier: scores = X * coefficients^T + intercepts, then a label per row and
// post-transformed scores, with ORT 1.32's binary layout (one coefficient row, two score columns).
#include <algorithm>
#include <string>
#include <vector>

#include "engine/thread_pool.h"
#include "ops/ml/class_labels.h"
#include "ops/ml/float_rows.h"
#include "ops/ml/post_transform.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

class LinearClassifierKernel final : public Kernel {
 public:
  explicit LinearClassifierKernel(const KernelBuildInfo& info)
      : labels_(ClassLabels::parse(info, "classlabels_ints", "classlabels_strings")),
        transform_(parse_post_transform(info)) {
    const Node& node = info.node();
    // multi_class is ignored, as in ORT: every class has its own coefficient row either way.
    coefficients_ = node.find_floats("coefficients").value_or(std::vector<float>{});
    intercepts_ = node.find_floats("intercepts").value_or(std::vector<float>{});
    if (coefficients_.empty()) info.fail("attribute 'coefficients' is missing or empty");
    // ORT takes the class count from the intercepts.
    if (intercepts_.empty()) info.fail("attribute 'intercepts' is missing or empty (it defines the class count)");
    classes_ = static_cast<int64_t>(intercepts_.size());
    if (coefficients_.size() % intercepts_.size() != 0)
      info.fail("coefficients size (" + std::to_string(coefficients_.size()) +
                ") must be a multiple of the number of classes (" + std::to_string(classes_) + ")");
    const std::string label_attr = labels_.strings() ? "classlabels_strings" : "classlabels_ints";
    if (classes_ == 1) {
      // Binary: one score; labels are optional (0/1 then) but, when given, exactly two.
      if (!labels_.empty() && labels_.size() != 2)
        info.fail(label_attr + " must have exactly 2 elements for binary classification, got " +
                  std::to_string(labels_.size()));
    } else {
      if (labels_.empty()) info.fail("classlabels_ints or classlabels_strings must be provided");
      // More labels than classes is accepted (the extra ones are never predicted), as in ORT.
      if (labels_.size() < static_cast<size_t>(classes_))
        info.fail(label_attr + " has " + std::to_string(labels_.size()) + " elements but intercepts defines " +
                  std::to_string(classes_) + " classes");
    }
  }

  void run(KernelContext& ctx) const override {
    const FloatRows x(ctx, ctx.input(0));
    const int64_t n = x.rows(), features = x.cols();
    // ORT reads coefficients as [classes, features] from the start; extra values are ignored.
    if (features > static_cast<int64_t>(coefficients_.size()) / classes_)
      ctx.fail("coefficients size (" + std::to_string(coefficients_.size()) + ") is less than class_count (" +
               std::to_string(classes_) + ") * num_features (" + std::to_string(features) + ")");
    const bool two_columns = classes_ == 1 && !labels_.empty();
    Tensor& y = ctx.output(0, labels_.dtype(), {n});
    Tensor& z = ctx.output(1, DType::Float, {n, two_columns ? 2 : classes_});
    float* scores = z.mutable_data<float>();

    ctx.threads().parallel_for(n, kRowGrain, [&](int64_t begin, int64_t end) {
      std::vector<float> row(static_cast<size_t>(classes_));
      for (int64_t i = begin; i < end; ++i) {
        for (int64_t c = 0; c < classes_; ++c)
          row[c] = dot(x.row(i), coefficients_.data() + c * features, features) + intercepts_[c];
        if (classes_ == 1)
          write_binary(y, scores, i, row[0], two_columns);
        else
          write_multiclass(y, scores + i * classes_, i, row);
      }
    });
  }

  OutputType output_type(size_t i) const override {
    if (i > 1) return {};
    return {TypeInfo::Kind::Tensor, i == 0 ? labels_.dtype() : DType::Float};
  }

 private:
  void write_binary(Tensor& y, float* scores, int64_t i, float s, bool two_columns) const {
    const size_t label = s > 0 ? 1 : 0;
    if (labels_.empty())
      y.mutable_data<int64_t>()[i] = static_cast<int64_t>(label);
    else
      labels_.write(y, i, label);
    if (!two_columns) {
      scores[i] = transform_ == PostTransform::Probit ? probit(s) : s;
    } else if (transform_ == PostTransform::Probit) {
      // ORT 1.32 transforms the packed single scores in place and never spreads them into two
      // columns: row-major element i holds probit(s_i) and the second half stays zero.
      scores[i] = probit(s);
    } else {
      expand_binary_score(s, transform_, /*negate_for_none=*/false, scores + 2 * i);
    }
  }

  void write_multiclass(Tensor& y, float* out, int64_t i, std::vector<float>& row) const {
    // First maximum wins, compared on the raw scores.
    size_t best = 0;
    for (size_t c = 1; c < row.size(); ++c)
      if (row[c] > row[best]) best = c;
    labels_.write(y, i, best);
    transform_row(row, transform_);
    std::copy(row.begin(), row.end(), out);
  }

  ClassLabels labels_;
  PostTransform transform_;
  std::vector<float> coefficients_;
  std::vector<float> intercepts_;
  int64_t classes_ = 0;
};

}  // namespace

void register_linear_classifier(KernelRegistry& r) {
  r.add("ai.onnx.ml", "LinearClassifier", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<LinearClassifierKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
