// The loader's first pass (wire_lift.h): ModelProto bytes -> the same message without the large
// lists of the main graph's node attributes, plus those lists in compact arrays.
//
// Why a pass of our own over the wire format: protobuf-lite materializes a repeated int64 as 8 bytes
// per value and every string as a heap object, and then graph_decoder.cpp copies them again, so a
// forest's tens of megabytes of varint-coded node lists became several times that in memory at
// once. Reading them straight from the stream into arrays of 1, 2 or 4 bytes a value (the narrowest
// that holds the list: node and tree ids, features) and a dictionary of mode strings
// keeps them near their size on disk. protobuf's own CodedInputStream/WireFormatLite do the low-level
// reading (bounds, varints, limits), so the stripped message is exactly what protobuf would see.
#include "model/wire_lift.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cstddef>
#include <cstring>
#include <string_view>

#include "common/error.h"

namespace onnxfn::detail {
namespace {

namespace pbio = google::protobuf::io;
using WF = google::protobuf::internal::WireFormatLite;

static_assert(std::endian::native == std::endian::little, "packed floats are copied as little-endian bytes");

// Field numbers of onnx.proto on the path to attribute lists.
constexpr int kModelGraph = 7;     // ModelProto.graph
constexpr int kGraphNode = 1;      // GraphProto.node
constexpr int kNodeAttribute = 5;  // NodeProto.attribute
constexpr int kAttrFloats = 7, kAttrInts = 8, kAttrStrings = 9;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// A length written in exactly five bytes (a non-minimal varint, which protobuf reads like any
// other): the length of a message being copied is known only after its contents are written.
void put_padded_length(std::string& out, size_t at, uint64_t v) {
  for (int k = 0; k < 4; ++k, v >>= 7) out[at + static_cast<size_t>(k)] = static_cast<char>((v & 0x7F) | 0x80);
  out[at + 4] = static_cast<char>(v & 0x7F);
}

class Lifter {
 public:
  explicit Lifter(pbio::CodedInputStream& in) : in_(in) {}

  LiftedModel run(uint64_t size) {
    if (size > static_cast<uint64_t>(INT_MAX)) fail("the message is 2 GiB or larger");
    // Reserved, not touched: pages of the string that the copy does not fill are never resident.
    out_.reserve(size);
    const auto limit = in_.PushLimit(static_cast<int>(size));
    while (more()) {
      const uint32_t tag = read_tag();
      if (tag == WF::MakeTag(kModelGraph, WF::WIRETYPE_LENGTH_DELIMITED))
        nested(tag, read_length(), [&] { graph(); });
      else
        copy_field(tag);
    }
    in_.PopLimit(limit);
    // A forest's stripped message is a small part of what was reserved.
    if (out_.size() < out_.capacity() / 2) out_.shrink_to_fit();
    return {std::move(out_), std::move(lifted_)};
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw_error(ErrorKind::BadModel, "model: not a valid ONNX protobuf (truncated, corrupt or not an ONNX file): " + problem +
                                         " at byte " + std::to_string(in_.CurrentPosition()));
  }

  bool more() const { return in_.BytesUntilLimit() > 0; }

  uint32_t read_tag() {
    const uint32_t tag = in_.ReadTag();
    if (tag == 0 || WF::GetTagFieldNumber(tag) == 0) fail("invalid field tag");
    return tag;
  }

  uint32_t read_length() {
    uint32_t len = 0;
    if (!in_.ReadVarint32(&len)) fail("truncated length");
    if (static_cast<int64_t>(len) > in_.BytesUntilLimit())
      fail("a field of " + std::to_string(len) + " bytes overruns its message (" + std::to_string(in_.BytesUntilLimit()) +
           " bytes left)");
    return len;
  }

  void read_raw(void* into, uint32_t len) {
    if (!in_.ReadRaw(into, static_cast<int>(len))) fail("truncated field of " + std::to_string(len) + " bytes");
  }

  void copy_raw(uint32_t len) {
    const size_t at = out_.size();
    out_.resize(at + len);  // len was checked against the bytes left, so this is bounded by the file
    read_raw(out_.data() + at, len);
  }

