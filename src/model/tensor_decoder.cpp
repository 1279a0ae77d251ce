// TensorProto -> Initializer: typed fields, raw_data and external data, with every declared size
// checked against the bytes actually present before anything is allocated.
#include <bit>
#include <cstring>
#include <fstream>

#include "common/checked_math.h"
#include "model/proto_decoder.h"

namespace onnxfn::detail {
namespace {

static_assert(std::endian::native == std::endian::little, "raw_data is little-endian; big-endian hosts need byte swaps");

[[noreturn]] void bad(const std::string& what, const std::string& problem) {
  throw_error(ErrorKind::BadModel, what + ": " + problem);
}

// Bytes of packed storage for numel elements (4-bit types pack two per byte).
std::optional<uint64_t> packed_bytes(DType dtype, uint64_t numel) {
  switch (dtype) {
    case DType::UInt4: case DType::Int4: case DType::Float4E2M1:
      return numel / 2 + numel % 2;
    default:
      return checked_mul(numel, dtype_size(dtype));
  }
}

// ONNX external data: `location` is relative to the model's folder and must stay inside it.
std::string read_external_data(const onnx::TensorProto& proto, const DecodeContext& ctx, const std::string& what) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const auto& kv : proto.external_data()) {
    auto parse_u64 = [&](const std::string& text) -> uint64_t {
      if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
        bad(what, "external data " + kv.key() + " '" + text + "' is not a non-negative integer");
      return std::stoull(text);
    };
    if (kv.key() == "location") location = kv.value();
    else if (kv.key() == "offset") offset = parse_u64(kv.value());
    else if (kv.key() == "length") length = parse_u64(kv.value());
  }
  if (location.empty()) bad(what, "external data has no location");
  if (ctx.base_dir.empty()) bad(what, "external data '" + location + "' cannot be resolved for a model loaded from memory");
  std::filesystem::path rel(location);
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory())
    bad(what, "external data path '" + location + "' is absolute; it must be relative to the model's folder");
  for (const auto& part : rel)
    if (part == "..") bad(what, "external data path '" + location + "' escapes the model's folder");
  std::error_code ec;
  auto base = std::filesystem::weakly_canonical(ctx.base_dir, ec);
  auto full = std::filesystem::weakly_canonical(ctx.base_dir / rel, ec);
  if (ec) bad(what, "external data '" + location + "' cannot be resolved: " + ec.message());
  auto [base_end, full_it] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
  if (base_end != base.end())
    bad(what, "external data path '" + location + "' resolves outside the model's folder (symbolic link?)");
  if (!std::filesystem::is_regular_file(full, ec)) bad(what, "external data file '" + location + "' does not exist");
  uint64_t file_size = std::filesystem::file_size(full, ec);
  if (ec) bad(what, "external data file '" + location + "': " + ec.message());
  if (offset > file_size) bad(what, "external data offset " + std::to_string(offset) + " is past the end of '" + location + "'");
  uint64_t n = length.value_or(file_size - offset);
  if (n > file_size - offset)
    bad(what, "external data '" + location + "' holds " + std::to_string(file_size - offset) + " bytes after offset " +
                  std::to_string(offset) + ", " + std::to_string(n) + " declared");
  if (n > ctx.options.max_file_bytes) bad(what, "external data of " + std::to_string(n) + " bytes exceeds the size limit");
  std::ifstream in(full, std::ios::binary);
  std::string data(n, '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  if (!in.read(data.data(), static_cast<std::streamsize>(n))) bad(what, "cannot read external data '" + location + "'");
  return data;
}

template <class Out, class Field>
void copy_typed(Tensor& t, const Field& field) {
  Out* out = t.mutable_data<Out>();
  for (int i = 0; i < field.size(); ++i) out[i] = static_cast<Out>(field.Get(i));
}

// Number of entries that the typed field for `dtype` must hold, and that field's current size.
int typed_field_size(const onnx::TensorProto& p, DType dtype) {
  switch (dtype) {
    case DType::Float: case DType::Complex64: return p.float_data_size();
    case DType::Double: case DType::Complex128: return p.double_data_size();
    case DType::Int64: return p.int64_data_size();
    case DType::UInt32: case DType::UInt64: return p.uint64_data_size();
    case DType::String: return p.string_data_size();
    default: return p.int32_data_size();
  }
}

uint64_t typed_field_expected(DType dtype, uint64_t numel) {
  switch (dtype) {
    case DType::Complex64: case DType::Complex128: return numel * 2;
    case DType::UInt4: case DType::Int4: case DType::Float4E2M1: return numel / 2 + numel % 2;
    default: return numel;
  }
}

}  // namespace

