// distinct: the first row of each distinct key combination, by KeyIndex.
#include "frame/frame_ops.h"
#include "frame/key_columns.h"

namespace onnxfn {

Frame distinct(const Frame& frame, const std::vector<std::string>& columns) {
  const std::vector<std::string>& names = columns.empty() ? frame.names() : columns;
  const KeyColumns keys(frame, names, "distinct");
  KeyIndex index(keys);
  std::vector<size_t> kept;
  for (size_t r = 0; r < frame.num_rows(); ++r)
    if (index.insert(r) == kept.size()) kept.push_back(r);
  return frame.take(kept);
}

}  // namespace onnxfn
