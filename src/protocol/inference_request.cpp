// Parsing Open Inference Protocol v2 requests with RapidJSON (iterative parser: deep nesting
// cannot overflow the stack). Data values are counted against the declared shape before any
// tensor is allocated.
#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/checked_math.h"
#include "protocol/binary_tensors.h"
#include "protocol/csv_inputs.h"
#include "protocol/json_document.h"
#include "protocol/inference_protocol.h"
#include "protocol/simple_tensor_request.h"

namespace onnxfn {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, message); }

struct DatatypeName {
  std::string_view name;
  DType dtype;
};
constexpr DatatypeName kDatatypes[] = {
    {"BOOL", DType::Bool},     {"UINT8", DType::UInt8},   {"UINT16", DType::UInt16}, {"UINT32", DType::UInt32},
    {"UINT64", DType::UInt64}, {"INT8", DType::Int8},     {"INT16", DType::Int16},   {"INT32", DType::Int32},
    {"INT64", DType::Int64},   {"FP32", DType::Float},    {"FP64", DType::Double},   {"BYTES", DType::String},
};

// Flattens (possibly nested) data arrays into `out`, checking the nesting against the shape.
void flatten(const rapidjson::Value& v, std::vector<const rapidjson::Value*>& out, size_t depth, size_t max_depth,
             uint64_t limit, const std::string& what) {
  if (!v.IsArray()) {
    out.push_back(&v);
    return;
  }
  if (depth >= max_depth) bad(what + ": data is nested deeper than the shape's rank");
  for (const auto& item : v.GetArray()) {
    flatten(item, out, depth + 1, max_depth, limit, what);
    if (out.size() > limit) bad(what + ": data has more values than the shape allows");
  }
}

template <class T>
T parse_number(const rapidjson::Value& v, const std::string& what, uint64_t index, uint64_t row_width) {
  auto where = [&] {
    return what + " row " + std::to_string(row_width ? index / row_width : index) + " (element " + std::to_string(index) + ")";
  };
  if constexpr (std::is_floating_point_v<T>) {
    if (v.IsNull()) return std::numeric_limits<T>::quiet_NaN();
    if (v.IsNumber()) return static_cast<T>(v.GetDouble());
    if (v.IsString()) {
      std::string_view s(v.GetString(), v.GetStringLength());
      if (s == "NaN" || s == "nan") return std::numeric_limits<T>::quiet_NaN();
      if (s == "Infinity" || s == "inf") return std::numeric_limits<T>::infinity();
      if (s == "-Infinity" || s == "-inf") return -std::numeric_limits<T>::infinity();
    }
    bad(where() + ": expected a number or null, got " + (v.IsString() ? "text '" + std::string(v.GetString()) + "'" : "a non-number"));
  } else if constexpr (std::is_same_v<T, bool>) {
    if (v.IsBool()) return v.GetBool();
    if (v.IsInt() && (v.GetInt() == 0 || v.GetInt() == 1)) return v.GetInt() == 1;
    bad(where() + ": expected true or false");
  } else {
    if (v.IsInt64()) {
      int64_t x = v.GetInt64();
      if (x < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
          (x > 0 && static_cast<uint64_t>(x) > static_cast<uint64_t>(std::numeric_limits<T>::max())))
        bad(where() + ": " + std::to_string(x) + " is out of range for the datatype");
      return static_cast<T>(x);
    }
    if (v.IsUint64() && std::is_same_v<T, uint64_t>) return static_cast<T>(v.GetUint64());
    if (v.IsDouble() && std::isfinite(v.GetDouble()) && v.GetDouble() == std::floor(v.GetDouble()))
      bad(where() + ": integer expected, got " + std::to_string(v.GetDouble()) + " (write it without a decimal point)");
    bad(where() + ": expected an integer");
  }
}

// The unread part of a binary request's tensor bytes; inputs take theirs in order.
struct BinaryCursor {
  std::string_view rest;
};