Initializer decode_tensor(const onnx::TensorProto& p, const DecodeContext& ctx, const std::string& what) {
  Initializer init;
  init.name = p.name();
  int32_t code = p.data_type();
  if (code <= 0 || code > kMaxDTypeCode) bad(what, "unknown or missing data_type " + std::to_string(code));
  init.dtype = static_cast<DType>(code);
  for (int64_t d : p.dims()) {
    if (d < 0) bad(what, "negative dimension " + std::to_string(d));
    init.dims.push_back(d);
  }
  auto numel = checked_numel(init.dims);
  if (!numel) bad(what, "dimensions " + shape_to_string(init.dims) + " overflow");
  if (p.has_segment()) throw_error(ErrorKind::Unsupported, what + ": segmented tensors are not supported");

  std::string external;
  const std::string* raw = nullptr;
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    external = read_external_data(p, ctx, what);
    raw = &external;
  } else if (p.has_raw_data()) {
    raw = &p.raw_data();
  }

  if (init.dtype == DType::String) {
    if (raw) bad(what, "string tensors cannot use raw_data or external data");
    if (static_cast<uint64_t>(p.string_data_size()) != *numel)
      bad(what, "holds " + std::to_string(p.string_data_size()) + " strings but its dims " + shape_to_string(init.dims) +
                    " need " + std::to_string(*numel));
    std::vector<std::string> strings(p.string_data().begin(), p.string_data().end());
    for (const auto& s : strings) init.bytes += s.size();
    init.tensor = Tensor::from_strings(init.dims, std::move(strings));
    return init;
  }

  auto expected_bytes = packed_bytes(init.dtype, *numel);
  if (!expected_bytes) bad(what, "byte size of dims " + shape_to_string(init.dims) + " overflows");
  init.bytes = *expected_bytes;
  if (raw) {
    if (raw->size() != *expected_bytes)
      bad(what, "raw data has " + std::to_string(raw->size()) + " bytes but " + dtype_name(init.dtype) + " dims " +
                    shape_to_string(init.dims) + " need " + std::to_string(*expected_bytes));
    if (dtype_is_supported(init.dtype)) {
      init.tensor = Tensor::zeros(init.dtype, init.dims);
      if (!raw->empty()) std::memcpy(init.tensor.mutable_raw_data(), raw->data(), raw->size());
      if (init.dtype == DType::Bool) {  // normalise bytes to 0/1 so bool loads never see other values
        bool* b = static_cast<bool*>(init.tensor.mutable_raw_data());
        const auto* src = reinterpret_cast<const uint8_t*>(raw->data());
        for (uint64_t i = 0; i < *numel; ++i) b[i] = src[i] != 0;
      }
    }
    return init;
  }

  uint64_t have = static_cast<uint64_t>(typed_field_size(p, init.dtype));
  uint64_t need = typed_field_expected(init.dtype, *numel);
  if (have != need)
    bad(what, "holds " + std::to_string(have) + " values but " + dtype_name(init.dtype) + " dims " +
                  shape_to_string(init.dims) + " need " + std::to_string(need));
  if (!dtype_is_supported(init.dtype)) return init;
  init.tensor = Tensor::zeros(init.dtype, init.dims);
  switch (init.dtype) {
    case DType::Float: copy_typed<float>(init.tensor, p.float_data()); break;
    case DType::Double: copy_typed<double>(init.tensor, p.double_data()); break;
    case DType::Int64: copy_typed<int64_t>(init.tensor, p.int64_data()); break;
    case DType::UInt64: copy_typed<uint64_t>(init.tensor, p.uint64_data()); break;
    case DType::UInt32: copy_typed<uint32_t>(init.tensor, p.uint64_data()); break;
    case DType::Int32: copy_typed<int32_t>(init.tensor, p.int32_data()); break;
    case DType::Int16: copy_typed<int16_t>(init.tensor, p.int32_data()); break;
    case DType::Int8: copy_typed<int8_t>(init.tensor, p.int32_data()); break;
    case DType::UInt16: copy_typed<uint16_t>(init.tensor, p.int32_data()); break;
    case DType::UInt8: copy_typed<uint8_t>(init.tensor, p.int32_data()); break;
    case DType::Bool: {
      bool* out = init.tensor.mutable_data<bool>();
      for (int i = 0; i < p.int32_data_size(); ++i) out[i] = p.int32_data(i) != 0;
      break;
    }
    default: ONNXFN_ASSERT(false);
  }
  return init;
}

}  // namespace onnxfn::detail
