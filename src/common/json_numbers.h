// A guard in front of RapidJSON's full-precision number parsing.
//
// RapidJSON 1.1.0 (Debian 12) reads out of bounds in its full-precision strtod (StrtodDiyFp) on
// number tokens with very many digits, e.g. "0.000…0001" with hundreds of zeros; our
// inference-request fuzzer found it. Before parsing, every number token longer than any double
// needs (24 characters) is rewritten to the shortest text of the same value, correctly rounded
// by strtod, and padded with spaces to its old length so that error offsets stay put. Strings
// and comments are skipped; every other byte is untouched.
//
//   std::string storage;
//   std::string_view safe = guard_json_numbers(json, storage);
//   doc.Parse<kParseFullPrecisionFlag>(safe.data(), safe.size());
//
// Also the one JSON number grammar and conversion the fast decoders share (json_document.cpp,
// json_frame_reader.cpp, simple_tensor_request.cpp): they read number tokens themselves, and must
// give exactly the values RapidJSON's full-precision mode gave.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace onnxfn {

// Length of the JSON number (RFC 8259 §6) at the start of `s`, 0 if none is there; `integer` is set
// when it has no fraction or exponent.
size_t json_number_length(std::string_view s, bool& integer);

// A number token's value as RapidJSON's full-precision mode made it: an integer that fits int64 or
// uint64 (when `integer`), else the correctly rounded double (from_chars; an underflow is 0 or a
// subnormal, as strtod gives it). TooBig: beyond a double's range, RapidJSON's "number too big".
// Also reads NaN, Inf and Infinity (with a sign), which kParseNanAndInfFlag lets through.
struct JsonNumber {
  enum class Kind { Int64, Uint64, Double, TooBig };
  Kind kind = Kind::TooBig;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
};
JsonNumber json_number_value(std::string_view token, bool integer);

// The decoders' hot path for floating-point tensors: the JSON number at the start of `s` when it is a
// decimal of at most 19 significant digits and a small exponent, read in one pass and converted
// exactly (Clinger's fast path in double; else, where long double has a 64-bit significand, one
// correctly rounded x87 operation whose rounding to double is provably single, i.e. not within
// half an extended ulp of a double midpoint). Gives its length (as json_number_length gives it)
// and the double json_number_value gives (an integer token: the int64/uint64 converted to
// double, so "-0" is +0); length 0 for anything else, malformed tokens included: the caller then
// takes json_number_length and json_number_value. (Returned in two registers, not through memory.)
// Assumes the default rounding mode, round to nearest: onnxfn never changes it.
struct FastDouble {
  double value = 0;
  size_t length = 0;
};
FastDouble json_number_fast_double(std::string_view s);

// Returns `json` itself when nothing needs rewriting (the common case), else a view of `storage`.
std::string_view guard_json_numbers(std::string_view json, std::string& storage);

}  // namespace onnxfn
