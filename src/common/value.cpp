// Value accessors and descriptions.
#include "common/value.h"

namespace onnxfn {
namespace {

[[noreturn]] void wrong_kind(std::string_view what, std::string_view wanted, const Value& got) {
  throw_error(ErrorKind::BadInput, std::string(what) + ": expected a " + std::string(wanted) + ", got " + got.describe());
}

}  // namespace

const Tensor& Value::tensor(std::string_view what) const {
  if (const auto* t = std::get_if<Tensor>(&v)) return *t;
  wrong_kind(what, "tensor", *this);
}

const Sequence& Value::sequence(std::string_view what) const {
  if (const auto* s = std::get_if<Sequence>(&v)) return *s;
  wrong_kind(what, "sequence", *this);
}

const Map& Value::map(std::string_view what) const {
  if (const auto* m = std::get_if<Map>(&v)) return *m;
  wrong_kind(what, "map", *this);
}

std::string Value::describe() const {
  if (const auto* t = std::get_if<Tensor>(&v)) return "tensor(" + dtype_name(t->dtype()) + ")" + shape_to_string(t->shape());
  if (const auto* s = std::get_if<Sequence>(&v)) {
    std::string inner = s->items.empty() ? "?" : s->items.front().describe();
    return "seq(" + inner + ")[" + std::to_string(s->items.size()) + "]";
  }
  if (const auto* m = std::get_if<Map>(&v))
    return "map(" + dtype_name(m->keys.dtype()) + ",tensor(" + dtype_name(m->values.dtype()) + "))[" +
           std::to_string(m->keys.numel()) + "]";
  return "empty value";
}

}  // namespace onnxfn
