// Blocking: top-k by TF-IDF cosine through the inverted index, ties by id, the IDF's effect, the
// common-token cap keeping scores exact, and blocking recall.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "batch/blocking.h"
#include "batch_test_support.h"
#include "frame/csv_frame_reader.h"

namespace onnxfn::batch {
namespace {

using namespace onnxfn::testing;

ProductTable table_from(const std::string& csv, const std::string& name) {
  return ProductTable(read_csv(csv, name, {.schema = {{"id", ColumnType::String}}}), "id", name);
}

BlockingResult run(const ProductTable& left, const ProductTable& right, BlockingOptions options, const text::IdfTable* idf = nullptr) {
  BlockingTexts texts = blocking_texts(left, right, "name");
  return block(texts.left, texts.right, right.id_rank(), idf, options);
}

// (left id, right id) of each candidate, in result order.
std::vector<std::pair<std::string, std::string>> ids(const BlockingResult& r, const ProductTable& left, const ProductTable& right) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < r.pairs.size(); ++i) out.emplace_back(left.id(r.pairs.left[i]), right.id(r.pairs.right[i]));
  return out;
}

using Ids = std::vector<std::pair<std::string, std::string>>;

TEST(Blocking, keeps_the_top_k_sharing_a_token_best_first) {
  ProductTable left = table_from(kLeftTable, "L.csv"), right = table_from(kRightTable, "R.csv");
  BlockingResult r = run(left, right, {.top_k = 2});
  EXPECT_EQ(ids(r, left, right), (Ids{{"1", "a"}, {"1", "d"}, {"2", "b"}, {"3", "c"}}));
  EXPECT_EQ(r.left_records, 3u);
  EXPECT_EQ(r.right_records, 4u);
  EXPECT_DOUBLE_EQ(r.pairs_per_left_record(), 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.reduction(), 1.0 - 4.0 / 12.0);
  EXPECT_NEAR(r.scores[0], 1.0, 1e-6);  // identical names
  EXPECT_GT(r.scores[0], r.scores[1]);
  BlockingResult one = run(left, right, {.top_k = 1});
  EXPECT_EQ(ids(one, left, right), (Ids{{"1", "a"}, {"2", "b"}, {"3", "c"}}));
}

TEST(Blocking, scores_are_the_tfidf_cosine_of_the_frame_functions) {
  ProductTable left = table_from(kLeftTable, "L.csv"), right = table_from(kRightTable, "R.csv");
  BlockingResult r = run(left, right, {.top_k = 4});
  // The same IDF fitted by the frame's own IdfTable on both tables' texts.
  text::IdfTable table;
  for (const ProductTable* t : {&left, &right})
    for (size_t i = 0; i < t->size(); ++i) table.add_document(text::PreparedString(t->frame().column("name").string_value(i)));
  for (size_t i = 0; i < r.pairs.size(); ++i) {
    text::PreparedString a(left.frame().column("name").string_value(r.pairs.left[i]));
    text::PreparedString b(right.frame().column("name").string_value(r.pairs.right[i]));
    EXPECT_NEAR(r.scores[i], *text::tfidf_cosine(a, b, table), 1e-6) << i;
  }
}

TEST(Blocking, breaks_ties_by_right_id_not_row_order) {
  ProductTable left = table_from("id,name\n1,tv\n", "L.csv");
  // Equal scores: "x" and "y" are equally rare. Id 9 sorts before 10 numerically.
  ProductTable right = table_from("id,name\n10,x tv\n9,y tv\n", "R.csv");
  EXPECT_EQ(ids(run(left, right, {.top_k = 1}), left, right), (Ids{{"1", "9"}}));
  ProductTable swapped = table_from("id,name\n9,y tv\n10,x tv\n", "R.csv");
  EXPECT_EQ(ids(run(left, swapped, {.top_k = 1}), left, swapped), (Ids{{"1", "9"}}));
  EXPECT_EQ(ids(run(left, swapped, {.top_k = 2}), left, swapped), (Ids{{"1", "9"}, {"1", "10"}}));
}

TEST(Blocking, rare_tokens_outweigh_common_ones) {
  ProductTable left = table_from("id,name\n0,acme widget\n", "L.csv");
  ProductTable right = table_from("id,name\n1,acme tool\n2,acme gear\n3,acme box\n4,widget x\n", "R.csv");
  // Fitted on the tables: "widget" (2 documents) is rarer than "acme" (4), so id 4 wins.
  EXPECT_EQ(ids(run(left, right, {.top_k = 1}), left, right), (Ids{{"0", "4"}}));
  // An IDF state in which "widget" is everywhere and "acme" rare turns the order around.
  text::IdfTable idf = text::IdfTable::parse("onnxfn-idf-table 1\ndocuments 1000\n5\tacme\n900\twidget\n", "state");
  EXPECT_EQ(ids(run(left, right, {.top_k = 1}, &idf), left, right), (Ids{{"0", "1"}}));
}

TEST(Blocking, folds_case_and_accents_like_the_frame_tokeniser) {
  ProductTable left = table_from("id,name\n1,CAFÉ Noir\n", "L.csv");
  ProductTable right = table_from("id,name\n1,cafe blanc\n2,tea\n", "R.csv");
  EXPECT_EQ(ids(run(left, right, {.top_k = 5}), left, right), (Ids{{"1", "1"}}));
}

