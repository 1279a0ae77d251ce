// Internal to src/frame/expr/: the expression tree, typing information and evaluation operands.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/error.h"
#include "frame/expr/expression.h"
#include "frame/text/prepared_string.h"
#include "frame/text/regex_functions.h"

namespace onnxfn::expr {

using LiteralValue = std::variant<std::monostate, int64_t, double, std::string, bool>;

struct FunctionDef;

struct ExprNode {
  enum class Kind { Literal, Column, Unary, Binary, Call };
  Kind kind = Kind::Literal;
  size_t position = 0;     // character offset in the expression text, for errors
  LiteralValue literal;       // Kind::Literal
  std::string name;        // column or function name; operator for Unary/Binary
  std::vector<std::unique_ptr<ExprNode>> args;

  // Filled by bind(): the result type (nullopt for a bare null literal) and call bindings.
  std::optional<ColumnType> type;
  const FunctionDef* function = nullptr;
  std::shared_ptr<const text::Regex> regex;  // regex functions: compiled pattern
  const text::IdfTable* idf = nullptr;       // tfidf_cosine: the named table
  std::string canonical;                     // canonical text of the subtree (cache key)
};

// A value during evaluation: a full column, or one value standing for every row. Frame columns
// are borrowed, computed ones owned, so reading a column never copies it.
struct Operand {
  const Column* ref = nullptr;
  std::shared_ptr<Column> owned;
  bool scalar = false;

  static Operand own(Column c, bool is_scalar) {
    Operand o;
    o.owned = std::make_shared<Column>(std::move(c));
    o.scalar = is_scalar;
    return o;
  }
  static Operand borrow(const Column& c) {
    Operand o;
    o.ref = &c;
    return o;
  }
  const Column& column() const { return ref ? *ref : *owned; }
  size_t index(size_t row) const { return scalar ? 0 : row; }
  bool is_null(size_t row) const { return column().is_null(index(row)); }
};

// Parts of a text::PreparedString beyond its normalised text, which similarity
// functions declare (FunctionDef::text_parts) so that a column is prepared with only what its
// functions read: q-grams and model numbers are most of the cost of preparing a long description
// that only token_cosine reads.
enum TextParts : uint8_t {
  kTokens = 1,        // the token list (positions, code points) and the token set
  kQgrams = 2,
  kModelNumbers = 4,
  kCodePoints = 8,    // code_points(), for the edit-distance and Jaro measures
  kTokenSet = 16,     // the token set alone
};

// The prepared values of one string argument: each distinct value prepared once (candidate pairs
// repeat each record in many pairs), rows pointing at their value; index 0 is the null value.
struct PreparedColumn {
  uint8_t parts = 0;  // TextParts present in every value
  // Each distinct value once (index 0: null). The two arguments of a pairwise function share one
  // list, so a title found in both columns is prepared once.
  std::shared_ptr<const std::vector<text::PreparedString>> values;
  std::vector<uint32_t> row_value;
  const text::PreparedString& at(size_t row) const { return (*values)[row_value[row]]; }
};

// A string column as numbers of its distinct values: row r holds values[row_value[r]], and
// values[0] is null. A function's result over such a column (one value per distinct argument)
// keeps the numbering, so its values may repeat; each still stands for all of its rows.
struct DistinctValues {
  std::shared_ptr<const std::vector<size_t>> row_value;
  Column values{ColumnType::String};
};

// Per-evaluation state: prepared strings are computed once per distinct argument subtree (and,
// with a shared EvalCache, once across the expressions of a pipeline step).
struct EvalContext {
  const Frame& frame;
  size_t rows;
  EvalCache& cache;
  // Set for the call being evaluated when its only reader is the next function of a
  // per-distinct-value chain (evaluate_uncached): a string result then stays in cache.distinct
  // and no column of every row is built (map_distinct).
  bool distinct_only = false;
};

Operand evaluate_node(const ExprNode& node, EvalContext& ctx);
// The same without the shared-subexpression cache (EvalCache::columns).
Operand evaluate_uncached(const ExprNode& node, EvalContext& ctx);

// Error naming the expression and position.
[[noreturn]] void expr_error(const std::string& expression, size_t position, const std::string& problem);

struct ArgInfo {
  std::optional<ColumnType> type;  // nullopt: a null literal
  const ExprNode* node;
};

struct FunctionDef {
  std::string_view name;
  size_t min_args;
  size_t max_args;
  std::string_view signature;
  // Checks argument types (throwing through `fail`) and returns the result type; may also
  // prepare the node (compile a regex, find a state table).
  std::function<ColumnType(ExprNode& node, const std::vector<ArgInfo>& args, const StateStore* state,
                           const std::function<void(size_t arg, const std::string&)>& fail)>
      bind;
  std::function<Operand(const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx)> eval;
  uint8_t text_parts = 0;  // TextParts the function reads from its prepared string arguments
  // Evaluated once per distinct value of its first argument (map_distinct), the others literals.
  bool per_distinct_value = false;
};

const FunctionDef* find_function(std::string_view name);
const std::vector<FunctionDef>& all_functions();

// Builds a result column of `rows` values by calling produce(row) -> std::optional<T>.
template <class T, class Produce>
Column build_column(ColumnType type, size_t rows, Produce&& produce) {
  Column out(type);
  out.reserve(rows);
  for (size_t r = 0; r < rows; ++r) {
    std::optional<T> v = produce(r);
    if (!v) {
      out.append_null();
    } else if constexpr (std::is_same_v<T, int64_t>) {
      out.append_int64(*v);
    } else if constexpr (std::is_same_v<T, double>) {
      out.append_float64(*v);
    } else if constexpr (std::is_same_v<T, bool>) {
      out.append_bool(*v);
    } else {
      out.append_string(*v);
    }
  }
  return out;
}

// Numeric value of an int64/float64/bool operand at a row (null → nullopt).
std::optional<double> number_at(const Operand& op, size_t row);

// number_at for every row of one operand, with the column's spans taken once: arithmetic and
// numeric functions read each value through it (a call and a type check per value were a twentieth
// of the product-matching features' time).
class NumberReader {
 public:
  explicit NumberReader(const Operand& op) : scalar_(op.scalar), type_(op.column().type()), valid_(op.column().validity()) {
    const Column& c = op.column();
    if (type_ == ColumnType::Float64) f64_ = c.float64_values();
    else if (type_ == ColumnType::Int64) i64_ = c.int64_values();
    else if (type_ == ColumnType::Bool) b8_ = c.bool_values();
  }
  // Inlined even at -Os (the expression files' level): a call per value was a twentieth of the
  // product-matching pipeline's time.
  [[gnu::always_inline]] std::optional<double> operator()(size_t row) const {
    const size_t i = scalar_ ? 0 : row;
    if (!valid_.empty() && valid_[i] == 0) return std::nullopt;
    switch (type_) {
      case ColumnType::Float64: return f64_[i];
      case ColumnType::Int64: return static_cast<double>(i64_[i]);
      case ColumnType::Bool: return b8_[i] ? 1.0 : 0.0;
      case ColumnType::String: return std::nullopt;
    }
    return std::nullopt;
  }

 private:
  bool scalar_;
  ColumnType type_;
  std::span<const uint8_t> valid_;
  std::span<const double> f64_;
  std::span<const int64_t> i64_;
  std::span<const uint8_t> b8_;
};
std::optional<std::string_view> string_at(const Operand& op, size_t row);

}  // namespace onnxfn::expr
