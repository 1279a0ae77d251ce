// Pipeline binding and execution.
#include "pipeline/pipeline.h"

#include <chrono>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "frame/frame_ops.h"

namespace onnxfn::pipeline {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, message); }

void schema_set(Schema& schema, const std::string& name, ColumnType type) {
  for (Field& f : schema)
    if (f.name == name) {
      f.type = type;
      return;
    }
  schema.push_back({name, type});
}

bool schema_has(const Schema& schema, const std::string& name) { return schema_type(schema, name).has_value(); }

}  // namespace

Pipeline::Pipeline(PipelineSpec spec, const expr::StateStore* state) : spec_(std::move(spec)) {
  Schema schema = spec_.input;
  const std::string& src = spec_.source;
  for (size_t i = 0; i < spec_.steps.size(); ++i) {
    const Step& step = spec_.steps[i];
    std::string where = src + ": steps[" + std::to_string(i) + "] (" + std::string(step_kind(step)) + ")";
    BoundStep bound{i, {}};
    try {
      if (const auto* d = std::get_if<DeriveStep>(&step)) {
        for (const auto& [name, text] : d->columns) {
          try {
            expr::Expression e = expr::Expression::parse(text);
            ColumnType t = e.bind(schema, state);
            schema_set(schema, name, t);
            bound.expressions.push_back(std::move(e));
          } catch (const Error& e) {
            bad("field '" + name + "': " + e.what());
          }
        }
      } else if (const auto* f = std::get_if<FilterStep>(&step)) {
        expr::Expression e = expr::Expression::parse(f->expression);
        if (e.bind(schema, state) != ColumnType::Bool) bad("the filter expression must give a bool");
        bound.expressions.push_back(std::move(e));
      } else if (const auto* s = std::get_if<SelectStep>(&step)) {
        Schema next;
        for (const std::string& c : s->columns) {
          auto t = schema_type(schema, c);
          if (!t) bad("column '" + c + "' does not exist at this step");
          next.push_back({c, *t});
        }
        schema = next;
      } else if (const auto* r = std::get_if<RenameStep>(&step)) {
        for (const auto& [from, to] : r->renames) {
          if (!schema_has(schema, from)) bad("column '" + from + "' does not exist at this step");
          if (schema_has(schema, to)) bad("column '" + to + "' already exists");
          for (Field& fld : schema)
            if (fld.name == from) fld.name = to;
        }
      } else if (const auto* c = std::get_if<CastStep>(&step)) {
        for (const auto& [name, type] : c->casts) {
          if (!schema_has(schema, name)) bad("column '" + name + "' does not exist at this step");
          schema_set(schema, name, type);
        }
      }
    } catch (const Error& e) {
      throw_error(ErrorKind::BadInput, where + ": " + e.what());
    }
    bound_.push_back(std::move(bound));
  }
  for (size_t i = 0; i < spec_.model_inputs.size(); ++i) {
    const ModelInputSpec& m = spec_.model_inputs[i];
    for (const std::string& c : m.columns) {
      auto t = schema_type(schema, c);
      if (!t) bad(src + ": model_inputs[" + std::to_string(i) + "] ('" + m.name + "'): column '" + c + "' is not produced by the steps");
      bool numeric = *t != ColumnType::String;
      if ((m.dtype == DType::String) == numeric)
        bad(src + ": model_inputs[" + std::to_string(i) + "] ('" + m.name + "'): column '" + c + "' is " +
            std::string(column_type_name(*t)) + ", which cannot feed a " + dtype_name(m.dtype) + " input");
    }
  }
  for (const std::string& c : spec_.output.carry)
    if (!schema_has(schema, c)) bad(src + ": output.carry: column '" + c + "' is not produced by the steps");
  stepped_schema_ = std::move(schema);
}

Frame Pipeline::conform(const Frame& records) const {
  Frame copy;
  for (const Field& f : spec_.input)
    if (const Column* c = records.find(f.name)) copy.add_column(f.name, *c);
  if (copy.num_columns() == spec_.input.size()) return conform(std::move(copy));
  return conform(Frame(records));  // reports the missing columns
}

