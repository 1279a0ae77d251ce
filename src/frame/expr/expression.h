// Expressions over Frame columns, for derived columns and filters in feature pipelines.
//
//   Expression e = Expression::parse("jaro_winkler(left_title, right_title)");
//   ColumnType t = e.bind(frame.schema(), &state);   // type-checks, compiles regexes, finds state
//   Column c = e.evaluate(frame);                     // vectorised, one column per call
//
// The language (docs/expressions.md lists every function):
//   literals   1, 2.5, 'text' or "text", true, false, null
//   columns    title, `column with spaces`
//   operators  + - * / %   == != < <= > >=   and or not   (precedence as in SQL)
//   calls      lower(title), coalesce(price, 0), tfidf_cosine(a, b, 'title_idf')
// Null semantics follow SQL: arithmetic and comparisons with null give null; and/or use
// three-valued logic; division by zero gives null. Every failure is an Error(BadInput) naming
// the expression and the character position.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "frame/frame.h"
#include "frame/text/tfidf.h"

namespace onnxfn::expr {

struct ExprNode;

// Fitted state an expression may refer to by name (IDF tables for tfidf_cosine).
struct StateStore {
  std::map<std::string, text::IdfTable, std::less<>> idf_tables;
};

struct PreparedColumn;
struct DistinctValues;

// Prepared text (text::PreparedString: normalised, tokenised, q-grams) shared by several
// expressions evaluated over the same frame, as a pipeline's derive step does: ten similarity
// features over two title columns prepare each distinct title once, not ten times. Entries are
// keyed by the argument's canonical text, so a column that is replaced must be invalidated.
struct EvalCache {
  std::unordered_map<std::string, std::shared_ptr<const PreparedColumn>> prepared;
  // Parts (expr_ast.h TextParts) each argument must be prepared with, gathered from every
  // expression that will share this cache (Expression::note_text_parts), so that one preparation
  // serves them all.
  std::unordered_map<std::string, uint8_t> text_parts;
  // Subexpressions (by canonical text) that the group's expressions evaluate more than once, with
  // how many evaluations are still to come (note_text_parts counts them): a feature set reuses
  // token_jaccard(l_title, r_title) or token_count(l_nums) in several formulas, and each is
  // computed once. An entry leaves `columns` after its last use.
  std::unordered_map<std::string, size_t> uses;
  struct SharedColumn {
    std::shared_ptr<Column> column;
    bool scalar = false;
  };
  std::unordered_map<std::string, SharedColumn> columns;
  // String arguments numbered by distinct value (expr_ast.h DistinctValues), so that row-wise
  // string functions (clean, regex_replace, token_count...) run once per distinct value; a
  // function's result keeps its argument's numbering, so a chain of them never hashes a row again.
  std::unordered_map<std::string, std::shared_ptr<const DistinctValues>> distinct;
  // Text preparations made through this cache when record_preparations is set, for a profile:
  // which arguments (canonical text, comma-separated), how many distinct values, how long.
  bool record_preparations = false;
  struct Preparation {
    std::string arguments;
    size_t values = 0;
    double ms = 0;
  };
  std::vector<Preparation> preparations;
  // Drops every entry computed from column `name`.
  void invalidate_column(std::string_view name);
};

class Expression {
 public:
  static Expression parse(std::string_view text);
  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  ~Expression();

  const std::string& text() const { return text_; }
  // Column names the expression reads.
  std::vector<std::string> columns() const;

  // Type-checks against the input schema and prepares constant arguments (regexes, state).
  // Must be called before evaluate(); `state` must outlive the expression.
  ColumnType bind(const Schema& schema, const StateStore* state = nullptr);
  ColumnType result_type() const;

  // Records in `cache` which parts of prepared text this expression's functions read and which
  // subexpressions it evaluates (EvalCache::uses); call it for every expression of a group before
  // evaluating any of them with the shared cache.
  void note_text_parts(EvalCache& cache) const;

  // True when the expression is a chain of functions that each run once per distinct value of
  // their argument (clean, regex_replace, split_part, token_count...) over a column: evaluated
  // with a shared cache, it already works per distinct value and shares the chain's common steps.
  bool runs_per_distinct_value() const;

  // Evaluates over every row of `frame` (which must have the bound schema's columns).
  // Thread-safe: a bound Expression may be evaluated concurrently.
  Column evaluate(const Frame& frame) const;
  // Same, reusing (and filling) `cache`; the caller keeps it in step with the frame.
  Column evaluate(const Frame& frame, EvalCache& cache) const;

 private:
  Expression(std::string text, std::unique_ptr<ExprNode> root);
  std::string text_;
  std::unique_ptr<ExprNode> root_;
  bool bound_ = false;
};

// Every function name with its signature, for documentation and error messages.
std::vector<std::string> function_signatures();

}  // namespace onnxfn::expr
