// JSON request bodies into RapidJSON documents with numbers read by std::from_chars: correctly
// rounded like RapidJSON's full-precision mode, without its slow big-number path (a 100-row
// request is 3,000 numbers; full precision spent most of the request's time on them) and without
// its strtod overread on very long number tokens (common/json_numbers.h), since RapidJSON then
// never converts a number itself.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace onnxfn {

// Iterative (deep nesting cannot overflow the stack); text after the first value is ignored.
// Integers that fit int64 / uint64 are integers, as RapidJSON makes them; other numbers doubles.
// BadInput "<what>: invalid JSON at byte N: <reason>".
void parse_json_document(rapidjson::Document& doc, std::string_view json, const std::string& what);

}  // namespace onnxfn
