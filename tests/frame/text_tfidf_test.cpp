// IDF tables (fit, idf formula, serialisation) and TF-IDF cosine against scikit-learn.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "frame/text/similarity.h"

namespace onnxfn::text {
namespace {

std::vector<PreparedString> corpus() {
  std::vector<PreparedString> docs;
  for (const char* d : {"Sony Cyber-shot DSC-W55 camera", "Sony Bravia KDL40V4100 LCD TV",
                        "Canon PowerShot camera", "Samsung LCD TV 40 inch", "Sony camera case"})
    docs.emplace_back(d);
  docs.emplace_back();  // a null document is skipped
  return docs;
}

TEST(TextTfidf, fits_document_frequencies_and_smooth_idf) {
  const IdfTable table = IdfTable::fit(corpus());
  EXPECT_EQ(table.document_count(), 5u);
  EXPECT_EQ(table.document_frequency("sony"), 3u);
  EXPECT_EQ(table.document_frequency("lcd"), 2u);
  EXPECT_EQ(table.document_frequency("unknown"), 0u);
  // Values from scikit-learn 1.7 TfidfVectorizer(token_pattern=r"[a-z0-9]+").idf_ on the
  // lower-cased corpus: ln((1 + n) / (1 + df)) + 1.
  EXPECT_NEAR(table.idf("sony"), 1.4054651081081644, 1e-12);
  EXPECT_NEAR(table.idf("lcd"), 1.6931471805599454, 1e-12);
  EXPECT_NEAR(table.idf("w55"), 2.09861228866811, 1e-12);
  // Unseen tokens get the df = 0 weight.
  EXPECT_NEAR(table.idf("unknown"), std::log(6.0) + 1.0, 1e-12);
}

// fit() and parse() index the table by token hash; a table still being filled by add_document
// looks tokens up by name. Every route gives the same idf, for known and unseen tokens.
TEST(TextTfidf, indexed_and_plain_lookups_agree) {
  const IdfTable fitted = IdfTable::fit(corpus());
  IdfTable filling;
  for (const PreparedString& d : corpus()) filling.add_document(d);
  const IdfTable parsed = IdfTable::parse(fitted.serialize(), "test");
  for (const char* token : {"sony", "lcd", "w55", "camera", "unknown", "", "sonyx"}) {
    const double expected = std::log(6.0 / (1.0 + static_cast<double>(fitted.document_frequency(token)))) + 1.0;
    EXPECT_EQ(fitted.idf(token), expected) << token;
    EXPECT_EQ(filling.idf(token), expected) << token;
    EXPECT_EQ(parsed.idf(token), expected) << token;
    EXPECT_EQ(parsed.idf(token, PreparedString::hash_token(token)), expected) << token;
  }
}

// Values without repeated tokens take their entries straight from the token set when the table is
// indexed; values with repeats, and the unindexed table (add_document drops the index, so idf is
// looked up by the token's bytes), count each member's tokens. All must give the same vector bit
// for bit.
TEST(TextTfidf, entries_from_the_token_set_equal_the_sorted_token_list) {
  const IdfTable indexed = IdfTable::fit(corpus());
  IdfTable plain;
  for (const PreparedString& d : corpus()) plain.add_document(d);
  ASSERT_TRUE(indexed.indexed());
  ASSERT_FALSE(plain.indexed());
  for (const char* text : {"sony dsc w55 camera", "camera sony", "unseen words only", "tv tv lcd", "", "Ünïcode café sony"}) {
    const TfidfVector a(PreparedString(text), indexed), b(PreparedString(text), plain);
    ASSERT_EQ(a.entries().size(), b.entries().size()) << text;
    for (size_t i = 0; i < a.entries().size(); ++i) {
      EXPECT_EQ(a.entries()[i].token_hash, b.entries()[i].token_hash) << text;
      EXPECT_EQ(a.entries()[i].weight, b.entries()[i].weight) << text;
    }
  }
}

TEST(TextTfidf, counts_a_token_once_per_document) {
  IdfTable table;
  table.add_document(PreparedString("tv tv tv"));
  table.add_document(PreparedString("radio"));
  EXPECT_EQ(table.document_frequency("tv"), 1u);
  EXPECT_EQ(table.document_count(), 2u);
}

TEST(TextTfidf, cosine_matches_scikit_learn) {
  const IdfTable table = IdfTable::fit(corpus());
  const auto cosine = [&](const char* a, const char* b) {
    return *tfidf_cosine(PreparedString(a), PreparedString(b), table);
  };
  // scikit-learn: cosine of the rows of TfidfVectorizer.transform([a, b]) (l2-normalised).
  EXPECT_NEAR(cosine("sony camera", "sony dsc w55 camera"), 0.5564505207186617, 1e-12);
  EXPECT_NEAR(cosine("sony lcd tv", "samsung lcd tv"), 0.648569069800036, 1e-12);
  // Repeated tokens weigh more (tf is a count).
  EXPECT_NEAR(cosine("sony sony camera", "camera sony"), 0.948683298050514, 1e-12);
  EXPECT_EQ(cosine("canon camera", "sony tv"), 0.0);
}

TEST(TextTfidf, per_record_vectors_give_the_same_cosine) {
  const IdfTable table = IdfTable::fit(corpus());
  const PreparedString a("Sony DSC-W55"), b("sony w55 camera");
  const TfidfVector va(a, table), vb(b, table);
  EXPECT_DOUBLE_EQ(*tfidf_cosine(va, vb), *tfidf_cosine(a, b, table));
  EXPECT_DOUBLE_EQ(*tfidf_cosine(va, va), 1.0);
  double norm = 0;
  for (const auto& e : va.entries()) norm += e.weight * e.weight;
  EXPECT_NEAR(norm, 1.0, 1e-12);
}

// The flat vectors of a column hold each value's vector entry for entry, nulls included.
TEST(TextTfidf, column_vectors_equal_per_record_vectors) {
  const IdfTable table = IdfTable::fit(corpus());
  const std::vector<PreparedString> values = {PreparedString(), PreparedString("Sony DSC-W55"), PreparedString(""),
                                              PreparedString(), PreparedString("sony sony lcd tv"), PreparedString()};
  const TfidfVectors vectors(values, table);
  for (size_t i = 0; i < values.size(); ++i) {
    const TfidfVector one(values[i], table);
    ASSERT_EQ(vectors.is_null(i), one.is_null()) << i;
    ASSERT_EQ(vectors.entries(i).size(), one.entries().size()) << i;
    for (size_t k = 0; k < one.entries().size(); ++k) {
      EXPECT_EQ(vectors.entries(i)[k].token_hash, one.entries()[k].token_hash);
      EXPECT_EQ(vectors.entries(i)[k].weight, one.entries()[k].weight);
    }
  }
  EXPECT_EQ(tfidf_cosine(vectors.entries(1), vectors.entries(4)), *tfidf_cosine(TfidfVector(values[1], table), TfidfVector(values[4], table)));
  EXPECT_EQ(tfidf_cosine(vectors.entries(2), vectors.entries(2)), 1.0);  // two empty vectors
}

TEST(TextTfidf, null_and_empty_follow_the_common_rule) {
  const IdfTable table = IdfTable::fit(corpus());
  const PreparedString null_value, empty(""), text("sony");
  EXPECT_EQ(tfidf_cosine(null_value, text, table), std::nullopt);
  EXPECT_EQ(tfidf_cosine(text, null_value, table), std::nullopt);
  EXPECT_EQ(tfidf_cosine(empty, empty, table), 1.0);
  EXPECT_EQ(tfidf_cosine(empty, text, table), 0.0);
  EXPECT_TRUE(TfidfVector().is_null());
  // An empty table weighs every token 1: plain count cosine.
  EXPECT_NEAR(*tfidf_cosine(PreparedString("a b"), PreparedString("a c"), IdfTable()), 0.5, 1e-12);
}

TEST(TextTfidf, serialises_and_parses_back_the_same_table) {
  const IdfTable table = IdfTable::fit(corpus());
  const std::string text = table.serialize();
  EXPECT_EQ(text.substr(0, 32), "onnxfn-idf-table 1\ndocuments 5\n1");
  EXPECT_NE(text.find("\n3\tsony\n"), std::string::npos);
  const IdfTable back = IdfTable::parse(text, "idf.txt");
  EXPECT_EQ(back.document_count(), 5u);
  EXPECT_EQ(back.vocabulary_size(), table.vocabulary_size());
  EXPECT_EQ(back.document_frequency("sony"), 3u);
  EXPECT_EQ(back.serialize(), text);
  // CRLF line ends and a missing final newline are accepted.
  const IdfTable crlf = IdfTable::parse("onnxfn-idf-table 1\r\ndocuments 2\r\n2\ttv\r\n1\t東京", "x");
  EXPECT_EQ(crlf.document_frequency("tv"), 2u);
  EXPECT_EQ(crlf.document_frequency("東京"), 1u);
  EXPECT_EQ(IdfTable::parse(IdfTable().serialize(), "empty").document_count(), 0u);
}

TEST(TextTfidf, parse_rejects_malformed_tables_naming_source_and_line) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "line 1"},
      {"idf table\n", "line 1"},
      {"onnxfn-idf-table 1\n", "line 2"},
      {"onnxfn-idf-table 1\ndocuments x\n", "line 2"},
      {"onnxfn-idf-table 1\ndocuments -1\n", "line 2"},
      {"onnxfn-idf-table 1\ndocuments 2\n3\ttv\n", "line 3"},  // df > n
      {"onnxfn-idf-table 1\ndocuments 2\n0\ttv\n", "line 3"},  // df < 1
      {"onnxfn-idf-table 1\ndocuments 2\n1 tv\n", "line 3"},   // no tab
      {"onnxfn-idf-table 1\ndocuments 2\n1\t\n", "line 3"},    // empty token
      {"onnxfn-idf-table 1\ndocuments 2\n1\ttv\n2\ttv\n", "line 4"},  // repeated token
      {"onnxfn-idf-table 1\ndocuments 2\n1\tt\xFF\n", "line 3"},     // invalid UTF-8
      {"onnxfn-idf-table 1\ndocuments 2\n\n", "line 3"},             // blank line
  };
  for (const auto& [text, line] : cases) {
    try {
      IdfTable::parse(text, "bundle/idf.txt");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadInput);
      const std::string message = e.what();
      EXPECT_NE(message.find("bundle/idf.txt"), std::string::npos) << message;
      EXPECT_NE(message.find(line), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace onnxfn::text