Frame Pipeline::conform(Frame&& records) const {
  std::string missing;
  for (const Field& f : spec_.input)
    if (!records.has_column(f.name)) missing += (missing.empty() ? "" : ", ") + f.name;
  if (!missing.empty()) {
    std::string have;
    for (const auto& n : records.names()) have += (have.empty() ? "" : ", ") + n;
    bad("input records lack column(s) " + missing + " (they have: " + have + ")");
  }
  // Only the declared columns go on: the steps were type-checked against them alone, and an
  // undeclared column could otherwise collide with a derived or renamed one.
  Frame out;
  for (const Field& f : spec_.input) {
    const Column& c = records.column(f.name);
    if (c.type() == f.type) {
      out.add_column(f.name, records.remove_column(f.name));
      continue;
    }
    try {
      out.add_column(f.name, cast(c, f.type, f.name));
    } catch (const Error& e) {
      bad("input column '" + f.name + "' is declared " + std::string(column_type_name(f.type)) + ": " + e.what());
    }
  }
  return out;
}

namespace {

// A derived column that reads a single string column is evaluated once per distinct value of it
// and spread back to the rows. In pair records each product stands in up to top_k pairs, so the
// expressions over one side's text (regex chains, normalisation, code extraction) run on a small
// fraction of the rows. Every function is pure, so the result is the same as row by row.
std::optional<Column> evaluate_on_distinct_values(const expr::Expression& e, const Frame& frame) {
  constexpr size_t kMinRows = 64;
  const std::vector<std::string> read = e.columns();
  if (read.size() != 1 || frame.num_rows() < kMinRows) return std::nullopt;
  const Column& source = frame.column(read[0]);
  if (source.type() != ColumnType::String) return std::nullopt;
  const size_t rows = frame.num_rows();
  std::unordered_map<std::string_view, size_t> slot_of;
  std::vector<size_t> first_row;  // one row per distinct value (nulls share one)
  std::vector<size_t> slot(rows);
  size_t null_slot = Column::kNullRow;
  for (size_t r = 0; r < rows; ++r) {
    if (source.is_null(r)) {
      if (null_slot == Column::kNullRow) {
        null_slot = first_row.size();
        first_row.push_back(r);
      }
      slot[r] = null_slot;
      continue;
    }
    auto [it, added] = slot_of.try_emplace(source.string_value(r), first_row.size());
    if (added) first_row.push_back(r);
    slot[r] = it->second;
    if (first_row.size() * 2 > rows) return std::nullopt;  // mostly distinct: no gain
  }
  Frame distinct({{read[0], source.take(first_row)}});
  return e.evaluate(distinct).take(slot);
}

}  // namespace

Frame Pipeline::run_steps(Frame frame, StepProfile* profile) const {
  using Clock = std::chrono::steady_clock;
  const auto ms_since = [](Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); };
  for (const BoundStep& b : bound_) {
    const Step& step = spec_.steps[b.index];
    // Labels and clock reads only when profiling: serving runs this per request.
    const std::string step_label = profile ? "step " + std::to_string(b.index + 1) + " " : std::string();
    const auto started = profile ? Clock::now() : Clock::time_point{};
    if (const auto* d = std::get_if<DeriveStep>(&step)) {
      // One cache for the step: features over the same columns prepare each text once.
      expr::EvalCache cache;
      cache.record_preparations = profile != nullptr;
      for (const expr::Expression& e : b.expressions) e.note_text_parts(cache);
      for (size_t k = 0; k < d->columns.size(); ++k) {
        const std::string& name = d->columns[k].first;
        const auto column_started = profile ? Clock::now() : Clock::time_point{};
        const size_t preparations_before = cache.preparations.size();
        // A chain of per-distinct-value functions goes through the step's cache instead, where it
        // shares its column's numbering and common steps (clean(title) under three features).
        std::optional<Column> by_value;
        if (!b.expressions[k].runs_per_distinct_value()) by_value = evaluate_on_distinct_values(b.expressions[k], frame);
        Column c = by_value ? std::move(*by_value) : b.expressions[k].evaluate(frame, cache);
        cache.invalidate_column(name);
        if (frame.has_column(name)) frame.replace_column(name, std::move(c));
        else frame.add_column(name, std::move(c));
        if (profile) {
          double ms = ms_since(column_started);
          for (size_t p = preparations_before; p < cache.preparations.size(); ++p) {
            const expr::EvalCache::Preparation& prep = cache.preparations[p];
            profile->push_back({step_label + "derive: prepare " + prep.arguments, prep.ms, prep.values});
            ms -= prep.ms;
          }
          profile->push_back({step_label + "derive " + name, ms, 0});
        }
      }
      continue;
    }
    const char* kind = "";
    if (std::holds_alternative<FilterStep>(step)) {
      frame = filter(frame, b.expressions[0].evaluate(frame));
      kind = "filter";
    } else if (const auto* s = std::get_if<SelectStep>(&step)) {
      frame = select(frame, s->columns);
      kind = "select";
    } else if (const auto* r = std::get_if<RenameStep>(&step)) {
      frame = rename(std::move(frame), r->renames);
      kind = "rename";
    } else if (const auto* c = std::get_if<CastStep>(&step)) {
      for (const auto& [name, type] : c->casts) frame = cast(std::move(frame), name, type);
      kind = "cast";
    }
    if (profile) profile->push_back({step_label + kind, ms_since(started), 0});
  }
  return frame;
}

