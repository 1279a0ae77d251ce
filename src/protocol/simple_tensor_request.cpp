// A narrow hand-written reader for the request shape that carries nearly all the bytes (see
// simple_tensor_request.h). It accepts a subset of JSON exactly (RFC 8259 grammar for what it
// takes) and declines at the first thing outside that subset; numbers convert as the general path
// converts them (json_document.cpp: integers via int64/uint64, others via from_chars, null = NaN),
// so the tensors are bit-identical.
#include "protocol/simple_tensor_request.h"

#include <limits>
#include <string>

#include "common/checked_math.h"
#include "common/error.h"
#include "common/json_numbers.h"

namespace onnxfn {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  void space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }
  // Skips spaces, then takes `c` if it is next.
  bool take(char c) {
    space();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  // A string without escapes or control characters (RapidJSON passes other bytes through as-is).
  std::optional<std::string_view> plain_string() {
    if (!take('"')) return std::nullopt;
    const char* start = p_;
    while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) ++p_;
    if (p_ >= end_ || *p_ != '"') return std::nullopt;
    return std::string_view(start, static_cast<size_t>(p_++ - start));
  }
  bool null() {
    space();
    if (end_ - p_ >= 4 && std::string_view(p_, 4) == "null" && ends_value(p_ + 4)) {
      p_ += 4;
      return true;
    }
    return false;
  }
  // A JSON number token followed by a value delimiter; its text, or nullopt. `integer`: it has no
  // fraction or exponent.
  std::optional<std::string_view> number(bool& integer) {
    space();
    const size_t n = json_number_length(std::string_view(p_, static_cast<size_t>(end_ - p_)), integer);
    const char* q = p_ + n;
    if (n == 0 || !ends_value(q)) return std::nullopt;
    const std::string_view text(p_, static_cast<size_t>(q - p_));
    p_ = q;
    return text;
  }
  // "D.0" or "-D.0" then a value delimiter (a whole float of one digit: two thirds of a feature
  // request's numbers, flags, counts and -1 for missing) into v, as json_number_fast_double reads
  // it ("-0.0" is -0); else nothing is consumed. Needs a byte after the token (a request ends in
  // brackets); spaces before the token are the caller's.
  template <class T>
  bool whole_digit(T& v) {
    const char* d = p_ + (p_ < end_ && *p_ == '-' ? 1 : 0);
    if (end_ - d < 4 || d[1] != '.' || d[2] != '0' || static_cast<unsigned>(d[0] - '0') > 9 || !delimiter(d[3]))
      return false;
    const auto digit = static_cast<T>(d[0] - '0');
    v = d == p_ ? digit : -digit;
    p_ = d + 3;
    return true;
  }
  // A number followed by a value delimiter, when json_number_fast_double takes it: its value as
  // number_value gives it. Else nothing is consumed (then null() or number()).
  std::optional<double> fast_number() {
    space();
    const FastDouble n = json_number_fast_double(std::string_view(p_, static_cast<size_t>(end_ - p_)));
    if (n.length == 0 || !ends_value(p_ + n.length)) return std::nullopt;
    p_ += n.length;
    return n.value;
  }

 private:
  bool ends_value(const char* q) const { return q == end_ || delimiter(*q); }
  static bool delimiter(char c) {
    return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\n' || c == '\t' || c == '\r';
  }
  const char* p_;
  const char* end_;
};

// The number's value as the general path gives it to a floating-point tensor: GetDouble() of the
// int64, uint64 or double the token became. nullopt beyond a double's range (an error there).
std::optional<double> number_value(std::string_view text, bool integer) {
  const JsonNumber n = json_number_value(text, integer);
  switch (n.kind) {
    case JsonNumber::Kind::Int64: return static_cast<double>(n.i);
    case JsonNumber::Kind::Uint64: return static_cast<double>(n.u);
    case JsonNumber::Kind::Double: return n.d;
    case JsonNumber::Kind::TooBig: break;
  }
  return std::nullopt;
}

template <class T>
bool read_data(Cursor& in, T* out, uint64_t count) {
  if (!in.take('[')) return false;
  for (uint64_t i = 0; i < count; ++i) {
    if (i > 0 && !in.take(',')) return false;
    in.space();
    if (in.whole_digit(out[i])) continue;
    if (const auto d = in.fast_number()) {  // nearly every other number of a real request
      out[i] = static_cast<T>(*d);
      continue;
    }
    if (in.null()) {
      out[i] = std::numeric_limits<T>::quiet_NaN();
      continue;
    }
    bool integer = false;
    const auto text = in.number(integer);
    if (!text) return false;
    const auto d = number_value(*text, integer);
    if (!d) return false;
    out[i] = static_cast<T>(*d);
  }
  return in.take(']');
}

