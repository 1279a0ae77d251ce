// ai.onnx.ml CategoryMapper: string <-> int64 through the paired cats_strings / cats_int64s lists;
// the direction follows the input type, unknown values become default_int64 / default_string.
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/kernel.h"
#include "ops/ml/register_ml.h"

namespace onnxfn::ops::ml {
namespace {

class CategoryMapperKernel final : public Kernel {
 public:
  explicit CategoryMapperKernel(const KernelBuildInfo& info) {
    const Node& node = info.node();
    const std::vector<std::string> strings = node.find_strings("cats_strings").value_or(std::vector<std::string>{});
    const std::vector<int64_t> ints = node.find_ints("cats_int64s").value_or(std::vector<int64_t>{});
    if (strings.size() != ints.size())
      info.fail("attributes 'cats_strings' (" + std::to_string(strings.size()) + ") and 'cats_int64s' (" +
                std::to_string(ints.size()) + ") must have the same length");
    // Repeated entries: the last pair wins in each direction, as ORT fills its maps.
    for (size_t i = 0; i < strings.size(); ++i) {
      to_int_[strings[i]] = ints[i];
      to_string_[ints[i]] = strings[i];
    }
    default_string_ = node.get_string("default_string", "_Unused");
    default_int_ = node.get_int("default_int64", -1);
  }

  void run(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    if (x.dtype() == DType::String) {
      const std::string* in = x.data<std::string>();
      int64_t* out = ctx.output(0, DType::Int64, x.shape()).mutable_data<int64_t>();
      for (int64_t i = 0; i < x.numel(); ++i) {
        auto it = to_int_.find(in[i]);
        out[i] = it == to_int_.end() ? default_int_ : it->second;
      }
    } else if (x.dtype() == DType::Int64) {
      const int64_t* in = x.data<int64_t>();
      std::string* out = ctx.output(0, DType::String, x.shape()).mutable_data<std::string>();
      for (int64_t i = 0; i < x.numel(); ++i) {
        auto it = to_string_.find(in[i]);
        out[i] = it == to_string_.end() ? default_string_ : it->second;
      }
    } else {
      ctx.fail("input X has element type " + dtype_name(x.dtype()) + ", expected string or int64");
    }
  }

 private:
  std::unordered_map<std::string, int64_t> to_int_;
  std::unordered_map<int64_t, std::string> to_string_;
  std::string default_string_;
  int64_t default_int_ = -1;
};

}  // namespace

void register_category_mapper(KernelRegistry& r) {
  r.add("ai.onnx.ml", "CategoryMapper", 1, 1, [](const KernelBuildInfo& info) -> std::unique_ptr<Kernel> {
    return std::make_unique<CategoryMapperKernel>(info);
  });
}

}  // namespace onnxfn::ops::ml
