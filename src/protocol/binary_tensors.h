// The binary tensor extension of the Open Inference Protocol (Triton's, tritonclient's default): a
// JSON header of Inference-Header-Content-Length bytes, then each binary tensor's raw bytes in order.
// Fixed-size elements are little-endian, BOOL one byte each, BYTES each a 4-byte little-endian
// length then the bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/tensor.h"

namespace onnxfn {

// A tensor of `dtype` and `shape` from exactly `bytes`; BadInput naming `what` when the length
// does not fit the shape (or a BYTES element runs past the end).
Tensor tensor_from_binary(std::string_view bytes, DType dtype, const Shape& shape, const std::string& what);
// Appends the binary form of `tensor` to `out`; returns the number of bytes appended.
size_t append_tensor_binary(const Tensor& tensor, std::string& out);

// Splits a binary request body at the header length (the Inference-Header-Content-Length value as
// text): {json, binary}. BadInput when the value is not a number or exceeds the body.
struct BinaryBody {
  std::string_view json;
  std::string_view binary;
};
BinaryBody split_binary_body(std::string_view body, std::string_view header_length);

}  // namespace onnxfn
