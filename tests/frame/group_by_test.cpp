// group_by: groups in first-appearance order, null and NaN keys, and every aggregate.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "frame/frame_ops.h"
#include "frame_test_util.h"

namespace onnxfn {
namespace {

using testing::expect_bad_input;

Frame sales() {
  return Frame({{"shop", Column::string({"b", "a", "b", std::nullopt, "a", "b"})},
                {"qty", Column::int64({3, 1, std::nullopt, 7, 4, 5})},
                {"price", Column::float64({1.5, std::nan(""), 2.5, 1.0, 0.5, std::nullopt})},
                {"item", Column::string({"x", "y", "z", "w", std::nullopt, "é"})}});
}

TEST(GroupBy, groups_in_first_appearance_order_with_a_null_group) {
  const Frame g = group_by(sales(), {"shop"}, {{AggregateKind::Count}});
  EXPECT_TRUE(g.column("shop").equals(Column::string({"b", "a", std::nullopt})));
  EXPECT_TRUE(g.column("count").equals(Column::int64({3, 2, 1})));
}

TEST(GroupBy, count_sum_mean_skip_nulls) {
  const Frame g = group_by(sales(), {"shop"},
                           {{AggregateKind::Count, "qty"}, {AggregateKind::Sum, "qty"}, {AggregateKind::Mean, "qty"}, {AggregateKind::Sum, "price"}});
  EXPECT_EQ(g.names(), (std::vector<std::string>{"shop", "qty_count", "qty_sum", "qty_mean", "price_sum"}));
  EXPECT_TRUE(g.column("qty_count").equals(Column::int64({2, 2, 1})));
  EXPECT_TRUE(g.column("qty_sum").equals(Column::int64({8, 5, 7})));
  EXPECT_TRUE(g.column("qty_mean").equals(Column::float64({4.0, 2.5, 7.0})));
  const auto price_sum = g.column("price_sum").float64_values();
  EXPECT_EQ(price_sum[0], 4.0);
  EXPECT_TRUE(std::isnan(price_sum[1]));  // NaN is a value: it propagates through a sum
}

TEST(GroupBy, min_max_skip_nan_and_first_takes_the_first_non_null) {
  const Frame g = group_by(sales(), {"shop"},
                           {{AggregateKind::Min, "price"}, {AggregateKind::Max, "price"}, {AggregateKind::First, "item"},
                            {AggregateKind::Max, "item"}, {AggregateKind::Min, "qty"}});
  EXPECT_TRUE(g.column("price_min").equals(Column::float64({1.5, 0.5, 1.0})));
  EXPECT_TRUE(g.column("price_max").equals(Column::float64({2.5, 0.5, 1.0})));
  EXPECT_TRUE(g.column("item_first").equals(Column::string({"x", "y", "w"})));
  EXPECT_TRUE(g.column("item_max").equals(Column::string({"é", "y", "w"})));  // bytes: 'é' (0xC3..) > 'z'
  EXPECT_TRUE(g.column("qty_min").equals(Column::int64({3, 1, 7})));
}

TEST(GroupBy, collect_joins_values_as_text_with_the_separator) {
  const Frame g = group_by(sales(), {"shop"},
                           {{AggregateKind::Collect, "item", "items", "|"}, {AggregateKind::Collect, "qty"}, {AggregateKind::Collect, "price"}});
  EXPECT_TRUE(g.column("items").equals(Column::string({"x|z|é", "y", "w"})));
  EXPECT_TRUE(g.column("qty_collect").equals(Column::string({"3,5", "1,4", "7"})));
  EXPECT_TRUE(g.column("price_collect").equals(Column::string({"1.5,2.5", "nan,0.5", "1.0"})));
}

TEST(GroupBy, groups_with_no_values_give_null_aggregates_and_empty_collect) {
  const Frame f({{"k", Column::int64({1, 1, 2})}, {"v", Column::float64({std::nullopt, std::nullopt, 3.0})}});
  const Frame g = group_by(f, {"k"},
                           {{AggregateKind::Sum, "v"}, {AggregateKind::Mean, "v"}, {AggregateKind::Max, "v"}, {AggregateKind::First, "v"},
                            {AggregateKind::Count, "v"}, {AggregateKind::Collect, "v"}});
  EXPECT_TRUE(g.column("v_sum").equals(Column::float64({std::nullopt, 3.0})));
  EXPECT_TRUE(g.column("v_mean").equals(Column::float64({std::nullopt, 3.0})));
  EXPECT_TRUE(g.column("v_max").equals(Column::float64({std::nullopt, 3.0})));
  EXPECT_TRUE(g.column("v_first").equals(Column::float64({std::nullopt, 3.0})));
  EXPECT_TRUE(g.column("v_count").equals(Column::int64({0, 1})));
  EXPECT_TRUE(g.column("v_collect").equals(Column::string({"", "3.0"})));
}

TEST(GroupBy, groups_on_several_keys_and_nan_keys_together) {
  const Frame f({{"a", Column::float64({std::nan(""), 1.0, std::nan(""), 1.0})},
                 {"b", Column::boolean({true, true, true, false})},
                 {"v", Column::int64({1, 2, 3, 4})}});
  const Frame g = group_by(f, {"a", "b"}, {{AggregateKind::Sum, "v", "total"}});
  EXPECT_EQ(g.num_rows(), 3u);
  EXPECT_TRUE(g.column("total").equals(Column::int64({4, 2, 4})));
  EXPECT_TRUE(g.column("b").equals(Column::boolean({true, true, false})));
}

TEST(GroupBy, sums_and_means_of_bools_count_trues) {
  const Frame f({{"k", Column::int64({1, 1, 1})}, {"b", Column::boolean({true, false, true})}});
  const Frame g = group_by(f, {"k"}, {{AggregateKind::Sum, "b"}, {AggregateKind::Mean, "b"}});
  EXPECT_TRUE(g.column("b_sum").equals(Column::int64({2})));
  EXPECT_DOUBLE_EQ(g.column("b_mean").float64_values()[0], 2.0 / 3.0);
}

TEST(GroupBy, without_keys_aggregates_the_whole_frame) {
  const Frame g = group_by(sales(), {}, {{AggregateKind::Count}, {AggregateKind::Max, "qty"}});
  EXPECT_EQ(g.num_rows(), 1u);
  EXPECT_TRUE(g.column("count").equals(Column::int64({6})));
  EXPECT_TRUE(g.column("qty_max").equals(Column::int64({7})));
  const Frame empty = group_by(sales().slice(0, 0), {}, {{AggregateKind::Count}, {AggregateKind::Sum, "qty"}});
  EXPECT_TRUE(empty.column("count").equals(Column::int64({0})));
  EXPECT_TRUE(empty.column("qty_sum").equals(Column::int64({std::nullopt})));
}

TEST(GroupBy, empty_frame_with_keys_has_no_groups) {
  const Frame g = group_by(sales().slice(0, 0), {"shop"}, {{AggregateKind::Mean, "qty"}});
  EXPECT_EQ(g.num_rows(), 0u);
  EXPECT_EQ(g.schema(), (Schema{{"shop", ColumnType::String}, {"qty_mean", ColumnType::Float64}}));
}

TEST(GroupBy, rejects_string_sums_overflow_missing_columns_and_duplicate_outputs) {
  expect_bad_input([] { group_by(sales(), {"shop"}, {{AggregateKind::Sum, "item"}}); },
                   {"group_by: cannot take the sum of string column 'item'"});
  const Frame big({{"k", Column::int64({1, 1})}, {"v", Column::int64({std::numeric_limits<int64_t>::max(), 1})}});
  expect_bad_input([&] { group_by(big, {"k"}, {{AggregateKind::Sum, "v"}}); },
                   {"sum of column 'v' overflows int64 at row 1"});
  expect_bad_input([] { group_by(sales(), {"nope"}, {}); }, {"group_by: no column 'nope'"});
  expect_bad_input([] { group_by(sales(), {"shop"}, {{AggregateKind::Max, "nope"}}); }, {"group_by: max of no column 'nope'"});
  expect_bad_input([] { group_by(sales(), {"shop"}, {{AggregateKind::Count}, {AggregateKind::Count}}); },
                   {"output column 'count' appears twice"});
  expect_bad_input([] { group_by(sales(), {"shop"}, {{AggregateKind::Min}}); }, {"min needs a column"});
}

}  // namespace
}  // namespace onnxfn
