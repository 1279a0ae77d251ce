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
#pragma once

#include <string>
#include <string_view>

namespace onnxfn {

// Returns `json` itself when nothing needs rewriting (the common case), else a view of `storage`.
std::string_view guard_json_numbers(std::string_view json, std::string& storage);

}  // namespace onnxfn
