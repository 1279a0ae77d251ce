// TF-IDF top-k blocking through an inverted index (the algorithm and its guarantees: blocking.h).
#include "batch/blocking.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "common/error.h"
#include "engine/thread_pool.h"
#include "frame/expr/expression.h"
#include "frame/frame_ops.h"
#include "frame/text/prepared_string.h"

namespace onnxfn::batch {
namespace {

// Tokens only: blocking needs neither q-grams nor model numbers, and skipping them halves the cost
// of preparing a record. Normalisation is PreparedString's default, as for IDF state.
text::PrepareOptions token_options() {
  text::PrepareOptions o;
  o.qgram_size = 0;
  o.model_numbers = false;
  return o;
}

// Sparse vectors of all records (left rows first, then right rows) in one CSR layout.
struct Vectors {
  std::vector<size_t> offsets{0};
  std::vector<uint32_t> tokens;  // ascending within a record
  std::vector<float> weights;    // tf·idf, L2-normalised per record
  size_t records() const { return offsets.size() - 1; }
};

struct Vocabulary {
  std::unordered_map<uint64_t, uint32_t> ids;  // PreparedString::hash_token -> token id
  std::vector<double> idf;                     // per token id (state table), filled as tokens appear
  std::vector<uint32_t> df;                    // documents containing the token (both tables)
};

// Tokenises every record: records are prepared in parallel blocks, then their tokens are given ids
// in row order, so ids (and everything after) do not depend on the thread count.
void tokenise(const Column& left, const Column& right, const text::IdfTable* idf, ThreadPool& pool, Vocabulary& vocab,
              Vectors& raw, std::vector<uint32_t>& tf, uint64_t& documents) {
  const size_t n_left = left.size(), total = left.size() + right.size();
  constexpr size_t kBlock = 4096;
  std::vector<text::PreparedString> prepared(std::min(total, kBlock));
  const text::PrepareOptions options = token_options();
  std::vector<std::pair<uint32_t, uint32_t>> counts;  // token id, occurrences
  for (size_t block = 0; block < total; block += kBlock) {
    const size_t n = std::min(kBlock, total - block);
    pool.parallel_for(static_cast<int64_t>(n), 64, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const size_t row = block + static_cast<size_t>(i);
        const Column& c = row < n_left ? left : right;
        const size_t r = row < n_left ? row : row - n_left;
        if (c.is_null(r)) prepared[static_cast<size_t>(i)].assign_null();
        else prepared[static_cast<size_t>(i)].assign(c.string_value(r), options);
      }
    });
    for (size_t i = 0; i < n; ++i) {
      const text::PreparedString& p = prepared[i];
      counts.clear();
      for (size_t t = 0; t < p.token_count(); ++t) {
        auto [it, fresh] = vocab.ids.emplace(p.token_hash(t), static_cast<uint32_t>(vocab.df.size()));
        if (fresh) {
          vocab.df.push_back(0);
          if (idf) vocab.idf.push_back(idf->idf(p.token(t)));
        }
        counts.emplace_back(it->second, 1);
      }
      std::sort(counts.begin(), counts.end());
      size_t kept = 0;
      for (size_t k = 0; k < counts.size(); ++k) {
        if (kept && counts[kept - 1].first == counts[k].first) ++counts[kept - 1].second;
        else counts[kept++] = counts[k];
      }
      counts.resize(kept);
      for (const auto& [token, count] : counts) {
        raw.tokens.push_back(token);
        tf.push_back(count);
        ++vocab.df[token];
      }
      raw.offsets.push_back(raw.tokens.size());
      if (!p.is_null()) ++documents;  // as IdfTable::add_document: a null text is no document
    }
  }
}

void weigh(const Vocabulary& vocab, uint64_t documents, const std::vector<uint32_t>& tf, Vectors& v) {
  std::vector<double> idf = vocab.idf;
  if (idf.empty()) {  // fitted here, with tfidf.h's smooth idf
    idf.resize(vocab.df.size());
    for (size_t t = 0; t < idf.size(); ++t)
      idf[t] = std::log((1.0 + static_cast<double>(documents)) / (1.0 + static_cast<double>(vocab.df[t]))) + 1.0;
  }
  v.weights.resize(v.tokens.size());
  for (size_t r = 0; r < v.records(); ++r) {
    double norm = 0;
    for (size_t k = v.offsets[r]; k < v.offsets[r + 1]; ++k) {
      const double w = tf[k] * idf[v.tokens[k]];
      norm += w * w;
    }
    norm = std::sqrt(norm);
    for (size_t k = v.offsets[r]; k < v.offsets[r + 1]; ++k)
      v.weights[k] = static_cast<float>(tf[k] * idf[v.tokens[k]] / norm);
  }
}

