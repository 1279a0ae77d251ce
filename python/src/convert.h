// Python <-> core conversions for the extension: record columns (Frame) and tensors (NamedValues).
// Numeric buffers without nulls are borrowed by the core without a copy (the caller holds them for
// the call), and outputs are answered as read-only NumPy arrays over the core's own buffers, kept
// alive by capsules (no per-value Python objects except for ZipMap outputs).
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "common/named_values.h"
#include "frame/frame.h"

namespace onnxfn::python {

namespace nb = nanobind;

// columns: a list of (name, kind, values, offsets, validity) built by onnxfn/_records.py:
//   kind "float64" | "int64" | "bool": values a C-contiguous NumPy array of that type (bool as uint8)
//   kind "string": values a uint8 array of UTF-8 bytes, offsets int64 [rows + 1]
//   kind "object": values a list of str or None
//   validity: None or a uint8 array, 1 = value, 0 = null.
Frame frame_from_columns(const nb::list& columns);
// The inverse, same tuple layout ("object" is never produced); the arrays view the frame's buffers.
nb::list frame_to_columns(Frame frame);

// dict name -> NumPy array (numeric, bool, or a list of str for strings).
NamedValues values_from_dict(const nb::dict& tensors);
// Tensors -> NumPy arrays; a sequence -> list; a map -> dict.
nb::dict values_to_dict(const NamedValues& values);

}  // namespace onnxfn::python
