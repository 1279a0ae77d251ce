// TopK: the k largest (or smallest) elements along an axis and their int64 indices.
//
// ONNX TopK leaves the order of an unsorted result, and ties, loosely specified. We follow ORT's
// CPU kernel: equal values rank by smaller index; k == 1 is a linear scan; small k uses a k-sized
// heap (whose layout is the unsorted output order); larger k uses std::nth_element on the
// positions (then std::sort when sorted). Same comparisons in the same order give ORT's output,
// including its unsorted order.
#include <cmath>

#include "ops/onnx/register_tensor.h"
#include "ops/onnx/tensor_op_support.h"

namespace onnxfn::ops {
namespace {

// Ranks positions along the axis: `a` before `b` when its value is better, or equal with a
// smaller position. NaN ranks above every number, for largest and smallest alike (ORT 1.32:
// TopK largest puts NaN first, smallest puts it last).
template <class T, bool Largest>
struct Ranking {
  const T* x;        // first element of the column
  int64_t stride;    // distance between positions
  T value(int64_t i) const { return x[i * stride]; }
  static bool better_value(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
      const bool na = std::isnan(a), nb = std::isnan(b);
      if (na || nb) return Largest ? na && !nb : nb && !na;
    }
    return Largest ? a > b : a < b;
  }
  static bool same_value(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(a) && std::isnan(b)) return true;
    }
    return a == b;
  }
  bool operator()(int64_t a, int64_t b) const {
    const T va = value(a), vb = value(b);
    return better_value(va, vb) || (same_value(va, vb) && a < b);
  }
};

// Sift-down for a heap whose root is the weakest of the kept positions: `rank(parent, child)`
// is false for every parent/child pair.
template <class R>
void sift_down(int64_t* heap, size_t i, size_t size, const R& rank) {
  while (true) {
    const size_t left = 2 * i + 1;
    const size_t right = left + 1;
    if (right < size) {
      const bool beats_left = rank(heap[i], heap[left]);
      if (beats_left && rank(heap[right], heap[left])) {
        std::swap(heap[i], heap[left]);  // left is the weakest of the three
        i = left;
      } else if (beats_left || rank(heap[i], heap[right])) {
        std::swap(heap[i], heap[right]);
        i = right;
      } else {
        return;
      }
    } else if (left < size && rank(heap[i], heap[left])) {
      std::swap(heap[i], heap[left]);
      i = left;
    } else {
      return;
    }
  }
}

