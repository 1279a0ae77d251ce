// RowOrder: the row comparison behind sort() and top_k_per_group(): keys in turn, nulls last and
// float NaN after every number in either direction.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "frame/frame_ops.h"

namespace onnxfn {

class RowOrder {
 public:
  // `operation` names the caller in the error for a missing column.
  RowOrder(const Frame& frame, const std::vector<SortKey>& keys, std::string_view operation);

  // A strict weak order on the frame's rows; ties compare equal, so a stable sort keeps their order.
  bool less(size_t a, size_t b) const {
    for (const Key& k : keys_) {
      const int c = compare(k, a, b);
      if (c != 0) return c < 0;
    }
    return false;
  }

 private:
  struct Key {
    const Column* column;
    bool descending;
  };
  static int compare(const Key& k, size_t a, size_t b);

  std::vector<Key> keys_;
};

}  // namespace onnxfn
