// Record columns between Python and Frame: see convert.h for the tuple layout that
// onnxfn/_records.py builds from pandas, pyarrow and dicts of NumPy arrays.
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "convert.h"
#include "numpy_buffers.h"

namespace onnxfn::python {

namespace {

// Numeric columns without nulls borrow the caller's buffer (no copy) when it is aligned for T;
// the Python caller (predict / features) holds the arrays for the whole call.
template <class T>
bool aligned_for(std::span<const T> values) {
  return reinterpret_cast<uintptr_t>(values.data()) % alignof(T) == 0;
}

template <class T>
std::vector<T> copy_values(nb::handle values, const std::string& what) {
  std::span<const T> span = array_span<T>(values, what);
  return std::vector<T>(span.begin(), span.end());
}

std::vector<uint8_t> read_validity(nb::handle validity, size_t rows, const std::string& what) {
  if (validity.is_none()) return {};
  std::vector<uint8_t> valid = copy_values<uint8_t>(validity, what + " validity");
  if (valid.size() != rows)
    throw_error(ErrorKind::BadInput, what + ": validity has " + std::to_string(valid.size()) +
                                         " entries for " + std::to_string(rows) + " rows");
  for (uint8_t& v : valid) v = v != 0;
  return valid;
}

Column string_column(nb::handle chars_object, nb::handle offsets_object, nb::handle validity,
                     const std::string& what) {
  std::span<const uint8_t> chars = array_span<uint8_t>(chars_object, what + " bytes");
  std::span<const int64_t> offsets = array_span<int64_t>(offsets_object, what + " offsets");
  if (offsets.empty()) throw_error(ErrorKind::BadInput, what + ": offsets must hold rows + 1 entries");
  // Arrow slices start anywhere in their buffer: rebase to the first offset.
  const int64_t base = offsets[0];
  std::vector<uint64_t> rebased(offsets.size());
  for (size_t i = 0; i < offsets.size(); ++i) {
    if (offsets[i] < base || (i > 0 && offsets[i] < offsets[i - 1]) ||
        static_cast<uint64_t>(offsets[i]) > chars.size())
      throw_error(ErrorKind::BadInput, what + ": string offsets are not ascending within the bytes");
    rebased[i] = static_cast<uint64_t>(offsets[i] - base);
  }
  std::string text(reinterpret_cast<const char*>(chars.data()) + base, rebased.back());
  const size_t rows = offsets.size() - 1;
  return Column::from_strings(std::move(text), std::move(rebased), read_validity(validity, rows, what));
}

Column object_column(nb::handle values, const std::string& what) {
  if (!nb::isinstance<nb::list>(values))
    throw_error(ErrorKind::BadInput, what + ": expected a list of str or None");
  nb::list list = nb::borrow<nb::list>(values);
  Column column(ColumnType::String);
  column.reserve(list.size());
  for (nb::handle item : list) {
    if (item.is_none()) {
      column.append_null();
    } else if (nb::isinstance<nb::str>(item)) {
      column.append_string(nb::borrow<nb::str>(item).c_str());
    } else {
      throw_error(ErrorKind::BadInput, what + ": expected str or None, got " +
                                           std::string(nb::inst_name(item).c_str()));
    }
  }
  return column;
}

}  // namespace

Frame frame_from_columns(const nb::list& columns) {
  Frame frame;
  for (nb::handle entry : columns) {
    nb::tuple t = nb::cast<nb::tuple>(entry);
    if (t.size() != 5) throw_error(ErrorKind::Internal, "column tuple must have 5 fields");
    std::string name = nb::cast<std::string>(t[0]);
    std::string kind = nb::cast<std::string>(t[1]);
    const std::string what = "column '" + name + "'";
    Column column;
    if (kind == "float64") {
      std::span<const double> span = array_span<double>(t[2], what);
      if (t[4].is_none() && aligned_for(span)) {
        column = Column::borrow_float64(span);
      } else {
        std::vector<uint8_t> valid = read_validity(t[4], span.size(), what);
        column = Column::from_float64(std::vector<double>(span.begin(), span.end()), std::move(valid));
      }
    } else if (kind == "int64") {
      std::span<const int64_t> span = array_span<int64_t>(t[2], what);
      if (t[4].is_none() && aligned_for(span)) {
        column = Column::borrow_int64(span);
      } else {
        std::vector<uint8_t> valid = read_validity(t[4], span.size(), what);
        column = Column::from_int64(std::vector<int64_t>(span.begin(), span.end()), std::move(valid));
      }
    } else if (kind == "bool") {
      std::vector<uint8_t> values = copy_values<uint8_t>(t[2], what);
      for (uint8_t& v : values) v = v != 0;
      std::vector<uint8_t> valid = read_validity(t[4], values.size(), what);
      column = Column::from_bool(std::move(values), std::move(valid));
    } else if (kind == "string") {
      column = string_column(t[2], t[3], t[4], what);
    } else if (kind == "object") {
      column = object_column(t[2], what);
    } else {
      throw_error(ErrorKind::BadInput, what + ": unsupported column kind '" + kind + "'");
    }
    if (frame.num_columns() > 0 && column.size() != frame.num_rows())
      throw_error(ErrorKind::BadInput, what + " has " + std::to_string(column.size()) + " rows, the others " +
                                           std::to_string(frame.num_rows()));
    if (frame.has_column(name)) throw_error(ErrorKind::BadInput, what + " appears twice");
    frame.add_column(std::move(name), std::move(column));
  }
  return frame;
}

nb::list frame_to_columns(Frame frame) {
  // The frame moves to the heap and every array views its column's buffer: one capsule per array,
  // each holding the shared frame, so nothing is copied and the frame lives while any array does.
  // A column that borrows the caller's input (an input passed through) is copied: the input's
  // owner may go away before the output does.
  auto* shared = new std::shared_ptr<const Frame>(std::make_shared<const Frame>(std::move(frame)));
  nb::capsule frame_owner(shared, [](void* p) noexcept { delete static_cast<std::shared_ptr<const Frame>*>(p); });
  auto view = [&](const auto* data, size_t count) -> nb::object {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(data)>>;
    if (count == 0) return owned_array(data, 0, {0});
    auto* keep = new std::shared_ptr<const Frame>(*shared);
    nb::capsule owner(keep, [](void* p) noexcept { delete static_cast<std::shared_ptr<const Frame>*>(p); });
    const size_t shape[1] = {count};
    // Writable, as the copies were: nothing else reads the frame once it is answered.
    nb::ndarray<nb::numpy, T> array(const_cast<T*>(data), 1, shape, owner);
    return array.cast();
  };
  const Frame& f = **shared;
  nb::list out;
  for (size_t i = 0; i < f.num_columns(); ++i) {
    const Column& column = f.column(i);
    nb::object validity = column.has_nulls() ? view(column.validity().data(), column.validity().size()) : nb::none();
    nb::object values, offsets = nb::none();
    switch (column.type()) {
      case ColumnType::Float64:
        values = column.is_borrowed() ? owned_array(column.float64_values()) : view(column.float64_values().data(), column.size());
        break;
      case ColumnType::Int64:
        values = column.is_borrowed() ? owned_array(column.int64_values()) : view(column.int64_values().data(), column.size());
        break;
      case ColumnType::Bool: values = view(column.bool_values().data(), column.size()); break;
      case ColumnType::String: {
        std::string_view chars = column.string_chars();
        values = view(reinterpret_cast<const uint8_t*>(chars.data()), chars.size());
        std::span<const uint64_t> raw = column.string_offsets();
        if (raw.empty()) {
          const int64_t zero = 0;
          offsets = owned_array(&zero, 1, {1});
        } else {
          // Offsets never exceed the buffer's size: the same bits read as int64.
          offsets = view(reinterpret_cast<const int64_t*>(raw.data()), raw.size());
        }
        break;
      }
    }
    out.append(nb::make_tuple(f.name(i), std::string(column_type_name(column.type())), values, offsets, validity));
  }
  return out;
}

}  // namespace onnxfn::python
