// sort, top_k_per_group and distinct: stable ordering with nulls last, per-group ranking and
// de-duplication.
#include <gtest/gtest.h>

#include <cmath>

#include "frame/frame_ops.h"
#include "frame_test_util.h"

namespace onnxfn {
namespace {

using testing::expect_bad_input;

TEST(Sort, sorts_ascending_with_nulls_last_and_stable_ties) {
  const Frame f({{"k", Column::int64({3, std::nullopt, 1, 3, 2})}, {"tag", Column::string({"a", "b", "c", "d", "e"})}});
  const Frame s = sort(f, {{"k"}});
  EXPECT_TRUE(s.column("k").equals(Column::int64({1, 2, 3, 3, std::nullopt})));
  EXPECT_TRUE(s.column("tag").equals(Column::string({"c", "e", "a", "d", "b"})));
}

TEST(Sort, sorts_descending_still_with_nulls_last) {
  const Frame f({{"k", Column::int64({std::nullopt, 1, 3, 2})}});
  EXPECT_TRUE(sort(f, {{"k", SortOrder::Descending}}).column("k").equals(Column::int64({3, 2, 1, std::nullopt})));
}

TEST(Sort, puts_nan_after_numbers_and_before_nulls_in_both_orders) {
  const Frame f({{"x", Column::float64({std::nullopt, std::nan(""), 2.0, -INFINITY, 1.0})}});
  const auto asc = sort(f, {{"x"}}).column("x");
  EXPECT_TRUE(asc.equals(Column::float64({-INFINITY, 1.0, 2.0, std::nan(""), std::nullopt})));
  const auto desc = sort(f, {{"x", SortOrder::Descending}}).column("x");
  EXPECT_TRUE(desc.equals(Column::float64({2.0, 1.0, -INFINITY, std::nan(""), std::nullopt})));
}

TEST(Sort, sorts_by_several_keys_with_mixed_directions) {
  const Frame f({{"g", Column::string({"b", "a", "b", "a"})},
                 {"v", Column::float64({1.0, 2.0, 3.0, 1.0})},
                 {"ok", Column::boolean({true, false, false, true})}});
  const Frame s = sort(f, {{"g"}, {"v", SortOrder::Descending}});
  EXPECT_TRUE(s.column("g").equals(Column::string({"a", "a", "b", "b"})));
  EXPECT_TRUE(s.column("v").equals(Column::float64({2.0, 1.0, 3.0, 1.0})));
  EXPECT_EQ(sort_indices(f, {{"ok"}, {"g"}}), (std::vector<size_t>{1, 2, 3, 0}));
}

TEST(Sort, orders_unicode_strings_by_code_point) {
  const Frame f({{"s", Column::string({"é", "z", "", "A", "日"})}});
  EXPECT_TRUE(sort(f, {{"s"}}).column("s").equals(Column::string({"", "A", "z", "é", "日"})));
}

TEST(Sort, handles_empty_frames_and_rejects_missing_columns) {
  const Frame empty({{"k", Column(ColumnType::Int64)}});
  EXPECT_EQ(sort(empty, {{"k"}}).num_rows(), 0u);
  expect_bad_input([&] { sort(empty, {{"nope"}}); }, {"sort: no column 'nope'"});
}

TEST(Sort, is_stable_on_a_large_input) {
  Column k(ColumnType::Int64), pos(ColumnType::Int64);
  for (int i = 0; i < 5000; ++i) {
    k.append_int64((i * 7919) % 10);
    pos.append_int64(i);
  }
  const Frame s = sort(Frame({{"k", std::move(k)}, {"pos", std::move(pos)}}), {{"k"}});
  const auto kv = s.column("k").int64_values();
  const auto pv = s.column("pos").int64_values();
  for (size_t i = 1; i < kv.size(); ++i) {
    ASSERT_LE(kv[i - 1], kv[i]);
    if (kv[i - 1] == kv[i]) {
      ASSERT_LT(pv[i - 1], pv[i]);
    }
  }
}

Frame scores() {
  return Frame({{"user", Column::string({"u1", "u2", "u1", "u1", "u2", std::nullopt})},
                {"item", Column::string({"a", "b", "c", "d", "e", "f"})},
                {"score", Column::float64({0.5, 0.9, 0.7, std::nullopt, 0.9, 0.1})}});
}

TEST(TopK, keeps_the_k_best_rows_per_group_in_rank_order) {
  const Frame t = top_k_per_group(scores(), {"user"}, {{"score", SortOrder::Descending}}, 2);
  EXPECT_TRUE(t.column("user").equals(Column::string({"u1", "u1", "u2", "u2", std::nullopt})));
  EXPECT_TRUE(t.column("item").equals(Column::string({"c", "a", "b", "e", "f"})));  // ties keep input order
}

TEST(TopK, ranks_nulls_last_and_handles_k_zero_and_large_k) {
  const Frame t = top_k_per_group(scores(), {"user"}, {{"score"}}, 10);
  EXPECT_TRUE(t.column("item").equals(Column::string({"a", "c", "d", "b", "e", "f"})));
  EXPECT_EQ(top_k_per_group(scores(), {"user"}, {{"score"}}, 0).num_rows(), 0u);
}

TEST(TopK, without_group_keys_ranks_the_whole_frame) {
  const Frame t = top_k_per_group(scores(), {}, {{"score", SortOrder::Descending}, {"item", SortOrder::Descending}}, 3);
  EXPECT_TRUE(t.column("item").equals(Column::string({"e", "b", "c"})));
}

TEST(TopK, rejects_missing_columns) {
  expect_bad_input([] { top_k_per_group(scores(), {"nope"}, {{"score"}}, 1); }, {"top_k_per_group: no column 'nope'"});
  expect_bad_input([] { top_k_per_group(scores(), {"user"}, {{"nope"}}, 1); }, {"top_k_per_group: no column 'nope'"});
}

TEST(Distinct, keeps_the_first_row_of_each_combination) {
  const Frame f({{"a", Column::string({"x", "y", "x", std::nullopt, std::nullopt, "x"})},
                 {"b", Column::int64({1, 1, 1, 2, 2, 2})},
                 {"pos", Column::int64({0, 1, 2, 3, 4, 5})}});
  const Frame d = distinct(f, {"a", "b"});
  EXPECT_TRUE(d.column("pos").equals(Column::int64({0, 1, 3, 5})));
  EXPECT_EQ(distinct(f).num_rows(), 6u);  // pos makes every row distinct
  EXPECT_TRUE(distinct(f, {"a"}).column("pos").equals(Column::int64({0, 1, 3})));
}

TEST(Distinct, treats_nan_as_equal_and_handles_empty_frames) {
  const Frame f({{"x", Column::float64({std::nan(""), 1.0, std::nan(""), -0.0, 0.0})}});
  EXPECT_TRUE(distinct(f).column("x").equals(Column::float64({std::nan(""), 1.0, -0.0})));
  EXPECT_EQ(distinct(f.slice(0, 0)).num_rows(), 0u);
  expect_bad_input([&] { distinct(f, {"nope"}); }, {"distinct: no column 'nope'"});
}

}  // namespace
}  // namespace onnxfn
