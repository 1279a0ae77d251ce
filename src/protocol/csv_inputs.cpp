// CSV -> tensors by the model's declared input types.
#include "protocol/csv_inputs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "frame/csv_reader.h"

namespace onnxfn {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, message); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// How many columns a declared input takes: its second dimension (1 for rank-1 inputs).
int64_t input_width(const ValueInfo& in) {
  if (!in.type.shape || in.type.shape->size() < 2) return 1;
  const Dim& d = (*in.type.shape)[1];
  return d.value ? *d.value : -1;  // -1: unknown
}

struct Binding {
  const ValueInfo* input;
  std::vector<size_t> columns;
};

std::vector<Binding> bind_columns(const std::vector<std::string>& header, const std::vector<ValueInfo>& inputs,
                                  const std::string& source) {
  std::unordered_map<std::string, size_t> col;
  for (size_t i = 0; i < header.size(); ++i)
    if (!col.emplace(header[i], i).second) bad(source + ": header names column '" + header[i] + "' twice");
  std::string columns_text;
  for (const auto& h : header) columns_text += (columns_text.empty() ? "" : ", ") + h;
  std::vector<Binding> bindings;
  if (inputs.size() == 1) {
    Binding b{&inputs[0], {}};
    int64_t w = input_width(inputs[0]);
    if (w >= 0 && static_cast<size_t>(w) != header.size() && !(w == 1 && col.count(inputs[0].name)))
      bad(source + ": model input '" + inputs[0].name + "' (" + inputs[0].type.to_string() + ") takes " + std::to_string(w) +
          " columns, the CSV has " + std::to_string(header.size()) + " (" + columns_text + ")");
    if (w == 1 && col.count(inputs[0].name)) b.columns = {col[inputs[0].name]};
    else for (size_t i = 0; i < header.size(); ++i) b.columns.push_back(i);
    bindings.push_back(std::move(b));
    return bindings;
  }
  for (const ValueInfo& in : inputs) {
    Binding b{&in, {}};
    if (auto it = col.find(in.name); it != col.end()) {
      b.columns = {it->second};
    } else {
      for (size_t j = 0;; ++j) {
        auto c = col.find(in.name + "_" + std::to_string(j));
        if (c == col.end()) break;
        b.columns.push_back(c->second);
      }
    }
    int64_t w = input_width(in);
    if (b.columns.empty())
      bad(source + ": no column for model input '" + in.name + "' (" + in.type.to_string() + "): name a column '" + in.name +
          "'" + (w == 1 ? "" : " or columns '" + in.name + "_0', '" + in.name + "_1', ...") + "; the CSV has: " + columns_text);
    if (w >= 0 && static_cast<size_t>(w) != b.columns.size())
      bad(source + ": model input '" + in.name + "' (" + in.type.to_string() + ") takes " + std::to_string(w) + " columns, found " +
          std::to_string(b.columns.size()));
    bindings.push_back(std::move(b));
  }
  return bindings;
}

template <class T>
T parse_field(std::string_view raw, bool quoted, const std::string& where) {
  std::string_view s = trim(raw);
  if constexpr (std::is_floating_point_v<T>) {
    if (s.empty() && !quoted) return std::numeric_limits<T>::quiet_NaN();
    T v{};
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return v;
    if (r.ec == std::errc::result_out_of_range) bad(where + ": '" + std::string(raw) + "' is out of range");
    bad(where + ": '" + std::string(raw) + "' is not a number");
  } else if constexpr (std::is_same_v<T, bool>) {
    if (s == "1" || s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "0" || s == "false" || s == "False" || s == "FALSE") return false;
    bad(where + ": '" + std::string(raw) + "' is not a boolean (true/false/1/0)");
  } else {
    if (s.empty()) bad(where + ": empty value for an integer input");
    T v{};
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return v;
    bad(where + ": '" + std::string(raw) + "' is not an integer in range");
  }
}

}  // namespace

