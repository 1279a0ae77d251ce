// MatMul (numpy matmul: 1-D promotion, batch broadcasting) and Gemm (alpha * A' * B' + beta * C),
// on the packed kernel of gemm_kernel.h. A constant B (the usual weight matrix) is packed once.
#include <memory>
#include <variant>

#include "ops/onnx/gemm_kernel.h"
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// The element types MatMul and Gemm compute with (ORT's set for MatMul).
// Returns false (having called nothing) for any other type; the caller reports it.
template <class Fn>
bool dispatch_matmul(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Float: fn(float{}); return true;
    case DType::Double: fn(double{}); return true;
    case DType::Int32: fn(int32_t{}); return true;
    case DType::Int64: fn(int64_t{}); return true;
    case DType::UInt32: fn(uint32_t{}); return true;
    case DType::UInt64: fn(uint64_t{}); return true;
    default: return false;
  }
}

std::string unsupported_type(DType dtype) {
  return "element type " + dtype_name(dtype) + " is not supported here";
}

using AnyPacked = std::variant<std::monostate, PackedMatrix<float>, PackedMatrix<double>, PackedMatrix<int32_t>,
                               PackedMatrix<int64_t>, PackedMatrix<uint32_t>, PackedMatrix<uint64_t>>;

// A B packed at build time from a constant 2-D input; empty when B is not constant.
struct ConstantB {
  DType dtype = DType::Undefined;
  AnyPacked packed;

  template <class T>
  const PackedMatrix<T>* get(DType want) const {
    return want == dtype ? std::get_if<PackedMatrix<T>>(&packed) : nullptr;
  }
};

ConstantB pack_constant(const KernelBuildInfo& info, size_t input, bool transposed) {
  ConstantB out;
  const Tensor* b = info.constant(input);
  if (!b || b->rank() != 2) return out;
  const bool known = dispatch_matmul(b->dtype(), [&](auto tag) {
    using T = decltype(tag);
    const int64_t K = transposed ? b->dim(1) : b->dim(0);
    const int64_t N = transposed ? b->dim(0) : b->dim(1);
    out.packed = PackedMatrix<T>::pack(b->data<T>(), K, N, transposed);
    out.dtype = b->dtype();
  });
  if (!known) info.fail(unsupported_type(b->dtype()));
  return out;
}

// ONNX MatMul (v1, v9 types, v13 bfloat16): numpy.matmul semantics.
class MatMulKernel final : public Kernel {
 public:
  explicit MatMulKernel(const KernelBuildInfo& info) : constant_b_(pack_constant(info, 1, false)) {}

  void run(KernelContext& ctx) const override {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    if (a.dtype() != b.dtype()) ctx.fail("A is " + dtype_name(a.dtype()) + " but B is " + dtype_name(b.dtype()));
    if (a.rank() == 0 || b.rank() == 0) ctx.fail("MatMul inputs must have rank 1 or more");
    // 1-D operands become [1, K] and [K, 1]; the added dims are dropped from the result.
    Shape as = a.shape(), bs = b.shape();
    if (as.size() == 1) as.insert(as.begin(), 1);
    if (bs.size() == 1) bs.push_back(1);
    const int64_t M = as[as.size() - 2], K = as.back(), N = bs.back();
    if (bs[bs.size() - 2] != K)
      ctx.fail("shapes " + shape_to_string(a.shape()) + " and " + shape_to_string(b.shape()) + " cannot be multiplied");
    const Shape a_batch(as.begin(), as.end() - 2), b_batch(bs.begin(), bs.end() - 2);
    const Shape batch = broadcast_shapes(a_batch, b_batch, ctx);
    Shape out_shape = batch;
    if (a.rank() > 1) out_shape.push_back(M);
    if (b.rank() > 1) out_shape.push_back(N);
    Tensor& out = ctx.output(0, a.dtype(), out_shape);
    if (out.numel() == 0) return;
    const int64_t batches = dims_product(batch, 0, batch.size());

    const bool known = dispatch_matmul(a.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* pa = a.data<T>();
      const T* pb = b.data<T>();
      T* pc = out.mutable_data<T>();
      const bool b_shared = dims_product(b_batch, 0, b_batch.size()) == 1;
      if (b_shared) {
        // One B for every batch: pack it once (or use the build-time packing).
        std::optional<PackedMatrix<T>> local;
        const PackedMatrix<T>* packed = b.rank() == 2 ? constant_b_.get<T>(b.dtype()) : nullptr;
        if (packed && (packed->rows() != K || packed->cols() != N)) packed = nullptr;
        if (!packed) packed = &local.emplace(PackedMatrix<T>::pack(pb, K, N, false));
        if (dims_product(a_batch, 0, a_batch.size()) == batches) {
          gemm(pa, K, false, batches * M, *packed, pc, N, &ctx.threads());  // batches stacked as rows
        } else {
          for (int64_t i = 0; i < batches; ++i) gemm(pa, K, false, M, *packed, pc + i * M * N, N, &ctx.threads());
        }
        return;
      }
      const std::vector<int64_t> a_strides = broadcast_strides(a_batch, batch);
      const std::vector<int64_t> b_strides = broadcast_strides(b_batch, batch);
      std::vector<int64_t> pos(batch.size(), 0);
      for (int64_t i = 0; i < batches; ++i) {
        int64_t a_off = 0, b_off = 0;
        for (size_t d = 0; d < batch.size(); ++d) {
          a_off += pos[d] * a_strides[d];
          b_off += pos[d] * b_strides[d];
        }
        const PackedMatrix<T> packed = PackedMatrix<T>::pack(pb + b_off * K * N, K, N, false);
        gemm(pa + a_off * M * K, K, false, M, packed, pc + i * M * N, N, &ctx.threads());
        for (size_t d = batch.size(); d-- > 0;) {
          if (++pos[d] < batch[d]) break;
          pos[d] = 0;
        }
      }
    });
    if (!known) ctx.fail(unsupported_type(a.dtype()));
  }

 private:
  ConstantB constant_b_;
};

