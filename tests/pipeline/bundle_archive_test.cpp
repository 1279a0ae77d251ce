// Zip bundles: a zipped bundle folder (or its files zipped at the root) loads and predicts exactly
// as the folder does; corrupt, truncated, encrypted, oversized and path-climbing archives are
// refused at load time with the archive and the entry named; fit refuses to rewrite an archive.
#include <gtest/gtest.h>
#include <minizip/zip.h>

#include <fstream>
#include <iterator>

#include "pipeline/bundle.h"
#include "pipeline/bundle_archive.h"
#include "pipeline/predictor.h"
#include "pipeline_test_util.h"

namespace onnxfn::pipeline {
namespace {

using testing::expect_error;
using testing::ScratchDir;
using testing::write_file;
using testing::zoo_records;

const std::string& kSpec = testing::kZooIdentitySpec;

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Entry {
  std::string name;
  std::string bytes;
  const char* password = nullptr;
};

// Writes a zip archive with minizip (deflated entries; encrypted when a password is given).
void write_zip(const std::filesystem::path& path, const std::vector<Entry>& entries) {
  zipFile zip = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  ASSERT_NE(zip, nullptr);
  for (const Entry& e : entries) {
    zip_fileinfo info{};
    ASSERT_EQ(zipOpenNewFileInZip3_64(zip, e.name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                                      Z_DEFAULT_COMPRESSION, 0, -MAX_WBITS, DEF_MEM_LEVEL, Z_DEFAULT_STRATEGY, e.password,
                                      0, 1),
              ZIP_OK);
    if (!e.bytes.empty()) {
      ASSERT_EQ(zipWriteInFileInZip(zip, e.bytes.data(), static_cast<unsigned>(e.bytes.size())), ZIP_OK);
    }
    ASSERT_EQ(zipCloseFileInZip(zip), ZIP_OK);
  }
  ASSERT_EQ(zipClose(zip, nullptr), ZIP_OK);
}

std::vector<Entry> bundle_entries(const std::string& prefix) {
  return {{prefix + "pipeline.json", kSpec},
          {prefix + "metadata.json", R"~({"name": "zipped", "version": "3", "threshold": 0.4})~"},
          {prefix + "model.onnx", read_bytes(testing::zoo_model("logreg_binary_zipmap"))}};
}

void expect_bad_model(const std::function<void()>& f, const std::vector<std::string>& parts) {
  expect_error(f, ErrorKind::BadModel, parts);
}

TEST(BundleArchive, zipped_bundles_predict_exactly_as_the_folder_does) {
  ScratchDir dir("zip");
  for (const Entry& e : bundle_entries("")) write_file(dir / "folder" / e.name, e.bytes);
  write_zip(dir / "nested.zip", bundle_entries("bundle/"));
  write_zip(dir / "flat.zip", bundle_entries(""));
  const Frame records = zoo_records("logreg_binary_zipmap");
  const Frame expected = Predictor::load(dir / "folder", {.threads = 1})->predict(records);
  for (const char* name : {"nested.zip", "flat.zip"}) {
    auto p = Predictor::load(dir / name, {.threads = 1});
    EXPECT_TRUE(p->bundle()->zipped);
    EXPECT_EQ(p->bundle()->metadata.name, "zipped");
    EXPECT_EQ(p->bundle()->threshold(), 0.4);
    EXPECT_TRUE(p->predict(records).equals(expected)) << name;
  }
}

TEST(BundleArchive, commands_take_a_zipped_bundle) {
  ScratchDir dir("zipcli");
  for (const Entry& e : bundle_entries("")) write_file(dir / "folder" / e.name, e.bytes);
  write_zip(dir / "b.zip", bundle_entries("bundle/"));
  std::string csv = "id,x0,x1,x2,x3,x4\n7,0.5,1.5,-2,0,3\n8,1,1,1,1,1\n";
  write_file(dir / "records.csv", csv);
  const std::string bin = std::string(ONNXFN_BINARY) + " ";
  std::string from_zip, from_folder;
  ASSERT_EQ(testing::run_command(bin + "predict --bundle " + (dir / "b.zip").string() + " --input " + (dir / "records.csv").string(), &from_zip), 0);
  ASSERT_EQ(testing::run_command(bin + "predict --bundle " + (dir / "folder").string() + " --input " + (dir / "records.csv").string(), &from_folder), 0);
  EXPECT_EQ(from_zip, from_folder);
  EXPECT_NE(from_zip.find("7,"), std::string::npos) << from_zip;
  std::string out;
  ASSERT_EQ(testing::run_command(bin + "inspect --bundle " + (dir / "b.zip").string(), &out), 0);
  EXPECT_NE(out.find("name zipped, version 3"), std::string::npos) << out;
  EXPECT_EQ(testing::run_command(bin + "fit --bundle " + (dir / "b.zip").string() + " --input " + (dir / "records.csv").string() +
                                 " 2>&1", &out),
            2);
  EXPECT_NE(out.find("is a zip archive, which fit does not rewrite"), std::string::npos) << out;
}

TEST(BundleArchive, folders_inside_are_kept_unless_one_holds_everything) {
  ScratchDir dir("zipnames");
  write_zip(dir / "two.zip", {{"a/pipeline.json", "x"}, {"b/metadata.json", "y"}, {"top.txt", "z"}});
  const auto files = read_zip_archive(dir / "two.zip");
  EXPECT_EQ(files.count("a/pipeline.json"), 1u);
  EXPECT_EQ(files.count("top.txt"), 1u);
  write_zip(dir / "one.zip", {{"b/state/t.tsv", "t"}, {"b/pipeline.json", "p"}});
  const auto stripped = read_zip_archive(dir / "one.zip");
  EXPECT_EQ(stripped.at("state/t.tsv"), "t");
  EXPECT_EQ(stripped.at("pipeline.json"), "p");
}

TEST(BundleArchive, bad_archives_are_refused_naming_the_archive_and_entry) {
  ScratchDir dir("zipbad");
  write_zip(dir / "good.zip", bundle_entries(""));
  const std::string good = read_bytes(dir / "good.zip");
  const std::string where = "bundle '" + (dir / "junk.zip").string() + "'";
  write_file(dir / "junk.zip", "PK\x03\x04 this is no archive");
  expect_bad_model([&] { load_bundle(dir / "junk.zip"); }, {where, "not a readable zip archive"});
  write_file(dir / "truncated.zip", good.substr(0, good.size() - 30));
  expect_bad_model([&] { load_bundle(dir / "truncated.zip"); }, {"not a readable zip archive"});
  // A flipped byte inside the first entry's deflated data: the CRC (or inflate) catches it.
  std::string flipped = good;
  const auto u16 = [&](size_t at) { return static_cast<size_t>(static_cast<unsigned char>(good[at]) | (static_cast<unsigned char>(good[at + 1]) << 8)); };
  const size_t data = 30 + u16(26) + u16(28);  // the local header, its name and extra field
  flipped[data + 5] = static_cast<char>(flipped[data + 5] ^ 0x55);
  write_file(dir / "flipped.zip", flipped);
  expect_bad_model([&] { load_bundle(dir / "flipped.zip"); }, {"entry 'pipeline.json' is corrupt"});
  write_zip(dir / "climb.zip", {{"../pipeline.json", kSpec}});
  expect_bad_model([&] { load_bundle(dir / "climb.zip"); }, {"entry '../pipeline.json': absolute or '..' paths are refused"});
  write_zip(dir / "secret.zip", {{"pipeline.json", kSpec, "password"}});
  expect_bad_model([&] { load_bundle(dir / "secret.zip"); }, {"entry 'pipeline.json' is encrypted"});
  expect_bad_model([&] { read_zip_archive(dir / "good.zip", {.max_total_bytes = 1000}); },
                   {"entry 'model.onnx' would take the bundle past 1000 bytes"});
  expect_bad_model([&] { read_zip_archive(dir / "good.zip", {.max_entries = 2}); }, {"more than 2 entries"});
  write_zip(dir / "nomodel.zip", {{"pipeline.json", kSpec}});
  EXPECT_FALSE(load_bundle(dir / "nomodel.zip").has_model);
  expect_bad_model([&] { Predictor::load(dir / "nomodel.zip"); }, {"model.onnx is missing"});
}

TEST(BundleArchive, fit_refuses_to_rewrite_an_archive) {
  ScratchDir dir("zipfit");
  const std::string spec = R"~({
    "schema": "onnxfn.pipeline/1", "input": {"columns": {"a": "string", "b": "string"}},
    "state": {"titles": {"kind": "idf", "file": "state/titles.tsv", "fit": "title"}},
    "steps": [{"derive": {"t": "tfidf_cosine(a, b, 'titles')"}}],
    "model_inputs": [{"name": "X", "dtype": "float32", "columns": ["t"]}], "output": {"model_outputs": {"y": "y"}}})~";
  write_zip(dir / "b.zip", {{"pipeline.json", spec}});
  expect_bad_model([&] { load_bundle(dir / "b.zip"); }, {"state 'titles' (state/titles.tsv) is missing", "then zip it"});
  Bundle b = load_bundle(dir / "b.zip", {.require_state = false});
  const Frame records({{"title", Column::string({"sony tv"})}});
  testing::expect_bad_input([&] { fit_bundle_state(b, records); }, {"is a zip archive", "fit the bundle folder, then zip it"});
}

}  // namespace
}  // namespace onnxfn::pipeline
