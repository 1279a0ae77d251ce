// Broadcast planning and the opset < 7 `broadcast`/`axis` rule shared by the elementwise kernels.
#include "ops/onnx/elementwise_common.h"

#include "engine/thread_pool.h"

namespace onnxfn::ops::elementwise {

template <size_t K>
BroadcastPlan<K> plan_broadcast(const std::array<const Shape*, K>& shapes, const KernelContext& ctx) {
  BroadcastPlan<K> plan;
  plan.out_shape = *shapes[0];
  for (size_t k = 1; k < K; ++k) plan.out_shape = broadcast_shapes(plan.out_shape, *shapes[k], ctx);
  plan.numel = dims_product(plan.out_shape, 0, plan.out_shape.size());
  const size_t rank = plan.out_shape.size();

  // spans[k][d]: input k has the full output extent in dim d (otherwise it repeats one element).
  std::vector<int64_t> dims;
  std::array<std::vector<bool>, K> spans;
  for (size_t d = 0; d < rank; ++d) {
    if (plan.out_shape[d] == 1) continue;
    std::array<bool, K> here;
    for (size_t k = 0; k < K; ++k) {
      const Shape& s = *shapes[k];
      size_t lead = rank - s.size();
      here[k] = d >= lead && s[d - lead] != 1;
    }
    bool mergeable = !dims.empty();
    for (size_t k = 0; k < K && mergeable; ++k) mergeable = spans[k].back() == here[k];
    if (mergeable) {
      dims.back() *= plan.out_shape[d];
    } else {
      dims.push_back(plan.out_shape[d]);
      for (size_t k = 0; k < K; ++k) spans[k].push_back(here[k]);
    }
  }
  if (dims.empty()) {
    dims.push_back(1);
    for (size_t k = 0; k < K; ++k) spans[k].push_back(false);
  }
  for (size_t k = 0; k < K; ++k) {
    plan.strides[k].assign(dims.size(), 0);
    int64_t stride = 1;
    for (size_t d = dims.size(); d-- > 0;) {
      if (!spans[k][d]) continue;
      plan.strides[k][d] = stride;
      stride *= dims[d];
    }
  }
  plan.dims = std::move(dims);
  return plan;
}

template BroadcastPlan<2> plan_broadcast<2>(const std::array<const Shape*, 2>&, const KernelContext&);
template BroadcastPlan<3> plan_broadcast<3>(const std::array<const Shape*, 3>&, const KernelContext&);

void parallel_range(const KernelContext& ctx, int64_t n, int64_t grain, FunctionRef<void(int64_t, int64_t)> fn) {
  if (n <= 0) return;
  if (n < 2 * grain || ctx.threads().size() <= 1) {
    fn(0, n);
    return;
  }
  ctx.threads().parallel_for(n, grain, [&fn](int64_t b, int64_t e) { fn(b, e); });
}

void for_each_run(const std::vector<int64_t>& dims, const std::vector<int64_t>* strides, size_t inputs,
                  int64_t numel, const KernelContext& ctx, int64_t grain, RunFn run) {
  constexpr size_t kMaxInputs = 3;
  ONNXFN_ASSERT(inputs <= kMaxInputs && !dims.empty());
  const size_t rank = dims.size();
  const size_t last = rank - 1;
  const int64_t inner = dims[last];
  std::array<int64_t, kMaxInputs> steps{}, row_strides{};
  for (size_t k = 0; k < inputs; ++k) {
    steps[k] = strides[k][last];
    if (rank >= 2) row_strides[k] = strides[k][last - 1];
  }
  parallel_range(ctx, numel, grain, [&](int64_t begin, int64_t end) {
    // Multi-index of `begin` and the matching input offsets.
    std::vector<int64_t> index(rank, 0);
    std::array<int64_t, kMaxInputs> offsets{};
    int64_t rest = begin;
    for (size_t d = rank; d-- > 0;) {
      index[d] = rest % dims[d];
      rest /= dims[d];
      for (size_t k = 0; k < inputs; ++k) offsets[k] += index[d] * strides[k][d];
    }
    // index[d] has reached dims[d]: wrap it and carry into the outer dims.
    auto carry = [&](size_t d) {
      for (;;) {
        index[d] = 0;
        for (size_t k = 0; k < inputs; ++k) offsets[k] -= dims[d] * strides[k][d];
        if (d == 0) return;
        --d;
        ++index[d];
        for (size_t k = 0; k < inputs; ++k) offsets[k] += strides[k][d];
        if (index[d] < dims[d]) return;
      }
    };
    int64_t pos = begin;
    while (pos < end) {
      if (rank >= 2 && index[last] == 0 && end - pos >= inner) {
        // Whole rows: as many as the chunk and the row dimension allow.
        const int64_t rows = std::min((end - pos) / inner, dims[last - 1] - index[last - 1]);
        run({offsets.data(), steps.data(), row_strides.data(), pos, rows, inner});
        pos += rows * inner;
        index[last - 1] += rows;
        for (size_t k = 0; k < inputs; ++k) offsets[k] += rows * row_strides[k];
        if (index[last - 1] == dims[last - 1]) carry(last - 1);
      } else {
        const int64_t len = std::min(inner - index[last], end - pos);
        run({offsets.data(), steps.data(), row_strides.data(), pos, 1, len});
        pos += len;
        index[last] += len;
        for (size_t k = 0; k < inputs; ++k) offsets[k] += len * steps[k];
        if (index[last] == inner) carry(last);
      }
    }
  });
}

LegacyBroadcast LegacyBroadcast::from_node(const KernelBuildInfo& info) {
  LegacyBroadcast legacy;
  if (info.version() >= 7) return legacy;  // numpy broadcasting from opset 7 on
  legacy.enabled = true;
  int64_t broadcast = info.node().get_int("broadcast", 0);
  if (broadcast != 0 && broadcast != 1) info.fail("attribute 'broadcast' must be 0 or 1, got " + std::to_string(broadcast));
  legacy.broadcast = broadcast == 1;
  legacy.axis = info.node().find_int("axis");
  return legacy;
}

Shape LegacyBroadcast::b_shape(const Shape& a, const Shape& b, const KernelContext& ctx) const {
  if (!broadcast) {
    if (a != b)
      ctx.fail("shapes " + shape_to_string(a) + " and " + shape_to_string(b) +
               " differ and attribute 'broadcast' is not set");
    return b;
  }
  // A single-element B is the scalar case of the legacy rule.
  if (dims_product(b, 0, b.size()) == 1 && b.size() <= 1) return Shape(a.size(), 1);
  const auto rank_a = static_cast<int64_t>(a.size());
  const auto rank_b = static_cast<int64_t>(b.size());
  int64_t start = axis.value_or(rank_a - rank_b);
  if (start < 0) start += rank_a;
  if (rank_b > rank_a || start < 0 || start + rank_b > rank_a)
    ctx.fail("shape " + shape_to_string(b) + " cannot be broadcast into " + shape_to_string(a) + " at axis " +
             std::to_string(start));
  for (int64_t i = 0; i < rank_b; ++i)
    if (a[static_cast<size_t>(start + i)] != b[static_cast<size_t>(i)])
      ctx.fail("shape " + shape_to_string(b) + " does not match " + shape_to_string(a) + " at axis " +
               std::to_string(start));
  Shape padded(b);
  padded.resize(static_cast<size_t>(rank_a - start), 1);
  return padded;
}

}  // namespace onnxfn::ops::elementwise
