// The loader's wire pass (src/model/wire_lift.cpp): lists it lifts from large attributes equal what
// protobuf decodes, on the zoo's tree models and on hand-made wire data, and malformed wire data
// (truncated, wrong wire types, impossible lengths) fails with BadModel, never a crash.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/proto_builder.h"

namespace onnxfn {
namespace {

using testing::minimal_model_proto;

const LoadOptions kWhole{.lift_large_lists = false};

std::string varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string tag(int field, int wire) { return varint(static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire)); }
std::string field_bytes(int field, const std::string& payload) { return tag(field, 2) + varint(payload.size()) + payload; }
std::string field_varint(int field, uint64_t v) { return tag(field, 0) + varint(v); }

// The minimal model (X -> Identity -> Y) whose Identity node carries `attribute` (AttributeProto
// bytes). The node comes in a second occurrence of ModelProto.graph, which protobuf merges.
std::string model_with_attribute(const std::string& attribute) {
  onnx::ModelProto m = minimal_model_proto();
  m.mutable_graph()->clear_node();
  std::string node = field_bytes(1, "X") + field_bytes(2, "Y") + field_bytes(3, "id") + field_bytes(4, "Identity") +
                     field_bytes(5, attribute);
  return m.SerializeAsString() + field_bytes(7, field_bytes(1, node));
}

std::string packed_ints(const std::vector<int64_t>& values) {
  std::string packed;
  for (int64_t v : values) packed += varint(static_cast<uint64_t>(v));
  return field_bytes(8, packed);
}

void expect_same_attributes(const Model& lean, const Model& whole, const std::string& what) {
  ASSERT_EQ(lean.graph.nodes.size(), whole.graph.nodes.size()) << what;
  for (size_t k = 0; k < lean.graph.nodes.size(); ++k) {
    const Node &a = lean.graph.nodes[k], &b = whole.graph.nodes[k];
    ASSERT_EQ(a.attributes.size(), b.attributes.size()) << what << " " << a.label();
    for (const Attribute& x : a.attributes) {
      const Attribute* y = b.attribute(x.name);
      ASSERT_NE(y, nullptr) << what << " " << x.name;
      EXPECT_EQ(x.type, y->type) << what << " " << x.name;
      EXPECT_EQ(x.f, y->f);
      EXPECT_EQ(x.i, y->i);
      EXPECT_EQ(x.s, y->s);
      if (x.type == AttrType::Ints) {
        EXPECT_EQ(a.find_ints(x.name), b.find_ints(x.name)) << what << " " << x.name;
      } else if (x.type == AttrType::Floats) {
        EXPECT_EQ(a.find_floats(x.name), b.find_floats(x.name)) << what << " " << x.name;
      } else if (x.type == AttrType::Strings) {
        EXPECT_EQ(a.find_strings(x.name), b.find_strings(x.name)) << what << " " << x.name;
      }
    }
  }
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(WireLift, zoo_tree_models_decode_the_same_as_protobuf_and_their_lists_are_compact) {
  size_t models = 0, compact = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(ONNXFN_SOURCE_DIR) / "tests/fixtures/zoo")) {
    const std::string name = entry.path().filename().string();
    if (name.find("forest") == std::string::npos && name.find("trees") == std::string::npos &&
        name.find("gb_") == std::string::npos && name.find("decision_tree") == std::string::npos)
      continue;
    const std::filesystem::path file = entry.path() / "model.onnx";
    if (!std::filesystem::exists(file)) continue;
    const Model lean = load_model(file);                   // streamed from the file
    const Model whole = load_model(file, kWhole);          // parsed whole by protobuf
    const Model from_bytes = load_model_from_bytes(read_file(file), {});
    expect_same_attributes(lean, whole, name);
    expect_same_attributes(from_bytes, whole, name);
    for (const Node& n : lean.graph.nodes)
      for (const Attribute& a : n.attributes)
        compact += !a.ints8.empty() || !a.ints16.empty() || !a.ints32.empty() || !a.string_codes.empty();
    ++models;
  }
  EXPECT_GE(models, 10u);
  EXPECT_GT(compact, 0u) << "no zoo forest attribute was lifted into compact storage";
}

