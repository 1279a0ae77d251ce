// concat_rows: stacking frames with the same schema, e.g. the chunks of a batch job.
#include <algorithm>

#include "common/error.h"
#include "frame/frame_ops.h"

namespace onnxfn {

Frame concat_rows(std::span<const Frame> frames) {
  if (frames.empty()) return Frame();
  const Frame& first = frames.front();
  const Schema schema = first.schema();
  for (size_t f = 1; f < frames.size(); ++f) {
    const Schema other = frames[f].schema();
    if (other == schema) continue;
    std::string detail;
    for (size_t c = 0; c < std::max(schema.size(), other.size()) && detail.empty(); ++c) {
      if (c >= schema.size() || c >= other.size()) detail = "a different number of columns";
      else if (schema[c].name != other[c].name) detail = "column '" + other[c].name + "' where frame 0 has '" + schema[c].name + "'";
      else
        detail = "column '" + other[c].name + "' as " + std::string(column_type_name(other[c].type)) + ", frame 0 as " +
                 std::string(column_type_name(schema[c].type));
    }
    throw_error(ErrorKind::BadInput, "concat_rows: frame " + std::to_string(f) + " has " + detail);
  }
  Frame out;
  for (size_t c = 0; c < first.num_columns(); ++c) {
    Column col = first.column(c);
    for (size_t f = 1; f < frames.size(); ++f) col.append_column(frames[f].column(c));
    out.add_column(first.name(c), std::move(col));
  }
  return out;
}

}  // namespace onnxfn
