// NumPy arrays that own a buffer the extension filled (freed by a capsule when NumPy lets go), and
// reads of C-contiguous 1-D input arrays. Shared by the column and the tensor conversions.
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <cstring>
#include <span>
#include <string>

#include "common/error.h"

namespace onnxfn::python {

namespace nb = nanobind;

// A new NumPy array of `shape` holding a copy of `data` (one memcpy).
template <class T>
nb::object owned_array(const T* data, size_t count, std::initializer_list<size_t> shape) {
  T* buffer = new T[count > 0 ? count : 1];
  if (count > 0) std::memcpy(buffer, data, count * sizeof(T));
  nb::capsule owner(buffer, [](void* p) noexcept { delete[] static_cast<T*>(p); });
  nb::ndarray<nb::numpy, T> array(buffer, shape.size(), shape.begin(), owner);
  return array.cast();  // automatic: the capsule owns the buffer, no second copy
}

template <class T>
nb::object owned_array(std::span<const T> values) {
  return owned_array(values.data(), values.size(), {values.size()});
}

// The elements of a 1-D C-contiguous array of T; BadInput naming `what` otherwise.
template <class T>
std::span<const T> array_span(nb::handle object, const std::string& what) {
  nb::ndarray<const T, nb::ndim<1>, nb::c_contig, nb::device::cpu> array;
  if (!nb::try_cast(object, array))
    throw_error(ErrorKind::BadInput, what + ": expected a 1-D contiguous array of " +
                                         std::string(nb::type_name(nb::type<T>()).c_str()));
  return {array.data(), array.shape(0)};
}

}  // namespace onnxfn::python
