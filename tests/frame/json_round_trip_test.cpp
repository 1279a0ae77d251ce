// Property: write_json then read_json with the frame's schema gives back the same frame, for
// random frames (fixed seed), in both layouts and with nulls written or left out.
#include <gtest/gtest.h>

#include "frame/frame_ops.h"
#include "frame/json_frame_reader.h"
#include "frame/json_frame_writer.h"
#include "frame_test_util.h"

namespace onnxfn {
namespace {

using testing::describe;
using testing::random_frame;

TEST(JsonRoundTrip, random_frames_survive_lines_and_arrays) {
  std::mt19937_64 rng(424242);
  for (int i = 0; i < 500; ++i) {
    const Frame f = random_frame(rng);
    for (JsonLayout layout : {JsonLayout::Lines, JsonLayout::Array}) {
      const std::string text = write_json(f, {.layout = layout});
      const Frame back = read_json(text, "rt.json", {.schema = f.schema()});
      // A frame with no rows writes no keys: its columns come back from the schema alone.
      ASSERT_TRUE(back.equals(f)) << "case " << i << "\n" << text << "\nexpected:\n" << describe(f) << "got:\n" << describe(back);
    }
  }
}

TEST(JsonRoundTrip, random_frames_survive_with_nulls_left_out) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 300; ++i) {
    const Frame f = random_frame(rng, {.max_rows = 30, .max_columns = 5, .null_rate = 0.4});
    const std::string text = write_json(f, {.write_nulls = false});
    // Leaving nulls out can change the order keys are first seen in: compare by name.
    const Frame back = select(read_json(text, "rt.jsonl", {.schema = f.schema()}), f.names());
    ASSERT_TRUE(back.equals(f)) << "case " << i << "\n" << text << "\nexpected:\n" << describe(f) << "got:\n" << describe(back);
  }
}

TEST(JsonRoundTrip, a_utf8_byte_order_mark_is_skipped_in_both_layouts) {
  std::mt19937_64 rng(2718);
  for (int i = 0; i < 300; ++i) {
    const Frame f = random_frame(rng);
    for (JsonLayout layout : {JsonLayout::Lines, JsonLayout::Array}) {
      const std::string text = "\xEF\xBB\xBF" + write_json(f, {.layout = layout});
      const Frame back = read_json(text, "bom.json", {.schema = f.schema()});
      ASSERT_TRUE(back.equals(f)) << "case " << i << "\n" << text << "\nexpected:\n" << describe(f) << "got:\n" << describe(back);
    }
  }
}

TEST(JsonRoundTrip, string_columns_keep_text_that_looks_like_other_types) {
  // Strings such as "1", "true", "null" or "nan" are quoted in JSON, so inference (no schema)
  // must still give string columns with the exact text.
  std::mt19937_64 rng(1618);
  for (int i = 0; i < 300; ++i) {
    Frame f;
    const size_t rows = 1 + rng() % 20;
    Column c = testing::random_column(rng, ColumnType::String, rows, 0.2);
    if (c.null_count() == rows) continue;
    f.add_column("s", std::move(c));
    const Frame back = read_json(write_json(f), "rt.jsonl");
    ASSERT_TRUE(back.equals(f)) << "case " << i << "\n" << describe(f) << "got:\n" << describe(back);
  }
}

TEST(JsonRoundTrip, inference_recovers_types_of_columns_without_strings) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 200; ++i) {
    Frame f;
    const size_t rows = 1 + rng() % 30;
    f.add_column("i", testing::random_column(rng, ColumnType::Int64, rows, 0.2));
    f.add_column("f", testing::random_column(rng, ColumnType::Float64, rows, 0.2));
    f.add_column("b", testing::random_column(rng, ColumnType::Bool, rows, 0.2));
    const Frame back = read_json(write_json(f), "rt.jsonl");
    for (size_t c = 0; c < f.num_columns(); ++c) {
      if (f.column(c).null_count() == rows) continue;  // an all-null column infers as string
      ASSERT_TRUE(back.column(c).equals(f.column(c))) << "case " << i << " column " << f.name(c) << "\n" << describe(f)
                                                      << "got:\n" << describe(back);
    }
  }
}

}  // namespace
}  // namespace onnxfn
