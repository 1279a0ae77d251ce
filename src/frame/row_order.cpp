// RowOrder: per-key three-way comparison with the null and NaN placement rules.
#include "frame/row_order.h"

#include <cmath>

#include "common/error.h"

namespace onnxfn {
namespace {

template <class T>
int three_way(const T& x, const T& y) {
  return x < y ? -1 : (y < x ? 1 : 0);
}

}  // namespace

RowOrder::RowOrder(const Frame& frame, const std::vector<SortKey>& keys, std::string_view operation) {
  for (const SortKey& k : keys) {
    const Column* c = frame.find(k.column);
    if (!c) {
      try {
        (void)frame.column(k.column);
      } catch (const Error& e) {
        throw_error(ErrorKind::BadInput, std::string(operation) + ": " + e.what());
      }
    }
    keys_.push_back({c, k.order == SortOrder::Descending});
  }
}

int RowOrder::compare(const Key& k, size_t a, size_t b) {
  const Column& c = *k.column;
  const bool an = c.is_null(a), bn = c.is_null(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);  // nulls last, whatever the direction
  int r = 0;
  switch (c.type()) {
    case ColumnType::Int64: r = three_way(c.int64_values()[a], c.int64_values()[b]); break;
    case ColumnType::Bool: r = three_way(c.bool_values()[a], c.bool_values()[b]); break;
    case ColumnType::String: r = c.string_value(a).compare(c.string_value(b)); break;
    case ColumnType::Float64: {
      const double x = c.float64_values()[a], y = c.float64_values()[b];
      const bool xn = std::isnan(x), yn = std::isnan(y);
      if (xn || yn) return xn == yn ? 0 : (xn ? 1 : -1);  // NaN after numbers, whatever the direction
      r = three_way(x, y);
      break;
    }
  }
  r = r < 0 ? -1 : (r > 0 ? 1 : 0);
  return k.descending ? -r : r;
}

}  // namespace onnxfn
