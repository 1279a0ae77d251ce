// ai.onnx.ml LabelEncoder: maps each element through a key -> value table, unknown keys to a
// default. Version 1 (classes_strings, string <-> index), version 2 (keys_* / values_* lists) and
// version 4 (adds keys_tensor / values_tensor / default_tensor, double and int16, NaN keys).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/kernel.h"
#include "ops/ml/register_ml.h"
#include "ops/ml/string_int64_mapping.h"

namespace onnxfn::ops::ml {
namespace {

// Key hashing and equality: -0.0 equals 0.0 (as ==); NaN keys match NaN only from version 4 (ORT
// uses a NaN-aware map there and a plain one, where NaN never matches, before).
template <class K>
struct KeyHash {
  size_t operator()(const K& k) const {
    if constexpr (std::is_floating_point_v<K>) {
      if (std::isnan(k)) return 0x7ff8;
      if (k == 0) return 0;
    }
    return std::hash<K>{}(k);
  }
};

template <class K>
struct KeyEqual {
  bool nan_matches = false;
  bool operator()(const K& a, const K& b) const {
    if constexpr (std::is_floating_point_v<K>)
      if (std::isnan(a) || std::isnan(b)) return nan_matches && std::isnan(a) && std::isnan(b);
    return a == b;
  }
};

// Keys map to positions in a values tensor that ends with the default value, so the kernel is
// instantiated per key type (4), not per key and value type pair (20 hash tables, 40 KB of the
// binary's size budget for one loop).
template <class K>
class TableKernel final : public Kernel {
 public:
  TableKernel(const Tensor& keys, Tensor values_then_default, bool nan_keys_match)
      : map_(static_cast<size_t>(keys.numel()), KeyHash<K>{}, KeyEqual<K>{nan_keys_match}),
        values_(std::move(values_then_default)) {
    const K* k = keys.data<K>();
    // A repeated key keeps its first value (ORT emplaces).
    for (int64_t i = 0; i < keys.numel(); ++i) map_.emplace(k[i], i);
  }

  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    if (x.dtype() != dtype_of<K>())
      ctx.fail("input X has element type " + dtype_name(x.dtype()) + ", the keys are " + dtype_name(dtype_of<K>()));
    const K* in = x.data<K>();
    const int64_t fallback = values_.numel() - 1;
    const auto position = [&](int64_t i) {
      auto it = map_.find(in[i]);
      return it == map_.end() ? fallback : it->second;
    };
    Tensor& out = ctx.output(0, values_.dtype(), x.shape());
    if (values_.dtype() == DType::String) {
      const std::string* v = values_.data<std::string>();
      std::string* o = out.mutable_data<std::string>();
      for (int64_t i = 0; i < x.numel(); ++i) o[i] = v[position(i)];
      return;
    }
    const size_t width = dtype_size(values_.dtype());
    const auto* v = static_cast<const std::byte*>(values_.raw_data());
    auto* o = static_cast<std::byte*>(out.mutable_raw_data());
    for (int64_t i = 0; i < x.numel(); ++i)
      std::memcpy(o + static_cast<size_t>(i) * width, v + static_cast<size_t>(position(i)) * width, width);
  }

 private:
  std::unordered_map<K, int64_t, KeyHash<K>, KeyEqual<K>> map_;
  Tensor values_;  // the table's values, then the default
};

// Version 1: input strings become their index in classes_strings, input int64s the string at
// that index; the output type follows the input.
class ClassesKernel final : public Kernel {
 public:
  explicit ClassesKernel(const KernelBuildInfo& info) {
    const Node& node = info.node();
    classes_ = node.find_strings("classes_strings").value_or(std::vector<std::string>{});
    // A repeated class maps to its last index (ORT assigns into its map).
    for (size_t i = 0; i < classes_.size(); ++i) index_[classes_[i]] = static_cast<int64_t>(i);
    default_string_ = node.get_string("default_string", "_Unused");
    default_int_ = node.get_int("default_int64", -1);
  }

  void run(KernelContext& ctx) const override {
    map_string_int64(
        ctx,
        [&](const std::string& v) {
          auto it = index_.find(v);
          return it == index_.end() ? default_int_ : it->second;
        },
        [&](int64_t v) -> const std::string& {
          const bool known = v >= 0 && static_cast<uint64_t>(v) < classes_.size();
          return known ? classes_[static_cast<size_t>(v)] : default_string_;
        });
  }