Tensor parse_tensor(const rapidjson::Value& in, const std::string& name, BinaryCursor& binary) {
  std::string what = "input '" + name + "'";
  auto dt = in.FindMember("datatype");
  if (dt == in.MemberEnd() || !dt->value.IsString()) bad(what + ": \"datatype\" is missing or not a string");
  std::string_view dt_name(dt->value.GetString(), dt->value.GetStringLength());
  auto dtype = dtype_from_v2(dt_name);
  if (!dtype) bad(what + ": unsupported datatype '" + std::string(dt_name) + "' (use BOOL, INT8..INT64, UINT8..UINT64, FP32, FP64 or BYTES)");
  auto sh = in.FindMember("shape");
  if (sh == in.MemberEnd() || !sh->value.IsArray()) bad(what + ": \"shape\" is missing or not an array");
  Shape shape;
  for (const auto& d : sh->value.GetArray()) {
    if (!d.IsInt64() || d.GetInt64() < 0) bad(what + ": shape entries must be non-negative integers");
    shape.push_back(d.GetInt64());
  }
  if (shape.size() > 8) bad(what + ": shape has rank " + std::to_string(shape.size()) + "; at most 8 is supported");
  auto numel = checked_numel(shape);
  if (!numel) bad(what + ": shape " + shape_to_string(shape) + " overflows");
  auto params = in.FindMember("parameters");
  if (params != in.MemberEnd() && params->value.IsObject() && params->value.HasMember("binary_data_size")) {
    const rapidjson::Value& size = params->value["binary_data_size"];
    if (!size.IsUint64()) bad(what + ": \"binary_data_size\" must be a non-negative integer");
    if (in.HasMember("data")) bad(what + ": give either \"data\" or \"binary_data_size\", not both");
    if (size.GetUint64() > binary.rest.size())
      bad(what + ": binary_data_size is " + std::to_string(size.GetUint64()) + " but only " + std::to_string(binary.rest.size()) +
          " bytes of binary data remain after the JSON header");
    std::string_view bytes = binary.rest.substr(0, static_cast<size_t>(size.GetUint64()));
    binary.rest.remove_prefix(bytes.size());
    return tensor_from_binary(bytes, *dtype, shape, what);
  }
  auto data = in.FindMember("data");
  if (data == in.MemberEnd()) bad(what + ": \"data\" is missing");
  std::vector<const rapidjson::Value*> flat;
  flatten(data->value, flat, 0, std::max<size_t>(shape.size(), 1), *numel, what);
  if (flat.size() != *numel)
    bad(what + ": data has " + std::to_string(flat.size()) + " values but shape " + shape_to_string(shape) + " needs " +
        std::to_string(*numel));
  uint64_t row_width = shape.size() >= 2 ? *numel / std::max<int64_t>(shape[0], 1) : 1;
  if (*dtype == DType::String) {
    std::vector<std::string> values;
    values.reserve(flat.size());
    for (size_t i = 0; i < flat.size(); ++i) {
      if (!flat[i]->IsString())
        bad(what + " row " + std::to_string(i / row_width) + " (element " + std::to_string(i) + "): expected a string");
      values.emplace_back(flat[i]->GetString(), flat[i]->GetStringLength());
    }
    return Tensor::from_strings(shape, std::move(values));
  }
  Tensor t = Tensor::zeros(*dtype, shape);
  auto fill = [&](auto* out) {
    using T = std::remove_pointer_t<decltype(out)>;
    for (size_t i = 0; i < flat.size(); ++i) out[i] = parse_number<T>(*flat[i], what, i, row_width);
  };
  switch (*dtype) {
    case DType::Float: fill(t.mutable_data<float>()); break;
    case DType::Double: fill(t.mutable_data<double>()); break;
    case DType::Int64: fill(t.mutable_data<int64_t>()); break;
    case DType::Int32: fill(t.mutable_data<int32_t>()); break;
    case DType::Int16: fill(t.mutable_data<int16_t>()); break;
    case DType::Int8: fill(t.mutable_data<int8_t>()); break;
    case DType::UInt64: fill(t.mutable_data<uint64_t>()); break;
    case DType::UInt32: fill(t.mutable_data<uint32_t>()); break;
    case DType::UInt16: fill(t.mutable_data<uint16_t>()); break;
    case DType::UInt8: fill(t.mutable_data<uint8_t>()); break;
    case DType::Bool: fill(t.mutable_data<bool>()); break;
    default: bad(what + ": unsupported datatype");
  }
  return t;
}

}  // namespace

std::optional<std::string_view> v2_datatype(DType dtype) {
  for (const auto& d : kDatatypes)
    if (d.dtype == dtype) return d.name;
  return std::nullopt;
}

std::optional<DType> dtype_from_v2(std::string_view datatype) {
  for (const auto& d : kDatatypes)
    if (d.name == datatype) return d.dtype;
  return std::nullopt;
}

