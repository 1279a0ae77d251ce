// The one record file writer: the output appears only on commit(): a run that fails or is killed leaves no file that
// looks complete, and an earlier output stays as it was.
#include <gtest/gtest.h>

#include <algorithm>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "frame/record_files.h"

namespace onnxfn {
namespace {

namespace fs = std::filesystem;

fs::path batch_temp_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("onnxfn_records_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Frame two_rows() {
  Frame f;
  f.add_column("left_id", Column::string({"1", "2"}));
  f.add_column("probability", Column::float64({0.5, 1.0}));
  return f;
}

TEST(RecordFileWriter, appears_only_after_commit) {
  fs::path dir = batch_temp_dir("output");
  fs::path path = dir / "matches.csv";
  {
    RecordFileWriter out(path.string());
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

TEST(RecordFileWriter, an_abandoned_job_removes_its_partial_file_and_keeps_the_old_output) {
  fs::path dir = batch_temp_dir("output_abandoned");
  fs::path path = dir / "matches.csv";
  write_text(path, "old\n");
  std::string partial;
  {
    RecordFileWriter out(path.string());
    partial = out.partial_path();
    out.write(two_rows());
  }  // no commit: the job failed
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_EQ(read_all(path), "old\n");
}

TEST(RecordFileWriter, json_lines_and_json_array_by_extension) {
  fs::path dir = batch_temp_dir("output_json");
  {
    RecordFileWriter out((dir / "m.jsonl").string());
    out.write(two_rows());
    out.commit();
  }
  EXPECT_EQ(read_all(dir / "m.jsonl"), "{\"left_id\":\"1\",\"probability\":0.5}\n{\"left_id\":\"2\",\"probability\":1.0}\n");
  {
    RecordFileWriter out((dir / "m.json").string());
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

TEST(RecordFileWriter, names_an_output_folder_that_does_not_exist) {
  try {
    RecordFileWriter out("/nonexistent-folder-for-onnxfn/m.csv");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("output '/nonexistent-folder-for-onnxfn/m.csv': cannot create"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace onnxfn

namespace onnxfn {
namespace {

// Renaming a partial file onto /dev/null would replace the device (as root): devices and pipes are
// written in place.
TEST(RecordFileWriter, writes_a_device_in_place_and_leaves_it_a_device) {
  {
    RecordFileWriter out("/dev/null");
    Frame f;
    f.add_column("a", Column::int64({1, 2}));
    out.write(f);
    out.commit();
    EXPECT_EQ(out.rows_written(), 2u);
  }
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));
}

}  // namespace
}  // namespace onnxfn
