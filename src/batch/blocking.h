// Blocking: the candidate pairs worth scoring, out of the left × right cross product. Each
// record's blocking text (the bundle's blocking.text expression) is tokenised as the frame's text
// functions do (PreparedString: case folding, NFKC, accent folding; tokenize.h), weighted by TF-IDF
// and L2-normalised; an inverted index over the right table finds, for each left record, the
// top_k right records by cosine similarity (Salton & Buckley 1988; the weighting of tfidf.h, so a
// bundle's IDF state and scikit-learn's TfidfVectorizer agree).
//
//   BlockingTexts texts = blocking_texts(left, right, spec.blocking->text);
//   BlockingResult result = block(texts.left, texts.right, right.id_rank(), idf_or_null, {.top_k = 20});
//   BlockingRecall recall = blocking_recall(result.pairs, gold_pairs);
//
// Speed: tokens found in more than a cap of right records (max(min_df_cap, max_df_fraction × right
// rows)) do not generate candidates (on large tables their posting lists are what makes an index
// slow), but they still count in the score of every candidate found through a rarer token, so
// scores are exact cosines. A left record whose tokens are all that common uses them all. The cap
// is generous: on 10,000-row catalogs it rarely applies, since lowering it trades recall for
// speed (10k × 10k titles over a small vocabulary, top 10: recall 0.973 with the default cap,
// 0.950 with a cap of 500, 0.60 with 300). Ties are broken by
// the right record's id (ProductTable::id_rank), so the result depends on neither the thread
// count nor the row order.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "batch/pair_records.h"
#include "frame/text/tfidf.h"

namespace onnxfn::batch {

struct BlockingOptions {
  size_t top_k = 20;               // candidates kept per left record
  double max_df_fraction = 0.1;    // see "Speed" above
  size_t min_df_cap = 2000;
  int threads = 1;                 // including the caller
};

struct BlockingResult {
  PairList pairs;             // grouped by left row (ascending), best candidate first
  std::vector<double> scores;  // cosine of each pair
  size_t left_records = 0;
  size_t right_records = 0;
  size_t vocabulary = 0;       // distinct tokens
  size_t capped_tokens = 0;    // tokens that did not generate candidates

  double pairs_per_left_record() const {
    return left_records ? static_cast<double>(pairs.size()) / static_cast<double>(left_records) : 0.0;
  }
  // The fraction of the cross product that blocking removed (0 for empty tables).
  double reduction() const {
    const double cross = static_cast<double>(left_records) * static_cast<double>(right_records);
    return cross > 0 ? 1.0 - static_cast<double>(pairs.size()) / cross : 0.0;
  }
};

struct BlockingTexts {
  Column left{ColumnType::String};
  Column right{ColumnType::String};
};

// Evaluates the blocking text expression (source column names) on each table. Columns it reads are
// read as text; a column only one table has is null in the other (Abt has no manufacturer, Buy
// has one). BadModel naming the expression when it does not parse or reads a column neither table
// has.
BlockingTexts blocking_texts(const ProductTable& left, const ProductTable& right, const std::string& expression);

// `idf`: the bundle's IDF state, or nullptr to fit one on both tables' blocking texts.
// `right_rank`: the tie-break order of the right rows (ProductTable::id_rank()).
BlockingResult block(const Column& left_text, const Column& right_text, std::span<const uint32_t> right_rank,
                     const text::IdfTable* idf, const BlockingOptions& options);

struct BlockingRecall {
  size_t positives = 0;  // gold pairs labelled 1 (every gold pair when the file has no label)
  size_t retained = 0;   // of those, pairs among the candidates
  double recall() const { return positives ? static_cast<double>(retained) / static_cast<double>(positives) : 1.0; }
};

BlockingRecall blocking_recall(const PairList& candidates, const PairList& gold);

}  // namespace onnxfn::batch
