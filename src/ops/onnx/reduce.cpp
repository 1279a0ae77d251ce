// The Reduce* family (Sum, Mean, Max, Min, Prod, SumSquare, L1, L2, LogSum, LogSumExp): one
// engine over a plan that merges adjacent axes, with a vectorisable path when the innermost
// axis is kept (e.g. column sums) and a contiguous path when it is reduced (row sums).
#include <cmath>
#include <limits>

#include "engine/thread_pool.h"
#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

enum class ReduceOp { Sum, Mean, Max, Min, Prod, SumSquare, L1, L2, LogSum, LogSumExp };

// Where the reduced elements of each output element live in the input.
struct ReducePlan {
  std::vector<int64_t> reduced_offsets;  // offsets of one output's reduced elements (unless contiguous)
  int64_t count = 1;                     // reduced elements per output
  std::vector<int64_t> bases;            // input offset of each output group
  int64_t block = 1;                     // kept innermost run: outputs per group, stride 1
  bool contiguous = false;               // reduced_offsets == 0, 1, ..., R-1
};

ReducePlan make_plan(const Shape& shape, const std::vector<bool>& reduced) {
  struct Run {
    int64_t size, stride;
    bool reduced;
  };
  const std::vector<int64_t> strides = contiguous_strides(shape);
  std::vector<Run> runs;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    if (!runs.empty() && runs.back().reduced == reduced[d]) {
      runs.back().size *= shape[d];
      runs.back().stride = strides[d];
    } else {
      runs.push_back({shape[d], strides[d], reduced[d]});
    }
  }
  ReducePlan plan;
  if (!runs.empty() && !runs.back().reduced) {
    plan.block = runs.back().size;
    runs.pop_back();
  }
  int reduced_runs = 0;
  for (const Run& r : runs) reduced_runs += r.reduced ? 1 : 0;
  plan.contiguous = reduced_runs == 1 && !runs.empty() && runs.back().reduced && plan.block == 1;

  // Odometer over the runs with the given flag, collecting offsets.
  auto offsets = [&runs](bool want_reduced) {
    std::vector<int64_t> out{0};
    for (const Run& r : runs) {
      if (r.reduced != want_reduced) continue;
      std::vector<int64_t> next;
      next.reserve(out.size() * static_cast<size_t>(r.size));
      for (int64_t o : out)
        for (int64_t i = 0; i < r.size; ++i) next.push_back(o + i * r.stride);
      out = std::move(next);
    }
    return out;
  };
  for (const Run& r : runs)
    if (r.reduced) plan.count *= r.size;
  // Contiguous reductions (row sums, reduce-all) need no offset table.
  plan.reduced_offsets = plan.contiguous ? std::vector<int64_t>{0} : offsets(true);
  plan.bases = offsets(false);
  return plan;
}

// Converts a double result to T; for integer T, NaN becomes 0 and infinities saturate, instead
// of undefined behaviour.
template <class T>
T from_double(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return T{0};
    if (v <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
    if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  }
}

// Sums of floats accumulate in double (closer to ORT's vectorised float sums than a float
// running sum); integer sums in 64 bits, narrowed at the end.
template <class T>
using SumAcc = std::conditional_t<std::is_floating_point_v<T>, double,
                                  std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;

// Each reduction: first(x) starts an accumulator, step(a, x) adds x, finish(a, count) gives the
// result. The output index `o` lets LogSumExp use its per-output maximum.
template <class T, ReduceOp Op>
struct Reducer {
  using Acc = std::conditional_t<Op == ReduceOp::Max || Op == ReduceOp::Min, T, SumAcc<T>>;
  const T* maxima = nullptr;  // LogSumExp only

