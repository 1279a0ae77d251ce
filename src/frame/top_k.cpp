// top_k_per_group: rows numbered by group, stably sorted by (group, order keys), then the first k
// of each group kept.
#include <algorithm>
#include <numeric>

#include "frame/frame_ops.h"
#include "frame/key_columns.h"
#include "frame/row_order.h"

namespace onnxfn {

Frame top_k_per_group(const Frame& frame, const std::vector<std::string>& group_keys, const std::vector<SortKey>& order,
                      size_t k) {
  const KeyColumns keys(frame, group_keys, "top_k_per_group");
  const RowOrder row_order(frame, order, "top_k_per_group");
  std::vector<size_t> group_of(frame.num_rows(), 0);
  if (!group_keys.empty()) {
    KeyIndex index(keys);
    for (size_t r = 0; r < frame.num_rows(); ++r) group_of[r] = index.insert(r);
  }
  std::vector<size_t> rows(frame.num_rows());
  std::iota(rows.begin(), rows.end(), size_t{0});
  // Group ids follow first appearance, so sorting by id orders the groups as they first appear.
  std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
    if (group_of[a] != group_of[b]) return group_of[a] < group_of[b];
    return row_order.less(a, b);
  });
  std::vector<size_t> kept;
  size_t taken = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == 0 || group_of[rows[i]] != group_of[rows[i - 1]]) taken = 0;
    if (taken < k) {
      kept.push_back(rows[i]);
      ++taken;
    }
  }
  return frame.take(kept);
}

}  // namespace onnxfn
