// ai.onnx.ml DictVectorizer: a map (string or int64 keys) to a dense [1, V] row in vocabulary
// order, absent keys as zero; a sequence of maps gives one row per map.
#include <string>
#include <unordered_map>
#include <vector>

#include "ops/kernel_support.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

class DictVectorizerKernel final : public Kernel {
 public:
  explicit DictVectorizerKernel(const KernelBuildInfo& info) {
    const Node& node = info.node();
    strings_ = node.find_strings("string_vocabulary").value_or(std::vector<std::string>{});
    ints_ = node.find_ints("int64_vocabulary").value_or(std::vector<int64_t>{});
    if (!strings_.empty() && !ints_.empty())
      info.fail("only one of 'string_vocabulary' and 'int64_vocabulary' may be given");
    string_keys_ = !strings_.empty() || !node.attribute("int64_vocabulary");
    // A vocabulary may repeat an entry; each position looks its key up on its own (as ORT).
  }

  void run(KernelContext& ctx) const override {
    const Value& input = ctx.input_value(0);
    const int64_t width = static_cast<int64_t>(string_keys_ ? strings_.size() : ints_.size());
    if (input.is_map()) {
      const Map& map = input.map();
      check(ctx, map);
      Tensor& y = ctx.output(0, map.values.dtype(), {1, width});
      fill_row(ctx, map, y, 0);
      return;
    }
    // A sequence of maps (a batch of records) is an onnxfn convenience: ORT takes one map.
    const Sequence& rows = input.sequence("DictVectorizer input X");
    if (rows.items.empty()) ctx.fail("input X is an empty sequence");
    const Map& first = rows.items.front().map("DictVectorizer input X element");
    Tensor& y = ctx.output(0, first.values.dtype(), {static_cast<int64_t>(rows.items.size()), width});
    for (size_t r = 0; r < rows.items.size(); ++r) {
      const Map& map = rows.items[r].map("DictVectorizer input X element");
      check(ctx, map);
      if (map.values.dtype() != first.values.dtype()) ctx.fail("the maps of input X have different value types");
      fill_row(ctx, map, y, static_cast<int64_t>(r));
    }
  }

 private:
  void check(const KernelContext& ctx, const Map& map) const {
    const DType want = string_keys_ ? DType::String : DType::Int64;
    if (map.keys.dtype() != want)
      ctx.fail("input X has " + dtype_name(map.keys.dtype()) + " keys, the vocabulary is " + dtype_name(want));
    if (map.values.numel() != map.keys.numel()) ctx.fail("input X has a different number of keys and values");
  }

  void fill_row(const KernelContext& ctx, const Map& map, Tensor& y, int64_t row) const {
    const int64_t width = static_cast<int64_t>(string_keys_ ? strings_.size() : ints_.size());
    dispatch_any(map.values.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* values = map.values.data<T>();
      T* out = y.mutable_data<T>() + row * width;
      // A repeated key in the input map keeps its last value.
      auto gather = [&](const auto* keys, const auto& vocabulary) {
        using K = std::decay_t<decltype(*keys)>;
        std::unordered_map<K, int64_t> position;
        for (int64_t i = 0; i < map.keys.numel(); ++i) position[keys[i]] = i;
        for (int64_t j = 0; j < width; ++j) {
          auto it = position.find(vocabulary[static_cast<size_t>(j)]);
          if (it != position.end()) out[j] = values[it->second];
        }
      };
      if (string_keys_) gather(map.keys.data<std::string>(), strings_);
      else gather(map.keys.data<int64_t>(), ints_);
    });
  }

  std::vector<std::string> strings_;
  std::vector<int64_t> ints_;
  bool string_keys_ = true;
};

}  // namespace

void register_dict_vectorizer(KernelRegistry& r) {
  r.add("ai.onnx.ml", "DictVectorizer", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<DictVectorizerKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
