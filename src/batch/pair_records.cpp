// Product tables with indexed ids, pairs files, and pair-record frames (see pair_records.h).
#include "batch/pair_records.h"

#include "batch/input_location.h"

#include <algorithm>
#include <filesystem>
#include <limits>

#include "common/error.h"
#include "frame/csv_frame_reader.h"
#include "frame/json_frame_reader.h"
#include "frame/text_file.h"
#include "frame/value_conversion.h"

namespace onnxfn::batch {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, message); }

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

bool is_json_path(const std::string& path) {
  const std::string ext = lower_extension(path);
  return ext == "json" || ext == "jsonl" || ext == "ndjson";
}

// CSV rows count from the line after the header; a record spanning lines (a quoted newline) makes
// this an estimate, which is still the right place to start looking.
std::string line_of(size_t row) { return "line " + std::to_string(row + 2); }

std::string value_text(const Column& c, size_t row) {
  if (c.type() == ColumnType::String) return std::string(c.string_value(row));
  std::string out;
  append_value_text(out, c, row);
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The header's column names (the first CSV record), without reading the whole file twice.
std::vector<std::string> csv_header(const std::string& text, const std::string& source) {
  size_t end = text.find('\n');
  Frame header = read_csv(std::string_view(text).substr(0, end == std::string::npos ? text.size() : end + 1), source);
  return header.names();
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<int64_t> integer_id(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t v = 0;
  size_t i = text[0] == '-' ? 1 : 0;
  if (i == text.size()) return std::nullopt;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    v = v * 10 + (text[i] - '0');
  }
  return text[0] == '-' ? -v : v;
}

std::optional<uint8_t> label_value(const Column& c, size_t row) {
  switch (c.type()) {
    case ColumnType::Int64: {
      int64_t v = c.int64_values()[row];
      if (v == 0 || v == 1) return static_cast<uint8_t>(v);
      return std::nullopt;
    }
    case ColumnType::Float64: {
      double v = c.float64_values()[row];
      if (v == 0.0 || v == 1.0) return static_cast<uint8_t>(v);
      return std::nullopt;
    }
    case ColumnType::Bool: return c.bool_values()[row];
    case ColumnType::String: {
      std::string_view s = c.string_value(row);
      if (s == "1" || s == "true" || s == "True") return uint8_t{1};
      if (s == "0" || s == "false" || s == "False") return uint8_t{0};
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

Frame read_product_table(const std::string& path, const std::string& id_column) {
  std::string text = read_location(path);
  if (is_json_path(path)) {
    JsonReadOptions options;
    options.format = lower_extension(path) == "json" ? JsonFormat::Auto : JsonFormat::Lines;
    Frame f = read_json(text, path, options);
    if (!f.has_column(id_column)) bad("table '" + path + "' has no id column '" + id_column + "' (columns: " + joined(f.names()) + ")");
    return f;
  }
  std::vector<std::string> header = csv_header(text, path);
  if (!contains(header, id_column)) bad("table '" + path + "' has no id column '" + id_column + "' (columns: " + joined(header) + ")");
  CsvReadOptions options;
  options.schema = {{id_column, ColumnType::String}};
  return read_csv(text, path, options);
}

ProductTable::ProductTable(Frame frame, std::string id_column, std::string source)
    : frame_(std::move(frame)), id_column_(std::move(id_column)), source_(std::move(source)) {
  const Column* ids = frame_.find(id_column_);
  if (!ids) bad("table '" + source_ + "' has no id column '" + id_column_ + "' (columns: " + joined(frame_.names()) + ")");
  if (frame_.num_rows() >= std::numeric_limits<uint32_t>::max()) bad("table '" + source_ + "' has too many rows");
  const size_t n = frame_.num_rows();
  ids_.reserve(n);
  for (size_t r = 0; r < n; ++r) {
    if (ids->is_null(r)) bad("table '" + source_ + "': " + line_of(r) + " has no " + id_column_);
    ids_.push_back(value_text(*ids, r));
  }
  index_.reserve(n);
  for (size_t r = 0; r < n; ++r) {
    auto [it, fresh] = index_.emplace(ids_[r], static_cast<uint32_t>(r));
    if (!fresh)
      bad("table '" + source_ + "': " + id_column_ + " '" + ids_[r] + "' appears twice (" + line_of(it->second) + " and " + line_of(r) +
          "); ids must be unique");
  }
  std::vector<std::optional<int64_t>> numeric(n);
  for (size_t r = 0; r < n; ++r) numeric[r] = integer_id(ids_[r]);
  std::vector<uint32_t> order(n);
  for (size_t r = 0; r < n; ++r) order[r] = static_cast<uint32_t>(r);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (numeric[a] && numeric[b]) return *numeric[a] < *numeric[b];
    if (numeric[a] || numeric[b]) return numeric[a].has_value();  // integer ids first
    return ids_[a] < ids_[b];
  });
  id_rank_.resize(n);
  for (size_t i = 0; i < n; ++i) id_rank_[order[i]] = static_cast<uint32_t>(i);
}

std::optional<size_t> ProductTable::find(std::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

pipeline::BlockingSpec blocking_of(const pipeline::PipelineSpec& spec) { return spec.blocking.value_or(pipeline::BlockingSpec{}); }

namespace {

PairColumns pick_pair_columns(const std::vector<std::string>& names, const std::string& source, const pipeline::BlockingSpec& b) {
  PairColumns pc;
  const std::string prefixed_left = b.left_prefix + b.left_id, prefixed_right = b.right_prefix + b.right_id;
  if (contains(names, "ltable_id") && contains(names, "rtable_id")) {
    pc.left_id = "ltable_id";
    pc.right_id = "rtable_id";
  } else if (contains(names, prefixed_left) && contains(names, prefixed_right)) {
    pc.left_id = prefixed_left;
    pc.right_id = prefixed_right;
  } else {
    bad("pairs file '" + source + "' needs columns ltable_id and rtable_id (or " + prefixed_left + " and " + prefixed_right +
        "); it has: " + joined(names));
  }
  if (contains(names, "label")) pc.label = "label";
  return pc;
}

}  // namespace

PairList resolve_pairs(const Frame& pairs, const std::string& source, const ProductTable& left, const ProductTable& right,
                       const pipeline::BlockingSpec& blocking) {
  PairColumns pc = pick_pair_columns(pairs.names(), source, blocking);
  const Column& lc = pairs.column(pc.left_id);
  const Column& rc = pairs.column(pc.right_id);
  const Column* labels = pc.label.empty() ? nullptr : &pairs.column(pc.label);
  PairList out;
  const size_t n = pairs.num_rows();
  out.left.reserve(n);
  out.right.reserve(n);
  if (labels) out.labels.reserve(n);
  auto resolve = [&](const Column& c, const std::string& column, size_t r, const ProductTable& table, const char* side) {
    if (c.is_null(r)) bad("pairs file '" + source + "': " + line_of(r) + ": " + column + " is empty");
    std::string id = value_text(c, r);
    auto row = table.find(id);
    if (!row)
      bad("pairs file '" + source + "': " + line_of(r) + ": " + column + " '" + id + "' is not an id of the " + side + " table '" +
          table.source() + "'");
    return static_cast<uint32_t>(*row);
  };
  for (size_t r = 0; r < n; ++r) {
    out.push_back(resolve(lc, pc.left_id, r, left, "left"), resolve(rc, pc.right_id, r, right, "right"));
    if (labels) {
      std::optional<uint8_t> v = labels->is_null(r) ? std::nullopt : label_value(*labels, r);
      if (!v) bad("pairs file '" + source + "': " + line_of(r) + ": label must be 0 or 1" + (labels->is_null(r) ? " (it is empty)" : ", got '" + value_text(*labels, r) + "'"));
      out.labels.push_back(*v);
    }
  }
  return out;
}

PairList read_pairs_file(const std::string& path, const ProductTable& left, const ProductTable& right,
                         const pipeline::BlockingSpec& blocking) {
  std::string text = read_location(path);
  PairColumns pc = pick_pair_columns(csv_header(text, path), path, blocking);
  CsvReadOptions options;
  options.schema = {{pc.left_id, ColumnType::String}, {pc.right_id, ColumnType::String}};  // ids compare as their exact text
  return resolve_pairs(read_csv(text, path, options), path, left, right, blocking);
}

PairRecordBuilder::PairRecordBuilder(const ProductTable& left, const ProductTable& right, const pipeline::PipelineSpec& spec)
    : left_(left), right_(right) {
  const pipeline::BlockingSpec b = blocking_of(spec);
  left_id_column_ = b.left_prefix + left.id_column();
  right_id_column_ = b.right_prefix + right.id_column();
  columns_.push_back({true, *left.frame().index_of(left.id_column()), left_id_column_});
  columns_.push_back({false, *right.frame().index_of(right.id_column()), right_id_column_});
  for (const Field& f : spec.input) {
    if (f.name == left_id_column_ || f.name == right_id_column_) continue;
    const bool is_left = f.name.starts_with(b.left_prefix);
    const bool is_right = f.name.starts_with(b.right_prefix);
    if (!is_left && !is_right)
      throw_error(ErrorKind::BadModel, spec.source + ": input column '" + f.name + "' has neither prefix '" + b.left_prefix + "' nor '" +
                                           b.right_prefix + "', so pair records cannot provide it (docs/batch.md, The pair record)");
    // With prefixes like "l" and "left_", the longer one that fits names the side.
    const bool left_side = is_left && (!is_right || b.left_prefix.size() >= b.right_prefix.size());
    const ProductTable& table = left_side ? left : right;
    const std::string source_column = f.name.substr((left_side ? b.left_prefix : b.right_prefix).size());
    auto index = table.frame().index_of(source_column);
    if (!index)
      bad(std::string(left_side ? "left" : "right") + " table '" + table.source() + "' has no column '" + source_column + "' (pipeline.json input '" +
          f.name + "'; the table has: " + joined(table.frame().names()) + ")");
    columns_.push_back({left_side, *index, f.name});
  }
}

Frame PairRecordBuilder::build(const PairList& pairs, size_t begin, size_t end) const {
  end = std::min(end, pairs.size());
  begin = std::min(begin, end);
  std::vector<size_t> left_rows(pairs.left.begin() + static_cast<std::ptrdiff_t>(begin), pairs.left.begin() + static_cast<std::ptrdiff_t>(end));
  std::vector<size_t> right_rows(pairs.right.begin() + static_cast<std::ptrdiff_t>(begin), pairs.right.begin() + static_cast<std::ptrdiff_t>(end));
  std::vector<std::pair<std::string, Column>> columns;
  columns.reserve(columns_.size());
  for (const Source& s : columns_) {
    const Column& c = (s.left ? left_ : right_).frame().column(s.column);
    columns.emplace_back(s.name, c.take(s.left ? left_rows : right_rows));
  }
  return Frame(std::move(columns));
}

}  // namespace onnxfn::batch
