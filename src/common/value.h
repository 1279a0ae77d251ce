// Value: what flows along a graph edge. A tensor, a sequence of values, or a map with int64 or
// string keys (ZipMap's output is a sequence of maps; it is an ordinary value, encoded as JSON).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "common/tensor.h"

namespace onnxfn {

struct Value;

struct Sequence {
  std::vector<Value> items;
};

// keys: 1-D int64 or string tensor; values: 1-D tensor of the same length.
struct Map {
  Tensor keys;
  Tensor values;
};

struct Value {
  std::variant<std::monostate, Tensor, Sequence, Map> v;

  Value() = default;
  Value(Tensor t) : v(std::move(t)) {}      // NOLINT: implicit by design, tensors are the common case
  Value(Sequence s) : v(std::move(s)) {}    // NOLINT
  Value(Map m) : v(std::move(m)) {}         // NOLINT

  bool empty() const { return std::holds_alternative<std::monostate>(v); }
  bool is_tensor() const { return std::holds_alternative<Tensor>(v); }
  bool is_sequence() const { return std::holds_alternative<Sequence>(v); }
  bool is_map() const { return std::holds_alternative<Map>(v); }

  // Accessors throw BadInput naming `what` when the value has another kind.
  const Tensor& tensor(std::string_view what = "value") const;
  const Sequence& sequence(std::string_view what = "value") const;
  const Map& map(std::string_view what = "value") const;

  // "tensor(float)[3,2]", "seq(map(string,tensor(float)))": for error messages and logs.
  std::string describe() const;
};

}  // namespace onnxfn