struct Posting {
  uint32_t row;
  float weight;
};

// Token id -> the right rows containing it (ascending), with the token's weight there.
struct InvertedIndex {
  std::vector<size_t> offsets;  // per token id
  std::vector<Posting> postings;
};

InvertedIndex index_right(const Vectors& v, size_t first_right, size_t vocabulary) {
  InvertedIndex index;
  index.offsets.assign(vocabulary + 1, 0);
  for (size_t k = v.offsets[first_right]; k < v.tokens.size(); ++k) ++index.offsets[v.tokens[k] + 1];
  for (size_t t = 0; t < vocabulary; ++t) index.offsets[t + 1] += index.offsets[t];
  index.postings.resize(index.offsets.back());
  std::vector<size_t> fill(index.offsets.begin(), index.offsets.end() - 1);
  for (size_t r = first_right; r < v.records(); ++r)
    for (size_t k = v.offsets[r]; k < v.offsets[r + 1]; ++k)
      index.postings[fill[v.tokens[k]]++] = {static_cast<uint32_t>(r - first_right), v.weights[k]};
  return index;
}

// Per-chunk scratch: a dense score per right row (0 = not a candidate yet), the candidates, and
// the left record's weights of its capped tokens, dense by token id.
struct Accumulator {
  std::vector<double> score;
  std::vector<uint32_t> touched;
  std::vector<float> capped_weight;
};

}  // namespace

BlockingTexts blocking_texts(const ProductTable& left, const ProductTable& right, const std::string& expression) {
  expr::Expression parsed = [&] {
    try {
      return expr::Expression::parse(expression);
    } catch (const Error& e) {
      throw_error(ErrorKind::BadModel, std::string("blocking.text: ") + e.what());
    }
  }();
  const std::vector<std::string> reads = parsed.columns();
  for (const std::string& c : reads)
    if (!left.frame().has_column(c) && !right.frame().has_column(c))
      throw_error(ErrorKind::BadModel, "blocking.text '" + expression + "' reads column '" + c + "', which neither table has (left '" +
                                           left.source() + "', right '" + right.source() + "')");
  auto evaluate = [&](const ProductTable& table) {
    Frame inputs;
    for (const std::string& c : reads) {
      const Column* col = table.frame().find(c);
      if (!col) inputs.add_column(c, Column::nulls(ColumnType::String, table.size()));
      else inputs.add_column(c, col->type() == ColumnType::String ? *col : cast(*col, ColumnType::String, c));
    }
    if (reads.empty()) inputs.add_column("__rows", Column::nulls(ColumnType::String, table.size()));
    expr::Expression e = expr::Expression::parse(expression);
    try {
      e.bind(inputs.schema());
    } catch (const Error& err) {
      throw_error(ErrorKind::BadModel, "blocking.text: " + std::string(err.what()));
    }
    Column text = e.evaluate(inputs);
    return text.type() == ColumnType::String ? text : cast(text, ColumnType::String, "blocking.text");
  };
  return {evaluate(left), evaluate(right)};
}

