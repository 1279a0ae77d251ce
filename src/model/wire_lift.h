// Internal to src/model/: the loader's first pass over a serialized ModelProto. It copies the
// message without the large list values of the main graph's node attributes and decodes those
// lists itself into compact arrays, so a forest is never held as a protobuf message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"

namespace google::protobuf::io {
class ZeroCopyInputStream;
}

namespace onnxfn::detail {

// Attributes whose serialized size reaches this many bytes have their lists lifted.
inline constexpr uint32_t kLiftAttributeBytes = 4096;

// The list fields (floats, ints, strings) of one attribute of the main graph, taken out of the
// message. Everything else of the attribute (name, type, other values) stays in the message, which
// graph_decoder.cpp validates as usual and then completes with these lists.
struct LiftedLists {
  uint32_t node = 0;       // position among GraphProto.node of the main graph
  uint32_t attribute = 0;  // position among that node's NodeProto.attribute
  std::vector<float> floats;
  // Ints in the narrowest form that holds every value so far (Attribute::ints8 ... ints): the
  // others are empty. `int_width` names the one in use (bytes per value: 1, 2, 4 or 8).
  std::vector<int64_t> ints;
  std::vector<int32_t> ints32;
  std::vector<uint16_t> ints16;
  std::vector<uint8_t> ints8;
  uint8_t int_width = 1;
  std::vector<std::string> strings;       // used when there are more than 256 distinct values
  std::vector<std::string> string_dict;   // otherwise, with string_codes
  std::vector<uint8_t> string_codes;

  bool has_floats() const { return !floats.empty(); }
  bool has_ints() const { return !ints.empty() || !ints32.empty() || !ints16.empty() || !ints8.empty(); }
  bool has_strings() const { return !strings.empty() || !string_codes.empty(); }
};

struct LiftedModel {
  std::string stripped;              // the ModelProto without the lifted lists
  std::vector<LiftedLists> lifted;   // in (node, attribute) order
};

// Reads `size` bytes of a ModelProto from `in`. Throws BadModel for malformed wire data (truncated,
// impossible lengths, unusable wire types). Lengths are checked against the bytes left before
// anything is allocated; a list reserves at most 4 bytes per byte of its attribute (address space:
// pages are touched only as values arrive).
LiftedModel lift_large_lists(google::protobuf::io::ZeroCopyInputStream& in, uint64_t size);

}  // namespace onnxfn::detail
