// KernelContext, KernelBuildInfo and the per-call buffer pool.
#include "engine/kernel.h"

#include <cstring>
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace onnxfn {

void KernelBuildInfo::fail(const std::string& problem) const {
  throw_error(ErrorKind::BadModel, node_.label() + ": " + problem);
}

bool KernelBuildInfo::release_lists(std::string_view name) const {
  if (!owned_node_) return false;
  for (Attribute& a : owned_node_->attributes) {
    if (a.name != name) continue;
    // Swapping with empty vectors returns the memory (clear() keeps the capacity).
    std::vector<float>().swap(a.floats);
    std::vector<int64_t>().swap(a.ints);
    std::vector<int32_t>().swap(a.ints32);
    std::vector<uint16_t>().swap(a.ints16);
    std::vector<uint8_t>().swap(a.ints8);
    std::vector<std::string>().swap(a.strings);
    std::vector<std::string>().swap(a.string_dict);
    std::vector<uint8_t>().swap(a.string_codes);
    a.t = Tensor();
    return true;
  }
  return false;
}

void KernelBuildInfo::return_freed_memory() const {
#ifdef __GLIBC__
  // The CLI keeps freed memory on the heap (src/cli/main.cxx, for cold-start speed), so freed
  // lists stay resident until trimmed: malloc_trim returns the free pages inside the heap too.
  if (owned_node_) malloc_trim(0);
#endif
}

std::vector<int32_t> KernelBuildInfo::take_ints32(std::string_view name) const {
  if (!owned_node_) return {};
  for (Attribute& a : owned_node_->attributes)
    if (a.name == name) return std::move(a.ints32);
  return {};
}

void KernelBuildInfo::unsupported(const std::string& problem) const {
  throw_error(ErrorKind::Unsupported, node_.label() + ": " + problem);
}

std::shared_ptr<Storage> BufferPool::take(size_t bytes) {
  // Best fit among released buffers, but never more than twice the request, so one huge buffer
  // is not pinned by a tiny tensor.
  size_t best = free_.size();
  for (size_t i = 0; i < free_.size(); ++i) {
    size_t cap = free_[i]->capacity();
    if (cap >= bytes && cap <= 2 * bytes + 64 && (best == free_.size() || cap < free_[best]->capacity())) best = i;
  }
  if (best == free_.size()) return std::make_shared<Storage>(bytes);
  std::shared_ptr<Storage> s = std::move(free_[best]);
  free_[best] = std::move(free_.back());
  free_.pop_back();
  std::memset(s->bytes(), 0, bytes);
  return s;
}

void BufferPool::give(std::shared_ptr<Storage> storage) {
  if (storage && storage.use_count() == 1 && storage->capacity() > 0) free_.push_back(std::move(storage));
}

const Value& KernelContext::input_value(size_t i) const {
  if (!has_input(i)) fail("required input " + std::to_string(i) + " is missing");
  return *inputs_[i];
}

const Tensor& KernelContext::input(size_t i) const {
  const Value& v = input_value(i);
  if (!v.is_tensor()) fail("input " + std::to_string(i) + " must be a tensor, got " + v.describe());
  return std::get<Tensor>(v.v);
}

Tensor& KernelContext::output(size_t i, DType dtype, Shape shape) {
  Tensor t;
  if (dtype == DType::String || !dtype_is_supported(dtype)) {
    t = Tensor::zeros(dtype, std::move(shape));
  } else {
    uint64_t numel = checked_tensor_numel(dtype, shape, node_.label() + " output");
    t = Tensor::with_storage(dtype, std::move(shape), buffers_.take(numel * dtype_size(dtype)));
  }
  if (!wants_output(i)) {
    scratch_.push_back(std::move(t));
    return scratch_.back();
  }
  *outputs_[i] = Value(std::move(t));
  return std::get<Tensor>(outputs_[i]->v);
}

void KernelContext::set_output(size_t i, Value value) {
  if (wants_output(i)) *outputs_[i] = std::move(value);
}

void KernelContext::fail(const std::string& problem) const {
  throw_error(ErrorKind::BadInput, node_.label() + ": " + problem);
}

}  // namespace onnxfn
