// ai.onnx.ml CastMap: a map with int64 keys to a [1, n] tensor of its values in key order, cast to
// float, int64 or string; SPARSE form places value k at position k up to max_map, padding the rest.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/kernel.h"
#include "ops/ml/float_to_int64.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

class CastMapKernel final : public Kernel {
 public:
  explicit CastMapKernel(const KernelBuildInfo& info) {
    const Node& node = info.node();
    const std::string cast_to = node.get_string("cast_to", "TO_FLOAT");
    if (cast_to == "TO_FLOAT") to_ = DType::Float;
    else if (cast_to == "TO_INT64") to_ = DType::Int64;
    else if (cast_to == "TO_STRING") to_ = DType::String;
    else info.fail("attribute 'cast_to' is '" + cast_to + "', expected TO_FLOAT, TO_STRING or TO_INT64");
    const std::string form = node.get_string("map_form", "DENSE");
    if (form != "DENSE" && form != "SPARSE") info.fail("attribute 'map_form' is '" + form + "', expected DENSE or SPARSE");
    sparse_ = form == "SPARSE";
    max_map_ = node.get_int("max_map", 1);
    if (sparse_ && max_map_ <= 0) info.fail("attribute 'max_map' must be > 0 if map_form is SPARSE");
  }

  void run(KernelContext& ctx) const override {
    const Map& map = ctx.input_value(0).map("CastMap input X");
    if (map.keys.dtype() != DType::Int64) ctx.fail("input X must be a map with int64 keys, got " + dtype_name(map.keys.dtype()) + " keys");
    if (map.values.dtype() != DType::Float && map.values.dtype() != DType::String)
      ctx.fail("input X must be a map to float or string, got " + dtype_name(map.values.dtype()) + " values");
    if (map.values.numel() != map.keys.numel()) ctx.fail("input X has a different number of keys and values");

    // Entries in ascending key order (ORT holds a std::map); a repeated key keeps its last value.
    const int64_t* keys = map.keys.data<int64_t>();
    std::vector<int64_t> order(static_cast<size_t>(map.keys.numel()));
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return keys[a] < keys[b]; });
    std::vector<int64_t> unique;
    for (size_t i = 0; i < order.size(); ++i) {
      if (i + 1 < order.size() && keys[order[i + 1]] == keys[order[i]]) continue;
      unique.push_back(order[i]);
    }
    if (sparse_ && !unique.empty() && keys[unique.front()] < 0)
      ctx.fail("negative keys are not permitted in SPARSE form; the smallest key is " + std::to_string(keys[unique.front()]));

    const int64_t width = sparse_ ? max_map_ : static_cast<int64_t>(unique.size());
    Tensor& y = ctx.output(0, to_, {1, width});
    size_t next = 0;
    for (int64_t pos = 0; pos < width; ++pos) {
      if (!sparse_) {
        write(ctx, map.values, unique[static_cast<size_t>(pos)], y, pos);
      } else if (next < unique.size() && keys[unique[next]] == pos) {
        write(ctx, map.values, unique[next++], y, pos);
      } else {
        pad(y, pos);
      }
    }
  }

 private:
  // Missing SPARSE positions: 0, 0 or the string "0.f" (ORT's pad values).
  void pad(Tensor& y, int64_t pos) const {
    if (to_ == DType::String) y.mutable_data<std::string>()[pos] = "0.f";
    else if (to_ == DType::Float) y.mutable_data<float>()[pos] = 0;
    else y.mutable_data<int64_t>()[pos] = 0;
  }

  // Casts as ORT does: std::stof / std::stoll for strings (leading whitespace and trailing text
  // allowed), std::to_string for floats ("1.500000"), truncation for float to int64.
  void write(const KernelContext& ctx, const Tensor& values, int64_t index, Tensor& y, int64_t pos) const {
    if (values.dtype() == DType::Float) {
      const float v = values.data<float>()[index];
      if (to_ == DType::Float) y.mutable_data<float>()[pos] = v;
      else if (to_ == DType::Int64) y.mutable_data<int64_t>()[pos] = truncate_to_int64(v);
      else y.mutable_data<std::string>()[pos] = std::to_string(v);
      return;
    }
    const std::string& s = values.data<std::string>()[index];
    if (to_ == DType::String) {
      y.mutable_data<std::string>()[pos] = s;
      return;
    }
    try {
      if (to_ == DType::Float) y.mutable_data<float>()[pos] = std::stof(s);
      else y.mutable_data<int64_t>()[pos] = std::stoll(s);
    } catch (const std::logic_error&) {
      ctx.fail("map value '" + s + "' cannot be converted to " + dtype_name(to_));
    }
  }

  DType to_ = DType::Float;
  bool sparse_ = false;
  int64_t max_map_ = 1;
};

}  // namespace

void register_cast_map(KernelRegistry& r) {
  r.add("ai.onnx.ml", "CastMap", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<CastMapKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
