// select, rename and cast: column reshaping and type conversion with its errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "frame/frame_ops.h"
#include "frame_test_util.h"

namespace onnxfn {
namespace {

using testing::expect_bad_input;

Frame sample() {
  return Frame({{"id", Column::int64({1, 2, std::nullopt})},
                {"name", Column::string({"a", "b", "c"})},
                {"score", Column::float64({0.5, 2.0, std::nullopt})}});
}

TEST(Select, picks_columns_in_the_given_order) {
  const Frame f = select(sample(), {"score", "id"});
  EXPECT_EQ(f.names(), (std::vector<std::string>{"score", "id"}));
  EXPECT_TRUE(f.column("id").equals(sample().column("id")));
  EXPECT_EQ(select(sample(), {}).num_columns(), 0u);
}

TEST(Select, rejects_missing_and_repeated_columns) {
  expect_bad_input([] { select(sample(), {"id", "nope"}); }, {"no column 'nope'"});
  expect_bad_input([] { select(sample(), {"id", "id"}); }, {"select: column 'id' is selected twice"});
}

TEST(Rename, renames_in_sequence_and_rejects_clashes) {
  const Frame f = rename(sample(), {{"id", "key"}, {"name", "id"}});
  EXPECT_EQ(f.names(), (std::vector<std::string>{"key", "id", "score"}));
  expect_bad_input([] { rename(sample(), {{"id", "name"}}); }, {"cannot rename column 'id' to 'name'"});
  expect_bad_input([] { rename(sample(), {{"missing", "x"}}); }, {"no column 'missing'"});
}

TEST(Cast, converts_numbers_both_ways_keeping_nulls) {
  EXPECT_TRUE(cast(Column::int64({1, std::nullopt, -3}), ColumnType::Float64, "c").equals(Column::float64({1.0, std::nullopt, -3.0})));
  EXPECT_TRUE(cast(Column::float64({2.0, -0.0, std::nullopt}), ColumnType::Int64, "c").equals(Column::int64({2, 0, std::nullopt})));
}

TEST(Cast, converts_to_and_from_strings_and_bools) {
  EXPECT_TRUE(cast(Column::float64({1.0, 0.25, std::nan("")}), ColumnType::String, "c").equals(Column::string({"1.0", "0.25", "nan"})));
  EXPECT_TRUE(cast(Column::boolean({true, std::nullopt}), ColumnType::String, "c").equals(Column::string({"true", std::nullopt})));
  EXPECT_TRUE(cast(Column::string({" 12", "-3"}), ColumnType::Int64, "c").equals(Column::int64({12, -3})));
  EXPECT_TRUE(cast(Column::string({"1e2", "inf"}), ColumnType::Float64, "c").equals(Column::float64({100.0, INFINITY})));
  EXPECT_TRUE(cast(Column::string({"TRUE", "0"}), ColumnType::Bool, "c").equals(Column::boolean({true, false})));
  EXPECT_TRUE(cast(Column::boolean({true, false}), ColumnType::Int64, "c").equals(Column::int64({1, 0})));
  EXPECT_TRUE(cast(Column::boolean({true, false}), ColumnType::Float64, "c").equals(Column::float64({1.0, 0.0})));
  EXPECT_TRUE(cast(Column::int64({0, 1}), ColumnType::Bool, "c").equals(Column::boolean({false, true})));
  EXPECT_TRUE(cast(Column::float64({1.0}), ColumnType::Bool, "c").equals(Column::boolean({true})));
}

TEST(Cast, same_type_is_a_copy) {
  EXPECT_TRUE(cast(Column::string({"x"}), ColumnType::String, "c").equals(Column::string({"x"})));
}

TEST(Cast, errors_name_column_row_value_and_reason) {
  expect_bad_input([] { cast(Column::float64({1.0, 2.5}), ColumnType::Int64, "price"); },
                   {"cast: column 'price', row 1: cannot convert float64 '2.5' to int64 (not an integer in the int64 range)"});
  expect_bad_input([] { cast(Column::float64({1e300}), ColumnType::Int64, "p"); }, {"row 0", "1e+300"});
  expect_bad_input([] { cast(Column::float64({std::nan("")}), ColumnType::Int64, "p"); }, {"'nan'"});
  expect_bad_input([] { cast(Column::int64({0, 2}), ColumnType::Bool, "flag"); },
                   {"column 'flag', row 1: cannot convert int64 '2' to bool (only 0 and 1 are booleans)"});
  expect_bad_input([] { cast(Column::string({"7", "seven"}), ColumnType::Int64, "n"); },
                   {"column 'n', row 1: cannot convert string 'seven' to int64"});
  expect_bad_input([] { cast(Column::string({"yes"}), ColumnType::Bool, "b"); }, {"expected true, false, 1 or 0"});
  expect_bad_input([] { cast(Column::string({"x"}), ColumnType::Float64, "f"); }, {"'x' to float64 (not a number)"});
}

TEST(Cast, frame_cast_replaces_the_column_in_place) {
  const Frame f = cast(sample(), "id", ColumnType::String);
  EXPECT_EQ(f.names(), sample().names());
  EXPECT_TRUE(f.column("id").equals(Column::string({"1", "2", std::nullopt})));
  expect_bad_input([] { cast(sample(), "nope", ColumnType::String); }, {"no column 'nope'"});
}

}  // namespace
}  // namespace onnxfn
