// Operations on Frames: select, rename, cast, filter, concatenate, join, group-by, sort, top-k per
// group and distinct. Each takes frames and returns a new one; inputs are never modified. Errors
// are BadInput naming the operation, the column and, for a value, the row (rows count from 0).
//
// How to use it:
//   Frame f = select(items, {"id", "title", "price"});
//   f = rename(std::move(f), {{"title", "name"}});
//   f = cast(std::move(f), "price", ColumnType::Float64);
//   Frame cheap = filter(f, "is_cheap");                               // a bool column; null drops
//   Frame both = join(f, offers, {.left_on = {"id"}});                  // inner hash join
//   Frame all = join(f, offers, {.kind = JoinKind::Left, .left_on = {"id"}, .right_on = {"item_id"}});
//   Frame stats = group_by(f, {"shop"}, {{AggregateKind::Count},
//                                        {AggregateKind::Mean, "price"},
//                                        {AggregateKind::Collect, "name", "names", "|"}});
//   Frame ordered = sort(f, {{"shop"}, {"price", SortOrder::Descending}});   // stable, nulls last
//   Frame best = top_k_per_group(f, {"shop"}, {{"price", SortOrder::Descending}}, 3);
//   Frame unique = distinct(f, {"shop", "name"});
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "frame/frame.h"

namespace onnxfn {

// --- select, rename, cast (select_rename_cast.cpp) ---

// The named columns in the given order (a name may not repeat).
Frame select(const Frame& frame, const std::vector<std::string>& columns);
// Renames columns (from, to); names not mentioned keep theirs. Renames apply one after another.
Frame rename(Frame frame, const std::vector<std::pair<std::string, std::string>>& renames);
// Converts a column between the four types; nulls stay null. The rules (value_conversion.h):
//   int64 -> float64 exact up to 2^53, rounded beyond; float64 -> int64 only integral values in
//   range; numbers -> bool only 0 and 1; bool -> numbers 0 / 1; anything -> string as text
//   ("1.0" for float 1, "true"); string -> int64 / float64 / bool by parse_int64 / parse_float64 /
//   parse_bool. A value that does not convert is a BadInput naming the column, row and value.
// `name` is the column's name for error messages.
Column cast(const Column& column, ColumnType to, std::string_view name);
Frame cast(Frame frame, std::string_view column, ColumnType to);

// --- filter (filter.cpp) ---

// The rows where `mask` (a bool column as long as the frame) is true; false and null drop a row.
Frame filter(const Frame& frame, const Column& mask);
Frame filter(const Frame& frame, std::string_view bool_column);
// The row indices filter() keeps, for callers that take rows from several frames.
std::vector<size_t> true_rows(const Column& mask);

// --- concatenation (concat.cpp) ---

// Rows of each frame one after another; every frame must have the same names and types in the
// same order (the chunks of a batch job, for example). No frames gives an empty frame.
Frame concat_rows(std::span<const Frame> frames);

// --- join (join.cpp) ---

enum class JoinKind {
  Inner,  // rows with a match on both sides
  Left,   // every left row; right columns are null where it has no match
};

struct JoinOptions {
  JoinKind kind = JoinKind::Inner;
  std::vector<std::string> left_on{};   // key columns of the left frame
  std::vector<std::string> right_on{};  // key columns of the right frame, in the same order (empty: left_on)
  std::string right_suffix = "_right";  // appended to right column names the left frame also has
};

// A hash join (the right frame is hashed, the left one probes). Output: every left column, then
// the right columns except its key columns (equal to the left keys wherever they matched), in
// left row order and, for each left row, its matches in right row order. Key columns must have
// equal types on both sides; a null key never matches, and float keys match by value (NaN
// matches NaN, -0.0 matches 0.0).
Frame join(const Frame& left, const Frame& right, const JoinOptions& options);

// --- group-by (group_by.cpp) ---

enum class AggregateKind {
  Count,    // int64: non-null values of the column, or rows when no column is named
  Sum,      // int64 for int64 / bool columns (overflow is a BadInput), float64 for float64
  Mean,     // float64
  Min,      // the column's type; float64 skips NaN unless the group has only NaN
  Max,      // the column's type; strings compare by bytes (Unicode code point order for UTF-8)
  First,    // the column's type: the first non-null value in row order
  Collect,  // string: the non-null values as text (value_conversion.h), in row order, joined by
            // the separator; "" for a group with none
};
std::string_view aggregate_name(AggregateKind kind);  // "count", "sum", ...

struct Aggregate {
  AggregateKind kind = AggregateKind::Count;
  std::string column{};      // input column; may be empty for Count
  std::string output{};      // output column name; empty: "<column>_<kind>" ("count" for a bare Count)
  std::string separator = ",";  // Collect only
};

// One row per distinct key combination, in order of first appearance: the key columns, then one
// column per aggregate. Null keys form their own group; NaN keys group together. Aggregates skip
// nulls; Sum, Mean, Min, Max and First of a group with no non-null value are null. Sum and Mean
// of a string column are BadInput. No keys: one row aggregating the whole frame.
Frame group_by(const Frame& frame, const std::vector<std::string>& keys, const std::vector<Aggregate>& aggregates);

// --- sort and top-k (sort.cpp, top_k.cpp) ---

enum class SortOrder { Ascending, Descending };

struct SortKey {
  std::string column{};
  SortOrder order = SortOrder::Ascending;
};

// A stable sort: ties keep their input order. Nulls come last in either order; float NaN comes
// after every number and before nulls, in either order. Strings compare by bytes, false < true.
Frame sort(const Frame& frame, const std::vector<SortKey>& keys);
// The row order sort() would produce.
std::vector<size_t> sort_indices(const Frame& frame, const std::vector<SortKey>& keys);

// For each group of `group_keys` (all rows if empty), its first k rows in the order of `order`
// (ties keep input order). Output: groups in order of first appearance, each group's rows in rank
// order.
Frame top_k_per_group(const Frame& frame, const std::vector<std::string>& group_keys, const std::vector<SortKey>& order,
                      size_t k);

// --- distinct (distinct.cpp) ---

// The first row of each distinct combination of `columns` (all columns if empty), in input order,
// with every column kept. Nulls equal nulls and NaN equals NaN here.
Frame distinct(const Frame& frame, const std::vector<std::string>& columns = {});

}  // namespace onnxfn
