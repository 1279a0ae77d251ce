// Raw tensor bytes of the binary tensor extension, both ways. Lengths are checked against the
// shape before anything is copied, so a wrong length is a clear BadInput, never an overread.
#include "protocol/binary_tensors.h"

#include <charconv>
#include <cstring>

#include "common/checked_math.h"
#include "common/error.h"

namespace onnxfn {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, message); }

uint32_t read_u32_le(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 | static_cast<uint32_t>(b[2]) << 16 |
         static_cast<uint32_t>(b[3]) << 24;
}

void append_u32_le(uint32_t v, std::string& out) {
  const char b[4] = {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff), static_cast<char>((v >> 16) & 0xff),
                     static_cast<char>((v >> 24) & 0xff)};
  out.append(b, 4);
}

}  // namespace

Tensor tensor_from_binary(std::string_view bytes, DType dtype, const Shape& shape, const std::string& what) {
  auto numel = checked_numel(shape);
  if (!numel) bad(what + ": shape " + shape_to_string(shape) + " overflows");
  if (dtype == DType::String) {
    std::vector<std::string> values;
    size_t pos = 0;
    for (uint64_t i = 0; i < *numel; ++i) {
      if (bytes.size() - pos < 4)
        bad(what + ": binary data ends inside the length of BYTES element " + std::to_string(i) + " of " + std::to_string(*numel));
      const uint32_t len = read_u32_le(bytes.data() + pos);
      pos += 4;
      if (bytes.size() - pos < len)
        bad(what + ": BYTES element " + std::to_string(i) + " declares " + std::to_string(len) + " bytes but only " +
            std::to_string(bytes.size() - pos) + " remain");
      values.emplace_back(bytes.substr(pos, len));
      pos += len;
    }
    if (pos != bytes.size())
      bad(what + ": binary_data_size is " + std::to_string(bytes.size()) + " bytes but its " + std::to_string(*numel) +
          " BYTES elements take " + std::to_string(pos));
    return Tensor::from_strings(shape, std::move(values));
  }
  const size_t width = dtype_size(dtype);
  if (width == 0) bad(what + ": datatype has no binary form");
  if (*numel > bytes.size() / width || *numel * width != bytes.size())
    bad(what + ": binary_data_size is " + std::to_string(bytes.size()) + " bytes but shape " + shape_to_string(shape) + " of " +
        dtype_name(dtype) + " needs " + std::to_string(*numel) + " x " + std::to_string(width));
  Tensor t = Tensor::zeros(dtype, shape);
  if (dtype == DType::Bool) {
    bool* out = t.mutable_data<bool>();
    for (size_t i = 0; i < bytes.size(); ++i) out[i] = bytes[i] != 0;  // any nonzero byte is true
  } else if (!bytes.empty()) {
    std::memcpy(t.mutable_raw_data(), bytes.data(), bytes.size());  // little-endian host (x86-64, arm64)
  }
  return t;
}

size_t append_tensor_binary(const Tensor& tensor, std::string& out) {
  const size_t before = out.size();
  if (tensor.dtype() == DType::String) {
    for (const std::string& s : tensor.span<std::string>()) {
      if (s.size() > UINT32_MAX) throw_error(ErrorKind::ResourceLimit, "a BYTES output element is over 4 GiB");
      append_u32_le(static_cast<uint32_t>(s.size()), out);
      out += s;
    }
  } else if (tensor.dtype() == DType::Bool) {
    for (bool b : tensor.span<bool>()) out.push_back(b ? 1 : 0);
  } else if (tensor.byte_size() > 0) {
    out.append(static_cast<const char*>(tensor.raw_data()), tensor.byte_size());
  }
  return out.size() - before;
}

BinaryBody split_binary_body(std::string_view body, std::string_view header_length) {
  size_t n = 0;
  auto r = std::from_chars(header_length.data(), header_length.data() + header_length.size(), n);
  if (r.ec != std::errc() || r.ptr != header_length.data() + header_length.size())
    bad("request: Inference-Header-Content-Length '" + std::string(header_length) + "' is not a byte count");
  if (n > body.size())
    bad("request: Inference-Header-Content-Length is " + std::to_string(n) + " but the body has " + std::to_string(body.size()) +
        " bytes");
  return {body.substr(0, n), body.substr(n)};
}

}  // namespace onnxfn
