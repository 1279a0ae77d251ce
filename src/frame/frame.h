// Frame: a columnar table of named, equally long Columns (int64, float64, string, bool, with nulls);
// the record batch every door decodes into and every pipeline step reads and produces.
//
// How to use it:
//   Frame f;
//   f.add_column("id", Column::int64({1, 2, 3}));
//   f.add_column("name", Column::string({"a", std::nullopt, "c"}));
//   const Column& ids = f.column("id");         // by name (BadInput naming the columns if absent)
//   const Column& second = f.column(1);         // by position
//   Frame chunk = f.slice(0, 10000);            // rows [0, 10000), clipped
//   Frame picked = f.take(std::vector<size_t>{2, 0});
//   Schema s = f.schema();                      // [{"id", Int64}, {"name", String}]
// Operations (select, filter, join, group-by, sort, ...) are free functions in frame/frame_ops.h;
// CSV and JSON readers/writers are in frame/csv_frame_reader.h, csv_writer.h, json_frame_reader.h
// and json_frame_writer.h. Rows in error messages are numbered from 0 ("row 0" is the first row).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "frame/column.h"

namespace onnxfn {

// A column's name and type; a Schema lists them in order. Readers take a Schema to fix the types
// of the columns it names (the others are inferred).
struct Field {
  std::string name;
  ColumnType type;
  bool operator==(const Field&) const = default;
};
using Schema = std::vector<Field>;

// The type a schema gives a column, if it names it.
std::optional<ColumnType> schema_type(const Schema& schema, std::string_view name);

class Frame {
 public:
  Frame() = default;
  // Columns must be equally long and have distinct names (BadInput otherwise).
  explicit Frame(std::vector<std::pair<std::string, Column>> columns);

  size_t num_rows() const { return rows_; }
  size_t num_columns() const { return columns_.size(); }
  const std::vector<std::string>& names() const { return names_; }
  const std::string& name(size_t index) const { return names_[index]; }

  const Column& column(size_t index) const { return columns_[index]; }
  // BadInput naming the missing column and the ones that exist.
  const Column& column(std::string_view name) const;
  // nullptr / std::nullopt when there is no such column.
  const Column* find(std::string_view name) const;
  std::optional<size_t> index_of(std::string_view name) const;
  bool has_column(std::string_view name) const { return index_of(name).has_value(); }

  // The first column fixes the row count of an empty frame; later ones must match it.
  void add_column(std::string name, Column column);
  // Replaces a column's values (same row count); the name must exist.
  void replace_column(std::string_view name, Column column);
  Column remove_column(std::string_view name);
  void rename_column(std::string_view from, std::string to);

  Schema schema() const;

  // Rows [offset, offset + count) clipped to the frame's end.
  Frame slice(size_t offset, size_t count) const;
  // The given rows in the given order (indices may repeat; Column::kNullRow gives a row of nulls).
  Frame take(std::span<const size_t> rows) const;

  // Same names in the same order and equal columns (Column::equals).
  bool equals(const Frame& other) const;

 private:
  // Transparent hashing lets lookups take a string_view without building a std::string.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> names_;
  std::vector<Column> columns_;
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> index_;
  size_t rows_ = 0;
};

}  // namespace onnxfn