  Acc map(T x, [[maybe_unused]] int64_t o) const {
    if constexpr (Op == ReduceOp::SumSquare || Op == ReduceOp::L2) {
      return static_cast<Acc>(x) * static_cast<Acc>(x);
    } else if constexpr (Op == ReduceOp::L1) {
      if constexpr (std::is_signed_v<T>) {
        if (x < T{0}) return static_cast<Acc>(0) - static_cast<Acc>(x);
      }
      return static_cast<Acc>(x);
    } else if constexpr (Op == ReduceOp::LogSumExp) {
      return static_cast<Acc>(std::exp(static_cast<double>(x) - static_cast<double>(maxima[o])));
    } else {
      return static_cast<Acc>(x);
    }
  }
  Acc first(T x, int64_t o) const { return map(x, o); }
  Acc step(Acc a, T x, [[maybe_unused]] int64_t o) const {
    if constexpr (Op == ReduceOp::Max) {
      return x > a ? x : a;  // keeps the first element when it is NaN, as ORT
    } else if constexpr (Op == ReduceOp::Min) {
      return x < a ? x : a;
    } else if constexpr (Op == ReduceOp::Prod) {
      return a * map(x, o);
    } else {
      return a + map(x, o);
    }
  }
  T finish(Acc a, [[maybe_unused]] int64_t count, [[maybe_unused]] int64_t o) const {
    if constexpr (Op == ReduceOp::Mean) {
      return from_double<T>(std::is_floating_point_v<T> ? static_cast<double>(a) / static_cast<double>(count)
                                                        : static_cast<double>(a / static_cast<Acc>(count)));
    } else if constexpr (Op == ReduceOp::L2) {
      return from_double<T>(std::sqrt(static_cast<double>(a)));
    } else if constexpr (Op == ReduceOp::LogSum) {
      return from_double<T>(std::log(static_cast<double>(a)));
    } else if constexpr (Op == ReduceOp::LogSumExp) {
      return from_double<T>(std::log(static_cast<double>(a)) + static_cast<double>(maxima[o]));
    } else if constexpr (Op == ReduceOp::Max || Op == ReduceOp::Min) {
      return a;
    } else {
      return static_cast<T>(a);
    }
  }
  // The result of reducing no elements (a zero-size reduced axis).
  T empty() const {
    if constexpr (Op == ReduceOp::Prod) {
      return T{1};
    } else if constexpr (Op == ReduceOp::Max || Op == ReduceOp::LogSum || Op == ReduceOp::LogSumExp) {
      return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
    } else if constexpr (Op == ReduceOp::Min) {
      return std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
    } else {
      return T{0};  // sums, and Mean (ORT gives 0, not NaN)
    }
  }
};

template <class T, class R>
void run_plan(const T* in, T* out, const ReducePlan& plan, const R& reducer, ThreadPool& threads) {
  using Acc = typename R::Acc;
  const int64_t count = plan.count;
  const int64_t block = plan.block;
  const auto groups = static_cast<int64_t>(plan.bases.size());
  auto work = [&](int64_t g_begin, int64_t g_end) {
    std::vector<Acc> acc(static_cast<size_t>(block));
    for (int64_t g = g_begin; g < g_end; ++g) {
      const T* base = in + plan.bases[static_cast<size_t>(g)];
      if (block > 1) {
        const int64_t o0 = g * block;
        const T* x = base + plan.reduced_offsets[0];
        for (int64_t j = 0; j < block; ++j) acc[static_cast<size_t>(j)] = reducer.first(x[j], o0 + j);
        for (int64_t r = 1; r < count; ++r) {
          x = base + plan.reduced_offsets[static_cast<size_t>(r)];
          for (int64_t j = 0; j < block; ++j)
            acc[static_cast<size_t>(j)] = reducer.step(acc[static_cast<size_t>(j)], x[j], o0 + j);
        }
        for (int64_t j = 0; j < block; ++j) out[o0 + j] = reducer.finish(acc[static_cast<size_t>(j)], count, o0 + j);
      } else if (plan.contiguous) {
        Acc a = reducer.first(base[0], g);
        for (int64_t r = 1; r < count; ++r) a = reducer.step(a, base[r], g);
        out[g] = reducer.finish(a, count, g);
      } else {
        Acc a = reducer.first(base[plan.reduced_offsets[0]], g);
        for (int64_t r = 1; r < count; ++r) a = reducer.step(a, base[plan.reduced_offsets[static_cast<size_t>(r)]], g);
        out[g] = reducer.finish(a, count, g);
      }
    }
  };
  const int64_t per_group = count * block;
  const int64_t grain = std::max<int64_t>(1, (int64_t{1} << 15) / std::max<int64_t>(per_group, 1));
  if (groups * per_group < (int64_t{1} << 16)) {
    work(0, groups);
  } else {
    threads.parallel_for(groups, grain, work);
  }
}

template <class T, ReduceOp Op>
void reduce_typed(const Tensor& in, Tensor& out, const ReducePlan* plan, ThreadPool& threads) {
  T* dst = out.mutable_data<T>();
  Reducer<T, Op> reducer;
  if (!plan) {  // nothing to reduce over: every output is the empty result
    std::fill(dst, dst + out.numel(), reducer.empty());
    return;
  }
  const T* src = in.data<T>();
  if constexpr (Op == ReduceOp::LogSumExp) {
    // Pass 1: maxima; an infinite maximum is replaced by 0 (as ORT), so all -inf gives -inf
    // and +inf gives +inf instead of NaN.
    std::vector<T> maxima(static_cast<size_t>(out.numel()));
    run_plan(src, maxima.data(), *plan, Reducer<T, ReduceOp::Max>{}, threads);
    for (T& m : maxima)
      if constexpr (std::numeric_limits<T>::has_infinity) {
        if (std::isinf(m)) m = T{0};
      }
    reducer.maxima = maxima.data();
    run_plan(src, dst, *plan, reducer, threads);
  } else {
    run_plan(src, dst, *plan, reducer, threads);
  }
}

