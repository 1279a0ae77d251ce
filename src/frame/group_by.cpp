// group_by: rows numbered by group (KeyIndex), then one pass per aggregate over the rows with
// per-group accumulators. Min, max and first pick a row per group and take() it, so they work for
// every column type with one code path.
#include <cmath>

#include "common/error.h"
#include "frame/frame_ops.h"
#include "frame/key_columns.h"
#include "frame/value_conversion.h"

namespace onnxfn {

std::string_view aggregate_name(AggregateKind kind) {
  switch (kind) {
    case AggregateKind::Count: return "count";
    case AggregateKind::Sum: return "sum";
    case AggregateKind::Mean: return "mean";
    case AggregateKind::Min: return "min";
    case AggregateKind::Max: return "max";
    case AggregateKind::First: return "first";
    case AggregateKind::Collect: return "collect";
  }
  return "unknown";
}

namespace {

constexpr size_t kNone = Column::kNullRow;

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, message); }

// a < b for two non-null, non-NaN values of one column.
bool less_at(const Column& c, size_t a, size_t b) {
  switch (c.type()) {
    case ColumnType::Int64: return c.int64_values()[a] < c.int64_values()[b];
    case ColumnType::Float64: return c.float64_values()[a] < c.float64_values()[b];
    case ColumnType::Bool: return c.bool_values()[a] < c.bool_values()[b];
    case ColumnType::String: return c.string_value(a) < c.string_value(b);
  }
  return false;
}

bool is_nan_at(const Column& c, size_t row) {
  return c.type() == ColumnType::Float64 && std::isnan(c.float64_values()[row]);
}

Column count(const Column* c, const std::vector<size_t>& group_of, size_t groups) {
  std::vector<int64_t> n(groups, 0);
  for (size_t r = 0; r < group_of.size(); ++r)
    if (!c || !c->is_null(r)) ++n[group_of[r]];
  return Column::from_int64(std::move(n));
}

Column sum(const Column& c, const std::string& name, const std::vector<size_t>& group_of, size_t groups) {
  std::vector<uint8_t> seen(groups, 0);
  if (c.type() == ColumnType::Float64) {
    std::vector<double> s(groups, 0.0);
    const auto v = c.float64_values();
    for (size_t r = 0; r < group_of.size(); ++r) {
      if (c.is_null(r)) continue;
      s[group_of[r]] += v[r];
      seen[group_of[r]] = 1;
    }
    return Column::from_float64(std::move(s), std::move(seen));
  }
  std::vector<int64_t> s(groups, 0);
  for (size_t r = 0; r < group_of.size(); ++r) {
    if (c.is_null(r)) continue;
    const int64_t v = c.type() == ColumnType::Int64 ? c.int64_values()[r] : c.bool_values()[r];
    if (__builtin_add_overflow(s[group_of[r]], v, &s[group_of[r]]))
      bad("group_by: sum of column '" + name + "' overflows int64 at row " + std::to_string(r) +
          " (cast it to float64 first)");
    seen[group_of[r]] = 1;
  }
  return Column::from_int64(std::move(s), std::move(seen));
}

Column mean(const Column& c, const std::vector<size_t>& group_of, size_t groups) {
  std::vector<double> s(groups, 0.0);
  std::vector<int64_t> n(groups, 0);
  for (size_t r = 0; r < group_of.size(); ++r) {
    if (c.is_null(r)) continue;
    double v = 0;
    switch (c.type()) {
      case ColumnType::Int64: v = static_cast<double>(c.int64_values()[r]); break;
      case ColumnType::Float64: v = c.float64_values()[r]; break;
      case ColumnType::Bool: v = c.bool_values()[r]; break;
      case ColumnType::String: break;
    }
    s[group_of[r]] += v;
    ++n[group_of[r]];
  }
  std::vector<uint8_t> seen(groups);
  for (size_t g = 0; g < groups; ++g) {
    seen[g] = n[g] != 0;
    if (n[g]) s[g] /= static_cast<double>(n[g]);
  }
  return Column::from_float64(std::move(s), std::move(seen));
}

