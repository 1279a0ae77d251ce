// The chunk loop over pair records: every chunk size and thread count gives the same records, in pair order, with
// the probabilities the bundle's pipeline defines.
#include <gtest/gtest.h>

#include "batch/chunk_loop.h"
#include "batch/pair_records.h"
#include "batch_test_support.h"
#include "frame/csv_frame_reader.h"
#include "frame/frame_ops.h"

namespace onnxfn::batch {
namespace {

using namespace onnxfn::testing;

ProductTable table_from(const std::string& csv, const std::string& name) {
  return ProductTable(read_csv(csv, name, {.schema = {{"id", ColumnType::String}}}), "id", name);
}

std::string numbered_table(size_t rows, const std::string& prefix) {
  const char* words[] = {"tv", "camera", "lens", "kit", "black", "pro"};
  std::string csv = "id,name\n";
  for (size_t r = 0; r < rows; ++r) csv += prefix + std::to_string(r) + "," + words[r % 6] + " " + words[(r / 6) % 6] + " x" + std::to_string(r % 7) + "\n";
  return csv;
}

struct Fixture {
  fs::path dir = batch_temp_dir("scorer");
  std::unique_ptr<pipeline::Predictor> predictor = pipeline::Predictor::load(write_pair_bundle(dir / "bundle"), {.threads = 1});
};

// Every pair through run_chunks, pair records built per chunk (as PairJob does).
Frame score_all(const pipeline::Predictor& p, const PairRecordBuilder& b, const PairList& pairs, size_t chunk, size_t* calls = nullptr) {
  std::vector<Frame> parts;
  size_t expected_first = 0;
  run_chunks(
      p, pairs.size(), [&](size_t begin, size_t end) { return b.build(pairs, begin, end); },
      [&](size_t first, const Frame& scored) {
        EXPECT_EQ(first, expected_first);
        expected_first += scored.num_rows();
        parts.push_back(scored);
      },
      {.chunk_size = chunk, .unit = "pairs"});
  if (calls) *calls = parts.size();
  return concat_rows(parts);
}

TEST(ChunkLoop, probabilities_are_the_pipelines_features) {
  Fixture f;
  ProductTable left = table_from(kLeftTable, "L.csv"), right = table_from(kRightTable, "R.csv");
  PairRecordBuilder builder(left, right, f.predictor->bundle()->spec);
  PairList pairs;
  pairs.push_back(0, 0);  // sony bravia tv | sony bravia tv: Jaccard 1
  pairs.push_back(1, 1);  // canon camera eos | canon eos camera kit: 3/4
  pairs.push_back(0, 3);  // sony bravia tv | samsung tv: 1/4
  Frame out = score_all(*f.predictor, builder, pairs, 10000);
  EXPECT_EQ(out.names(), (std::vector<std::string>{"left_id", "right_id", "probability", "match"}));
  ASSERT_EQ(out.num_rows(), 3u);
  EXPECT_EQ(out.column("right_id").string_value(2), "d");
  EXPECT_NEAR(out.column("probability").float64_values()[0], 1.0, 1e-6);
  EXPECT_NEAR(out.column("probability").float64_values()[1], 0.75, 1e-6);
  EXPECT_NEAR(out.column("probability").float64_values()[2], 0.25, 1e-6);
  EXPECT_EQ(out.column("match").bool_values()[1], 1);
  EXPECT_EQ(out.column("match").bool_values()[2], 0);
}

TEST(ChunkLoop, chunk_sizes_and_threads_give_identical_results) {
  Fixture f;
  ProductTable left = table_from(numbered_table(40, "L"), "L.csv"), right = table_from(numbered_table(30, "R"), "R.csv");
  PairRecordBuilder builder(left, right, f.predictor->bundle()->spec);
  PairList pairs;  // the cross product, 1200 pairs: enough for slices on several threads
  for (uint32_t l = 0; l < 40; ++l)
    for (uint32_t r = 0; r < 30; ++r) pairs.push_back(l, r);
  size_t calls = 0;
  Frame reference = score_all(*f.predictor, builder, pairs, 10000, &calls);
  EXPECT_EQ(calls, 1u);
  ASSERT_EQ(reference.num_rows(), 1200u);
  // The pipeline runs on slices of a chunk in parallel on the predictor's threads.
  auto three_threads = pipeline::Predictor::load(f.dir / "bundle", {.threads = 3});
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{10000}})
    for (const pipeline::Predictor* p : {f.predictor.get(), three_threads.get()}) {
      const int threads = p->threads();
      Frame got = score_all(*p, builder, pairs, chunk, &calls);
      EXPECT_TRUE(got.equals(reference)) << "chunk " << chunk << ", threads " << threads;
      EXPECT_EQ(calls, (1200 + chunk - 1) / chunk);
    }
}

TEST(ChunkLoop, no_pairs_still_gives_one_empty_chunk) {
  Fixture f;
  ProductTable left = table_from(kLeftTable, "L.csv"), right = table_from(kRightTable, "R.csv");
  PairRecordBuilder builder(left, right, f.predictor->bundle()->spec);
  size_t calls = 0;
  Frame out = score_all(*f.predictor, builder, PairList{}, 7, &calls);
  EXPECT_EQ(calls, 1u);
  EXPECT_EQ(out.num_rows(), 0u);
  EXPECT_EQ(out.names(), (std::vector<std::string>{"left_id", "right_id", "probability", "match"}));
}

TEST(ChunkLoop, rejects_a_zero_chunk_size) {
  Fixture f;
  ProductTable left = table_from(kLeftTable, "L.csv"), right = table_from(kRightTable, "R.csv");
  PairRecordBuilder builder(left, right, f.predictor->bundle()->spec);
  try {
    score_all(*f.predictor, builder, PairList{}, 0);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("chunk size must be from 1"), std::string::npos);
  }
}

TEST(ChunkLoop, errors_name_the_pairs_of_the_failing_chunk) {
  fs::path dir = batch_temp_dir("scorer_errors");
  std::string json = kJaccardPipeline;
  json.replace(json.find("\"right_name\": \"string\""), 22, "\"right_name\": \"string\", \"left_price\": \"float64\"");
  auto predictor = pipeline::Predictor::load(write_pair_bundle(dir / "bundle", json), {.threads = 1});
  ProductTable left = table_from("id,name,price\n1,a,1.5\n2,b,oops\n", "L.csv"), right = table_from(kRightTable, "R.csv");
  PairRecordBuilder builder(left, right, predictor->bundle()->spec);
  PairList pairs;
  for (uint32_t i = 0; i < 4; ++i) pairs.push_back(i < 3 ? 0 : 1, 0);
  try {
    score_all(*predictor, builder, pairs, 2);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("pairs 3-4: "), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace onnxfn::batch
