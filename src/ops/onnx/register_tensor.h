// Registration functions of the shape, data-movement, reduction and linear-algebra kernels;
// register_tensor_kernels (register_tensor.cpp) calls them all. Each is defined in the file named.
#pragma once

#include "engine/kernel_registry.h"

namespace onnxfn::ops {

void register_constant_kernels(KernelRegistry& r);     // constant.cpp: Constant, ConstantOfShape
void register_shape_kernels(KernelRegistry& r);        // shape_ops.cpp: Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze
void register_transpose_kernels(KernelRegistry& r);    // transpose.cpp
void register_concat_split_kernels(KernelRegistry& r); // concat_split.cpp: Concat, Split
void register_slice_kernels(KernelRegistry& r);        // slice.cpp
void register_gather_kernels(KernelRegistry& r);       // gather.cpp: Gather, GatherElements, GatherND
void register_scatter_kernels(KernelRegistry& r);      // scatter.cpp: ScatterElements
void register_expand_tile_kernels(KernelRegistry& r);  // expand_tile.cpp: Expand, Tile
void register_pad_kernels(KernelRegistry& r);          // pad.cpp
void register_generator_kernels(KernelRegistry& r);    // generators.cpp: Range, OneHot, NonZero
void register_cumsum_trilu_kernels(KernelRegistry& r); // cumsum_trilu.cpp: CumSum, Trilu
void register_reduce_kernels(KernelRegistry& r);       // reduce.cpp: Reduce*
void register_arg_reduce_kernels(KernelRegistry& r);   // arg_reduce.cpp: ArgMax, ArgMin
void register_topk_kernels(KernelRegistry& r);         // topk.cpp
void register_softmax_kernels(KernelRegistry& r);      // softmax.cpp: Softmax, LogSoftmax, Hardmax
void register_matmul_kernels(KernelRegistry& r);       // matmul.cpp: MatMul, Gemm

}  // namespace onnxfn::ops
