// Frame: named columns, row count, lookup, renaming and row slicing / taking.
#include <gtest/gtest.h>

#include "frame/frame.h"
#include "frame_test_util.h"

namespace onnxfn {
namespace {

using testing::expect_bad_input;

Frame sample() {
  return Frame({{"id", Column::int64({1, 2, 3})}, {"name", Column::string({"a", std::nullopt, "c"})}});
}

TEST(Frame, has_named_columns_and_a_row_count) {
  const Frame f = sample();
  EXPECT_EQ(f.num_rows(), 3u);
  EXPECT_EQ(f.num_columns(), 2u);
  EXPECT_EQ(f.names(), (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(f.column("name").string_value(2), "c");
  EXPECT_EQ(&f.column(1), &f.column("name"));
  EXPECT_EQ(f.index_of("name"), 1u);
  EXPECT_EQ(f.find("nope"), nullptr);
  EXPECT_EQ(f.schema(), (Schema{{"id", ColumnType::Int64}, {"name", ColumnType::String}}));
}

TEST(Frame, missing_column_error_lists_the_columns) {
  const Frame f = sample();
  expect_bad_input([&] { (void)f.column("price"); }, {"no column 'price'", "'id', 'name'"});
}

TEST(Frame, rejects_duplicate_names_and_unequal_lengths) {
  Frame f = sample();
  expect_bad_input([&] { f.add_column("id", Column::int64({1, 2, 3})); }, {"column 'id' appears twice"});
  expect_bad_input([&] { f.add_column("x", Column::int64({1})); }, {"column 'x' has 1 rows, the frame has 3"});
  expect_bad_input([&] { f.replace_column("id", Column::int64({1})); }, {"column 'id' has 1 rows"});
}

TEST(Frame, rename_remove_and_replace_keep_the_name_index_right) {
  Frame f = sample();
  f.add_column("score", Column::float64({1.0, 2.0, 3.0}));
  f.rename_column("id", "key");
  EXPECT_EQ(f.column("key").int64_values()[2], 3);
  EXPECT_FALSE(f.has_column("id"));
  expect_bad_input([&] { f.rename_column("key", "name"); }, {"a column with that name exists"});
  const Column removed = f.remove_column("name");
  EXPECT_EQ(removed.string_value(0), "a");
  EXPECT_EQ(f.index_of("score"), 1u);
  EXPECT_EQ(f.column("score").float64_values()[1], 2.0);
  f.replace_column("score", Column::float64({9.0, 8.0, 7.0}));
  EXPECT_EQ(f.column(1).float64_values()[0], 9.0);
  expect_bad_input([&] { f.remove_column("name"); }, {"no column 'name'"});
}

TEST(Frame, slice_clips_at_the_end) {
  const Frame f = sample();
  const Frame s = f.slice(1, 5);
  EXPECT_EQ(s.num_rows(), 2u);
  EXPECT_TRUE(s.column("name").is_null(0));
  EXPECT_EQ(f.slice(3, 2).num_rows(), 0u);
  EXPECT_EQ(f.slice(3, 2).num_columns(), 2u);
}

TEST(Frame, take_picks_rows_with_kNullRow_as_nulls) {
  const Frame f = sample();
  const Frame t = f.take(std::vector<size_t>{2, Column::kNullRow, 0});
  EXPECT_TRUE(t.column("id").equals(Column::int64({3, std::nullopt, 1})));
  EXPECT_TRUE(t.column("name").equals(Column::string({"c", std::nullopt, "a"})));
}

TEST(Frame, equals_compares_names_order_and_values) {
  EXPECT_TRUE(sample().equals(sample()));
  Frame other = sample();
  other.rename_column("name", "label");
  EXPECT_FALSE(sample().equals(other));
  EXPECT_TRUE(Frame().equals(Frame()));
}

TEST(Frame, empty_frame_takes_its_row_count_from_the_first_column) {
  Frame f;
  EXPECT_EQ(f.num_rows(), 0u);
  f.add_column("a", Column::boolean({true, false}));
  EXPECT_EQ(f.num_rows(), 2u);
}

}  // namespace
}  // namespace onnxfn