TEST(WireLift, ints_that_need_64_bits_and_unpacked_values_keep_their_values) {
  std::vector<int64_t> values;
  for (int k = 0; k < 3000; ++k) values.push_back(k * 7);
  values.push_back(int64_t{1} << 40);
  values.push_back(-5);
  std::string attr = field_bytes(1, "big") + field_varint(20, 7) + packed_ints(values) + field_varint(8, 12345);
  const std::string bytes = model_with_attribute(attr);
  const Model lean = load_model_from_bytes(bytes, {});
  const Model whole = load_model_from_bytes(bytes, {}, kWhole);
  expect_same_attributes(lean, whole, "wide ints");
  const Attribute* a = lean.graph.nodes[0].attribute("big");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->ints32.empty());
  ASSERT_EQ(a->ints.size(), values.size() + 1);
  EXPECT_EQ(a->ints[3000], int64_t{1} << 40);
  EXPECT_EQ(a->ints[3001], -5);
  EXPECT_EQ(a->ints.back(), 12345);
}

TEST(WireLift, small_ints_are_held_as_int32_and_modes_as_a_dictionary) {
  std::string attr = field_bytes(1, "big") + field_varint(20, 7);
  std::vector<int64_t> values;
  for (int k = 0; k < 3000; ++k) values.push_back(k - 1000);
  attr += packed_ints(values);
  std::string modes = field_bytes(1, "modes") + field_varint(20, 8);
  for (int k = 0; k < 600; ++k) modes += field_bytes(9, k % 3 == 0 ? "LEAF" : "BRANCH_LEQ");
  onnx::ModelProto m = minimal_model_proto();
  m.mutable_graph()->clear_node();
  const std::string node = field_bytes(1, "X") + field_bytes(2, "Y") + field_bytes(4, "Identity") + field_bytes(5, attr) +
                           field_bytes(5, modes);
  const std::string bytes = m.SerializeAsString() + field_bytes(7, field_bytes(1, node));
  const Model lean = load_model_from_bytes(bytes, {});
  expect_same_attributes(lean, load_model_from_bytes(bytes, {}, kWhole), "compact");
  const Node& n = lean.graph.nodes[0];
  EXPECT_EQ(n.attribute("big")->ints32.size(), 3000u);
  EXPECT_EQ(n.attribute("big")->ints_view()[0], -1000);
  EXPECT_EQ(n.attribute("modes")->string_dict.size(), 2u);
  EXPECT_EQ(n.attribute("modes")->string_at(1), "BRANCH_LEQ");
  EXPECT_EQ(n.find_strings("modes")->size(), 600u);
}

// Node and tree ids, features and class ids are small and non-negative: held in one or two bytes a
// value. A list widens (8 -> 16 -> 32 -> 64 bits) at the first value that does not fit, keeping
// every value, whether it comes packed or one field per value, and across the stream's blocks.
TEST(WireLift, non_negative_ints_take_the_narrowest_width_and_widen_as_values_need) {
  struct Case {
    std::string name;
    std::vector<int64_t> values;
    size_t width;
  };
  std::vector<Case> cases;
  auto ramp = [](int64_t count, int64_t step, int64_t last) {
    std::vector<int64_t> v;
    for (int64_t k = 0; k < count; ++k) v.push_back(k * step % 251);
    v.push_back(last);
    return v;
  };
  cases.push_back({"u8", ramp(5000, 7, 255), 1});
  cases.push_back({"u16", ramp(5000, 7, 256), 2});
  cases.push_back({"u16_max", ramp(5000, 7, 65535), 2});
  cases.push_back({"i32_from_u8", ramp(5000, 7, 65536), 4});
  cases.push_back({"i32_negative", ramp(5000, 7, -1), 4});
  cases.push_back({"i64_from_u8", ramp(5000, 7, int64_t{1} << 33), 8});
  std::vector<int64_t> steps = ramp(1000, 3, 300);  // u8 -> u16 -> i32 -> i64 along the list
  for (int64_t v : ramp(1000, 5, 70000)) steps.push_back(v);
  for (int64_t v : ramp(1000, 11, -(int64_t{1} << 40))) steps.push_back(v);
  cases.push_back({"u8_u16_i32_i64", steps, 8});
  for (bool packed : {true, false}) {
    std::string node = field_bytes(1, "X") + field_bytes(2, "Y") + field_bytes(4, "Identity");
    for (const Case& c : cases) {
      std::string attr = field_bytes(1, c.name) + field_varint(20, 7);
      if (packed) {
        attr += packed_ints(c.values);
      } else {
        for (int64_t v : c.values) attr += field_varint(8, static_cast<uint64_t>(v));
      }
      node += field_bytes(5, attr);
    }
    onnx::ModelProto m = minimal_model_proto();
    m.mutable_graph()->clear_node();
    const std::string bytes = m.SerializeAsString() + field_bytes(7, field_bytes(1, node));
    const std::filesystem::path file = std::filesystem::temp_directory_path() / "onnxfn_wire_lift_widths_test.onnx";
    std::ofstream(file, std::ios::binary) << bytes;
    const Model streamed = load_model(file);
    std::filesystem::remove(file);
    expect_same_attributes(streamed, load_model_from_bytes(bytes, {}, kWhole), "widths");
    for (const Case& c : cases) {
      const Attribute* a = streamed.graph.nodes[0].attribute(c.name);
      ASSERT_NE(a, nullptr) << c.name;
      const IntsView view = a->ints_view();
      EXPECT_EQ(view.width, c.width) << c.name << (packed ? " packed" : " unpacked");
      ASSERT_EQ(view.size(), c.values.size()) << c.name;
      for (size_t k = 0; k < c.values.size(); ++k) ASSERT_EQ(view[k], c.values[k]) << c.name << " value " << k;
      EXPECT_EQ(streamed.graph.nodes[0].find_ints(c.name), c.values) << c.name;
      // Exactly one storage holds the values.
      EXPECT_EQ(a->ints8.size() + a->ints16.size() + a->ints32.size() + a->ints.size(), c.values.size()) << c.name;
    }
  }
}

