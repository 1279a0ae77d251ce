// ai.onnx.ml OneHotEncoder: each element becomes a vector with a 1 at its category's position;
// output shape is X's shape plus the category count.
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/kernel.h"
#include "ops/ml/float_to_int64.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

class OneHotEncoderKernel final : public Kernel {
 public:
  explicit OneHotEncoderKernel(const KernelBuildInfo& info) {
    const Node& node = info.node();
    const std::vector<int64_t> ints = node.find_ints("cats_int64s").value_or(std::vector<int64_t>{});
    const std::vector<std::string> strings = node.find_strings("cats_strings").value_or(std::vector<std::string>{});
    if (ints.empty() == strings.empty()) info.fail("exactly one of 'cats_int64s' and 'cats_strings' must be given");
    // A repeated category maps to its last position (ORT assigns into a hash map).
    for (size_t i = 0; i < ints.size(); ++i) int_index_[ints[i]] = i;
    for (size_t i = 0; i < strings.size(); ++i) string_index_[strings[i]] = i;
    categories_ = static_cast<int64_t>(ints.empty() ? strings.size() : ints.size());
    zeros_ = node.get_int("zeros", 1) != 0;
  }

  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    Shape shape = x.shape();
    shape.push_back(categories_);
    float* out = ctx.output(0, DType::Float, shape).mutable_data<float>();
    auto encode = [&](auto lookup) {
      for (int64_t i = 0; i < x.numel(); ++i) {
        const int64_t position = lookup(i);
        if (position >= 0)
          out[i * categories_ + position] = 1.0f;
        else if (!zeros_)
          ctx.fail("element " + std::to_string(i) + " of X is not a known category and attribute 'zeros' is 0");
      }
    };
    // Numbers are truncated to int64 and looked up in cats_int64s; strings in cats_strings. Input
    // of the other kind than the categories finds nothing, as in ORT.
    auto numeric = [&](auto tag) {
      using T = decltype(tag);
      const T* in = x.data<T>();
      encode([&](int64_t i) { return find(int_index_, truncate_to_int64(static_cast<double>(in[i]))); });
    };
    switch (x.dtype()) {
      case DType::String: {
        const std::string* in = x.data<std::string>();
        encode([&](int64_t i) { return find(string_index_, in[i]); });
        break;
      }
      case DType::Int64: {
        const int64_t* in = x.data<int64_t>();
        encode([&](int64_t i) { return find(int_index_, in[i]); });
        break;
      }
      case DType::Int32: numeric(int32_t{}); break;
      case DType::Float: numeric(float{}); break;
      case DType::Double: numeric(double{}); break;
      default:
        ctx.fail("input X has element type " + dtype_name(x.dtype()) + ", expected string, int64, int32, float or double");
    }
  }

  OutputType output_type(size_t i) const override {
    return i == 0 ? OutputType{TypeInfo::Kind::Tensor, DType::Float} : OutputType{};
  }

 private:
  template <class Map, class K>
  static int64_t find(const Map& map, const K& key) {
    auto it = map.find(key);
    return it == map.end() ? -1 : static_cast<int64_t>(it->second);
  }

  std::unordered_map<int64_t, size_t> int_index_;
  std::unordered_map<std::string, size_t> string_index_;
  int64_t categories_ = 0;
  bool zeros_ = true;
};

}  // namespace

void register_one_hot_encoder(KernelRegistry& r) {
  r.add("ai.onnx.ml", "OneHotEncoder", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<OneHotEncoderKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