// Writes the top k positions of one column into `picked` (in output order).
template <class T, bool Largest>
void select_column(const Ranking<T, Largest>& rank, int64_t n, int64_t k, bool sorted, bool use_heap,
                   std::vector<int64_t>& picked, std::vector<int64_t>& scratch) {
  if (k == 1) {
    int64_t best = 0;
    T best_value = rank.value(0);
    for (int64_t i = 1; i < n; ++i) {
      const T v = rank.value(i);
      if (Ranking<T, Largest>::better_value(v, best_value)) {
        best_value = v;
        best = i;
      }
    }
    picked[0] = best;
    return;
  }
  if (use_heap) {
    int64_t* heap = scratch.data();
    const auto size = static_cast<size_t>(k);
    for (size_t l = 0; l < size; ++l) {
      heap[size - l - 1] = static_cast<int64_t>(l);
      sift_down(heap, size - l - 1, size, rank);
    }
    T top = rank.value(heap[0]);
    for (int64_t i = k; i < n; ++i) {
      const T v = rank.value(i);
      // An equal value never displaces the root: its position is larger.
      if (Ranking<T, Largest>::better_value(v, top)) {
        heap[0] = i;
        sift_down(heap, 0, size, rank);
        top = rank.value(heap[0]);
      }
    }
    if (sorted) {
      for (size_t l = 0; l < size; ++l) {
        picked[size - l - 1] = heap[0];
        heap[0] = heap[size - l - 1];
        sift_down(heap, 0, size - l - 1, rank);
      }
    } else {
      std::copy(heap, heap + size, picked.begin());
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) scratch[static_cast<size_t>(i)] = i;
  std::nth_element(scratch.begin(), scratch.begin() + (k - 1), scratch.begin() + n, rank);
  if (sorted) std::sort(scratch.begin(), scratch.begin() + k, rank);
  std::copy(scratch.begin(), scratch.begin() + k, picked.begin());
}

// ONNX TopK: k attribute (v1) or input (v10); largest and sorted (v11); negative axis (v11).
class TopKKernel final : public Kernel {
 public:
  explicit TopKKernel(const KernelBuildInfo& info) : axis_(info.node().get_int("axis", -1)) {
    if (info.version() < 10) {
      const int64_t k = info.node().require_int("k");
      if (k < 1) info.fail("attribute 'k' must be positive, got " + std::to_string(k));
      k_ = k;
    } else if (!info.has_input(1)) {
      info.fail("input 1 (K) is required");
    }
    if (info.version() >= 11) {
      largest_ = info.node().get_int("largest", 1) != 0;
      sorted_ = info.node().get_int("sorted", 1) != 0;
    }
  }

  void run(KernelContext& ctx) const override {
    const Tensor& in = ctx.input(0);
    const auto rank = static_cast<int64_t>(in.rank());
    if (rank == 0) ctx.fail("the input must have rank 1 or more");
    const auto axis = static_cast<size_t>(normalize_axis(axis_, rank, ctx));
    int64_t k = k_.value_or(0);
    if (!k_) {
      const Tensor& kt = ctx.input(1);
      if (kt.rank() != 1 || kt.numel() != 1) ctx.fail("K must be a 1-D tensor of one element, got shape " + shape_to_string(kt.shape()));
      k = read_int64s(kt, ctx)[0];
      if (k < 0) ctx.fail("K must not be negative, got " + std::to_string(k));
    }
    const int64_t n = in.shape()[axis];
    if (k > n) ctx.fail("K (" + std::to_string(k) + ") is larger than axis " + std::to_string(axis) + " of size " + std::to_string(n));
    Shape out_shape = in.shape();
    out_shape[axis] = k;
    Tensor& values = ctx.output(0, in.dtype(), out_shape);
    Tensor& indices = ctx.output(1, DType::Int64, out_shape);
    if (values.numel() == 0) return;
    const int64_t inner = dims_product(in.shape(), axis + 1, in.rank());
    const int64_t outer = dims_product(in.shape(), 0, axis);
    // ORT's choice between the heap and nth_element, from its measurements.
    const bool use_heap =
        k != 1 && (k < 4 || std::log2(static_cast<double>(k)) / std::log2(static_cast<double>(n)) < 0.725);
    dispatch_numeric(in.dtype(), ctx, [&](auto tag) {
      using T = decltype(tag);
      const T* src = in.data<T>();
      T* out_v = values.mutable_data<T>();
      int64_t* out_i = indices.mutable_data<int64_t>();
      auto each = [&](auto ranking_tag) {
        using R = decltype(ranking_tag);
        std::vector<int64_t> picked(static_cast<size_t>(k));
        std::vector<int64_t> scratch(static_cast<size_t>(use_heap ? k : n));
        for (int64_t o = 0; o < outer; ++o)
          for (int64_t j = 0; j < inner; ++j) {
            const R rank_by{src + o * n * inner + j, inner};
            select_column(rank_by, n, k, sorted_, use_heap, picked, scratch);
            for (int64_t l = 0; l < k; ++l) {
              const int64_t at = (o * k + l) * inner + j;
              out_i[at] = picked[static_cast<size_t>(l)];
              out_v[at] = rank_by.value(picked[static_cast<size_t>(l)]);
            }
          }
      };
      if (largest_) each(Ranking<T, true>{});
      else each(Ranking<T, false>{});
    });
  }

 private:
  int64_t axis_;
  std::optional<int64_t> k_;  // the attribute before v10
  bool largest_ = true;
  bool sorted_ = true;
};

}  // namespace

void register_topk_kernels(KernelRegistry& r) {
  r.add("ai.onnx", "TopK", 1, 24, &build_kernel<TopKKernel>);
}

}  // namespace onnxfn::ops
