// join: inner and left hash joins on one or more key columns. The right frame is indexed once
// (KeyIndex) with each key's right rows chained in row order; the left frame probes it.
#include "common/error.h"
#include "frame/frame_ops.h"
#include "frame/key_columns.h"

namespace onnxfn {

Frame join(const Frame& left, const Frame& right, const JoinOptions& options) {
  const std::vector<std::string>& right_on = options.right_on.empty() ? options.left_on : options.right_on;
  if (options.left_on.empty()) throw_error(ErrorKind::BadInput, "join: no key columns given");
  if (right_on.size() != options.left_on.size())
    throw_error(ErrorKind::BadInput, "join: " + std::to_string(options.left_on.size()) + " left key columns but " +
                                         std::to_string(right_on.size()) + " right key columns");
  const KeyColumns left_keys(left, options.left_on, "join (left frame)");
  const KeyColumns right_keys(right, right_on, "join (right frame)");
  for (size_t k = 0; k < left_keys.size(); ++k) {
    const ColumnType lt = left_keys.column(k).type(), rt = right_keys.column(k).type();
    if (lt != rt)
      throw_error(ErrorKind::BadInput, "join: key '" + options.left_on[k] + "' is " + std::string(column_type_name(lt)) +
                                           " on the left but '" + right_on[k] + "' is " + std::string(column_type_name(rt)) +
                                           " on the right (cast one side first)");
  }

  // Right rows grouped by key: head[id] is the key's first row, next[row] the following one.
  constexpr size_t kEnd = Column::kNullRow;
  KeyIndex index(right_keys, right.num_rows());
  std::vector<size_t> head, tail, next(right.num_rows(), kEnd);
  for (size_t r = 0; r < right.num_rows(); ++r) {
    if (right_keys.has_null(r)) continue;  // a null key never matches
    const size_t id = index.insert(r);
    if (id == head.size()) {
      head.push_back(r);
      tail.push_back(r);
    } else {
      next[tail[id]] = r;
      tail[id] = r;
    }
  }

  std::vector<size_t> left_rows, right_rows;
  left_rows.reserve(left.num_rows());
  right_rows.reserve(left.num_rows());
  for (size_t l = 0; l < left.num_rows(); ++l) {
    std::optional<size_t> id;
    if (!left_keys.has_null(l)) id = index.find(left_keys, l);
    if (!id) {
      if (options.kind == JoinKind::Left) {
        left_rows.push_back(l);
        right_rows.push_back(Column::kNullRow);
      }
      continue;
    }
    for (size_t r = head[*id]; r != kEnd; r = next[r]) {
      left_rows.push_back(l);
      right_rows.push_back(r);
    }
  }

  Frame out = left.take(left_rows);
  for (size_t c = 0; c < right.num_columns(); ++c) {
    const std::string& name = right.name(c);
    bool is_key = false;
    for (const std::string& k : right_on) is_key = is_key || k == name;
    if (is_key) continue;
    std::string out_name = out.has_column(name) ? name + options.right_suffix : name;
    if (out.has_column(out_name))
      throw_error(ErrorKind::BadInput, "join: right column '" + name + "' would be named '" + out_name +
                                           "', which the output already has (choose another right_suffix)");
    out.add_column(std::move(out_name), right.column(c).take(right_rows));
  }
  return out;
}

}  // namespace onnxfn