// ONNX Gemm: transA, transB, alpha, beta; C required before v11. Before v7, C must be M x N
// unless `broadcast` is set; from v7 C broadcasts one way to M x N. With beta == 0, C is not
// read (so NaN in C does not leak), as ORT.
class GemmKernel final : public Kernel {
 public:
  explicit GemmKernel(const KernelBuildInfo& info)
      : trans_a_(info.node().get_int("transA", 0) != 0),
        trans_b_(info.node().get_int("transB", 0) != 0),
        alpha_(info.node().get_float("alpha", 1.0f)),
        beta_(info.node().get_float("beta", 1.0f)),
        exact_c_(info.version() < 7 && info.node().get_int("broadcast", 0) == 0),
        constant_b_(pack_constant(info, 1, trans_b_)) {
    if (info.version() < 11 && !info.has_input(2)) info.fail("input 2 (C) is required before opset 11");
  }

  void run(KernelContext& ctx) const override {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    if (a.rank() != 2 || b.rank() != 2)
      ctx.fail("A and B must be 2-D, got " + shape_to_string(a.shape()) + " and " + shape_to_string(b.shape()));
    if (a.dtype() != b.dtype()) ctx.fail("A is " + dtype_name(a.dtype()) + " but B is " + dtype_name(b.dtype()));
    const int64_t M = trans_a_ ? a.dim(1) : a.dim(0);
    const int64_t K = trans_a_ ? a.dim(0) : a.dim(1);
    const int64_t N = trans_b_ ? b.dim(0) : b.dim(1);
    if ((trans_b_ ? b.dim(1) : b.dim(0)) != K)
      ctx.fail("shapes " + shape_to_string(a.shape()) + " and " + shape_to_string(b.shape()) +
               " cannot be multiplied with transA=" + std::to_string(trans_a_) + ", transB=" + std::to_string(trans_b_));
    const Tensor* c = ctx.has_input(2) && beta_ != 0.0f ? &ctx.input(2) : nullptr;
    std::vector<int64_t> c_strides;
    if (c) {
      if (c->dtype() != a.dtype()) ctx.fail("C must have the element type of A");
      const Shape mn{M, N};
      bool ok = c->rank() <= 2;
      for (size_t d = 0; ok && d < c->rank(); ++d) {
        const int64_t want = mn[d + 2 - c->rank()];
        ok = c->shape()[d] == want || (!exact_c_ && c->shape()[d] == 1);
      }
      if (exact_c_ && c->rank() != 2) ok = false;
      if (!ok) ctx.fail("C of shape " + shape_to_string(c->shape()) + " cannot be broadcast to " + shape_to_string(mn));
      c_strides = broadcast_strides(c->shape(), mn);
    }
    Tensor& out = ctx.output(0, a.dtype(), {M, N});
    if (out.numel() == 0) return;
    const bool known = dispatch_matmul(a.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T* y = out.mutable_data<T>();
      std::optional<PackedMatrix<T>> local;
      const PackedMatrix<T>* packed = constant_b_.get<T>(b.dtype());
      if (packed && (packed->rows() != K || packed->cols() != N)) packed = nullptr;
      if (!packed) packed = &local.emplace(PackedMatrix<T>::pack(b.data<T>(), K, N, trans_b_));
      gemm(a.data<T>(), a.dim(1), trans_a_, M, *packed, y, N, &ctx.threads());
      const T alpha = static_cast<T>(alpha_);
      const T beta = static_cast<T>(beta_);
      if (!c && alpha_ == 1.0f) return;
      const T* pc = c ? c->data<T>() : nullptr;
      for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
          T& v = y[i * N + j];
          v = static_cast<T>(alpha * v);
          if (pc) v = static_cast<T>(v + beta * pc[i * c_strides[0] + j * c_strides[1]]);
        }
    });
    if (!known) ctx.fail(unsupported_type(a.dtype()));
  }

 private:
  bool trans_a_, trans_b_;
  float alpha_, beta_;
  bool exact_c_;
  ConstantB constant_b_;
};

}  // namespace

void register_matmul_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "MatMul", 1, 13, &build_kernel<MatMulKernel>);
  r.add("ai.onnx", "Gemm", 1, 13, &build_kernel<GemmKernel>);
}

}  // namespace onnxfn::ops