  // Copies a field this pass does not look into, value and all.
  void copy_field(uint32_t tag) {
    switch (WF::GetTagWireType(tag)) {
      case WF::WIRETYPE_VARINT: {
        uint64_t v = 0;
        if (!in_.ReadVarint64(&v)) fail("truncated varint");
        put_varint(out_, tag);
        put_varint(out_, v);
        return;
      }
      case WF::WIRETYPE_FIXED64: {
        uint64_t v = 0;
        if (!in_.ReadLittleEndian64(&v)) fail("truncated fixed64");
        put_varint(out_, tag);
        out_.append(reinterpret_cast<const char*>(&v), 8);
        return;
      }
      case WF::WIRETYPE_FIXED32: {
        uint32_t v = 0;
        if (!in_.ReadLittleEndian32(&v)) fail("truncated fixed32");
        put_varint(out_, tag);
        out_.append(reinterpret_cast<const char*>(&v), 4);
        return;
      }
      case WF::WIRETYPE_LENGTH_DELIMITED: {
        const uint32_t len = read_length();
        put_varint(out_, tag);
        put_varint(out_, len);
        copy_raw(len);
        return;
      }
      case WF::WIRETYPE_START_GROUP: {
        // No ONNX field is a group; protobuf keeps unknown ones, so they are copied as they are.
        std::string group;
        {
          pbio::StringOutputStream sink(&group);
          pbio::CodedOutputStream coded(&sink);
          if (!WF::SkipField(&in_, tag, &coded)) fail("malformed group field");
        }
        out_ += group;
        return;
      }
      default:
        fail("wire type " + std::to_string(WF::GetTagWireType(tag)) + " of field " +
             std::to_string(WF::GetTagFieldNumber(tag)));
    }
  }

  // A sub-message of `len` bytes, copied through `body` under a five-byte length.
  template <class Body>
  void nested(uint32_t tag, uint32_t len, Body body) {
    put_varint(out_, tag);
    const size_t at = out_.size();
    out_.append(5, '\0');
    const auto limit = in_.PushLimit(static_cast<int>(len));
    body();
    in_.PopLimit(limit);
    put_padded_length(out_, at, out_.size() - at - 5);
  }

  void graph() {
    while (more()) {
      const uint32_t tag = read_tag();
      if (tag == WF::MakeTag(kGraphNode, WF::WIRETYPE_LENGTH_DELIMITED))
        nested(tag, read_length(), [&] { node(); });
      else
        copy_field(tag);
    }
  }

  void node() {
    uint32_t attribute_index = 0;
    while (more()) {
      const uint32_t tag = read_tag();
      if (tag != WF::MakeTag(kNodeAttribute, WF::WIRETYPE_LENGTH_DELIMITED)) {
        copy_field(tag);
        continue;
      }
      const uint32_t len = read_length();
      if (len < kLiftAttributeBytes) {
        put_varint(out_, tag);
        put_varint(out_, len);
        copy_raw(len);
      } else {
        LiftedLists lists;
        lists.node = node_index_;
        lists.attribute = attribute_index;
        nested(tag, len, [&] { attribute(lists); });
        if (lists.has_floats() || lists.has_ints() || lists.has_strings()) lifted_.push_back(std::move(lists));
      }
      ++attribute_index;
    }
    ++node_index_;
  }