TEST(WireLift, more_than_256_distinct_strings_are_kept_as_strings) {
  std::string attr = field_bytes(1, "names") + field_varint(20, 8);
  for (int k = 0; k < 400; ++k) attr += field_bytes(9, "name" + std::to_string(k));
  const std::string bytes = model_with_attribute(attr);
  const Model lean = load_model_from_bytes(bytes, {});
  expect_same_attributes(lean, load_model_from_bytes(bytes, {}, kWhole), "strings");
  const Attribute* a = lean.graph.nodes[0].attribute("names");
  EXPECT_TRUE(a->string_codes.empty());
  ASSERT_EQ(a->strings.size(), 400u);
  EXPECT_EQ(a->strings[399], "name399");
}

TEST(WireLift, lifted_lists_are_still_checked_against_the_declared_type) {
  std::vector<int64_t> values(5000, 1);  // past kLiftAttributeBytes
  // Declared FLOATS (6) but holds ints.
  const std::string bytes = model_with_attribute(field_bytes(1, "big") + field_varint(20, 6) + packed_ints(values));
  for (const LoadOptions& o : {LoadOptions{}, kWhole}) {
    try {
      load_model_from_bytes(bytes, {}, o);
      FAIL() << "expected a type error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadModel);
      EXPECT_NE(std::string(e.what()).find("declares type FLOATS but holds a INTS value"), std::string::npos) << e.what();
    }
  }
}

void expect_bad_model(const std::string& bytes, const std::string& needle) {
  try {
    load_model_from_bytes(bytes, {});
    FAIL() << "expected BadModel containing: " << needle;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadModel) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "message was: " << e.what();
  }
}

TEST(WireLift, every_truncation_of_a_model_with_lifted_lists_fails_cleanly) {
  std::vector<int64_t> values;
  for (int k = 0; k < 5000; ++k) values.push_back(k);
  const std::string bytes = model_with_attribute(field_bytes(1, "big") + field_varint(20, 7) + packed_ints(values));
  for (size_t cut = 1; cut < bytes.size(); cut += 7) {
    try {
      load_model_from_bytes(bytes.substr(0, cut), {});
      ADD_FAILURE() << "a model cut at byte " << cut << " of " << bytes.size() << " loaded";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadModel) << e.what();
    }
  }
}

TEST(WireLift, wrong_wire_types_and_impossible_lengths_are_bad_models) {
  const std::string head = field_bytes(1, "big") + field_varint(20, 7) + packed_ints(std::vector<int64_t>(5000, 3));  // lifted
  // Packed floats whose length is not a multiple of four.
  expect_bad_model(model_with_attribute(head + field_bytes(7, "abcde")), "not a multiple of 4");
  // Wire type 7 does not exist.
  expect_bad_model(model_with_attribute(head + tag(8, 7) + "xxxx"), "wire type 7");
  // An end-group tag outside a group.
  expect_bad_model(model_with_attribute(head + tag(8, 4)), "wire type 4");
  // Field number 0.
  expect_bad_model(model_with_attribute(head + std::string(1, '\x02') + varint(1) + "x"), "invalid field tag");
  // A packed list claiming 2 GB: refused before anything is allocated.
  expect_bad_model(model_with_attribute(head + tag(8, 2) + varint(0x7FFFFFF0) + "abc"), "overruns its message");
  // A varint of more than ten bytes inside a packed list.
  expect_bad_model(model_with_attribute(head + field_bytes(8, std::string(11, '\xff') + '\x01')), "longer than 10 bytes");
  // A packed list ending inside a varint.
  expect_bad_model(model_with_attribute(head + field_bytes(8, std::string("\x01\x81"))), "truncated packed varint");
  // A top-level length beyond the end of the file.
  expect_bad_model(tag(7, 2) + varint(1000) + "abc", "overruns its message");
}

