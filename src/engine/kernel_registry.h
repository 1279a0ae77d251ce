// Which kernel runs a node: chosen by domain, op type and the operator version that the model's
// opset import selects (engine/op_history.inc records when each operator changed). The engine owns
// the registry type; ops/ fills one (ops::all_kernels()) and hands it to the Session, so the
// engine never names a kernel.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kernel.h"

namespace onnxfn {

using KernelFactory = std::unique_ptr<Kernel> (*)(const KernelBuildInfo&);

class KernelRegistry {
 public:
  // Registers `factory` for effective operator versions min_version..max_version (inclusive).
  void add(std::string_view domain, std::string_view op_type, int min_version, int max_version, KernelFactory factory);

  struct Resolution {
    KernelFactory factory = nullptr;  // null: unsupported, see problem
    int64_t version = 0;              // effective operator version
    std::string problem;              // why it is unsupported
  };
  Resolution resolve(std::string_view domain, std::string_view op_type, std::optional<int64_t> opset) const;

  // Every registered (domain, op_type, min, max), in registration order.
  struct Entry {
    std::string domain, op_type;
    int min_version, max_version;
    KernelFactory factory;
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

// Versions at which an operator changed (ascending); empty for operators ONNX does not define.
std::span<const int> operator_history(std::string_view domain, std::string_view op_type);

}  // namespace onnxfn
