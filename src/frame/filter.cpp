// filter: keeping the rows a bool mask marks true (SQL WHERE semantics: null is not true).
#include "common/error.h"
#include "frame/frame_ops.h"

namespace onnxfn {

std::vector<size_t> true_rows(const Column& mask) {
  const auto values = mask.bool_values();
  std::vector<size_t> rows;
  rows.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i] && !mask.is_null(i)) rows.push_back(i);
  return rows;
}

Frame filter(const Frame& frame, const Column& mask) {
  if (mask.type() != ColumnType::Bool)
    throw_error(ErrorKind::BadInput, "filter: the mask is a " + std::string(column_type_name(mask.type())) +
                                         " column, not a bool column");
  if (mask.size() != frame.num_rows())
    throw_error(ErrorKind::BadInput, "filter: the mask has " + std::to_string(mask.size()) + " rows, the frame has " +
                                         std::to_string(frame.num_rows()));
  const std::vector<size_t> rows = true_rows(mask);
  return frame.take(rows);
}

Frame filter(const Frame& frame, std::string_view bool_column) {
  const Column& mask = frame.column(bool_column);
  if (mask.type() != ColumnType::Bool)
    throw_error(ErrorKind::BadInput, "filter: column '" + std::string(bool_column) + "' is " +
                                         std::string(column_type_name(mask.type())) + ", not bool");
  return filter(frame, mask);
}

}  // namespace onnxfn
