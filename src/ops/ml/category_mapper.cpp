// ai.onnx.ml CategoryMapper: string <-> int64 through the paired cats_strings / cats_int64s lists;
// the direction follows the input type, unknown values become default_int64 / default_string.
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/kernel.h"
#include "ops/ml/register_ml.h"
#include "ops/ml/string_int64_mapping.h"

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
    map_string_int64(
        ctx,
        [&](const std::string& v) {
          auto it = to_int_.find(v);
          return it == to_int_.end() ? default_int_ : it->second;
        },
        [&](int64_t v) -> const std::string& {
          auto it = to_string_.find(v);
          return it == to_string_.end() ? default_string_ : it->second;
        });
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
