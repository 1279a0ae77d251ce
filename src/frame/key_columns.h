// KeyColumns and KeyIndex: hashing, comparing and numbering rows by a list of key columns; the
// shared core of join, group-by, distinct and top-k.
//
// How to use it:
//   KeyColumns keys(frame, {"user", "day"}, "group_by");    // BadInput names a missing column
//   KeyIndex index(keys);
//   for (size_t r = 0; r < frame.num_rows(); ++r) group[r] = index.insert(r);   // dense ids, first seen = 0
//   std::optional<size_t> id = index.find(other_keys, row);                     // probe from another frame
//
// Key equality: int64, bool and string by value; float64 by value with -0.0 == 0.0 and every NaN
// equal to every other NaN (so NaN keys group together); a null equals a null. Joins, where a
// null never matches, check has_null() first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frame/frame.h"

namespace onnxfn {

class KeyColumns {
 public:
  // `operation` names the caller in error messages ("join", "group_by", ...).
  KeyColumns(const Frame& frame, const std::vector<std::string>& names, std::string_view operation);

  size_t size() const { return columns_.size(); }
  const Column& column(size_t i) const { return *columns_[i]; }
  size_t rows() const { return rows_; }

  uint64_t hash(size_t row) const;
  bool has_null(size_t row) const;
  // Row `row` here has the same key as row `other_row` of `other` (same column types).
  bool equal(size_t row, const KeyColumns& other, size_t other_row) const;

 private:
  std::vector<const Column*> columns_;
  size_t rows_ = 0;
};

// An open-addressing hash table from distinct keys to dense ids (0, 1, ... in insertion order).
class KeyIndex {
 public:
  explicit KeyIndex(const KeyColumns& keys, size_t expected_keys = 0);

  // The id of row's key, adding it as the next id if it is new.
  size_t insert(size_t row);
  // The id of the key of `row` in `probe` (columns of the same types), if present.
  std::optional<size_t> find(const KeyColumns& probe, size_t row) const;
  size_t size() const { return first_row_.size(); }
  // The first row inserted with each id.
  const std::vector<size_t>& first_rows() const { return first_row_; }

 private:
  void grow();

  const KeyColumns& keys_;
  std::vector<size_t> slots_;  // id + 1, 0 = empty; size is a power of two
  std::vector<uint64_t> hash_of_id_;
  std::vector<size_t> first_row_;
};

}  // namespace onnxfn
