// IDF tables (fit, serialise, parse) and TF-IDF cosine (definitions in tfidf.h).
#include "frame/text/tfidf.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "common/error.h"
#include "frame/text/unicode.h"

namespace onnxfn::text {

namespace {

constexpr std::string_view kMagic = "onnxfn-idf-table 1";
constexpr std::string_view kDocuments = "documents ";

[[noreturn]] void parse_error(std::string_view source, size_t line, const std::string& what) {
  throw_error(ErrorKind::BadInput, "IDF table " + std::string(source) + ": line " +
                                       std::to_string(line) + ": " + what);
}

// A decimal without sign, leading '+' or spaces; std::from_chars gives exactly that.
bool parse_count(std::string_view s, uint64_t& value) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

IdfTable IdfTable::fit(std::span<const PreparedString> documents) {
  IdfTable table;
  for (const PreparedString& d : documents) table.add_document(d);
  table.build_index();
  return table;
}

void IdfTable::add_document(const PreparedString& document) {
  if (document.is_null()) return;
  index_.clear();
  ++documents_;
  // Each distinct token once: df counts documents, not occurrences.
  std::vector<std::string_view> tokens;
  tokens.reserve(document.token_count());
  for (size_t i = 0; i < document.token_count(); ++i) tokens.push_back(document.token(i));
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  for (const std::string_view t : tokens) {
    const auto it = df_.find(t);
    if (it == df_.end())
      df_.emplace(std::string(t), 1);
    else
      ++it->second;
  }
}

uint64_t IdfTable::document_frequency(std::string_view token) const {
  const auto it = df_.find(token);
  return it == df_.end() ? 0 : it->second;
}

double IdfTable::idf_of_frequency(uint64_t df) const {
  const double n = static_cast<double>(documents_);
  return std::log((1.0 + n) / (1.0 + static_cast<double>(df))) + 1.0;
}

double IdfTable::idf(std::string_view token) const {
  return index_.empty() ? idf_of_frequency(document_frequency(token))
                        : idf(token, PreparedString::hash_token(token));
}

double IdfTable::idf(std::string_view token, uint64_t hash) const {
  if (index_.empty()) return idf_of_frequency(document_frequency(token));
  return idf_of_hash(hash);
}

double IdfTable::idf_of_hash(uint64_t hash) const {
  const size_t mask = index_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {  // the load factor ≤ 1/2 ends every probe
    const Slot& slot = index_[i];
    if (slot.hash == hash && slot.idf != 0) return slot.idf;
    if (slot.idf == 0) return unseen_idf_;
  }
}

void IdfTable::build_index() {
  index_.clear();
  unseen_idf_ = idf_of_frequency(0);
  size_t capacity = 16;
  while (capacity < 2 * df_.size()) capacity *= 2;
  std::vector<Slot> index(capacity, Slot{0, 0});
  for (const auto& [token, df] : df_) {
    const uint64_t hash = PreparedString::hash_token(token);
    size_t i = hash & (capacity - 1);
    for (; index[i].idf != 0; i = (i + 1) & (capacity - 1))
      if (index[i].hash == hash) return;  // two tokens, one hash: stay on df_
    index[i] = Slot{hash, idf_of_frequency(df)};
  }
  index_ = std::move(index);
}

std::string IdfTable::serialize() const {
  std::vector<std::pair<std::string_view, uint64_t>> rows(df_.begin(), df_.end());
  std::sort(rows.begin(), rows.end());
  std::string out;
  out += kMagic;
  out += '\n';
  out += kDocuments;
  out += std::to_string(documents_);
  out += '\n';
  for (const auto& [token, df] : rows) {
    out += std::to_string(df);
    out += '\t';
    out += token;
    out += '\n';
  }
  return out;
}

IdfTable IdfTable::parse(std::string_view text, std::string_view source) {
  IdfTable table;
  size_t line_number = 0;
  size_t pos = 0;
  bool have_documents = false;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_number == 1) {
      if (line != kMagic)
        parse_error(source, 1, "expected the header '" + std::string(kMagic) + "'");
      continue;
    }
    if (line_number == 2) {
      if (line.substr(0, kDocuments.size()) != kDocuments ||
          !parse_count(line.substr(kDocuments.size()), table.documents_))
        parse_error(source, 2, "expected 'documents <count>'");
      have_documents = true;
      continue;
    }
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos)
      parse_error(source, line_number, "expected '<document frequency><TAB><token>'");
    uint64_t df = 0;
    if (!parse_count(line.substr(0, tab), df) || df < 1 || df > table.documents_)
      parse_error(source, line_number,
                  "the document frequency must be a whole number from 1 to the document count " +
                      std::to_string(table.documents_));
    const std::string_view token = line.substr(tab + 1);
    if (token.empty() || token.find_first_of("\t\r") != std::string_view::npos)
      parse_error(source, line_number, "the token is empty or contains a tab or CR");
    if (!is_valid_utf8(token)) parse_error(source, line_number, "the token is not valid UTF-8");
    if (!table.df_.emplace(std::string(token), df).second)
      parse_error(source, line_number, "the token '" + std::string(token) + "' is listed twice");
  }
  if (line_number == 0) parse_error(source, 1, "empty file");
  if (!have_documents) parse_error(source, 2, "missing the 'documents <count>' line");
  table.build_index();
  return table;
}

