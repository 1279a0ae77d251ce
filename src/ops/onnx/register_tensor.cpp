// Registers the shape, data-movement, reduction and linear-algebra kernels (see register_tensor.h).
#include "ops/onnx/register.h"
#include "ops/onnx/register_tensor.h"

namespace onnxfn::ops {

void register_tensor_kernels(KernelRegistry& r) {
  register_constant_kernels(r);
  register_shape_kernels(r);
  register_transpose_kernels(r);
  register_concat_split_kernels(r);
  register_slice_kernels(r);
  register_gather_kernels(r);
  register_scatter_kernels(r);
  register_expand_tile_kernels(r);
  register_pad_kernels(r);
  register_generator_kernels(r);
  register_cumsum_trilu_kernels(r);
  register_reduce_kernels(r);
  register_arg_reduce_kernels(r);
  register_topk_kernels(r);
  register_softmax_kernels(r);
  register_matmul_kernels(r);
}

}  // namespace onnxfn::ops