TEST(WireLift, a_model_file_streamed_from_disk_matches_the_bytes) {
  std::vector<int64_t> values;
  for (int k = 0; k < 50000; ++k) values.push_back(k % 977);
  const std::string bytes = model_with_attribute(field_bytes(1, "big") + field_varint(20, 7) + packed_ints(values));
  const std::filesystem::path file = std::filesystem::temp_directory_path() / "onnxfn_wire_lift_test.onnx";
  std::ofstream(file, std::ios::binary) << bytes;
  const Model streamed = load_model(file);
  std::filesystem::remove(file);
  expect_same_attributes(streamed, load_model_from_bytes(bytes, {}, kWhole), "streamed");
  EXPECT_EQ(streamed.graph.nodes[0].attribute("big")->ints16.size(), values.size());  // all in [0, 65535]
}

// Runs of one field per value (onnx.proto's lists are not packed) are decoded in the stream's
// buffer until a value crosses the end of a block; streamed from a file in 128 KiB blocks and from
// one buffer, they must come out as protobuf reads them: multi-byte and ten-byte (negative)
// varints, a list that turns int64 midway, a new string in the middle of a dictionary run, strings
// longer than 16 bytes.
TEST(WireLift, unpacked_runs_across_stream_blocks_keep_their_values) {
  std::string ints = field_bytes(1, "ints") + field_varint(20, 7), floats = field_bytes(1, "floats") + field_varint(20, 6),
              wide = field_bytes(1, "wide") + field_varint(20, 7), strings = field_bytes(1, "strings") + field_varint(20, 8);
  std::vector<int64_t> int_values;
  for (int k = 0; k < 60000; ++k) {
    const int64_t v = k % 5 == 0 ? -k : int64_t{k} * 37;  // negatives take ten bytes
    int_values.push_back(v);
    ints += field_varint(8, static_cast<uint64_t>(v));
    wide += field_varint(8, static_cast<uint64_t>(k == 40000 ? int64_t{1} << 40 : v));
    const float f = static_cast<float>(k) * 0.25f - 7.0f;
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    floats += tag(7, 5) + std::string(reinterpret_cast<const char*>(&bits), 4);
    const char* mode = k == 30000 ? "BRANCH_GTE" : k % 3 == 0 ? "LEAF" : k % 7 == 0 ? "A_MODE_NAME_LONGER_THAN_16" : "BRANCH_LEQ";
    strings += field_bytes(9, mode);
  }
  onnx::ModelProto m = minimal_model_proto();
  m.mutable_graph()->clear_node();
  const std::string node = field_bytes(1, "X") + field_bytes(2, "Y") + field_bytes(3, "id") + field_bytes(4, "Identity") +
                           field_bytes(5, ints) + field_bytes(5, floats) + field_bytes(5, wide) + field_bytes(5, strings);
  const std::string bytes = m.SerializeAsString() + field_bytes(7, field_bytes(1, node));
  ASSERT_GT(bytes.size(), size_t{1} << 20);  // several of the loader's 128 KiB blocks
  const std::filesystem::path file = std::filesystem::temp_directory_path() / "onnxfn_wire_lift_runs_test.onnx";
  std::ofstream(file, std::ios::binary) << bytes;
  const Model streamed = load_model(file);
  std::filesystem::remove(file);
  const Model whole = load_model_from_bytes(bytes, {}, kWhole);
  expect_same_attributes(streamed, whole, "streamed runs");
  expect_same_attributes(load_model_from_bytes(bytes, {}), whole, "runs in one buffer");
  const Node& n = streamed.graph.nodes[0];
  EXPECT_EQ(n.attribute("ints")->ints32.size(), int_values.size());
  EXPECT_EQ(n.find_ints("ints"), int_values);
  EXPECT_TRUE(n.attribute("wide")->ints32.empty());
  EXPECT_EQ(n.attribute("strings")->string_dict.size(), 4u);

  // An eleven-byte varint inside a run is refused, not decoded.
  std::string bad = field_bytes(1, "ints") + field_varint(20, 7);
  for (int k = 0; k < 3000; ++k) bad += field_varint(8, 300);
  bad += tag(8, 0) + std::string(10, '\xff') + std::string(1, '\x01');
  for (int k = 0; k < 20; ++k) bad += field_varint(8, 5);
  try {
    load_model_from_bytes(model_with_attribute(bad), {});
    ADD_FAILURE() << "an eleven-byte varint was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadModel) << e.what();
  }
}

}  // namespace
}  // namespace onnxfn
