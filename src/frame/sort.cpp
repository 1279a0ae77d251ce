// sort: a stable sort of row indices by RowOrder, then one take() per column.
#include <algorithm>
#include <numeric>

#include "frame/frame_ops.h"
#include "frame/row_order.h"

namespace onnxfn {

std::vector<size_t> sort_indices(const Frame& frame, const std::vector<SortKey>& keys) {
  const RowOrder order(frame, keys, "sort");
  std::vector<size_t> rows(frame.num_rows());
  std::iota(rows.begin(), rows.end(), size_t{0});
  std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) { return order.less(a, b); });
  return rows;
}

Frame sort(const Frame& frame, const std::vector<SortKey>& keys) {
  const std::vector<size_t> rows = sort_indices(frame, keys);
  return frame.take(rows);
}

}  // namespace onnxfn