NamedValues csv_to_inputs(std::string_view text, const std::string& source, const std::vector<ValueInfo>& inputs) {
  CsvReader reader(text, source);
  std::vector<std::string_view> fields;
  if (!reader.next(fields)) bad(source + ": the CSV is empty (a header row is required)");
  std::vector<std::string> header(fields.begin(), fields.end());
  for (auto& h : header) h = std::string(trim(h));
  std::vector<Binding> bindings = bind_columns(header, inputs, source);

  // Column-major staging: one vector per binding, filled row by row.
  struct Column {
    std::vector<double> f64;
    std::vector<int64_t> i64;
    std::vector<std::string> str;
    std::vector<uint8_t> b;
  };
  std::vector<Column> staged(bindings.size());
  int64_t rows = 0;
  while (reader.next(fields)) {
    if (fields.size() != header.size())
      bad(source + ": line " + std::to_string(reader.line()) + " has " + std::to_string(fields.size()) + " fields, the header has " +
          std::to_string(header.size()));
    for (size_t k = 0; k < bindings.size(); ++k) {
      DType dt = bindings[k].input->type.elem;
      for (size_t c : bindings[k].columns) {
        std::string where = source + ": row " + std::to_string(rows + 1) + " (line " + std::to_string(reader.line()) + "), column '" +
                            header[c] + "' for input '" + bindings[k].input->name + "'";
        switch (dt) {
          case DType::Float:
          case DType::Double: staged[k].f64.push_back(parse_field<double>(fields[c], reader.quoted(c), where)); break;
          case DType::Int64:
          case DType::Int32: staged[k].i64.push_back(parse_field<int64_t>(fields[c], reader.quoted(c), where)); break;
          case DType::Bool: staged[k].b.push_back(parse_field<bool>(fields[c], reader.quoted(c), where)); break;
          case DType::String: staged[k].str.emplace_back(fields[c]); break;
          default:
            bad("model input '" + bindings[k].input->name + "' has element type " + dtype_name(dt) +
                ", which CSV input does not support (float, double, int64, int32, bool, string)");
        }
      }
    }
    ++rows;
  }

  NamedValues out;
  for (size_t k = 0; k < bindings.size(); ++k) {
    const ValueInfo& in = *bindings[k].input;
    int64_t width = static_cast<int64_t>(bindings[k].columns.size());
    size_t rank = in.type.shape ? in.type.shape->size() : 2;
    Shape shape = rank == 1 ? Shape{rows * width} : Shape{rows, width};
    if (rank == 1 && width != 1) bad("model input '" + in.name + "' is 1-D but takes " + std::to_string(width) + " columns");
    Tensor t = Tensor::zeros(in.type.elem, shape);
    Column& col = staged[k];
    switch (in.type.elem) {
      case DType::Float: std::transform(col.f64.begin(), col.f64.end(), t.mutable_data<float>(), [](double v) { return static_cast<float>(v); }); break;
      case DType::Double: std::copy(col.f64.begin(), col.f64.end(), t.mutable_data<double>()); break;
      case DType::Int64: std::copy(col.i64.begin(), col.i64.end(), t.mutable_data<int64_t>()); break;
      case DType::Int32:
        for (size_t i = 0; i < col.i64.size(); ++i) {
          if (col.i64[i] < INT32_MIN || col.i64[i] > INT32_MAX)
            bad(source + ": row " + std::to_string(i / static_cast<size_t>(width) + 1) + ": value out of int32 range for input '" + in.name + "'");
          t.mutable_data<int32_t>()[i] = static_cast<int32_t>(col.i64[i]);
        }
        break;
      case DType::Bool: std::copy(col.b.begin(), col.b.end(), t.mutable_data<bool>()); break;
      case DType::String: std::move(col.str.begin(), col.str.end(), t.mutable_data<std::string>()); break;
      default: break;
    }
    out.emplace_back(in.name, Value(std::move(t)));
  }
  return out;
}

}  // namespace onnxfn