Frame Pipeline::feature_table(const Frame& stepped) const {
  std::vector<std::string> columns = spec_.output.carry;
  for (const ModelInputSpec& m : spec_.model_inputs)
    for (const std::string& c : m.columns)
      if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
  return select(stepped, columns);
}

NamedValues Pipeline::to_tensors(const Frame& stepped) const {
  NamedValues out;
  const int64_t rows = static_cast<int64_t>(stepped.num_rows());
  for (size_t i = 0; i < spec_.model_inputs.size(); ++i) {
    const ModelInputSpec& m = spec_.model_inputs[i];
    const int64_t width = static_cast<int64_t>(m.columns.size());
    Tensor t = Tensor::zeros(m.dtype, {rows, width});
    for (int64_t j = 0; j < width; ++j) {
      const std::string& name = m.columns[static_cast<size_t>(j)];
      const Column& c = stepped.column(name);
      auto fail = [&](int64_t r, const std::string& problem) {
        bad("model_inputs[" + std::to_string(i) + "] ('" + m.name + "'): column '" + name + "' row " + std::to_string(r) + " " + problem);
      };
      for (int64_t r = 0; r < rows; ++r) {
        size_t row = static_cast<size_t>(r);
        int64_t at = r * width + j;
        if (m.dtype == DType::String) {
          if (c.is_null(row)) fail(r, "is null; string model inputs need a value");
          t.mutable_data<std::string>()[at] = std::string(c.string_value(row));
          continue;
        }
        if (m.dtype == DType::Int64 && c.type() == ColumnType::Int64) {  // exact, no trip through double
          if (c.is_null(row)) fail(r, "is null; int64 model inputs need a value");
          t.mutable_data<int64_t>()[at] = c.int64_values()[row];
          continue;
        }
        double v = std::nan("");  // a null feature is NaN: tree models route it as missing
        if (!c.is_null(row)) {
          switch (c.type()) {
            case ColumnType::Int64: v = static_cast<double>(c.int64_values()[row]); break;
            case ColumnType::Float64: v = c.float64_values()[row]; break;
            case ColumnType::Bool: v = c.bool_values()[row] ? 1.0 : 0.0; break;
            case ColumnType::String: break;
          }
        }
        if (m.dtype == DType::Float) t.mutable_data<float>()[at] = static_cast<float>(v);
        else if (m.dtype == DType::Double) t.mutable_data<double>()[at] = v;
        else {
          if (std::isnan(v)) fail(r, "is null or NaN; int64 model inputs need a value");
          // 2^63 is the first double above INT64_MAX; anything not integral would be truncated.
          if (v != std::trunc(v) || v < -9223372036854775808.0 || v >= 9223372036854775808.0)
            fail(r, "is " + std::to_string(v) + ", not an int64 value");
          t.mutable_data<int64_t>()[at] = static_cast<int64_t>(v);
        }
      }
    }
    out.emplace_back(m.name, Value(std::move(t)));
  }
  return out;
}

namespace {

const Value& find_output(const NamedValues& outputs, const std::string& name) {
  for (const auto& [n, v] : outputs)
    if (n == name) return v;
  throw_error(ErrorKind::BadInput, "the model has no output '" + name + "'");
}

double tensor_value(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DType::Float: return t.data<float>()[i];
    case DType::Double: return t.data<double>()[i];
    case DType::Int64: return static_cast<double>(t.data<int64_t>()[i]);
    case DType::Int32: return t.data<int32_t>()[i];
    case DType::Bool: return t.data<bool>()[i] ? 1 : 0;
    default: throw_error(ErrorKind::BadInput, "model output of type " + dtype_name(t.dtype()) + " cannot become a number column");
  }
}

