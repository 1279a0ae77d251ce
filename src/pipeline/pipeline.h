// Pipeline: a PipelineSpec with every expression parsed and type-checked against the columns
// that flow through its steps. It turns records into model input tensors and model outputs into
// output records; training (`onnxfn features`) and serving run this same code.
//
//   Pipeline p(spec, &state);
//   Frame stepped = p.run_steps(p.conform(records));
//   NamedValues inputs = p.to_tensors(stepped);
//   Frame out = p.to_records(stepped, session.run(inputs), threshold);
#pragma once

#include <string>
#include <vector>

#include "common/named_values.h"
#include "frame/expr/expression.h"
#include "pipeline/pipeline_spec.h"

namespace onnxfn::pipeline {

// Where run_steps spends its time, in order: one entry per step, per derived column and per
// text preparation (a derived column's time excludes the preparations it triggered).
struct StepTime {
  std::string label;  // "step 2 derive title_lev", "step 2 derive: prepare `left_title`, `right_title`"
  double ms = 0;
  size_t values = 0;  // a preparation: the distinct values it prepared
};
using StepProfile = std::vector<StepTime>;

class Pipeline {
 public:
  // Throws BadInput naming the spec file, the step and the field.
  Pipeline(PipelineSpec spec, const expr::StateStore* state);

  const PipelineSpec& spec() const { return spec_; }
  const Schema& stepped_schema() const { return stepped_schema_; }

  // The declared input columns, in declared order and cast to their declared types; other
  // columns are dropped. BadInput names the missing columns, or the column that does not cast.
  Frame conform(const Frame& records) const;
  // Same, moving the columns that already have their declared type instead of copying them.
  Frame conform(Frame&& records) const;
  // Appends to `profile` when one is given.
  Frame run_steps(Frame frame, StepProfile* profile = nullptr) const;
  // The feature table as serving computes it: carry columns, then every model input column.
  Frame feature_table(const Frame& stepped) const;
  NamedValues to_tensors(const Frame& stepped) const;
  Frame to_records(const Frame& stepped, const NamedValues& model_outputs, double threshold) const;

 private:
  struct BoundStep {
    size_t index;
    std::vector<expr::Expression> expressions;  // derive: one per column; filter: one
  };
  PipelineSpec spec_;
  std::vector<BoundStep> bound_;
  Schema stepped_schema_;
};

}  // namespace onnxfn::pipeline