 private:
  std::vector<std::string> classes_;
  std::unordered_map<std::string, int64_t> index_;
  std::string default_string_;
  int64_t default_int_ = -1;
};

// The keys (or values) of a version 2/4 table as a tensor, from whichever one attribute of
// <prefix>_strings / _int64s / _floats (/ <prefix>_tensor from version 4) the node has.
Tensor table_column(const KernelBuildInfo& info, const std::string& prefix, bool tensors_allowed) {
  const Node& node = info.node();
  const std::vector<std::string> names = {prefix + "_strings", prefix + "_int64s", prefix + "_floats", prefix + "_tensor"};
  const std::string* found = nullptr;
  for (size_t i = 0; i < (tensors_allowed ? 4u : 3u); ++i) {
    if (!node.attribute(names[i])) continue;
    if (found) info.fail("only one of the " + prefix + "_* attributes may be set, got '" + *found + "' and '" + names[i] + "'");
    found = &names[i];
  }
  if (!found) info.fail("one of the " + prefix + "_* attributes must be set");
  if (*found == names[0]) {
    std::vector<std::string> v = *node.find_strings(*found);
    const int64_t n = static_cast<int64_t>(v.size());
    return Tensor::from_strings({n}, std::move(v));
  }
  if (*found == names[1]) {
    const std::vector<int64_t> v = *node.find_ints(*found);
    return Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v);
  }
  if (*found == names[2]) {
    const std::vector<float> v = *node.find_floats(*found);
    return Tensor::from_vector<float>({static_cast<int64_t>(v.size())}, v);
  }
  const Tensor* t = node.find_tensor(*found);
  if (!t || !t->defined()) info.unsupported("attribute '" + *found + "' has an element type onnxfn cannot hold");
  return t->reshaped({t->numel()});
}

// The value for unknown keys: default_tensor (version 4; a 1-D tensor of one value of the value
// type), else default_string / default_int64 / default_float by value type. ORT reads no
// attribute for double values (-0.0) or int16 values (-1) unless default_tensor is given.
template <class V>
V default_value(const KernelBuildInfo& info, bool tensors_allowed) {
  const Node& node = info.node();
  if (tensors_allowed && node.attribute("default_tensor")) {
    const Tensor* t = node.find_tensor("default_tensor");
    if (!t || t->dtype() != dtype_of<V>())
      info.fail("attribute 'default_tensor' must have the value type " + dtype_name(dtype_of<V>()));
    if (t->rank() != 1 || t->numel() != 1) info.fail("attribute 'default_tensor' must be a 1-D tensor of one value");
    return t->data<V>()[0];
  }
  if constexpr (std::is_same_v<V, std::string>) return node.get_string("default_string", "_Unused");
  else if constexpr (std::is_same_v<V, int64_t>) return node.get_int("default_int64", -1);
  else if constexpr (std::is_same_v<V, float>) return node.get_float("default_float", -0.0f);
  else if constexpr (std::is_same_v<V, double>) return -0.0;
  else return V{-1};
}

template <class Fn>
void with_key_type(DType t, const KernelBuildInfo& info, Fn&& fn) {
  switch (t) {
    case DType::String: return fn(std::string{});
    case DType::Int64: return fn(int64_t{});
    case DType::Float: return fn(float{});
    case DType::Double: return fn(double{});
    default: info.unsupported("LabelEncoder keys of type " + dtype_name(t) + " are not supported");
  }
}

template <class Fn>
void with_value_type(DType t, const KernelBuildInfo& info, Fn&& fn) {
  if (t == DType::Int16) return fn(int16_t{});
  with_key_type(t, info, fn);
}

std::unique_ptr<Kernel> make_table_kernel(const KernelBuildInfo& info) {
  const bool v4 = info.version() >= 4;
  const Tensor keys = table_column(info, "keys", v4);
  const Tensor values = table_column(info, "values", v4);
  if (keys.numel() != values.numel())
    info.fail("the number of keys (" + std::to_string(keys.numel()) + ") and of values (" + std::to_string(values.numel()) +
              ") must be the same");
  if (!v4 && (keys.dtype() == DType::Double || values.dtype() == DType::Double))
    info.fail("double keys or values need LabelEncoder version 4");
  Tensor values_then_default = Tensor::zeros(values.dtype(), {values.numel() + 1});
  with_value_type(values.dtype(), info, [&](auto value_tag) {
    using V = decltype(value_tag);
    V* out = values_then_default.mutable_data<V>();
    std::copy_n(values.data<V>(), values.numel(), out);
    out[values.numel()] = default_value<V>(info, v4);
  });
  std::unique_ptr<Kernel> kernel;
  with_key_type(keys.dtype(), info, [&](auto key_tag) {
    using K = decltype(key_tag);
    kernel = std::make_unique<TableKernel<K>>(keys, std::move(values_then_default), /*nan_keys_match=*/v4);
  });
  return kernel;
}

}  // namespace

void register_label_encoder(KernelRegistry& r) {
  r.add("ai.onnx.ml", "LabelEncoder", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<ClassesKernel>(info);
  });
  r.add("ai.onnx.ml", "LabelEncoder", 2, 4, make_table_kernel);
}

}  // namespace onnxfn::ops::ml
