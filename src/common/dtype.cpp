// Names and sizes of element types.
#include "common/dtype.h"

#include <array>

namespace onnxfn {
namespace {

struct DTypeInfo {
  const char* name;
  size_t size;
  bool supported;
};

// Indexed by the ONNX TensorProto.DataType code.
constexpr std::array<DTypeInfo, kMaxDTypeCode + 1> kInfo = {{
    {"undefined", 0, false},  {"float", 4, true},          {"uint8", 1, true},
    {"int8", 1, true},        {"uint16", 2, true},         {"int16", 2, true},
    {"int32", 4, true},       {"int64", 8, true},          {"string", 0, true},
    {"bool", 1, true},        {"float16", 2, false},       {"double", 8, true},
    {"uint32", 4, true},      {"uint64", 8, true},         {"complex64", 8, false},
    {"complex128", 16, false}, {"bfloat16", 2, false},     {"float8e4m3fn", 1, false},
    {"float8e4m3fnuz", 1, false}, {"float8e5m2", 1, false}, {"float8e5m2fnuz", 1, false},
    {"uint4", 0, false},      {"int4", 0, false},          {"float4e2m1", 0, false},
    {"float8e8m0", 1, false},
}};

const DTypeInfo* info(DType t) {
  auto code = static_cast<int32_t>(t);
  if (code < 0 || code > kMaxDTypeCode) return nullptr;
  return &kInfo[static_cast<size_t>(code)];
}

}  // namespace

std::string dtype_name(DType t) {
  if (const DTypeInfo* i = info(t)) return i->name;
  return "dtype(" + std::to_string(static_cast<int32_t>(t)) + ")";
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (size_t i = 0; i < kInfo.size(); ++i)
    if (name == kInfo[i].name) return static_cast<DType>(i);
  return std::nullopt;
}

size_t dtype_size(DType t) {
  const DTypeInfo* i = info(t);
  return i ? i->size : 0;
}

bool dtype_is_supported(DType t) {
  const DTypeInfo* i = info(t);
  return i && i->supported;
}

bool dtype_is_float(DType t) { return t == DType::Float || t == DType::Double; }

bool dtype_is_integer(DType t) {
  switch (t) {
    case DType::UInt8: case DType::Int8: case DType::UInt16: case DType::Int16:
    case DType::Int32: case DType::Int64: case DType::UInt32: case DType::UInt64:
      return true;
    default:
      return false;
  }
}

}  // namespace onnxfn
