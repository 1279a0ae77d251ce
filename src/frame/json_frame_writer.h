// Frame -> JSON Lines or a JSON array of objects (one object per row, keys in column order), which
// read_json reads back to the same frame when given frame.schema().
//
// How to use it:
//   std::string lines = write_json(frame);                                   // JSON Lines
//   std::string array = write_json(frame, {.layout = JsonLayout::Array});
//
// Nulls are written as null (or left out with write_nulls = false). Floats are written in their
// shortest round-trip form with ".0" on integral values, so they read back as float64; NaN and
// infinities as the bare tokens NaN, Infinity and -Infinity, as Python's json module writes and
// reads them (strict JSON has no spelling for them).
#pragma once

#include <string>

#include "frame/frame.h"

namespace onnxfn {

enum class JsonLayout {
  Lines,  // one object per line, each line ending in "\n"
  Array,  // [{...},{...}]
};

struct JsonWriteOptions {
  JsonLayout layout = JsonLayout::Lines;
  bool write_nulls = true;  // false: a null leaves its key out of the row's object
};

std::string write_json(const Frame& frame, const JsonWriteOptions& options = {});
void write_json_file(const Frame& frame, const std::string& path, const JsonWriteOptions& options = {});

}  // namespace onnxfn
