// Column: building, null handling, typed and null-aware access, slicing, taking and equality.
#include <gtest/gtest.h>

#include <cmath>

#include "frame/column.h"
#include "frame_test_util.h"

namespace onnxfn {
namespace {

TEST(Column, builds_int64_with_nulls_reading_zero_in_null_slots) {
  const Column c = Column::int64({1, std::nullopt, -3});
  EXPECT_EQ(c.type(), ColumnType::Int64);
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.null_count(), 1u);
  EXPECT_TRUE(c.is_null(1));
  EXPECT_FALSE(c.is_null(0));
  EXPECT_EQ(c.int64_values()[0], 1);
  EXPECT_EQ(c.int64_values()[1], 0);
  EXPECT_EQ(c.int64_values()[2], -3);
  EXPECT_EQ(c.int64_at(1), std::nullopt);
  EXPECT_EQ(c.int64_at(2), -3);
}

TEST(Column, without_nulls_has_empty_validity) {
  Column c(ColumnType::Float64);
  c.append_float64(1.5);
  c.append_float64(std::nan(""));
  EXPECT_TRUE(c.validity().empty());
  EXPECT_FALSE(c.has_nulls());
  EXPECT_TRUE(std::isnan(*c.float64_at(1)));  // NaN is a value, not a null
  c.append_null();
  ASSERT_EQ(c.validity().size(), 3u);
  EXPECT_EQ(c.validity()[0], 1);
  EXPECT_EQ(c.validity()[2], 0);
}

TEST(Column, stores_strings_back_to_back_including_unicode_and_empty) {
  const Column c = Column::string({"héllo", "", std::nullopt, "日本🙂"});
  EXPECT_EQ(c.string_value(0), "héllo");
  EXPECT_EQ(c.string_at(1), std::optional<std::string_view>(""));
  EXPECT_EQ(c.string_at(2), std::nullopt);
  EXPECT_EQ(c.string_value(3), "日本🙂");
  EXPECT_EQ(c.string_chars(), "héllo日本🙂");
  ASSERT_EQ(c.string_offsets().size(), 5u);
  EXPECT_EQ(c.string_offsets()[2], c.string_offsets()[3]);  // a null takes no bytes
}

TEST(Column, bool_values_are_zero_or_one) {
  const Column c = Column::from_bool({0, 7, 1});
  EXPECT_EQ(c.bool_values()[1], 1);
  EXPECT_EQ(c.bool_at(0), false);
  EXPECT_EQ(c.bool_at(1), true);
}

TEST(Column, from_vectors_drops_all_valid_validity_and_counts_nulls) {
  const Column all_valid = Column::from_int64({1, 2}, {1, 1});
  EXPECT_TRUE(all_valid.validity().empty());
  const Column one_null = Column::from_int64({1, 2}, {1, 0});
  EXPECT_EQ(one_null.null_count(), 1u);
  EXPECT_TRUE(one_null.is_null(1));
}

TEST(Column, nulls_makes_an_all_null_column_of_any_type) {
  for (ColumnType t : {ColumnType::Int64, ColumnType::Float64, ColumnType::String, ColumnType::Bool}) {
    const Column c = Column::nulls(t, 3);
    EXPECT_EQ(c.type(), t);
    EXPECT_EQ(c.size(), 3u);
    EXPECT_EQ(c.null_count(), 3u);
  }
  EXPECT_EQ(Column::nulls(ColumnType::String, 0).size(), 0u);
}

TEST(Column, slice_clips_and_rebases_string_offsets) {
  const Column c = Column::string({"a", "bb", std::nullopt, "dddd"});
  const Column s = c.slice(1, 10);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.string_value(0), "bb");
  EXPECT_TRUE(s.is_null(1));
  EXPECT_EQ(s.string_value(2), "dddd");
  EXPECT_EQ(s.string_offsets()[0], 0u);
  EXPECT_EQ(c.slice(4, 1).size(), 0u);
  EXPECT_EQ(c.slice(9, 1).size(), 0u);
  EXPECT_FALSE(c.slice(0, 2).has_nulls());
}

TEST(Column, take_repeats_reorders_and_makes_nulls_for_kNullRow) {
  const Column c = Column::string({"x", "y", std::nullopt});
  const std::vector<size_t> rows = {2, 0, Column::kNullRow, 1, 0};
  const Column t = c.take(rows);
  ASSERT_EQ(t.size(), 5u);
  EXPECT_TRUE(t.is_null(0));
  EXPECT_EQ(t.string_value(1), "x");
  EXPECT_TRUE(t.is_null(2));
  EXPECT_EQ(t.string_value(3), "y");
  EXPECT_EQ(t.string_value(4), "x");
  EXPECT_EQ(t.null_count(), 2u);
  const Column ints = Column::int64({5, 6}).take(std::vector<size_t>{1, 1});
  EXPECT_TRUE(ints.equals(Column::int64({6, 6})));
}

TEST(Column, append_column_concatenates_values_and_nulls) {
  Column a = Column::string({"a", "b"});
  a.append_column(Column::string({std::nullopt, "c"}));
  EXPECT_TRUE(a.equals(Column::string({"a", "b", std::nullopt, "c"})));
  Column f = Column::float64({std::nullopt});
  f.append_column(Column::float64({2.0}));
  EXPECT_TRUE(f.equals(Column::float64({std::nullopt, 2.0})));
}

TEST(Column, append_from_copies_one_row_or_its_null) {
  const Column src = Column::boolean({true, std::nullopt});
  Column dst(ColumnType::Bool);
  dst.append_from(src, 1);
  dst.append_from(src, 0);
  EXPECT_TRUE(dst.equals(Column::boolean({std::nullopt, true})));
}

TEST(Column, equals_treats_nan_as_equal_and_negative_zero_as_different) {
  EXPECT_TRUE(Column::float64({std::nan(""), 1.0}).equals(Column::float64({-std::nan(""), 1.0})));
  EXPECT_FALSE(Column::float64({0.0}).equals(Column::float64({-0.0})));
  EXPECT_FALSE(Column::int64({1}).equals(Column::float64({1.0})));
  EXPECT_FALSE(Column::int64({1, std::nullopt}).equals(Column::int64({1, 0})));
}

TEST(Column, using_the_wrong_type_is_an_internal_error) {
  Column c(ColumnType::Int64);
  testing::expect_error([&] { c.append_string("x"); }, ErrorKind::Internal, {"int64 column used as string"});
  testing::expect_error([&] { (void)c.float64_values(); }, ErrorKind::Internal, {"float64"});
}

TEST(Column, type_names_round_trip) {
  for (ColumnType t : {ColumnType::Int64, ColumnType::Float64, ColumnType::String, ColumnType::Bool})
    EXPECT_EQ(parse_column_type(column_type_name(t)), t);
  EXPECT_EQ(parse_column_type("double"), ColumnType::Float64);
  EXPECT_EQ(parse_column_type("decimal"), std::nullopt);
}

}  // namespace
}  // namespace onnxfn
