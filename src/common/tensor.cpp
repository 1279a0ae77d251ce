// Tensor storage allocation with a global size cap.
#include "common/tensor.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "common/checked_math.h"

namespace onnxfn {
namespace {

std::atomic<uint64_t> g_tensor_byte_limit{uint64_t{4} << 30};
constexpr size_t kAlignment = 64;  // a cache line: SIMD loads never straddle the allocation start

}  // namespace

std::string shape_to_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Storage::Storage(size_t bytes, bool zero_filled) : capacity_(bytes) {
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  bytes_ = static_cast<std::byte*>(std::aligned_alloc(kAlignment, rounded));
  if (!bytes_) throw_error(ErrorKind::ResourceLimit, "out of memory allocating " + std::to_string(bytes) + " bytes");
  if (zero_filled)
    std::memset(bytes_, 0, rounded);
  else
    std::memset(bytes_ + bytes, 0, rounded - bytes);  // vector kernels may read up to the aligned end
}

Storage::Storage(std::vector<std::string> strings) : strings_(std::move(strings)) {}

std::shared_ptr<Storage> Storage::borrowed(const void* data) {
  std::shared_ptr<Storage> s(new Storage());
  s->bytes_ = static_cast<std::byte*>(const_cast<void*>(data));  // read-only by contract (Tensor::borrow)
  s->owned_ = false;
  return s;
}

std::vector<std::shared_ptr<Storage>> Storage::slices(size_t count, size_t bytes) {
  struct Block {
    std::unique_ptr<Storage> memory;
    std::unique_ptr<Storage[]> parts;
  };
  const size_t stride = std::max<size_t>((bytes + kAlignment - 1) / kAlignment, 1) * kAlignment;
  if (count > 0 && stride > tensor_byte_limit() / count)
    throw_error(ErrorKind::ResourceLimit, std::to_string(count) + " tensors of " + std::to_string(bytes) +
                                              " bytes exceed the tensor size limit");
  auto block = std::make_shared<Block>();
  block->memory = std::make_unique<Storage>(count * stride);
  block->parts.reset(new Storage[count]);
  std::vector<std::shared_ptr<Storage>> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Storage& part = block->parts[i];
    part.bytes_ = block->memory->bytes() + i * stride;
    part.capacity_ = bytes;
    part.owned_ = false;
    out.emplace_back(block, &part);  // aliasing: shares the block's lifetime
  }
  return out;
}

Storage::~Storage() {
  if (owned_) std::free(bytes_);
}

void set_tensor_byte_limit(uint64_t bytes) { g_tensor_byte_limit = bytes; }
uint64_t tensor_byte_limit() { return g_tensor_byte_limit; }

uint64_t checked_tensor_numel(DType dtype, const Shape& shape, std::string_view what) {
  auto numel = checked_numel(shape);
  if (!numel)
    throw_error(ErrorKind::ResourceLimit, std::string(what) + ": invalid or overflowing shape " + shape_to_string(shape));
  // Strings are costed at 32 bytes each (a std::string object) for the cap.
  uint64_t elem = dtype == DType::String ? sizeof(std::string) : dtype_size(dtype);
  auto bytes = checked_mul(*numel, elem);
  if (!bytes || *bytes > tensor_byte_limit())
    throw_error(ErrorKind::ResourceLimit, std::string(what) + ": tensor of shape " + shape_to_string(shape) + " and type " +
                                              dtype_name(dtype) + " exceeds the limit of " +
                                              std::to_string(tensor_byte_limit()) + " bytes");
  return *numel;
}

Tensor Tensor::zeros(DType dtype, Shape shape) {
  if (!dtype_is_supported(dtype))
    throw_error(ErrorKind::Unsupported, "tensors of type " + dtype_name(dtype) + " are not supported");
  uint64_t numel = checked_tensor_numel(dtype, shape, "tensor");
  std::shared_ptr<Storage> storage;
  if (dtype == DType::String)
    storage = std::make_shared<Storage>(std::vector<std::string>(numel));
  else
    storage = std::make_shared<Storage>(numel * dtype_size(dtype));
  return Tensor(dtype, std::move(shape), static_cast<int64_t>(numel), std::move(storage));
}

Tensor Tensor::for_overwrite(DType dtype, Shape shape) {
  ONNXFN_ASSERT(dtype != DType::String && dtype_is_supported(dtype));
  const uint64_t numel = checked_tensor_numel(dtype, shape, "tensor");
  return Tensor(dtype, std::move(shape), static_cast<int64_t>(numel),
                std::make_shared<Storage>(numel * dtype_size(dtype), false));
}

Tensor Tensor::borrow(DType dtype, Shape shape, const void* data) {
  ONNXFN_ASSERT(dtype != DType::String && dtype_is_supported(dtype));
  const uint64_t numel = checked_tensor_numel(dtype, shape, "tensor");
  return Tensor(dtype, std::move(shape), static_cast<int64_t>(numel), Storage::borrowed(data));
}

Tensor Tensor::with_storage(DType dtype, Shape shape, std::shared_ptr<Storage> storage) {
  uint64_t numel = checked_tensor_numel(dtype, shape, "tensor");
  if (dtype == DType::String) {
    ONNXFN_ASSERT(storage->strings().size() == numel);
  } else {
    ONNXFN_ASSERT(storage->capacity() >= numel * dtype_size(dtype));
  }
  return Tensor(dtype, std::move(shape), static_cast<int64_t>(numel), std::move(storage));
}

Tensor Tensor::from_strings(Shape shape, std::vector<std::string> values) {
  uint64_t numel = checked_tensor_numel(DType::String, shape, "tensor");
  ONNXFN_ASSERT(numel == values.size());
  return Tensor(DType::String, std::move(shape), static_cast<int64_t>(numel),
                std::make_shared<Storage>(std::move(values)));
}

Tensor Tensor::reshaped(Shape shape) const {
  auto numel = checked_numel(shape);
  ONNXFN_ASSERT(numel && static_cast<int64_t>(*numel) == numel_);
  return Tensor(dtype_, std::move(shape), numel_, storage_);
}

void Tensor::check_type(DType requested) const {
  if (requested != dtype_)
    throw_error(ErrorKind::Internal, "internal error: tensor of type " + dtype_name(dtype_) + " read as " +
                                         dtype_name(requested));
}

}  // namespace onnxfn