  void attribute(LiftedLists& lists) {
    // onnx.proto's lists are not packed: one field per value, at least 5 bytes a float and 2 an
    // int or string. Reserving for that many from the attribute's size allocates each list once;
    // growing them value by value (and shrinking them to fit) left the heap of a 96 MB forest 17
    // MiB larger than its lists. Pages past the last value are never touched, so not resident.
    const auto left = static_cast<size_t>(in_.BytesUntilLimit());
    auto reserve_once = [](auto& list, size_t n) {
      if (list.capacity() == 0) list.reserve(n);
    };
    while (more()) {
      const uint32_t tag = read_tag();
      const int field = WF::GetTagFieldNumber(tag);
      const auto wire = WF::GetTagWireType(tag);
      if (field == kAttrFloats && wire == WF::WIRETYPE_FIXED32) {
        reserve_once(lists.floats, left / 5);
        run_of(
            tag,
            [&](const uint8_t* p, const uint8_t* end) __attribute__((always_inline))->const uint8_t* {
              if (end - p < 5) return nullptr;
              uint32_t bits;
              std::memcpy(&bits, p, 4);
              lists.floats.push_back(std::bit_cast<float>(bits));
              return p + 4;
            },
            [&] {
              uint32_t bits = 0;
              if (!in_.ReadLittleEndian32(&bits)) fail("truncated float");
              lists.floats.push_back(std::bit_cast<float>(bits));
            });
      } else if (field == kAttrFloats && wire == WF::WIRETYPE_LENGTH_DELIMITED) {
        const uint32_t len = read_length();
        if (len % 4 != 0) fail("packed floats of " + std::to_string(len) + " bytes, not a multiple of 4");
        const size_t at = lists.floats.size();
        lists.floats.resize(at + len / 4);
        read_raw(lists.floats.data() + at, len);
      } else if (field == kAttrInts && wire == WF::WIRETYPE_VARINT) {
        reserve_ints(lists, left / 2, true);
        // The common case inline: a value that fits the list's width, with room (add_int was a
        // call per value). Negative values arrive as 64-bit two's complement, so never fit 8 or 16.
        auto put = [&](uint64_t v) __attribute__((always_inline)) {
          switch (lists.int_width) {
            case 1:
              if (v <= 0xFF && lists.ints8.size() < lists.ints8.capacity()) return lists.ints8.push_back(static_cast<uint8_t>(v));
              break;
            case 2:
              if (v <= 0xFFFF && lists.ints16.size() < lists.ints16.capacity())
                return lists.ints16.push_back(static_cast<uint16_t>(v));
              break;
            case 4:
              if (const auto x = static_cast<int64_t>(v);
                  x >= INT32_MIN && x <= INT32_MAX && lists.ints32.size() < lists.ints32.capacity())
                return lists.ints32.push_back(static_cast<int32_t>(x));
              break;
            default: break;
          }
          add_int(lists, static_cast<int64_t>(v));
        };
        run_of(
            tag,
            [&](const uint8_t* p, const uint8_t* end) __attribute__((always_inline))->const uint8_t* {
              if (end - p < 11) return nullptr;  // the longest varint and the next tag
              // protobuf's varint: at most ten bytes, bits past the 64th dropped; a longer one is
              // left to ReadVarint64, which refuses it.
              uint64_t v = *p++;
              if (v >= 0x80) {
                v &= 0x7F;
                for (int shift = 7;; shift += 7) {
                  if (shift == 70) return nullptr;
                  const uint8_t b = *p++;
                  v |= uint64_t{b & 0x7Fu} << shift;
                  if (b < 0x80) break;
                }
              }
              put(v);
              return p;
            },
            [&] {
              uint64_t v = 0;
              if (!in_.ReadVarint64(&v)) fail("truncated varint");
              put(v);
            });
      } else if (field == kAttrInts && wire == WF::WIRETYPE_LENGTH_DELIMITED) {
        packed_ints(lists, read_length());
      } else if (field == kAttrStrings && wire == WF::WIRETYPE_LENGTH_DELIMITED) {
        reserve_once(lists.string_codes, left / 2);
        run_of(
            tag,
            [&](const uint8_t* p, const uint8_t* end) __attribute__((always_inline))->const uint8_t* {
              // A string of under 128 bytes already in the dictionary (nodes_modes: nearly every
              // one), matched where it lies in the stream's buffer; any other goes the slow way.
              const uint32_t len = *p;
              if (len >= 0x80 || end - p < static_cast<ptrdiff_t>(len) + 2 || !lists.strings.empty()) return nullptr;
              const std::string_view value(reinterpret_cast<const char*>(p + 1), len);
              const auto known = std::find(lists.string_dict.begin(), lists.string_dict.end(), value);
              if (known == lists.string_dict.end()) return nullptr;
              lists.string_codes.push_back(static_cast<uint8_t>(known - lists.string_dict.begin()));
              return p + 1 + len;
            },
            [&] {
              const uint32_t len = read_length();
              scratch_.resize(len);
              read_raw(scratch_.data(), len);
              add_string(lists, scratch_);
            });
      } else {
        copy_field(tag);
      }
    }
  }

  // A run of one field per value (onnx.proto's lists are not packed), its first tag read already.
  // Values that lie whole in the stream's buffer are decoded there by `fast(p, end)`, which returns
  // the end of the value (before `end`, so the next tag byte is there too) or null to leave that
  // value to `slow()`, which reads it through the stream (at a block's end, or anything unusual).
  // CodedInputStream's per-value calls (ReadVarint64, ExpectTag, bounds checks) were half of the
  // wire pass of a forest.
  template <class Fast, class Slow>
  void run_of(uint32_t tag, Fast fast, Slow slow) {
    for (;;) {
      const void* data = nullptr;
      int available = 0;
      if (tag < 0x80 && in_.GetDirectBufferPointer(&data, &available)) {
        const auto* start = static_cast<const uint8_t*>(data);
        const uint8_t* p = start;
        const uint8_t* const end = start + available;
        bool ended = false;
        while (p < end) {
          const uint8_t* next = fast(p, end);
          if (!next) break;
          p = next;
          if (*p != tag) {
            ended = true;
            break;
          }
          ++p;
        }
        in_.Skip(static_cast<int>(p - start));
        if (ended) return;
      }
      slow();
      if (!in_.ExpectTag(tag)) return;
    }
  }

