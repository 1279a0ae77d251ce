// The one set of rules for turning text into typed values and values into text or other types,
// shared by the CSV and JSON readers and writers, cast() and the group-by collect aggregate.
//
// How to use it:
//   std::optional<int64_t> n = parse_int64(" 42");     // 42: spaces and tabs around a number are ignored
//   std::optional<double> x = parse_float64("1e-3");   // also nan, inf, infinity (any case), +/- signs
//   std::optional<bool> b = parse_bool("TRUE");        // true/false in any case, or 1/0
//   std::string s; append_float64_text(s, 1.0);        // "1.0": shortest round trip, always reads as a float
// Every parser returns std::nullopt rather than throwing, so callers phrase the error with the
// file, line and column they know about.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "frame/column.h"

namespace onnxfn {

// An optional sign and decimal digits that fit in int64 (std::from_chars), nothing else.
std::optional<int64_t> parse_int64(std::string_view text);
// A decimal or scientific number (std::from_chars, correctly rounded), or nan / inf / infinity
// in any case with an optional sign. Magnitudes beyond the float64 range become +-inf or 0, as
// strtod gives them.
std::optional<double> parse_float64(std::string_view text);
// "true" / "false" in any case: the words that make the CSV inference choose bool.
std::optional<bool> parse_bool_word(std::string_view text);
// parse_bool_word, or "1" / "0": what a bool column accepts when its type is given.
std::optional<bool> parse_bool(std::string_view text);

// float64 -> int64 when the value is integral and in range; float64 / int64 -> bool for 0 and 1.
std::optional<int64_t> int64_from_float64(double v);
std::optional<bool> bool_from_int64(int64_t v);
std::optional<bool> bool_from_float64(double v);

// Text forms used by writers and casts to string.
void append_int64_text(std::string& out, int64_t v);
// Shortest round-trip digits (std::to_chars) with ".0" appended to integral values, so a float
// column written out is read back as float64 by inference; "nan", "inf", "-inf" otherwise.
void append_float64_text(std::string& out, double v);
inline std::string_view bool_text(bool v) { return v ? "true" : "false"; }
// Row `row` of a column as text (the above forms; strings as they are). The row must not be null.
void append_value_text(std::string& out, const Column& column, size_t row);

}  // namespace onnxfn
