// Kernels that map strings to int64 and int64 to strings (CategoryMapper, LabelEncoder version 1):
// the direction follows the element type of input 0, and the output keeps its shape.
#pragma once

#include <cstdint>
#include <string>

#include "engine/kernel.h"

namespace onnxfn::ops::ml {

// to_int(const std::string&) -> int64_t; to_string(int64_t) -> const std::string&.
template <class ToInt, class ToString>
void map_string_int64(KernelContext& ctx, ToInt&& to_int, ToString&& to_string) {
  const Tensor& x = ctx.input(0);
  if (x.dtype() == DType::String) {
    const std::string* in = x.data<std::string>();
    int64_t* out = ctx.output(0, DType::Int64, x.shape()).mutable_data<int64_t>();
    for (int64_t i = 0; i < x.numel(); ++i) out[i] = to_int(in[i]);
  } else if (x.dtype() == DType::Int64) {
    const int64_t* in = x.data<int64_t>();
    std::string* out = ctx.output(0, DType::String, x.shape()).mutable_data<std::string>();
    for (int64_t i = 0; i < x.numel(); ++i) out[i] = to_string(in[i]);
  } else {
    ctx.fail("input X has element type " + dtype_name(x.dtype()) + ", expected string or int64");
  }
}

}  // namespace onnxfn::ops::ml