namespace {

// Appends value's entries to `out` (value not null): sorted by hash, repeats summed, normalised.
void append_entries(const PreparedString& value, const IdfTable& table, std::vector<TfidfEntry>& out) {
  const size_t first = out.size();
  const std::span<const uint64_t> set = value.token_set();  // sorted, distinct: the entries' order
  if (value.token_count() == 0) {
    // No token list kept (or none at all): an empty vector.
  } else if (table.indexed() && set.size() == value.token_count()) {
    // No token repeats (most titles): each member once, tf = 1, and the index needs no token
    // bytes; about a quarter of the cost of the general case.
    for (const uint64_t hash : set) out.push_back({hash, table.idf_of_hash(hash)});
  } else {
    // Repeats of a token add up: tf(t) · idf(t) is idf(t) added once per occurrence. Each token
    // finds its member by binary search, which counts it and notes the first token (for the
    // idf lookup by bytes when the table has no index).
    thread_local std::vector<uint32_t> count, token_of;
    count.assign(set.size(), 0);
    token_of.resize(set.size());
    for (size_t i = 0; i < value.token_count(); ++i) {
      const auto k = static_cast<size_t>(std::lower_bound(set.begin(), set.end(), value.token_hash(i)) - set.begin());
      if (count[k]++ == 0) token_of[k] = static_cast<uint32_t>(i);
    }
    for (size_t k = 0; k < set.size(); ++k) {
      const double idf = table.idf(value.token(token_of[k]), set[k]);
      double weight = idf;
      for (uint32_t c = 1; c < count[k]; ++c) weight += idf;
      out.push_back({set[k], weight});
    }
  }
  const size_t kept = out.size();
  double norm = 0;
  for (size_t i = first; i < kept; ++i) norm += out[i].weight * out[i].weight;
  norm = std::sqrt(norm);
  for (size_t i = first; i < kept; ++i) out[i].weight /= norm;  // idf ≥ 1, so a non-empty vector has norm > 0
}

}  // namespace

TfidfVector::TfidfVector(const PreparedString& value, const IdfTable& table) {
  if (value.is_null()) return;
  null_ = false;
  entries_.reserve(value.token_count());
  append_entries(value, table, entries_);
}

TfidfVectors::TfidfVectors(std::span<const PreparedString> values, const IdfTable& table) {
  size_t tokens = 0;
  for (const PreparedString& v : values) tokens += v.token_count();
  entries_.reserve(tokens);
  begin_.reserve(values.size() + 1);
  null_.reserve(values.size());
  for (const PreparedString& v : values) {
    begin_.push_back(entries_.size());
    null_.push_back(v.is_null());
    if (!v.is_null()) append_entries(v, table, entries_);
  }
  begin_.push_back(entries_.size());
}

double tfidf_cosine(std::span<const TfidfEntry> x, std::span<const TfidfEntry> y) {
  if (x.empty() || y.empty()) return x.empty() && y.empty() ? 1.0 : 0.0;
  // Branch-free merge (which side advances is a coin toss for hashes); a product is added for
  // common tokens only, in hash order, and + 0.0 leaves the positive sum unchanged.
  double dot = 0;
  size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    const uint64_t hx = x[i].token_hash, hy = y[j].token_hash;
    const double product = x[i].weight * y[j].weight;
    dot += hx == hy ? product : 0.0;
    i += hx <= hy;
    j += hy <= hx;
  }
  return std::min(dot, 1.0);  // rounding can lift identical vectors a hair above 1
}

std::optional<double> tfidf_cosine(const TfidfVector& a, const TfidfVector& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  return tfidf_cosine(a.entries(), b.entries());
}

std::optional<double> tfidf_cosine(const PreparedString& a, const PreparedString& b,
                                   const IdfTable& table) {
  return tfidf_cosine(TfidfVector(a, table), TfidfVector(b, table));
}

}  // namespace onnxfn::text
