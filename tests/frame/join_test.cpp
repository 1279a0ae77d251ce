// join: inner and left hash joins, multi-column keys, nulls, duplicates and name clashes.
#include <gtest/gtest.h>

#include <cmath>

#include "frame/frame_ops.h"
#include "frame_test_util.h"

namespace onnxfn {
namespace {

using testing::expect_bad_input;

Frame items() {
  return Frame({{"id", Column::int64({1, 2, 3, std::nullopt})}, {"name", Column::string({"pen", "ink", "pad", "?"})}});
}
Frame offers() {
  return Frame({{"id", Column::int64({2, 1, 2, std::nullopt, 9})},
                {"shop", Column::string({"A", "B", "C", "D", "E"})},
                {"name", Column::string({"x", "y", "z", "w", "v"})}});
}

TEST(Join, inner_join_keeps_left_order_and_each_rows_matches_in_right_order) {
  const Frame j = join(items(), offers(), {.left_on = {"id"}});
  EXPECT_EQ(j.names(), (std::vector<std::string>{"id", "name", "shop", "name_right"}));
  EXPECT_TRUE(j.column("id").equals(Column::int64({1, 2, 2})));
  EXPECT_TRUE(j.column("name").equals(Column::string({"pen", "ink", "ink"})));
  EXPECT_TRUE(j.column("shop").equals(Column::string({"B", "A", "C"})));
  EXPECT_TRUE(j.column("name_right").equals(Column::string({"y", "x", "z"})));
}

TEST(Join, left_join_keeps_unmatched_left_rows_with_nulls_and_null_keys_never_match) {
  const Frame j = join(items(), offers(), {.kind = JoinKind::Left, .left_on = {"id"}, .right_suffix = "_offer"});
  EXPECT_TRUE(j.column("id").equals(Column::int64({1, 2, 2, 3, std::nullopt})));
  EXPECT_TRUE(j.column("shop").equals(Column::string({"B", "A", "C", std::nullopt, std::nullopt})));
  EXPECT_TRUE(j.column("name_offer").equals(Column::string({"y", "x", "z", std::nullopt, std::nullopt})));
}

TEST(Join, joins_on_several_keys_with_different_names) {
  const Frame left({{"a", Column::string({"x", "x", "y"})}, {"b", Column::int64({1, 2, 1})}});
  const Frame right({{"k1", Column::string({"x", "y", "x"})}, {"k2", Column::int64({2, 1, 1})}, {"v", Column::float64({0.5, 1.5, 2.5})}});
  const Frame j = join(left, right, {.left_on = {"a", "b"}, .right_on = {"k1", "k2"}});
  EXPECT_EQ(j.names(), (std::vector<std::string>{"a", "b", "v"}));
  EXPECT_TRUE(j.column("v").equals(Column::float64({2.5, 0.5, 1.5})));
}

TEST(Join, float_keys_match_by_value_including_nan_and_signed_zero) {
  const Frame left({{"k", Column::float64({std::nan(""), -0.0, 1.0})}});
  const Frame right({{"k", Column::float64({0.0, std::nan("")})}, {"v", Column::int64({10, 20})}});
  const Frame j = join(left, right, {.left_on = {"k"}});
  EXPECT_TRUE(j.column("v").equals(Column::int64({20, 10})));
}

TEST(Join, unicode_string_keys_match_exactly) {
  const Frame left({{"k", Column::string({"café", "cafe", "日本"})}});
  const Frame right({{"k", Column::string({"日本", "café"})}, {"v", Column::int64({1, 2})}});
  const Frame j = join(left, right, {.left_on = {"k"}});
  EXPECT_TRUE(j.column("k").equals(Column::string({"café", "日本"})));
  EXPECT_TRUE(j.column("v").equals(Column::int64({2, 1})));
}

TEST(Join, empty_sides_give_empty_or_all_null_results) {
  const Frame empty_offers = offers().slice(0, 0);
  EXPECT_EQ(join(items(), empty_offers, {.left_on = {"id"}}).num_rows(), 0u);
  const Frame left = join(items(), empty_offers, {.kind = JoinKind::Left, .left_on = {"id"}});
  EXPECT_EQ(left.num_rows(), 4u);
  EXPECT_EQ(left.column("shop").null_count(), 4u);
  EXPECT_EQ(join(items().slice(0, 0), offers(), {.left_on = {"id"}}).num_rows(), 0u);
}

TEST(Join, matches_many_to_many_on_a_large_input) {
  Column lk(ColumnType::Int64), rk(ColumnType::Int64);
  for (int i = 0; i < 10000; ++i) lk.append_int64(i % 100);
  for (int i = 0; i < 300; ++i) rk.append_int64(i % 150);
  const Frame j = join(Frame({{"k", std::move(lk)}}), Frame({{"k", std::move(rk)}}), {.left_on = {"k"}});
  EXPECT_EQ(j.num_rows(), 10000u * 2);  // every left key 0..99 appears twice on the right
}

TEST(Join, rejects_mismatched_key_types_missing_keys_and_name_clashes) {
  const Frame strings({{"id", Column::string({"1"})}});
  expect_bad_input([&] { join(items(), strings, {.left_on = {"id"}}); },
                   {"join: key 'id' is int64 on the left but 'id' is string on the right"});
  expect_bad_input([] { join(items(), offers(), {.left_on = {"nope"}}); }, {"join (left frame): no column 'nope'"});
  expect_bad_input([] { join(items(), offers(), {.left_on = {"id"}, .right_on = {"id", "shop"}}); }, {"1 left key columns but 2"});
  expect_bad_input([] { join(items(), offers(), {}); }, {"join: no key columns"});
  const Frame clash({{"id", Column::int64({1})}, {"name", Column::string({"q"})}, {"name_right", Column::string({"r"})}});
  expect_bad_input([&] { join(clash, offers(), {.left_on = {"id"}}); }, {"right column 'name' would be named 'name_right'"});
}

}  // namespace
}  // namespace onnxfn
