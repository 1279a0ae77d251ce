// Fuzzes the pipeline spec parser and, for specs that parse, the Pipeline binding (every
// expression parsed and type-checked) and a run over a small frame of the declared columns:
// any outcome but an onnxfn::Error is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.h"
#include "pipeline/pipeline.h"

namespace {

// One row per declared column type, with a null row, so steps evaluate every kind of value.
onnxfn::Frame sample_records(const onnxfn::Schema& schema) {
  onnxfn::Frame f;
  for (const onnxfn::Field& field : schema) {
    onnxfn::Column c(field.type);
    switch (field.type) {
      case onnxfn::ColumnType::Int64: c.append_int64(42); break;
      case onnxfn::ColumnType::Float64: c.append_float64(-1.5); break;
      case onnxfn::ColumnType::Bool: c.append_bool(true); break;
      case onnxfn::ColumnType::String: c.append_string("Sony KDL-40 Café"); break;
    }
    c.append_null();
    f.add_column(field.name, std::move(c));
  }
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    onnxfn::pipeline::PipelineSpec spec = onnxfn::pipeline::parse_pipeline_spec(text, "fuzz");
    onnxfn::expr::StateStore state;
    for (const auto& s : spec.state) state.idf_tables.emplace(s.name, onnxfn::text::IdfTable{});
    const onnxfn::Frame records = sample_records(spec.input);
    onnxfn::pipeline::Pipeline pipeline(std::move(spec), &state);
    const onnxfn::Frame stepped = pipeline.run_steps(pipeline.conform(records));
    (void)pipeline.feature_table(stepped);
    (void)pipeline.to_tensors(stepped);
  } catch (const onnxfn::Error&) {
  }
  return 0;
}
