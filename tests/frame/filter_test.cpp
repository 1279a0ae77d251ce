// filter and concat_rows: keeping rows by a bool mask, stacking frames.
#include <gtest/gtest.h>

#include "frame/frame_ops.h"
#include "frame_test_util.h"

namespace onnxfn {
namespace {

using testing::expect_bad_input;

Frame sample() {
  return Frame({{"name", Column::string({"a", "b", "c", "d"})},
                {"keep", Column::boolean({true, false, std::nullopt, true})}});
}

TEST(Filter, keeps_true_rows_and_drops_false_and_null) {
  const Frame f = filter(sample(), "keep");
  EXPECT_TRUE(f.column("name").equals(Column::string({"a", "d"})));
  EXPECT_EQ(true_rows(sample().column("keep")), (std::vector<size_t>{0, 3}));
}

TEST(Filter, takes_a_mask_column_from_elsewhere) {
  const Frame f = filter(sample(), Column::boolean({false, true, true, false}));
  EXPECT_TRUE(f.column("name").equals(Column::string({"b", "c"})));
}

TEST(Filter, on_an_empty_frame_gives_an_empty_frame) {
  const Frame empty({{"keep", Column(ColumnType::Bool)}});
  EXPECT_EQ(filter(empty, "keep").num_rows(), 0u);
}

TEST(Filter, rejects_non_bool_and_wrong_length_masks) {
  expect_bad_input([] { filter(sample(), "name"); }, {"filter: column 'name' is string, not bool"});
  expect_bad_input([] { filter(sample(), Column::boolean({true})); }, {"the mask has 1 rows, the frame has 4"});
}

TEST(ConcatRows, stacks_frames_with_the_same_schema) {
  const std::vector<Frame> parts = {sample().slice(0, 2), sample().slice(2, 2)};
  EXPECT_TRUE(concat_rows(parts).equals(sample()));
  EXPECT_EQ(concat_rows({}).num_columns(), 0u);
}

TEST(ConcatRows, rejects_mismatched_schemas_naming_the_frame_and_column) {
  const std::vector<Frame> parts = {sample(), Frame({{"name", Column::int64({1})}, {"keep", Column::boolean({true})}})};
  expect_bad_input([&] { concat_rows(parts); }, {"concat_rows: frame 1 has column 'name' as int64, frame 0 as string"});
}

}  // namespace
}  // namespace onnxfn