BlockingResult block(const Column& left_text, const Column& right_text, std::span<const uint32_t> right_rank,
                     const text::IdfTable* idf, const BlockingOptions& options) {
  ONNXFN_ASSERT(right_rank.size() == right_text.size());
  if (options.top_k == 0) throw_error(ErrorKind::BadInput, "blocking: top_k must be at least 1");
  const size_t n_left = left_text.size(), n_right = right_text.size();
  ThreadPool pool(std::max(1, options.threads));

  Vocabulary vocab;
  Vectors v;
  std::vector<uint32_t> tf;
  uint64_t documents = 0;
  tokenise(left_text, right_text, idf, pool, vocab, v, tf, documents);
  weigh(vocab, documents, tf, v);
  const size_t vocabulary = vocab.df.size();
  const InvertedIndex index = index_right(v, n_left, vocabulary);

  const size_t cap = std::max(options.min_df_cap, static_cast<size_t>(options.max_df_fraction * static_cast<double>(n_right)));
  std::vector<uint8_t> capped(vocabulary, 0);
  BlockingResult result;
  result.left_records = n_left;
  result.right_records = n_right;
  result.vocabulary = vocabulary;
  for (size_t t = 0; t < vocabulary; ++t)
    if (index.offsets[t + 1] - index.offsets[t] > cap) {
      capped[t] = 1;
      ++result.capped_tokens;
    }

  const size_t k = options.top_k;
  std::vector<uint32_t> found(n_left, 0);  // candidates per left row
  std::vector<uint32_t> best_rows(n_left * std::min(k, n_right));
  std::vector<double> best_scores(best_rows.size());
  const size_t stride = std::min(k, n_right);
  // Scratch is handed out per chunk of left rows: at most one per thread is ever in use.
  std::mutex scratch_mutex;
  std::vector<std::unique_ptr<Accumulator>> scratch;
  pool.parallel_for(
      static_cast<int64_t>(n_left), 16,
      [&](int64_t begin, int64_t end) {
        std::unique_ptr<Accumulator> slot;
        {
          std::lock_guard lock(scratch_mutex);
          if (!scratch.empty()) {
            slot = std::move(scratch.back());
            scratch.pop_back();
          }
        }
        if (!slot) {
          slot = std::make_unique<Accumulator>();
          slot->score.assign(n_right, 0.0);
          slot->capped_weight.assign(vocabulary, 0.0f);
        }
        Accumulator& acc = *slot;
        std::vector<std::pair<double, uint32_t>> ranked;
        for (int64_t l = begin; l < end; ++l) {
          const size_t lo = v.offsets[static_cast<size_t>(l)], hi = v.offsets[static_cast<size_t>(l) + 1];
          bool any_rare = false, any_capped = false;
          for (size_t q = lo; q < hi; ++q) {
            any_rare |= !capped[v.tokens[q]];
            any_capped |= capped[v.tokens[q]] != 0;
          }
          // Scores through the postings of the uncapped tokens (of every token if none is).
          acc.touched.clear();
          for (size_t q = lo; q < hi; ++q) {
            const uint32_t t = v.tokens[q];
            if (any_rare && capped[t]) continue;
            const double w = v.weights[q];
            for (size_t p = index.offsets[t]; p < index.offsets[t + 1]; ++p) {
              const Posting& post = index.postings[p];
              if (acc.score[post.row] == 0.0) acc.touched.push_back(post.row);
              acc.score[post.row] += w * post.weight;  // > 0: weights are positive
            }
          }
          // The capped tokens' share of each candidate's cosine: one walk over the candidate's
          // (short) vector against the left record's capped-token weights, held densely.
          if (any_rare && any_capped) {
            for (size_t q = lo; q < hi; ++q)
              if (capped[v.tokens[q]]) acc.capped_weight[v.tokens[q]] = v.weights[q];
            for (const uint32_t r : acc.touched)
              for (size_t e = v.offsets[n_left + r]; e < v.offsets[n_left + r + 1]; ++e)
                acc.score[r] += double{acc.capped_weight[v.tokens[e]]} * v.weights[e];
            for (size_t q = lo; q < hi; ++q) acc.capped_weight[v.tokens[q]] = 0.0f;
          }
          ranked.clear();
          for (const uint32_t r : acc.touched) {
            ranked.emplace_back(acc.score[r], r);
            acc.score[r] = 0.0;
          }
          auto better = [&](const std::pair<double, uint32_t>& a, const std::pair<double, uint32_t>& b) {
            if (a.first != b.first) return a.first > b.first;
            return right_rank[a.second] < right_rank[b.second];
          };
          const size_t keep = std::min(k, ranked.size());
          std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end(), better);
          const size_t at = static_cast<size_t>(l) * stride;
          for (size_t i = 0; i < keep; ++i) {
            best_rows[at + i] = ranked[i].second;
            best_scores[at + i] = ranked[i].first;
          }
          found[static_cast<size_t>(l)] = static_cast<uint32_t>(keep);
        }
        std::lock_guard lock(scratch_mutex);
        scratch.push_back(std::move(slot));
      });

  size_t total = 0;
  for (const uint32_t f : found) total += f;
  result.pairs.left.reserve(total);
  result.pairs.right.reserve(total);
  result.scores.reserve(total);
  for (size_t l = 0; l < n_left; ++l)
    for (size_t i = 0; i < found[l]; ++i) {
      result.pairs.push_back(static_cast<uint32_t>(l), best_rows[l * stride + i]);
      result.scores.push_back(std::min(1.0, best_scores[l * stride + i]));
    }
  return result;
}

BlockingRecall blocking_recall(const PairList& candidates, const PairList& gold) {
  auto key = [](uint32_t l, uint32_t r) { return (uint64_t{l} << 32) | r; };
  std::unordered_set<uint64_t> kept;
  kept.reserve(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) kept.insert(key(candidates.left[i], candidates.right[i]));
  BlockingRecall recall;
  std::unordered_set<uint64_t> counted;  // a positive listed twice counts once
  for (size_t i = 0; i < gold.size(); ++i) {
    if (gold.labelled() && !gold.labels[i]) continue;
    const uint64_t k = key(gold.left[i], gold.right[i]);
    if (!counted.insert(k).second) continue;
    ++recall.positives;
    recall.retained += kept.count(k);
  }
  return recall;
}

}  // namespace onnxfn::batch
