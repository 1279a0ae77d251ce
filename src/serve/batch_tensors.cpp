// Concatenating and splitting by rows copies bytes (numbers) or strings in row-major order, so a
// row's values reach the model exactly as they would alone: merged answers equal unmerged ones
// for every model whose rows are computed independently (all of scikit-learn's predictors).
#include "serve/batch_tensors.h"

#include <cstring>

namespace onnxfn::serve {
namespace {

size_t row_elements(const Tensor& t) {
  size_t n = 1;
  for (size_t i = 1; i < t.rank(); ++i) n *= static_cast<size_t>(t.dim(i));
  return n;
}

// Rows [begin, begin + count) of `t`, a fresh tensor.
Tensor slice_rows(const Tensor& t, size_t begin, size_t count) {
  Shape shape = t.shape();
  shape[0] = static_cast<int64_t>(count);
  const size_t per_row = row_elements(t);
  if (t.dtype() == DType::String) {
    const std::string* src = t.data<std::string>() + begin * per_row;
    return Tensor::from_strings(std::move(shape), std::vector<std::string>(src, src + count * per_row));
  }
  Tensor out = Tensor::zeros(t.dtype(), std::move(shape));
  const size_t row_bytes = per_row * dtype_size(t.dtype());
  if (count * row_bytes > 0)
    std::memcpy(out.mutable_raw_data(), static_cast<const std::byte*>(t.raw_data()) + begin * row_bytes, count * row_bytes);
  return out;
}

}  // namespace

std::optional<size_t> mergeable_rows(const std::vector<ValueInfo>& model_inputs, const NamedValues& inputs, std::string& signature) {
  if (inputs.empty() || inputs.size() != model_inputs.size()) return std::nullopt;
  std::optional<size_t> rows;
  signature.clear();
  for (const auto& [name, value] : inputs) {
    const ValueInfo* declared = nullptr;
    for (const ValueInfo& info : model_inputs)
      if (info.name == name) declared = &info;
    if (!declared || !value.is_tensor() || !declared->type.shape) return std::nullopt;
    const Tensor& t = value.tensor();
    const std::vector<Dim>& dims = *declared->type.shape;
    if (t.dtype() != declared->type.elem || t.rank() == 0 || t.rank() != dims.size() || t.dim(0) < 1) return std::nullopt;
    for (size_t i = 1; i < dims.size(); ++i)
      if (dims[i].value ? t.dim(i) != *dims[i].value : t.dim(i) < 0) return std::nullopt;
    if (dims[0].value && *dims[0].value != t.dim(0)) return std::nullopt;  // a fixed batch size cannot grow
    if (rows && *rows != static_cast<size_t>(t.dim(0))) return std::nullopt;
    rows = static_cast<size_t>(t.dim(0));
    signature += name;
    signature += '\x1f';
    signature += std::to_string(static_cast<int>(t.dtype()));
    for (size_t i = 1; i < t.rank(); ++i) signature += "," + std::to_string(t.dim(i));
    signature += '\x1e';
  }
  return rows;
}

NamedValues concat_rows(const std::vector<const NamedValues*>& parts) {
  NamedValues merged;
  const NamedValues& first = *parts.front();
  for (size_t k = 0; k < first.size(); ++k) {
    const Tensor& head = first[k].second.tensor();
    int64_t total = 0;
    for (const NamedValues* p : parts) total += (*p)[k].second.tensor().dim(0);
    Shape shape = head.shape();
    shape[0] = total;
    const size_t per_row = row_elements(head);
    if (head.dtype() == DType::String) {
      std::vector<std::string> strings;
      strings.reserve(static_cast<size_t>(total) * per_row);
      for (const NamedValues* p : parts) {
        const Tensor& t = (*p)[k].second.tensor();
        strings.insert(strings.end(), t.data<std::string>(), t.data<std::string>() + t.numel());
      }
      merged.emplace_back(first[k].first, Tensor::from_strings(std::move(shape), std::move(strings)));
      continue;
    }
    Tensor out = Tensor::zeros(head.dtype(), std::move(shape));
    auto* dst = static_cast<std::byte*>(out.mutable_raw_data());
    for (const NamedValues* p : parts) {
      const Tensor& t = (*p)[k].second.tensor();
      if (t.byte_size() > 0) std::memcpy(dst, t.raw_data(), t.byte_size());
      dst += t.byte_size();
    }
    merged.emplace_back(first[k].first, std::move(out));
  }
  return merged;
}

std::optional<std::vector<NamedValues>> split_rows(const NamedValues& outputs, const std::vector<size_t>& rows) {
  size_t total = 0;
  for (size_t r : rows) total += r;
  std::vector<NamedValues> parts(rows.size());
  for (const auto& [name, value] : outputs) {
    if (value.is_tensor()) {
      const Tensor& t = value.tensor();
      if (t.rank() == 0 || t.dim(0) != static_cast<int64_t>(total)) return std::nullopt;
      size_t begin = 0;
      for (size_t i = 0; i < rows.size(); ++i) {
        parts[i].emplace_back(name, slice_rows(t, begin, rows[i]));
        begin += rows[i];
      }
    } else if (value.is_sequence()) {
      const std::vector<Value>& items = value.sequence().items;
      if (items.size() != total) return std::nullopt;
      size_t begin = 0;
      for (size_t i = 0; i < rows.size(); ++i) {
        Sequence s;
        s.items.assign(items.begin() + static_cast<std::ptrdiff_t>(begin), items.begin() + static_cast<std::ptrdiff_t>(begin + rows[i]));
        parts[i].emplace_back(name, std::move(s));
        begin += rows[i];
      }
    } else {
      return std::nullopt;
    }
  }
  return parts;
}

}  // namespace onnxfn::serve
