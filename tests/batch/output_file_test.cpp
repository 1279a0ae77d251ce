// The batch output appears only on commit(): a run that fails or is killed leaves no file that
// looks complete, and an earlier output stays as it was.
#include <gtest/gtest.h>

#include <algorithm>

#include "batch/output_file.h"
#include "batch_test_support.h"

namespace onnxfn::batch {
namespace {

using namespace onnxfn::testing;

Frame two_rows() {
  Frame f;
  f.add_column("left_id", Column::string({"1", "2"}));
  f.add_column("probability", Column::float64({0.5, 1.0}));
  return f;
}

TEST(OutputFile, appears_only_after_commit) {
  fs::path dir = batch_temp_dir("output");
  fs::path path = dir / "matches.csv";
  {
    OutputFile out(path.string());
    out.write(two_rows());
    EXPECT_FALSE(fs::exists(path));
    EXPECT_TRUE(fs::exists(out.partial_path()));
    out.write(two_rows());
    out.commit();
    EXPECT_FALSE(fs::exists(out.partial_path()));
    EXPECT_EQ(out.rows_written(), 4u);
  }
  EXPECT_EQ(read_all(path), "left_id,probability\n1,0.5\n2,1.0\n1,0.5\n2,1.0\n");
}

TEST(OutputFile, an_abandoned_job_removes_its_partial_file_and_keeps_the_old_output) {
  fs::path dir = batch_temp_dir("output_abandoned");
  fs::path path = dir / "matches.csv";
  write_text(path, "old\n");
  std::string partial;
  {
    OutputFile out(path.string());
    partial = out.partial_path();
    out.write(two_rows());
  }  // no commit: the job failed
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_EQ(read_all(path), "old\n");
}

TEST(OutputFile, json_lines_and_json_array_by_extension) {
  fs::path dir = batch_temp_dir("output_json");
  {
    OutputFile out((dir / "m.jsonl").string());
    out.write(two_rows());
    out.commit();
  }
  EXPECT_EQ(read_all(dir / "m.jsonl"), "{\"left_id\":\"1\",\"probability\":0.5}\n{\"left_id\":\"2\",\"probability\":1.0}\n");
  {
    OutputFile out((dir / "m.json").string());
    out.write(two_rows());
    out.write(two_rows().slice(0, 0));
    out.write(two_rows().slice(1, 1));
    out.commit();
  }
  std::string array = read_all(dir / "m.json");
  EXPECT_EQ(array.front(), '[');
  EXPECT_EQ(array.substr(array.size() - 2), "]\n");
  EXPECT_EQ(std::count(array.begin(), array.end(), '{'), 3);
}

TEST(OutputFile, names_an_output_folder_that_does_not_exist) {
  try {
    OutputFile out("/nonexistent-folder-for-onnxfn/m.csv");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("output '/nonexistent-folder-for-onnxfn/m.csv': cannot create"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace onnxfn::batch
