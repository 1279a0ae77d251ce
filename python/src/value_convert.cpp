// Tensors between Python and the engine: NumPy arrays of any rank in (borrowed, not copied, when
// aligned), NumPy arrays out (over the engine's own buffer when nothing else shares it); sequences
// and maps (ZipMap's output) as lists and dicts. String tensors travel as (list of str, shape) and
// onnxfn/_tensors.py turns them into object arrays.
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "convert.h"
#include "numpy_buffers.h"

namespace onnxfn::python {

namespace {

using AnyArray = nb::ndarray<nb::c_contig, nb::device::cpu>;

// Numeric inputs borrow the array's buffer (no copy) when it is aligned for T: the caller's
// dict holds the arrays for the whole call, and kernels only read their inputs.
template <class T>
Tensor tensor_from(const AnyArray& array, Shape shape) {
  if (reinterpret_cast<uintptr_t>(array.data()) % alignof(T) == 0 && array.size() > 0)
    return Tensor::borrow(dtype_of<T>(), std::move(shape), array.data());
  Tensor tensor = Tensor::zeros(dtype_of<T>(), std::move(shape));
  if (tensor.numel() > 0) std::memcpy(tensor.mutable_raw_data(), array.data(), tensor.byte_size());
  return tensor;
}

Value value_from(nb::handle object, const std::string& name) {
  const std::string what = "input '" + name + "'";
  if (nb::isinstance<nb::tuple>(object)) {  // strings: (list of str, shape)
    nb::tuple t = nb::borrow<nb::tuple>(object);
    std::vector<std::string> strings;
    for (nb::handle item : nb::borrow<nb::list>(t[0])) {
      if (!nb::isinstance<nb::str>(item)) throw_error(ErrorKind::BadInput, what + ": string tensors hold str only");
      strings.emplace_back(nb::borrow<nb::str>(item).c_str());
    }
    Shape shape = nb::cast<std::vector<int64_t>>(t[1]);
    checked_tensor_numel(DType::String, shape, what);
    return Tensor::from_strings(std::move(shape), std::move(strings));
  }
  AnyArray array;
  if (!nb::try_cast(object, array))
    throw_error(ErrorKind::BadInput, what + ": expected a NumPy array, got " + std::string(nb::inst_name(object).c_str()));
  Shape shape(array.ndim());
  for (size_t i = 0; i < array.ndim(); ++i) shape[i] = static_cast<int64_t>(array.shape(i));
  checked_tensor_numel(DType::Float, shape, what);
  const nb::dlpack::dtype dt = array.dtype();
  if (dt == nb::dtype<float>()) return tensor_from<float>(array, shape);
  if (dt == nb::dtype<double>()) return tensor_from<double>(array, shape);
  if (dt == nb::dtype<int64_t>()) return tensor_from<int64_t>(array, shape);
  if (dt == nb::dtype<int32_t>()) return tensor_from<int32_t>(array, shape);
  if (dt == nb::dtype<bool>()) return tensor_from<bool>(array, shape);
  if (dt == nb::dtype<uint8_t>()) return tensor_from<uint8_t>(array, shape);
  throw_error(ErrorKind::BadInput, what + ": element type not supported (float32, float64, int64, int32, bool, uint8, str)");
}

template <class T>
nb::object tensor_array(const Tensor& tensor) {
  std::vector<size_t> shape(tensor.shape().begin(), tensor.shape().end());
  const size_t count = static_cast<size_t>(tensor.numel());
  // An output that owns its storage alone (not a model initializer, not an input passed through,
  // not borrowed) is handed over: the array views it, a capsule keeps the storage alive.
  const std::shared_ptr<Storage>& storage = tensor.storage();
  if (count > 0 && storage && storage.use_count() == 1 && storage->capacity() >= count * sizeof(T)) {
    auto* keep = new std::shared_ptr<Storage>(storage);
    nb::capsule owner(keep, [](void* p) noexcept { delete static_cast<std::shared_ptr<Storage>*>(p); });
    nb::ndarray<nb::numpy, T> array(reinterpret_cast<T*>(keep->get()->bytes()), shape.size(), shape.data(), owner);
    return array.cast();
  }
  T* buffer = new T[count > 0 ? count : 1];
  if (count > 0) std::memcpy(buffer, tensor.raw_data(), count * sizeof(T));
  nb::capsule owner(buffer, [](void* p) noexcept { delete[] static_cast<T*>(p); });
  nb::ndarray<nb::numpy, T> array(buffer, shape.size(), shape.data(), owner);
  return array.cast();  // automatic: the capsule owns the buffer, no second copy
}

nb::object tensor_to_python(const Tensor& tensor) {
  switch (tensor.dtype()) {
    case DType::Float: return tensor_array<float>(tensor);
    case DType::Double: return tensor_array<double>(tensor);
    case DType::Int64: return tensor_array<int64_t>(tensor);
    case DType::Int32: return tensor_array<int32_t>(tensor);
    case DType::Bool: return tensor_array<bool>(tensor);
    case DType::UInt8: return tensor_array<uint8_t>(tensor);
    case DType::String: {
      nb::list strings;
      for (const std::string& s : tensor.span<std::string>()) strings.append(nb::str(s.data(), s.size()));
      return nb::make_tuple(strings, nb::cast(tensor.shape()));
    }
    default:
      throw_error(ErrorKind::Unsupported, "output element type " + std::string(dtype_name(tensor.dtype())) +
                                              " has no NumPy conversion here");
  }
}

nb::object scalar_at(const Tensor& tensor, size_t i) {
  switch (tensor.dtype()) {
    case DType::Float: return nb::float_(tensor.span<float>()[i]);
    case DType::Double: return nb::float_(tensor.span<double>()[i]);
    case DType::Int64: return nb::int_(tensor.span<int64_t>()[i]);
    case DType::String: return nb::str(tensor.span<std::string>()[i].c_str());
    default: throw_error(ErrorKind::Unsupported, "map element type " + std::string(dtype_name(tensor.dtype())));
  }
}

nb::object value_to_python(const Value& value) {
  if (value.is_tensor()) return tensor_to_python(value.tensor());
  if (value.is_sequence()) {
    nb::list items;
    for (const Value& item : value.sequence().items) items.append(value_to_python(item));
    return items;
  }
  if (value.is_map()) {
    const Map& map = value.map();
    nb::dict out;
    for (size_t i = 0; i < static_cast<size_t>(map.keys.numel()); ++i) out[scalar_at(map.keys, i)] = scalar_at(map.values, i);
    return out;
  }
  return nb::none();
}

}  // namespace

NamedValues values_from_dict(const nb::dict& tensors) {
  NamedValues values;
  for (auto [key, object] : tensors) {
    std::string name = nb::cast<std::string>(key);
    Value value = value_from(object, name);
    values.emplace_back(std::move(name), std::move(value));
  }
  return values;
}

nb::dict values_to_dict(const NamedValues& values) {
  nb::dict out;
  for (const auto& [name, value] : values) out[nb::str(name.c_str())] = value_to_python(value);
  return out;
}

}  // namespace onnxfn::python
