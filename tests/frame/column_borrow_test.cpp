// Columns that borrow the caller's buffer (Column::borrow_*, the Python package's no-copy inputs):
// they read in place, every read path sees the borrowed values, and building on one copies first
// so the caller's memory is never written.
#include <gtest/gtest.h>

#include <vector>

#include "frame/column.h"

namespace onnxfn {
namespace {

TEST(ColumnBorrow, ReadsTheCallersBufferInPlace) {
  const std::vector<double> values = {1.5, -2.0, 3.25};
  const Column c = Column::borrow_float64(values);
  EXPECT_TRUE(c.is_borrowed());
  EXPECT_EQ(c.size(), 3u);
  EXPECT_FALSE(c.has_nulls());
  EXPECT_EQ(c.float64_values().data(), values.data());
  EXPECT_EQ(*c.float64_at(2), 3.25);
  const Column copy = c;  // copies share the borrowed buffer
  EXPECT_EQ(copy.float64_values().data(), values.data());
}

TEST(ColumnBorrow, SliceTakeAndEqualsSeeTheBorrowedValues) {
  const std::vector<int64_t> values = {10, 20, 30, 40};
  const Column c = Column::borrow_int64(values);
  EXPECT_TRUE(c.equals(Column::from_int64({10, 20, 30, 40})));
  EXPECT_FALSE(c.equals(Column::from_int64({10, 20, 30, 41})));
  const Column s = c.slice(1, 2);
  EXPECT_FALSE(s.is_borrowed());
  EXPECT_TRUE(s.equals(Column::from_int64({20, 30})));
  const std::vector<size_t> rows = {3, Column::kNullRow, 0};
  EXPECT_TRUE(c.take(rows).equals(Column::int64({40, std::nullopt, 10})));
  Column appended(ColumnType::Int64);
  appended.append_from(c, 2);
  appended.append_column(c);
  EXPECT_TRUE(appended.equals(Column::from_int64({30, 10, 20, 30, 40})));
}

TEST(ColumnBorrow, AppendingCopiesFirstAndLeavesTheCallersBufferAlone) {
  std::vector<double> values = {1.0, 2.0};
  Column c = Column::borrow_float64(values);
  c.append_float64(3.0);
  EXPECT_FALSE(c.is_borrowed());
  EXPECT_NE(c.float64_values().data(), values.data());
  EXPECT_TRUE(c.equals(Column::from_float64({1.0, 2.0, 3.0})));
  EXPECT_EQ(values, (std::vector<double>{1.0, 2.0}));
  Column n = Column::borrow_float64(values);
  n.append_null();
  EXPECT_TRUE(n.equals(Column::float64({1.0, 2.0, std::nullopt})));
  values[0] = 9.0;  // the owned copy no longer follows the caller's buffer
  EXPECT_EQ(n.float64_values()[0], 1.0);
}

}  // namespace
}  // namespace onnxfn