TEST(Blocking, null_and_empty_texts_get_no_candidates) {
  ProductTable left = table_from("id,name\n1,\n2,\"\"\n3,tv\n", "L.csv");
  ProductTable right = table_from("id,name\n1,tv\n2,\n", "R.csv");
  EXPECT_EQ(ids(run(left, right, {.top_k = 5}), left, right), (Ids{{"3", "1"}}));
}

// Random titles over a small vocabulary, so many tokens are common.
std::string random_table(size_t rows, uint32_t seed) {
  std::mt19937 rng(seed);
  const char* words[] = {"sony", "tv", "black", "camera", "kit", "lens", "case", "pro", "mini", "apple", "usb", "cable", "hd", "new"};
  std::string csv = "id,name\n";
  for (size_t r = 0; r < rows; ++r) {
    csv += std::to_string(r) + ",";
    size_t n = 2 + rng() % 4;
    for (size_t w = 0; w < n; ++w) csv += std::string(w ? " " : "") + words[rng() % 14] + (rng() % 3 == 0 ? std::to_string(rng() % 50) : "");
    csv += "\n";
  }
  return csv;
}

TEST(Blocking, the_common_token_cap_keeps_exact_scores_and_threads_change_nothing) {
  ProductTable left = table_from(random_table(200, 1), "L.csv"), right = table_from(random_table(300, 2), "R.csv");
  BlockingResult full = run(left, right, {.top_k = 5, .max_df_fraction = 1.0, .min_df_cap = 100000});
  BlockingResult capped = run(left, right, {.top_k = 5, .max_df_fraction = 0.0, .min_df_cap = 20, .threads = 3});
  EXPECT_GT(capped.capped_tokens, 0u);
  EXPECT_EQ(full.capped_tokens, 0u);
  // Every left record still gets candidates, each scored as without the cap.
  std::map<std::pair<uint32_t, uint32_t>, double> full_score;
  for (size_t i = 0; i < full.pairs.size(); ++i) full_score[{full.pairs.left[i], full.pairs.right[i]}] = full.scores[i];
  size_t compared = 0;
  for (size_t i = 0; i < capped.pairs.size(); ++i) {
    auto it = full_score.find({capped.pairs.left[i], capped.pairs.right[i]});
    if (it == full_score.end()) continue;
    EXPECT_NEAR(it->second, capped.scores[i], 1e-9);
    ++compared;
  }
  EXPECT_GT(compared, capped.pairs.size() / 2);
  BlockingResult threaded = run(left, right, {.top_k = 5, .max_df_fraction = 1.0, .min_df_cap = 100000, .threads = 4});
  EXPECT_EQ(threaded.pairs.left, full.pairs.left);
  EXPECT_EQ(threaded.pairs.right, full.pairs.right);
  EXPECT_EQ(threaded.scores, full.scores);
}

TEST(Blocking, a_record_with_only_capped_tokens_still_gets_candidates) {
  std::string csv = "id,name\n";
  for (int i = 0; i < 10; ++i) csv += std::to_string(i) + ",tv model" + std::to_string(i) + "\n";
  ProductTable left = table_from("id,name\n1,tv\n", "L.csv"), right = table_from(csv, "R.csv");
  BlockingResult r = run(left, right, {.top_k = 3, .max_df_fraction = 0.0, .min_df_cap = 2});
  EXPECT_EQ(r.capped_tokens, 1u);
  EXPECT_EQ(ids(r, left, right), (Ids{{"1", "0"}, {"1", "1"}, {"1", "2"}}));
}

TEST(BlockingTexts, reads_columns_as_text_and_a_column_one_table_lacks_as_null) {
  ProductTable left = table_from("id,name,price\n1,tv,5\n", "L.csv");
  ProductTable right = table_from("id,name,brand\n1,tv,sony\n", "R.csv");
  BlockingTexts t = blocking_texts(left, right, "concat(brand, ' ', name, ' ', price)");
  EXPECT_EQ(t.left.string_value(0), " tv 5");
  EXPECT_EQ(t.right.string_value(0), "sony tv ");
  try {
    blocking_texts(left, right, "concat(name, colour)");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadModel);
    EXPECT_NE(std::string(e.what()).find("reads column 'colour', which neither table has"), std::string::npos) << e.what();
  }
}

TEST(BlockingRecall, counts_positive_gold_pairs_among_candidates) {
  PairList candidates;
  candidates.push_back(0, 0);
  candidates.push_back(0, 3);
  candidates.push_back(1, 1);
  PairList gold;
  gold.push_back(0, 0);
  gold.labels.push_back(1);
  gold.push_back(1, 2);
  gold.labels.push_back(1);
  gold.push_back(0, 3);
  gold.labels.push_back(0);  // a negative: not counted
  gold.push_back(0, 0);
  gold.labels.push_back(1);  // listed twice: counted once
  BlockingRecall r = blocking_recall(candidates, gold);
  EXPECT_EQ(r.positives, 2u);
  EXPECT_EQ(r.retained, 1u);
  EXPECT_DOUBLE_EQ(r.recall(), 0.5);
  gold.labels.clear();  // an unlabelled gold file: every pair is a match
  gold.left.pop_back();
  gold.right.pop_back();
  r = blocking_recall(candidates, gold);
  EXPECT_EQ(r.positives, 3u);
  EXPECT_EQ(r.retained, 2u);
}

}  // namespace
}  // namespace onnxfn::batch
