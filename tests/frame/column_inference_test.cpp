// InferringColumn: the inference rule's promotions and demotions, step by step.
#include <gtest/gtest.h>

#include "frame/column_inference.h"

namespace onnxfn {
namespace {

Column infer_text(const std::vector<std::optional<std::string>>& values) {
  InferringColumn c;
  for (const auto& v : values) {
    if (v) c.add_text(*v);
    else c.add_null();
  }
  return std::move(c).finish();
}

TEST(InferringColumn, picks_the_narrowest_type_that_fits_every_value) {
  EXPECT_TRUE(infer_text({"1", std::nullopt, "-2"}).equals(Column::int64({1, std::nullopt, -2})));
  EXPECT_TRUE(infer_text({std::nullopt, "1", "2.5"}).equals(Column::float64({std::nullopt, 1.0, 2.5})));
  EXPECT_TRUE(infer_text({"true", "False"}).equals(Column::boolean({true, false})));
  EXPECT_TRUE(infer_text({"1", "true"}).equals(Column::string({"1", "true"})));
  EXPECT_TRUE(infer_text({"true", "1"}).equals(Column::string({"true", "1"})));
  EXPECT_TRUE(infer_text({std::nullopt, std::nullopt}).equals(Column::nulls(ColumnType::String, 2)));
  EXPECT_TRUE(infer_text({}).equals(Column(ColumnType::String)));
}

TEST(InferringColumn, reports_where_a_typed_column_turned_into_string) {
  InferringColumn c;
  c.add_text("1");
  c.add_text("2");
  EXPECT_EQ(c.demoted_at(), InferringColumn::kNever);
  c.add_text("x");
  EXPECT_EQ(c.demoted_at(), 2u);
  EXPECT_EQ(c.state(), InferringColumn::State::String);
  InferringColumn only_nulls_first;
  only_nulls_first.add_null();
  only_nulls_first.add_text("x");
  EXPECT_EQ(only_nulls_first.demoted_at(), InferringColumn::kNever);  // nothing typed to restore
}

TEST(InferringColumn, typed_values_promote_and_demote_with_formatted_text) {
  InferringColumn c;
  c.add_int64(1);
  c.add_float64(0.5);
  c.add_bool(true);
  c.add_null();
  c.add_string("s");
  EXPECT_TRUE(std::move(c).finish().equals(Column::string({"1.0", "0.5", "true", std::nullopt, "s"})));
  InferringColumn f;
  f.add_float64(2.5);
  f.add_int64(3);
  EXPECT_TRUE(std::move(f).finish().equals(Column::float64({2.5, 3.0})));
}

}  // namespace
}  // namespace onnxfn
