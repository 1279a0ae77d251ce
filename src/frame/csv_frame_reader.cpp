// read_csv: one tokenizer pass appending into typed columns; a second, partial pass only when an
// inferred column turned into string after typed values (to recover those rows' original text).
#include "frame/csv_frame_reader.h"

#include <algorithm>
#include <optional>

#include "common/error.h"
#include "frame/column_inference.h"
#include "frame/csv_reader.h"
#include "frame/text_file.h"
#include "frame/value_conversion.h"

namespace onnxfn {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, message); }

// A field as it appears in an error message: cut when long, line breaks shown as \n / \r so the
// message stays on one line.
std::string quote_text(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  for (char ch : s.substr(0, kMax)) {
    if (ch == '\n') out += "\\n";
    else if (ch == '\r') out += "\\r";
    else out += ch;
  }
  return out + (s.size() > kMax ? "...'" : "'");
}

// One output column: either typed by the schema or inferred.
struct ColumnSlot {
  std::string name;
  std::optional<ColumnType> fixed;
  Column typed{ColumnType::String};
  InferringColumn inferred;
};

[[noreturn, gnu::cold]] void cast_error(const CsvReader& reader, const ColumnSlot& slot, std::string_view field) {
  bad(reader.source() + ": line " + std::to_string(reader.line()) + ", column '" + slot.name + "': " + quote_text(field) +
      " is not " + (slot.fixed == ColumnType::Int64 ? "an " : "a ") + std::string(column_type_name(*slot.fixed)) +
      (slot.fixed == ColumnType::Bool ? " (true/false/1/0)" : ""));
}

void append_fixed(const CsvReader& reader, ColumnSlot& slot, std::string_view field, bool quoted) {
  Column& c = slot.typed;
  if (field.empty() && (!quoted || c.type() != ColumnType::String)) {
    c.append_null();
    return;
  }
  bool ok = true;
  switch (c.type()) {
    case ColumnType::String: c.append_string(field); break;
    case ColumnType::Int64: {
      const auto v = parse_int64(field);
      ok = v.has_value();
      if (ok) c.append_int64(*v);
      break;
    }
    case ColumnType::Float64: {
      const auto v = parse_float64(field);
      ok = v.has_value();
      if (ok) c.append_float64(*v);
      break;
    }
    case ColumnType::Bool: {
      const auto v = parse_bool(field);
      ok = v.has_value();
      if (ok) c.append_bool(*v);
      break;
    }
  }
  if (!ok) cast_error(reader, slot, field);
}

// Replaces the re-formatted values of columns that were demoted to string with their original
// text, by tokenizing the rows before the latest demotion again. Only for a column that looked
// typed and then was not, so cold: compiled for size (an inlined copy of the row reader at -O3
// was 4.8 KB of a binary with a 5 MB budget).
[[gnu::cold]] void restore_demoted_text(std::string_view text, const std::string& source, const CsvReadOptions& options, size_t columns,
                          std::vector<ColumnSlot>& slots, std::vector<Column>& out) {
  size_t rows_needed = 0;
  for (size_t c = 0; c < slots.size(); ++c) {
    const size_t d = slots[c].fixed ? InferringColumn::kNever : slots[c].inferred.demoted_at();
    if (d != InferringColumn::kNever) rows_needed = std::max(rows_needed, d);
  }
  if (rows_needed == 0) return;
  CsvReader reader(text, source, options.delimiter);
  std::vector<std::string_view> fields;
  bool have_row = reader.next(fields);  // the header or the first data row, read as in the first pass
  reader.keep_blank_lines(columns == 1);
  if (options.header) have_row = reader.next(fields);
  std::vector<Column> heads(slots.size(), Column(ColumnType::String));
  for (size_t row = 0; row < rows_needed && have_row; ++row, have_row = reader.next(fields)) {
    for (size_t c = 0; c < slots.size(); ++c) {
      if (slots[c].fixed || row >= slots[c].inferred.demoted_at()) continue;
      if (fields[c].empty() && !reader.quoted(c)) heads[c].append_null();
      else heads[c].append_string(fields[c]);
    }
  }
  for (size_t c = 0; c < slots.size(); ++c) {
    if (slots[c].fixed) continue;
    const size_t d = slots[c].inferred.demoted_at();
    if (d == InferringColumn::kNever) continue;
    heads[c].append_column(out[c].slice(d, out[c].size()));
    out[c] = std::move(heads[c]);
  }
}

}  // namespace

Frame read_csv(std::string_view text, const std::string& source, const CsvReadOptions& options) {
  CsvReader reader(text, source, options.delimiter);
  std::vector<std::string_view> fields;
  if (!reader.next(fields)) {
    if (!options.schema.empty())
      bad(source + ": the CSV is empty but the schema names column '" + options.schema.front().name + "'");
    return Frame();
  }
  const size_t columns = fields.size();
  std::vector<ColumnSlot> slots(columns);
  for (size_t c = 0; c < columns; ++c)
    slots[c].name = options.header ? std::string(fields[c]) : "column_" + std::to_string(c + 1);
  for (size_t c = 0; c < columns; ++c)
    for (size_t d = 0; d < c; ++d)
      if (slots[d].name == slots[c].name)
        bad(source + ": line " + std::to_string(reader.line()) + ": the header names column '" + slots[c].name + "' twice");
  for (const Field& f : options.schema) {
    auto it = std::find_if(slots.begin(), slots.end(), [&](const ColumnSlot& s) { return s.name == f.name; });
    if (it == slots.end()) {
      std::string names;
      for (const auto& s : slots) names += (names.empty() ? "'" : ", '") + s.name + "'";
      bad(source + ": the schema names column '" + f.name + "', which the CSV does not have (columns: " + names + ")");
    }
    it->fixed = f.type;
    it->typed = Column(f.type);
  }
  // Rows are at most the line count: reserving that up front saves the regrowth copies.
  const size_t row_estimate = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (auto& s : slots) {
    if (s.fixed) s.typed.reserve(row_estimate);
    else s.inferred.expect_rows(row_estimate);
  }

  reader.keep_blank_lines(columns == 1);
  bool have_row = !options.header;  // without a header the first row is data
  while (have_row || reader.next(fields)) {
    have_row = false;
    if (fields.size() != columns)
      bad(source + ": line " + std::to_string(reader.line()) + " has " + std::to_string(fields.size()) + " fields, " +
          (options.header ? "the header has " : "the first row has ") + std::to_string(columns));
    for (size_t c = 0; c < columns; ++c) {
      ColumnSlot& slot = slots[c];
      const std::string_view f = fields[c];
      if (slot.fixed) {
        append_fixed(reader, slot, f, reader.quoted(c));
      } else if (f.empty() && !reader.quoted(c)) {
        slot.inferred.add_null();
      } else {
        slot.inferred.add_text(f);
      }
    }
  }

  std::vector<Column> out;
  out.reserve(columns);
  for (auto& s : slots) out.push_back(s.fixed ? std::move(s.typed) : std::move(s.inferred).finish());
  restore_demoted_text(text, source, options, columns, slots, out);
  Frame frame;
  for (size_t c = 0; c < columns; ++c) frame.add_column(std::move(slots[c].name), std::move(out[c]));
  return frame;
}

Frame read_csv_file(const std::string& path, const CsvReadOptions& options) {
  const std::string text = read_text_file(path);
  return read_csv(text, path, options);
}

}  // namespace onnxfn
