// Reads model inputs as float rows (see float_rows.h).
#include "ops/ml/float_rows.h"

namespace onnxfn::ops::ml {
namespace {

template <class T>
void convert(const Tensor& x, std::vector<float>& out) {
  const T* in = x.data<T>();
  out.resize(static_cast<size_t>(x.numel()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(in[i]);
}

}  // namespace

FloatRows::FloatRows(const KernelContext& ctx, const Tensor& x) {
  if (x.rank() == 0 || x.rank() > 2)
    ctx.fail("input X must be 1-D or 2-D, got shape " + shape_to_string(x.shape()));
  rows_ = x.rank() == 1 ? 1 : x.dim(0);
  cols_ = x.rank() == 1 ? x.dim(0) : x.dim(1);
  switch (x.dtype()) {
    case DType::Float: data_ = x.data<float>(); return;
    case DType::Double: convert<double>(x, converted_); break;
    case DType::Int64: convert<int64_t>(x, converted_); break;
    case DType::Int32: convert<int32_t>(x, converted_); break;
    default: ctx.fail("input X has element type " + dtype_name(x.dtype()) + ", expected float, double, int64 or int32");
  }
  data_ = converted_.data();
}

}  // namespace onnxfn::ops::ml
