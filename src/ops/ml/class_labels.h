// Class labels of a classifier (int64 or string attribute lists) and how a predicted class
// index becomes an element of the label output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kernel.h"

namespace onnxfn::ops::ml {

class ClassLabels {
 public:
  // Reads `ints_attr` / `strings_attr` (e.g. classlabels_ints / classlabels_strings). Giving both
  // is a BadModel; giving neither leaves an empty int64 list for the caller to judge.
  static ClassLabels parse(const KernelBuildInfo& info, std::string_view ints_attr, std::string_view strings_attr);

  bool strings() const { return strings_; }
  size_t size() const { return strings_ ? strs_.size() : ints_.size(); }
  bool empty() const { return size() == 0; }
  DType dtype() const { return strings_ ? DType::String : DType::Int64; }
  const std::vector<int64_t>& ints() const { return ints_; }
  const std::vector<std::string>& strs() const { return strs_; }

  // out[i] = label `index` (out is int64 or string as dtype()).
  void write(Tensor& out, int64_t i, size_t index) const {
    if (strings_)
      out.mutable_data<std::string>()[i] = strs_[index];
    else
      out.mutable_data<int64_t>()[i] = ints_[index];
  }

 private:
  bool strings_ = false;
  std::vector<int64_t> ints_;
  std::vector<std::string> strs_;
};

inline ClassLabels ClassLabels::parse(const KernelBuildInfo& info, std::string_view ints_attr,
                                      std::string_view strings_attr) {
  ClassLabels labels;
  labels.ints_ = info.node().find_ints(ints_attr).value_or(std::vector<int64_t>{});
  labels.strs_ = info.node().find_strings(strings_attr).value_or(std::vector<std::string>{});
  if (!labels.ints_.empty() && !labels.strs_.empty())
    info.fail("only one of '" + std::string(ints_attr) + "' and '" + std::string(strings_attr) + "' may be given");
  labels.strings_ = !labels.strs_.empty();
  return labels;
}

}  // namespace onnxfn::ops::ml