InferenceRequest parse_inference_request(std::string_view json, std::string_view binary_data) {
  // Most requests carry float tensors as flat arrays: read straight into the tensors when so.
  if (binary_data.empty())
    if (auto simple = parse_simple_tensor_request(json)) return std::move(*simple);
  rapidjson::Document doc;
  parse_json_document(doc, json, "request");  // numbers correctly rounded: one ulp flips tree thresholds
  if (!doc.IsObject()) bad("request: expected a JSON object with \"inputs\"");
  InferenceRequest req;
  if (auto id = doc.FindMember("id"); id != doc.MemberEnd()) {
    if (!id->value.IsString()) bad("request: \"id\" must be a string");
    req.id = id->value.GetString();
  }
  if (auto params = doc.FindMember("parameters"); params != doc.MemberEnd() && params->value.IsObject()) {
    if (auto b = params->value.FindMember("binary_data_output"); b != params->value.MemberEnd()) {
      if (!b->value.IsBool()) bad("request: parameters.binary_data_output must be true or false");
      req.binary_data_output = b->value.GetBool();
    }
  }
  BinaryCursor binary{binary_data};
  auto inputs = doc.FindMember("inputs");
  if (inputs == doc.MemberEnd() || !inputs->value.IsArray()) bad("request: \"inputs\" is missing or not an array");
  for (const auto& in : inputs->value.GetArray()) {
    if (!in.IsObject()) bad("request: every entry of \"inputs\" must be an object");
    auto name = in.FindMember("name");
    if (name == in.MemberEnd() || !name->value.IsString()) bad("request: an input has no \"name\"");
    std::string n = name->value.GetString();
    for (const auto& [seen, v] : req.inputs)
      if (seen == n) bad("request: input '" + n + "' is given twice");
    req.inputs.emplace_back(n, Value(parse_tensor(in, n, binary)));
  }
  if (!binary.rest.empty())
    bad("request: " + std::to_string(binary.rest.size()) + " bytes of binary data after the JSON header belong to no input");
  if (auto outs = doc.FindMember("outputs"); outs != doc.MemberEnd()) {
    if (!outs->value.IsArray()) bad("request: \"outputs\" must be an array");
    for (const auto& o : outs->value.GetArray()) {
      if (!o.IsObject() || !o.HasMember("name") || !o["name"].IsString()) bad("request: every requested output needs a \"name\"");
      req.requested_outputs.emplace_back(o["name"].GetString());
      std::optional<bool> as_binary;
      if (auto p = o.FindMember("parameters"); p != o.MemberEnd() && p->value.IsObject()) {
        if (auto b = p->value.FindMember("binary_data"); b != p->value.MemberEnd()) {
          if (!b->value.IsBool()) bad("request: output '" + req.requested_outputs.back() + "': parameters.binary_data must be true or false");
          as_binary = b->value.GetBool();
        }
      }
      req.requested_binary.push_back(as_binary);
    }
  }
  return req;
}

NamedValues select_outputs(NamedValues outputs, const std::vector<std::string>& requested) {
  if (requested.empty()) return outputs;
  NamedValues selected;
  for (const std::string& name : requested) {
    auto it = std::find_if(outputs.begin(), outputs.end(), [&](const auto& o) { return o.first == name; });
    if (it == outputs.end()) {
      std::string names;
      for (const auto& o : outputs) names += (names.empty() ? "" : ", ") + o.first;
      bad("request: unknown output '" + name + "' (the model's outputs are: " + names + ")");
    }
    selected.push_back(*it);
  }
  return selected;
}

}  // namespace onnxfn

namespace onnxfn {

InferenceRequest decode_request(std::string_view text, std::string_view format, const std::string& source, const std::vector<ValueInfo>& inputs) {
  std::string_view kind = format;
  if (kind == "auto") {
    const size_t first = text.find_first_not_of(" \t\r\n");
    kind = first != std::string_view::npos && text[first] == '{' ? "json" : "csv";
  }
  if (kind == "json") return parse_inference_request(text);
  if (kind != "csv") throw_error(ErrorKind::BadInput, "request format '" + std::string(format) + "': expected json, csv or auto");
  InferenceRequest request;
  request.inputs = csv_to_inputs(text, source, inputs);
  return request;
}

}  // namespace onnxfn