// The row each group's min / max / first value comes from (kNone: the group has no value).
std::vector<size_t> pick_rows(const Column& c, AggregateKind kind, const std::vector<size_t>& group_of, size_t groups) {
  std::vector<size_t> best(groups, kNone);
  for (size_t r = 0; r < group_of.size(); ++r) {
    if (c.is_null(r)) continue;
    size_t& b = best[group_of[r]];
    if (b == kNone) {
      b = r;
      continue;
    }
    if (kind == AggregateKind::First) continue;
    if (is_nan_at(c, r)) continue;  // NaN only wins when a group has nothing else
    if (is_nan_at(c, b) || (kind == AggregateKind::Min ? less_at(c, r, b) : less_at(c, b, r))) b = r;
  }
  return best;
}

Column collect(const Column& c, const std::string& separator, const std::vector<size_t>& group_of, size_t groups) {
  std::vector<std::string> text(groups);
  std::vector<uint8_t> any(groups, 0);
  for (size_t r = 0; r < group_of.size(); ++r) {
    if (c.is_null(r)) continue;
    const size_t g = group_of[r];
    if (any[g]) text[g] += separator;
    any[g] = 1;
    append_value_text(text[g], c, r);
  }
  Column out(ColumnType::String);
  out.reserve(groups);
  for (const std::string& t : text) out.append_string(t);
  return out;
}

}  // namespace

Frame group_by(const Frame& frame, const std::vector<std::string>& keys, const std::vector<Aggregate>& aggregates) {
  const KeyColumns key_columns(frame, keys, "group_by");
  std::vector<size_t> group_of(frame.num_rows(), 0);
  std::vector<size_t> first_rows;
  if (keys.empty()) {
    first_rows.push_back(0);  // one group of every row
  } else {
    KeyIndex index(key_columns);
    for (size_t r = 0; r < frame.num_rows(); ++r) group_of[r] = index.insert(r);
    first_rows = index.first_rows();
  }
  const size_t groups = first_rows.size();

  Frame out;
  for (const std::string& k : keys) out.add_column(k, frame.column(k).take(first_rows));
  for (const Aggregate& a : aggregates) {
    const Column* c = nullptr;
    if (!a.column.empty()) {
      c = frame.find(a.column);
      if (!c) {
        try {
          (void)frame.column(a.column);
        } catch (const Error& e) {
          bad("group_by: " + std::string(aggregate_name(a.kind)) + " of " + e.what());
        }
      }
    } else if (a.kind != AggregateKind::Count) {
      bad("group_by: " + std::string(aggregate_name(a.kind)) + " needs a column");
    }
    const bool numeric = c && c->type() != ColumnType::String;
    if ((a.kind == AggregateKind::Sum || a.kind == AggregateKind::Mean) && !numeric)
      bad("group_by: cannot take the " + std::string(aggregate_name(a.kind)) + " of string column '" + a.column + "'");
    std::string name = a.output;
    if (name.empty()) name = a.column.empty() ? "count" : a.column + "_" + std::string(aggregate_name(a.kind));
    if (out.has_column(name))
      bad("group_by: output column '" + name + "' appears twice (give the aggregate an output name)");
    Column result;
    switch (a.kind) {
      case AggregateKind::Count: result = count(c, group_of, groups); break;
      case AggregateKind::Sum: result = sum(*c, a.column, group_of, groups); break;
      case AggregateKind::Mean: result = mean(*c, group_of, groups); break;
      case AggregateKind::Min:
      case AggregateKind::Max:
      case AggregateKind::First: {
        const std::vector<size_t> rows = pick_rows(*c, a.kind, group_of, groups);
        result = c->take(rows);
        break;
      }
      case AggregateKind::Collect: result = collect(*c, a.separator, group_of, groups); break;
    }
    out.add_column(std::move(name), std::move(result));
  }
  return out;
}

}  // namespace onnxfn