template <ReduceOp Op>
void reduce_dispatch(const Tensor& in, Tensor& out, const ReducePlan* plan, const KernelContext& ctx) {
  switch (in.dtype()) {
    case DType::Float: return reduce_typed<float, Op>(in, out, plan, ctx.threads());
    case DType::Double: return reduce_typed<double, Op>(in, out, plan, ctx.threads());
    case DType::Int64: return reduce_typed<int64_t, Op>(in, out, plan, ctx.threads());
    case DType::Int32: return reduce_typed<int32_t, Op>(in, out, plan, ctx.threads());
    case DType::Int8: return reduce_typed<int8_t, Op>(in, out, plan, ctx.threads());
    case DType::UInt8: return reduce_typed<uint8_t, Op>(in, out, plan, ctx.threads());
    case DType::Bool:
      if constexpr (Op == ReduceOp::Max || Op == ReduceOp::Min) return reduce_typed<bool, Op>(in, out, plan, ctx.threads());
      break;
    default: break;
  }
  ctx.fail("element type " + dtype_name(in.dtype()) + " is not supported here");
}

// ONNX Reduce*: axes attribute (negative from v11) until the version where axes became an
// optional input (ReduceSum 13, the others 18), which also brought noop_with_empty_axes.
// Without axes every axis is reduced, or none with noop_with_empty_axes: then each element is
// still mapped (ReduceSumSquare squares, ReduceL2 takes |x|, ...), as ORT does.
template <ReduceOp Op>
class ReduceKernel final : public Kernel {
 public:
  ReduceKernel(const KernelBuildInfo& info, int64_t axes_input_version) {
    keepdims_ = info.node().get_int("keepdims", 1) != 0;
    if (info.version() < axes_input_version) {
      axes_ = IntListArg::from_attribute(info, "axes");
    } else {
      axes_ = IntListArg::from_input(info, 1, "axes");
      noop_with_empty_axes_ = info.node().get_int("noop_with_empty_axes", 0) != 0;
    }
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const auto rank = static_cast<int64_t>(in.rank());
    const std::vector<int64_t> axes = axes_.get(ctx);
    std::vector<bool> reduced(in.rank(), axes.empty() && !noop_with_empty_axes_);
    if (rank > 0)
      for (int64_t a : normalize_axes(axes, rank, ctx, /*allow_repeats=*/true)) reduced[static_cast<size_t>(a)] = true;
    Shape out_shape;
    for (size_t d = 0; d < in.rank(); ++d) {
      if (!reduced[d]) out_shape.push_back(in.shape()[d]);
      else if (keepdims_) out_shape.push_back(1);
    }
    Tensor& out = ctx.output(0, in.dtype(), out_shape);
    if (out.numel() == 0) return;
    if (in.numel() == 0) {
      reduce_dispatch<Op>(in, out, nullptr, ctx);
      return;
    }
    const ReducePlan plan = make_plan(in.shape(), reduced);
    reduce_dispatch<Op>(in, out, &plan, ctx);
  }

 private:
  IntListArg axes_;
  bool keepdims_ = true;
  bool noop_with_empty_axes_ = false;
};

template <ReduceOp Op, int AxesInputVersion>
std::unique_ptr<Kernel> build_reduce(const KernelBuildInfo& info) {
  return std::make_unique<ReduceKernel<Op>>(info, AxesInputVersion);
}

}  // namespace

void register_reduce_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "ReduceSum", 1, 13, &build_reduce<ReduceOp::Sum, 13>);
  r.add("ai.onnx", "ReduceMean", 1, 18, &build_reduce<ReduceOp::Mean, 18>);
  r.add("ai.onnx", "ReduceMax", 1, 20, &build_reduce<ReduceOp::Max, 18>);
  r.add("ai.onnx", "ReduceMin", 1, 20, &build_reduce<ReduceOp::Min, 18>);
  r.add("ai.onnx", "ReduceProd", 1, 18, &build_reduce<ReduceOp::Prod, 18>);
  r.add("ai.onnx", "ReduceSumSquare", 1, 18, &build_reduce<ReduceOp::SumSquare, 18>);
  r.add("ai.onnx", "ReduceL1", 1, 18, &build_reduce<ReduceOp::L1, 18>);
  r.add("ai.onnx", "ReduceL2", 1, 18, &build_reduce<ReduceOp::L2, 18>);
  r.add("ai.onnx", "ReduceLogSum", 1, 18, &build_reduce<ReduceOp::LogSum, 18>);
  r.add("ai.onnx", "ReduceLogSumExp", 1, 18, &build_reduce<ReduceOp::LogSumExp, 18>);
}

}  // namespace onnxfn::ops
