// TF-IDF cosine similarity with an IDF table fitted on a corpus (Salton & Buckley, "Term-weighting
// approaches in automatic text retrieval", Information Processing & Management 24(5), 1988), with
// the weighting scikit-learn's TfidfVectorizer uses by default, so a table fitted here and one
// fitted in Python agree:
//   idf(t) = ln((1 + n) / (1 + df(t))) + 1      (smooth_idf=True; n documents, df(t) of them
//                                                 contain t)
//   w(t, d) = tf(t, d) · idf(t)                   (tf = raw count of t among d's tokens)
//   cosine(a, b) = Σ_t w(t,a) w(t,b) / (‖w(·,a)‖ ‖w(·,b)‖)   (sublinear_tf=False, norm='l2').
// One difference: a token absent from the table is weighted as df = 0 (the highest idf), where
// scikit-learn drops out-of-vocabulary tokens; in matching, an unseen token (often a model number)
// is the most telling one, not one to ignore.
// Tokens are PreparedString word tokens, so fit the table on values prepared with the same
// PrepareOptions as the values compared.
//
// Serialised form (text, UTF-8, LF line ends, stored beside the model in a bundle):
//   onnxfn-idf-table 1
//   documents <n>
//   <df>\t<token>        one line per token, sorted by token bytes
// Tokens contain no tab, CR or LF (word tokens never do); df is in [1, n].
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "frame/text/prepared_string.h"

namespace onnxfn::text {

class IdfTable {
 public:
  IdfTable() = default;

  // Document frequencies of `documents`' tokens; null documents are skipped (not counted in n).
  static IdfTable fit(std::span<const PreparedString> documents);
  void add_document(const PreparedString& document);

  uint64_t document_count() const { return documents_; }
  uint64_t document_frequency(std::string_view token) const;
  size_t vocabulary_size() const { return df_.size(); }
  double idf(std::string_view token) const;
  // The same, given the token's PreparedString::hash_token (TfidfVector has it already).
  double idf(std::string_view token, uint64_t hash) const;
  // Whether idf_of_hash serves: the hash index is built (see index_ below).
  bool indexed() const { return !index_.empty(); }
  // idf by the token's hash alone; only when indexed().
  double idf_of_hash(uint64_t hash) const;

  std::string serialize() const;
  // Throws BadInput naming `source` and the line on malformed text.
  static IdfTable parse(std::string_view text, std::string_view source);

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  // A flat open-addressing copy of df_ with each idf computed once, keyed by the token hash that
  // prepared values carry: a lookup is one probe into 16-byte slots, where the node map costs a
  // hash of the bytes and a pointer chase. TF-IDF vectors are built for every distinct value a
  // pipeline compares, so this is on the serving path. Keys are the 64-bit hashes alone, the
  // assumption set similarity makes (prepared_string.h): an unseen token takes a table token's
  // idf only if their hashes collide (~vocabulary / 2⁶⁴). Two table tokens that collide leave the
  // table unindexed. Built by parse() and fit(), dropped by add_document() (lookups then use df_).
  struct Slot {
    uint64_t hash;
    double idf;  // 0: an empty slot (every idf is at least 1)
  };
  void build_index();
  double idf_of_frequency(uint64_t df) const;

  uint64_t documents_ = 0;
  std::unordered_map<std::string, uint64_t, Hash, std::equal_to<>> df_;
  std::vector<Slot> index_;
  double unseen_idf_ = 0;  // df = 0: a token not in the table
};

struct TfidfEntry {
  uint64_t token_hash;  // PreparedString::hash_token
  double weight;
};

// A value's TF-IDF vector, L2-normalised, built once per record.
class TfidfVector {
 public:
  using Entry = TfidfEntry;

  TfidfVector() = default;  // null
  TfidfVector(const PreparedString& value, const IdfTable& table);

  bool is_null() const { return null_; }
  // Sorted by token hash.
  std::span<const Entry> entries() const { return entries_; }

 private:
  bool null_ = true;
  std::vector<Entry> entries_;
};

// The vectors of many values (a column's distinct values) in one array: ten thousand titles are
// not ten thousand allocations.
class TfidfVectors {
 public:
  TfidfVectors(std::span<const PreparedString> values, const IdfTable& table);
  bool is_null(size_t i) const { return null_[i] != 0; }
  // As TfidfVector::entries() of values[i].
  std::span<const TfidfEntry> entries(size_t i) const {
    return {entries_.data() + begin_[i], entries_.data() + begin_[i + 1]};
  }

 private:
  std::vector<TfidfEntry> entries_;
  std::vector<size_t> begin_;  // value i: entries_[begin_[i], begin_[i + 1])
  std::vector<uint8_t> null_;
};

// Null if either is null; 1 for two empty vectors, 0 for one empty (see similarity.h).
std::optional<double> tfidf_cosine(const TfidfVector& a, const TfidfVector& b);
// The same on entries (non-null values).
double tfidf_cosine(std::span<const TfidfEntry> x, std::span<const TfidfEntry> y);
// Builds both vectors; prefer TfidfVector per record when a value takes part in several pairs.
std::optional<double> tfidf_cosine(const PreparedString& a, const PreparedString& b,
                                   const IdfTable& table);

}  // namespace onnxfn::text