// One input object: name, datatype (FP32 or FP64), shape, then data (the order clients write).
std::optional<std::pair<std::string, Tensor>> read_input(Cursor& in) {
  if (!in.take('{')) return std::nullopt;
  std::optional<std::string_view> name, datatype;
  std::optional<Shape> shape;
  std::optional<Tensor> tensor;
  bool first = true;
  while (!in.take('}')) {
    if (!first && !in.take(',')) return std::nullopt;
    first = false;
    const auto key = in.plain_string();
    if (!key || !in.take(':')) return std::nullopt;
    if (*key == "name" && !name) {
      name = in.plain_string();
      if (!name) return std::nullopt;
    } else if (*key == "datatype" && !datatype) {
      datatype = in.plain_string();
      if (!datatype || (*datatype != "FP32" && *datatype != "FP64")) return std::nullopt;
    } else if (*key == "shape" && !shape) {
      shape.emplace();
      if (!in.take('[')) return std::nullopt;
      while (!in.take(']')) {
        if (!shape->empty() && !in.take(',')) return std::nullopt;
        bool integer = false;
        const auto text = in.number(integer);
        if (!text || !integer) return std::nullopt;
        const JsonNumber d = json_number_value(*text, true);
        if (d.kind != JsonNumber::Kind::Int64 || d.i < 0) return std::nullopt;
        shape->push_back(d.i);
      }
      if (shape->size() > 8) return std::nullopt;
    } else if (*key == "data" && datatype && shape && !tensor) {
      // A rank-0 shape takes one value, written bare: the general path's business.
      // Every value takes at least two bytes of text ("0,"): a shape the text cannot fill is the
      // general path's to refuse, before anything is allocated for it.
      const auto numel = checked_numel(*shape);
      if (!numel || shape->empty() || *numel > in.remaining() / 2 + 1) return std::nullopt;
      std::optional<Tensor> allocated;
      try {
        // Left unset: read_data writes every element, or the tensor is dropped.
        allocated = Tensor::for_overwrite(*datatype == "FP32" ? DType::Float : DType::Double, *shape);
      } catch (const Error&) {  // over the tensor size limit: the general path says so, in its order
        return std::nullopt;
      }
      Tensor& t = *allocated;
      const bool ok = *datatype == "FP32" ? read_data(in, t.mutable_data<float>(), *numel)
                                          : read_data(in, t.mutable_data<double>(), *numel);
      if (!ok) return std::nullopt;
      tensor = std::move(t);
    } else {
      return std::nullopt;
    }
  }
  if (!name || !tensor) return std::nullopt;
  return std::pair<std::string, Tensor>(std::string(*name), std::move(*tensor));
}

}  // namespace

std::optional<InferenceRequest> parse_simple_tensor_request(std::string_view json) {
  Cursor in(json);
  if (!in.take('{')) return std::nullopt;
  InferenceRequest req;
  bool first = true, id = false, inputs = false;
  while (!in.take('}')) {
    if (!first && !in.take(',')) return std::nullopt;
    first = false;
    const auto key = in.plain_string();
    if (!key || !in.take(':')) return std::nullopt;
    if (*key == "id" && !id) {
      const auto text = in.plain_string();
      if (!text) return std::nullopt;
      req.id = std::string(*text);
      id = true;
    } else if (*key == "inputs" && !inputs) {
      inputs = true;
      if (!in.take('[')) return std::nullopt;
      while (!in.take(']')) {
        if (!req.inputs.empty() && !in.take(',')) return std::nullopt;
        auto input = read_input(in);
        if (!input) return std::nullopt;
        for (const auto& [seen, v] : req.inputs)
          if (seen == input->first) return std::nullopt;  // given twice: the general path names it
        req.inputs.emplace_back(std::move(input->first), Value(std::move(input->second)));
      }
    } else {
      return std::nullopt;
    }
  }
  // Text after the object is ignored, as the general path ignores it.
  if (!inputs) return std::nullopt;
  return req;
}

}  // namespace onnxfn
