// Tensor: an element type, a shape and shared, immutable-once-published storage.
// Copies are cheap (they share storage), which lets initializers feed many runs without copying
// and lets Identity/Reshape alias their input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/dtype.h"
#include "common/error.h"

namespace onnxfn {

using Shape = std::vector<int64_t>;

std::string shape_to_string(const Shape& shape);

// Raw memory of a tensor: 64-byte aligned bytes for numbers, or a vector for strings.
class Storage {
 public:
  // Numeric storage, zero-filled unless `zero_filled` is false: then only the alignment padding
  // past `bytes` is zeroed, and the caller writes every byte (see Tensor::for_overwrite).
  explicit Storage(size_t bytes, bool zero_filled = true);
  explicit Storage(std::vector<std::string> strings);
  // Numeric storage over the caller's memory (see Tensor::borrow): never freed here, and with
  // capacity 0 so the engine's buffer pool never takes it for reuse.
  static std::shared_ptr<Storage> borrowed(const void* data);
  // `count` numeric storages of `bytes` each (64-byte aligned, zero-filled) carved from one
  // allocation that lives while any of them does: ZipMap's one small tensor per row then costs
  // no allocation of its own.
  static std::vector<std::shared_ptr<Storage>> slices(size_t count, size_t bytes);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  std::byte* bytes() { return bytes_; }
  const std::byte* bytes() const { return bytes_; }
  size_t capacity() const { return capacity_; }
  std::vector<std::string>& strings() { return strings_; }
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  Storage() = default;
  std::byte* bytes_ = nullptr;
  size_t capacity_ = 0;
  bool owned_ = true;
  std::vector<std::string> strings_;
};

// Largest tensor, in bytes, that onnxfn allocates; a request or model that needs more gets a
// ResourceLimit error instead of exhausting memory. Default 4 GiB.
void set_tensor_byte_limit(uint64_t bytes);
uint64_t tensor_byte_limit();

// Throws ResourceLimit (naming `what`) when dtype x shape is negative, overflows or exceeds
// the limit; returns the element count.
uint64_t checked_tensor_numel(DType dtype, const Shape& shape, std::string_view what);

class Tensor {
 public:
  Tensor() = default;

  // Zero-filled tensor (empty strings for DType::String).
  static Tensor zeros(DType dtype, Shape shape);
  // Numeric tensor whose elements are left unset, for a caller that writes every one before the
  // tensor is read (a decoder filling a request's tensor): zero-filling megabytes it overwrites
  // cost a few percent of a model-only Lambda invocation.
  static Tensor for_overwrite(DType dtype, Shape shape);
  // A tensor that adopts existing storage with enough capacity (used by the per-call arena).
  static Tensor with_storage(DType dtype, Shape shape, std::shared_ptr<Storage> storage);
  // A numeric tensor reading the caller's memory without copying it (the Python package's NumPy
  // inputs). The caller keeps `data` alive and unchanged while this tensor, or any tensor sharing
  // its storage, lives; `data` is aligned for `dtype`. Kernels only read their inputs.
  static Tensor borrow(DType dtype, Shape shape, const void* data);

  template <class T>
  static Tensor from_vector(Shape shape, const std::vector<T>& values);
  static Tensor from_strings(Shape shape, std::vector<std::string> values);
  template <class T>
  static Tensor scalar(T value) {
    return from_vector<T>({}, std::vector<T>{value});
  }

  bool defined() const { return dtype_ != DType::Undefined; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  size_t rank() const { return shape_.size(); }
  int64_t dim(size_t i) const { return shape_.at(i); }
  int64_t numel() const { return numel_; }
  size_t byte_size() const { return static_cast<size_t>(numel_) * dtype_size(dtype_); }

  // Same storage, new shape with the same element count.
  Tensor reshaped(Shape shape) const;

  template <class T>
  const T* data() const {
    check_type(dtype_of<T>());
    return reinterpret_cast<const T*>(storage_->bytes());
  }
  template <class T>
  T* mutable_data() {
    check_type(dtype_of<T>());
    return reinterpret_cast<T*>(storage_->bytes());
  }
  template <class T>
  std::span<const T> span() const {
    return {data<T>(), static_cast<size_t>(numel_)};
  }
  template <class T>
  std::span<T> mutable_span() {
    return {mutable_data<T>(), static_cast<size_t>(numel_)};
  }
  const void* raw_data() const { return storage_ ? storage_->bytes() : nullptr; }
  void* mutable_raw_data() { return storage_ ? storage_->bytes() : nullptr; }

  const std::shared_ptr<Storage>& storage() const { return storage_; }

 private:
  Tensor(DType dtype, Shape shape, int64_t numel, std::shared_ptr<Storage> storage)
      : dtype_(dtype), shape_(std::move(shape)), numel_(numel), storage_(std::move(storage)) {}
  void check_type(DType requested) const;

  DType dtype_ = DType::Undefined;
  Shape shape_;
  int64_t numel_ = 0;
  std::shared_ptr<Storage> storage_;
};

// std::string specialisations: strings live in Storage::strings().
template <>
inline const std::string* Tensor::data<std::string>() const {
  check_type(DType::String);
  return storage_->strings().data();
}
template <>
inline std::string* Tensor::mutable_data<std::string>() {
  check_type(DType::String);
  return storage_->strings().data();
}

template <class T>
Tensor Tensor::from_vector(Shape shape, const std::vector<T>& values) {
  Tensor t = zeros(dtype_of<T>(), std::move(shape));
  ONNXFN_ASSERT(static_cast<size_t>(t.numel()) == values.size());
  if constexpr (std::is_same_v<T, std::string>) {
    t.storage_->strings() = values;
  } else if constexpr (std::is_same_v<T, bool>) {
    bool* out = t.mutable_data<bool>();
    for (size_t i = 0; i < values.size(); ++i) out[i] = values[i];
  } else {
    std::copy(values.begin(), values.end(), t.mutable_data<T>());
  }
  return t;
}

}  // namespace onnxfn
