// Kernel lookup by domain, op type and effective operator version.
#include "engine/kernel_registry.h"

#include <algorithm>
#include <initializer_list>
#include <span>

namespace onnxfn {
namespace {

struct HistoryEntry {
  std::string_view domain;
  std::string_view op_type;
  std::initializer_list<int> versions;  // its array lives as long as the table (static storage)
};

// Constant data, not a vector built at first use: the vector's construction code was 22 KB of
// the binary's size budget.
constexpr HistoryEntry kHistory[] = {
#include "engine/op_history.inc"
};

std::string versions_text(int lo, int hi) {
  return lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi);
}

}  // namespace

std::span<const int> operator_history(std::string_view domain, std::string_view op_type) {
  for (const HistoryEntry& e : kHistory)
    if (e.domain == domain && e.op_type == op_type) return {e.versions.begin(), e.versions.size()};
  return {};
}

void KernelRegistry::add(std::string_view domain, std::string_view op_type, int min_version, int max_version,
                         KernelFactory factory) {
  entries_.push_back({std::string(domain), std::string(op_type), min_version, max_version, factory});
}

KernelRegistry::Resolution KernelRegistry::resolve(std::string_view domain, std::string_view op_type,
                                                   std::optional<int64_t> opset) const {
  Resolution r;
  std::string name = (domain == "ai.onnx" ? "" : std::string(domain) + ":") + std::string(op_type);
  if (!opset) {
    r.problem = name + ": domain '" + std::string(domain) + "' is not imported by the model";
    return r;
  }
  std::span<const int> history = operator_history(domain, op_type);
  if (history.empty()) {
    bool known_domain = domain == "ai.onnx" || domain == "ai.onnx.ml";
    r.problem = name + ": " + (known_domain ? "not an ONNX operator" : "domain '" + std::string(domain) + "' is not supported");
    return r;
  }
  auto it = std::upper_bound(history.begin(), history.end(), static_cast<int>(std::min<int64_t>(*opset, 1 << 20)));
  if (it == history.begin()) {
    r.problem = name + ": does not exist in opset " + std::to_string(*opset) + " (introduced in " + std::to_string(history.front()) + ")";
    return r;
  }
  r.version = *(it - 1);
  const Entry* same_op = nullptr;
  for (const Entry& e : entries_) {
    if (e.domain != domain || e.op_type != op_type) continue;
    same_op = &e;
    if (r.version >= e.min_version && r.version <= e.max_version) {
      r.factory = e.factory;
      return r;
    }
  }
  if (same_op)
    r.problem = name + " version " + std::to_string(r.version) + " (opset " + std::to_string(*opset) +
                "): onnxfn supports versions " + versions_text(same_op->min_version, same_op->max_version);
  else
    r.problem = name + " (opset " + std::to_string(*opset) + "): operator not supported by onnxfn";
  return r;
}

}  // namespace onnxfn