// The probability of one class per row, from ZipMap's sequence of maps or a [rows, classes] tensor.
std::vector<double> class_probability(const Value& v, const ProbabilitySpec& p, size_t rows) {
  std::vector<double> probs;
  probs.reserve(rows);
  if (const auto* seq = std::get_if<Sequence>(&v.v)) {
    for (const Value& item : seq->items) {
      const Map& m = item.map("probability row");
      std::optional<double> found;
      for (int64_t k = 0; k < m.keys.numel() && !found; ++k) {
        bool match = m.keys.dtype() == DType::String ? m.keys.data<std::string>()[k] == p.class_key
                                                     : std::to_string(m.keys.data<int64_t>()[k]) == p.class_key;
        if (match) found = tensor_value(m.values, k);
      }
      if (!found) throw_error(ErrorKind::BadInput, "output '" + p.output + "' has no class '" + p.class_key + "'");
      probs.push_back(*found);
    }
  } else {
    const Tensor& t = v.tensor("output '" + p.output + "'");
    if (!p.class_index) throw_error(ErrorKind::BadInput, "output '" + p.output + "' is a tensor: give output.probability.index");
    if (t.rank() < 1 || t.rank() > 2) throw_error(ErrorKind::BadInput, "output '" + p.output + "' must be a [rows] or [rows, classes] tensor");
    int64_t classes = t.rank() == 2 ? t.dim(1) : 1;
    if (*p.class_index >= classes) throw_error(ErrorKind::BadInput, "output '" + p.output + "' has " + std::to_string(classes) + " columns");
    if (t.dim(0) != static_cast<int64_t>(rows))
      throw_error(ErrorKind::BadInput, "output '" + p.output + "' has " + std::to_string(t.dim(0)) + " rows, the input " + std::to_string(rows));
    for (size_t r = 0; r < rows; ++r) probs.push_back(tensor_value(t, static_cast<int64_t>(r) * classes + *p.class_index));
  }
  if (probs.size() != rows)
    throw_error(ErrorKind::BadInput, "output '" + p.output + "' has " + std::to_string(probs.size()) + " rows, the input " + std::to_string(rows));
  return probs;
}

}  // namespace

Frame Pipeline::to_records(const Frame& stepped, const NamedValues& model_outputs, double threshold) const {
  const size_t rows = stepped.num_rows();
  Frame out = select(stepped, spec_.output.carry);
  if (const auto& p = spec_.output.probability) {
    std::vector<double> probs = class_probability(find_output(model_outputs, p->output), *p, rows);
    if (const auto& l = spec_.output.label) {
      std::vector<uint8_t> labels(rows);
      for (size_t r = 0; r < rows; ++r) labels[r] = probs[r] >= threshold ? 1 : 0;
      out.add_column(p->column, Column::from_float64(std::move(probs)));
      out.add_column(l->column, Column::from_bool(std::move(labels)));
    } else {
      out.add_column(p->column, Column::from_float64(std::move(probs)));
    }
  }
  for (const auto& [output, column] : spec_.output.model_outputs) {
    const Tensor& t = find_output(model_outputs, output).tensor("output '" + output + "'");
    // [rows] gives one column, [rows, k, ...] gives k·... columns named <column>_<j>; the width comes
    // from the shape so that an empty chunk still writes every column.
    if (t.rank() < 1 || t.dim(0) != static_cast<int64_t>(rows))
      bad("output '" + output + "' does not have one entry per row (" + std::to_string(rows) + " rows)");
    int64_t width = 1;
    for (size_t d = 1; d < t.rank(); ++d) width *= t.dim(d);
    for (int64_t j = 0; j < width; ++j) {
      std::string name = width == 1 ? column : column + "_" + std::to_string(j);
      if (t.dtype() == DType::String) {
        Column c(ColumnType::String);
        for (size_t r = 0; r < rows; ++r) c.append_string(t.data<std::string>()[static_cast<int64_t>(r) * width + j]);
        out.add_column(name, std::move(c));
      } else if (t.dtype() == DType::Int64) {
        std::vector<int64_t> v(rows);
        for (size_t r = 0; r < rows; ++r) v[r] = t.data<int64_t>()[static_cast<int64_t>(r) * width + j];
        out.add_column(name, Column::from_int64(std::move(v)));
      } else {
        std::vector<double> v(rows);
        for (size_t r = 0; r < rows; ++r) v[r] = tensor_value(t, static_cast<int64_t>(r) * width + j);
        out.add_column(name, Column::from_float64(std::move(v)));
      }
    }
  }
  return out;
}

}  // namespace onnxfn::pipeline