  // Packed varints: counted first (one end byte each) so the array is allocated once.
  void packed_ints(LiftedLists& lists, uint32_t len) {
    packed_.resize(len);
    read_raw(packed_.data(), len);
    size_t count = 0;
    for (unsigned char b : packed_) count += b < 0x80;
    if (len > 0 && static_cast<unsigned char>(packed_.back()) >= 0x80) fail("truncated packed varint");
    reserve_ints(lists, count, false);
    uint64_t v = 0;
    int shift = 0;
    for (unsigned char b : packed_) {
      if (shift < 64) v |= uint64_t{b & 0x7Fu} << shift;
      shift += 7;
      if (b >= 0x80) {
        if (shift >= 70) fail("packed varint longer than 10 bytes");
        continue;
      }
      add_int(lists, static_cast<int64_t>(v));
      v = 0;
      shift = 0;
    }
  }

  static size_t int_count(const LiftedLists& lists) {
    return lists.ints8.size() + lists.ints16.size() + lists.ints32.size() + lists.ints.size();
  }

  // Room for `more` values in the list's current form: once for a run of fields (`once`: unless
  // that form has a capacity already), or on top of what it holds (a packed field).
  static void reserve_ints(LiftedLists& lists, size_t more, bool once) {
    auto grow = [&](auto& list) {
      if (!once) list.reserve(list.size() + more);
      else if (list.capacity() == 0) list.reserve(more);
    };
    switch (lists.int_width) {
      case 1: return grow(lists.ints8);
      case 2: return grow(lists.ints16);
      case 4: return grow(lists.ints32);
      default: return grow(lists.ints);
    }
  }

  // The list's values so far moved into a wider form, with at least the capacity it had.
  template <class From, class To>
  static void widen(std::vector<From>& from, std::vector<To>& to, size_t capacity) {
    to.reserve(capacity);
    to.assign(from.begin(), from.end());
    std::vector<From>().swap(from);
  }

  static void add_int(LiftedLists& lists, int64_t v) {
    const uint8_t need = v >= 0 && v <= 0xFF ? 1 : v >= 0 && v <= 0xFFFF ? 2 : v >= INT32_MIN && v <= INT32_MAX ? 4 : 8;
    if (need > lists.int_width) {  // the first value that does not fit: the list goes wider
      const size_t capacity = std::max(int_count(lists) + 1, std::max({lists.ints8.capacity(), lists.ints16.capacity(),
                                                                        lists.ints32.capacity(), lists.ints.capacity()}));
      auto into = [&](auto& to) {  // need > int_width: never from a form into itself
        switch (lists.int_width) {
          case 1: return widen(lists.ints8, to, capacity);
          case 2: return widen(lists.ints16, to, capacity);
          default: return widen(lists.ints32, to, capacity);
        }
      };
      if (need == 2) into(lists.ints16);
      else if (need == 4) into(lists.ints32);
      else into(lists.ints);
      lists.int_width = need;
    }
    switch (lists.int_width) {
      case 1: return lists.ints8.push_back(static_cast<uint8_t>(v));
      case 2: return lists.ints16.push_back(static_cast<uint16_t>(v));
      case 4: return lists.ints32.push_back(static_cast<int32_t>(v));
      default: return lists.ints.push_back(v);
    }
  }

  static void add_string(LiftedLists& lists, const std::string& s) {
    if (lists.strings.empty()) {
      for (size_t k = 0; k < lists.string_dict.size(); ++k)
        if (std::string_view(lists.string_dict[k]) == s) {
          lists.string_codes.push_back(static_cast<uint8_t>(k));
          return;
        }
      if (lists.string_dict.size() < 256) {
        lists.string_codes.push_back(static_cast<uint8_t>(lists.string_dict.size()));
        lists.string_dict.push_back(s);
        return;
      }
      // More than 256 distinct values: plain strings.
      lists.strings.reserve(lists.string_codes.size() + 1);
      for (uint8_t c : lists.string_codes) lists.strings.push_back(lists.string_dict[c]);
      std::vector<std::string>().swap(lists.string_dict);
      std::vector<uint8_t>().swap(lists.string_codes);
    }
    lists.strings.push_back(s);
  }

  pbio::CodedInputStream& in_;
  std::string out_;
  std::vector<LiftedLists> lifted_;
  uint32_t node_index_ = 0;
  std::string scratch_, packed_;
};

}  // namespace

LiftedModel lift_large_lists(pbio::ZeroCopyInputStream& stream, uint64_t size) {
  pbio::CodedInputStream in(&stream);
  in.SetTotalBytesLimit(INT_MAX);
  return Lifter(in).run(size);
}

}  // namespace onnxfn::detail
