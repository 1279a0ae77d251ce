// write_json: JSON Lines and arrays, nulls, escaping and float forms.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "frame/json_frame_writer.h"

namespace onnxfn {
namespace {

Frame sample() {
  return Frame({{"id", Column::int64({1, std::nullopt})},
                {"x", Column::float64({1.0, std::nan("")})},
                {"ok", Column::boolean({true, false})},
                {"s", Column::string({"a\"b\n", "日本"})}});
}

TEST(JsonFrameWriter, writes_one_object_per_line) {
  EXPECT_EQ(write_json(sample()),
            "{\"id\":1,\"x\":1.0,\"ok\":true,\"s\":\"a\\\"b\\n\"}\n"
            "{\"id\":null,\"x\":NaN,\"ok\":false,\"s\":\"日本\"}\n");
}

TEST(JsonFrameWriter, writes_an_array_and_can_leave_nulls_out) {
  EXPECT_EQ(write_json(sample(), {.layout = JsonLayout::Array, .write_nulls = false}),
            "[{\"id\":1,\"x\":1.0,\"ok\":true,\"s\":\"a\\\"b\\n\"},{\"x\":NaN,\"ok\":false,\"s\":\"日本\"}]");
}

TEST(JsonFrameWriter, writes_infinities_extreme_ints_and_shortest_floats) {
  const Frame f({{"x", Column::float64({std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(), 0.1, 1e300})},
                 {"i", Column::int64({std::numeric_limits<int64_t>::min(), 0, -0, std::numeric_limits<int64_t>::max()})}});
  EXPECT_EQ(write_json(f),
            "{\"x\":Infinity,\"i\":-9223372036854775808}\n{\"x\":-Infinity,\"i\":0}\n{\"x\":0.1,\"i\":0}\n"
            "{\"x\":1e+300,\"i\":9223372036854775807}\n");
}

TEST(JsonFrameWriter, empty_frames_write_nothing_or_an_empty_array) {
  EXPECT_EQ(write_json(Frame()), "");
  EXPECT_EQ(write_json(Frame(), {.layout = JsonLayout::Array}), "[]");
}

}  // namespace
}  // namespace onnxfn
