// Expression: binding (type checking) and evaluation of operators, literals and columns; function
// calls dispatch to the table in expr_functions.cpp.
#include <charconv>
#include <cmath>
#include <utility>

#include "frame/expr/expr_ast.h"

namespace onnxfn::expr {
namespace {

std::string literal_text(const LiteralValue& l) {
  struct V {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    // Shortest text that reads back as the same double: canonical texts are cache keys, and
    // std::to_string's six decimals would give 0.1234567 and 0.1234568 one key.
    std::string operator()(double v) const {
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof buf, v);
      std::string out(buf, res.ptr);
      if (out.find_first_of(".eEn") == std::string::npos) out += ".0";  // not an int64 literal's text
      return out;
    }
    std::string operator()(const std::string& v) const { return "'" + v + "'"; }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
  };
  return std::visit(V{}, l);
}

bool is_numeric(std::optional<ColumnType> t) {
  return !t || *t == ColumnType::Int64 || *t == ColumnType::Float64 || *t == ColumnType::Bool;
}

std::string type_text(std::optional<ColumnType> t) { return t ? std::string(column_type_name(*t)) : "null"; }

struct Binder {
  const std::string& text;
  const Schema& schema;
  const StateStore* state;

  [[noreturn]] void fail(const ExprNode& n, const std::string& problem) const { expr_error(text, n.position, problem); }

  void bind(ExprNode& n) {
    for (auto& a : n.args) bind(*a);
    switch (n.kind) {
      case ExprNode::Kind::Literal:
        n.canonical = literal_text(n.literal);
        if (std::holds_alternative<int64_t>(n.literal)) n.type = ColumnType::Int64;
        else if (std::holds_alternative<double>(n.literal)) n.type = ColumnType::Float64;
        else if (std::holds_alternative<std::string>(n.literal)) n.type = ColumnType::String;
        else if (std::holds_alternative<bool>(n.literal)) n.type = ColumnType::Bool;
        else n.type = std::nullopt;
        return;
      case ExprNode::Kind::Column: {
        auto t = schema_type(schema, n.name);
        if (!t) {
          std::string names;
          for (const Field& f : schema) names += (names.empty() ? "" : ", ") + f.name;
          fail(n, "unknown column '" + n.name + "' (columns: " + names + ")");
        }
        n.type = *t;
        n.canonical = "`" + n.name + "`";
        return;
      }
      case ExprNode::Kind::Unary: {
        auto t = n.args[0]->type;
        n.canonical = n.name + "(" + n.args[0]->canonical + ")";
        if (n.name == "not") {
          if (t && *t != ColumnType::Bool) fail(n, "'not' needs a bool, got " + type_text(t));
          n.type = ColumnType::Bool;
        } else {
          if (!is_numeric(t) || t == ColumnType::Bool) fail(n, "unary '" + n.name + "' needs a number, got " + type_text(t));
          n.type = t ? t : std::optional(ColumnType::Float64);
        }
        return;
      }
      case ExprNode::Kind::Binary: {
        auto a = n.args[0]->type, b = n.args[1]->type;
        n.canonical = "(" + n.args[0]->canonical + " " + n.name + " " + n.args[1]->canonical + ")";
        const std::string& op = n.name;
        if (op == "and" || op == "or") {
          if ((a && *a != ColumnType::Bool) || (b && *b != ColumnType::Bool))
            fail(n, "'" + op + "' needs bools, got " + type_text(a) + " and " + type_text(b));
          n.type = ColumnType::Bool;
        } else if (op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
          bool ok = (is_numeric(a) && is_numeric(b)) || !a || !b || *a == *b;
          if (!ok) fail(n, "cannot compare " + type_text(a) + " with " + type_text(b));
          n.type = ColumnType::Bool;
        } else {
          if (!is_numeric(a) || !is_numeric(b) || a == ColumnType::Bool || b == ColumnType::Bool)
            fail(n, "'" + op + "' needs numbers, got " + type_text(a) + " and " + type_text(b));
          bool both_int = a == ColumnType::Int64 && b == ColumnType::Int64;
          n.type = both_int && op != "/" ? ColumnType::Int64 : ColumnType::Float64;
        }
        return;
      }
      case ExprNode::Kind::Call: {
        const FunctionDef* f = find_function(n.name);
        if (!f) fail(n, "unknown function '" + n.name + "'");
        if (n.args.size() < f->min_args || n.args.size() > f->max_args)
          fail(n, "wrong number of arguments: " + std::string(f->signature));
        std::vector<ArgInfo> infos;
        std::string canonical = n.name + "(";
        for (size_t i = 0; i < n.args.size(); ++i) {
          infos.push_back({n.args[i]->type, n.args[i].get()});
          canonical += (i ? ", " : "") + n.args[i]->canonical;
        }
        n.canonical = canonical + ")";
        n.function = f;
        n.type = f->bind(n, infos, state, [&](size_t arg, const std::string& problem) {
          expr_error(text, arg < n.args.size() ? n.args[arg]->position : n.position,
                     n.name + ": argument " + std::to_string(arg + 1) + " " + problem + " (" + std::string(f->signature) + ")");
        });
        return;
      }
    }
  }
};

void collect_columns(const ExprNode& n, std::vector<std::string>& out) {
  if (n.kind == ExprNode::Kind::Column && std::find(out.begin(), out.end(), n.name) == out.end()) out.push_back(n.name);
  for (const auto& a : n.args) collect_columns(*a, out);
}

void collect_text_parts(const ExprNode& n, EvalCache& cache) {
  if (n.kind == ExprNode::Kind::Call && n.function && n.function->text_parts != 0)
    for (const auto& a : n.args) cache.text_parts[a->canonical] |= n.function->text_parts;
  if (n.kind != ExprNode::Kind::Literal && n.kind != ExprNode::Kind::Column) ++cache.uses[n.canonical];
  for (const auto& a : n.args) collect_text_parts(*a, cache);
}

Operand literal_operand(const ExprNode& n) {
  struct V {
    Column operator()(std::monostate) const { return Column::nulls(ColumnType::Float64, 1); }
    Column operator()(int64_t v) const { return Column::int64({v}); }
    Column operator()(double v) const { return Column::float64({v}); }
    Column operator()(const std::string& v) const { return Column::string({std::string_view(v)}); }
    Column operator()(bool v) const { return Column::boolean({v}); }
  };
  return Operand::own(std::visit(V{}, n.literal), true);
}

std::optional<bool> bool_at(const Operand& op, size_t row) {
  if (op.is_null(row)) return std::nullopt;
  return op.column().bool_values()[op.index(row)] != 0;
}

Operand eval_binary(const ExprNode& n, EvalContext& ctx) {
  Operand a = evaluate_node(*n.args[0], ctx);
  Operand b = evaluate_node(*n.args[1], ctx);
  const std::string& op = n.name;
  size_t rows = a.scalar && b.scalar ? 1 : ctx.rows;
  Operand out;
  const bool scalar = a.scalar && b.scalar;
  if (op == "and" || op == "or") {
    bool is_and = op == "and";
    out = Operand::own(build_column<bool>(ColumnType::Bool, rows, [&](size_t r) -> std::optional<bool> {
      auto x = bool_at(a, r), y = bool_at(b, r);
      // Three-valued logic: false dominates 'and', true dominates 'or'.
      if (is_and) {
        if ((x && !*x) || (y && !*y)) return false;
        if (!x || !y) return std::nullopt;
        return true;
      }
      if ((x && *x) || (y && *y)) return true;
      if (!x || !y) return std::nullopt;
      return false;
    }), scalar);
    return out;
  }
  bool comparison = op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=";
  if (comparison) {
    auto decide = [&](int cmp) {
      if (op == "==") return cmp == 0;
      if (op == "!=") return cmp != 0;
      if (op == "<") return cmp < 0;
      if (op == "<=") return cmp <= 0;
      if (op == ">") return cmp > 0;
      return cmp >= 0;
    };
    bool strings = n.args[0]->type == ColumnType::String || n.args[1]->type == ColumnType::String;
    const NumberReader na(a), nb(b);
    out = Operand::own(build_column<bool>(ColumnType::Bool, rows, [&](size_t r) -> std::optional<bool> {
      if (strings) {
        auto x = string_at(a, r), y = string_at(b, r);
        if (!x || !y) return std::nullopt;
        return decide(x->compare(*y));
      }
      auto x = na(r), y = nb(r);
      if (!x || !y || std::isnan(*x) || std::isnan(*y)) return std::nullopt;
      return decide(*x < *y ? -1 : *x > *y ? 1 : 0);
    }), scalar);
    return out;
  }
  if (n.type == ColumnType::Int64) {
    auto ints = [](const Operand& o, size_t r) -> std::optional<int64_t> {
      if (o.is_null(r)) return std::nullopt;
      return o.column().int64_values()[o.index(r)];
    };
    out = Operand::own(build_column<int64_t>(ColumnType::Int64, rows, [&](size_t r) -> std::optional<int64_t> {
      auto x = ints(a, r), y = ints(b, r);
      if (!x || !y) return std::nullopt;
      int64_t v = 0;
      bool overflow = false;
      if (op == "+") overflow = __builtin_add_overflow(*x, *y, &v);
      else if (op == "-") overflow = __builtin_sub_overflow(*x, *y, &v);
      else if (op == "*") overflow = __builtin_mul_overflow(*x, *y, &v);
      else {  // %: null for a zero divisor, like division
        if (*y == 0 || (*x == INT64_MIN && *y == -1)) return std::nullopt;
        v = *x % *y;
      }
      if (overflow) return std::nullopt;
      return v;
    }), scalar);
    return out;
  }
  const NumberReader na(a), nb(b);
  out = Operand::own(build_column<double>(ColumnType::Float64, rows, [&](size_t r) -> std::optional<double> {
    auto x = na(r), y = nb(r);
    if (!x || !y) return std::nullopt;
    if (op == "+") return *x + *y;
    if (op == "-") return *x - *y;
    if (op == "*") return *x * *y;
    if (*y == 0) return std::nullopt;  // division by zero is null, not inf: features stay finite
    if (op == "/") return *x / *y;
    return std::fmod(*x, *y);
  }), scalar);
  return out;
}

}  // namespace

std::optional<double> number_at(const Operand& op, size_t row) { return NumberReader(op)(row); }

std::optional<std::string_view> string_at(const Operand& op, size_t row) {
  size_t i = op.index(row);
  if (op.column().is_null(i) || op.column().type() != ColumnType::String) return std::nullopt;
  return op.column().string_value(i);
}

namespace {

// A subtree served from the cache does not evaluate its descendants: their counted uses there
// will not come, so they are released (and a column whose last use that was is dropped).
void release_descendants(const ExprNode& n, EvalCache& cache) {
  for (const auto& a : n.args) {
    if (a->kind == ExprNode::Kind::Literal || a->kind == ExprNode::Kind::Column) continue;
    if (auto uses = cache.uses.find(a->canonical); uses != cache.uses.end() && uses->second > 0 && --uses->second == 0)
      cache.columns.erase(a->canonical);
    release_descendants(*a, cache);
  }
}

}  // namespace

Operand evaluate_node(const ExprNode& n, EvalContext& ctx) {
  if (n.kind == ExprNode::Kind::Literal || n.kind == ExprNode::Kind::Column) return evaluate_uncached(n, ctx);
  // A subexpression the group evaluates again later is kept (every function is pure, so equal
  // canonical texts give equal columns); the last use takes it out.
  auto uses = ctx.cache.uses.find(n.canonical);
  if (uses == ctx.cache.uses.end() || uses->second == 0) return evaluate_uncached(n, ctx);
  const bool last = --uses->second == 0;
  if (auto hit = ctx.cache.columns.find(n.canonical); hit != ctx.cache.columns.end()) {
    const bool fits = hit->second.scalar || hit->second.column->size() == ctx.rows;
    Operand o;
    o.owned = hit->second.column;
    o.scalar = hit->second.scalar;
    if (last) ctx.cache.columns.erase(hit);
    if (fits) {
      release_descendants(n, ctx.cache);
      return o;
    }
  }
  Operand o = evaluate_uncached(n, ctx);
  if (!last && o.owned) ctx.cache.columns.insert_or_assign(n.canonical, EvalCache::SharedColumn{o.owned, o.scalar});
  return o;
}

Operand evaluate_uncached(const ExprNode& n, EvalContext& ctx) {
  switch (n.kind) {
    case ExprNode::Kind::Literal: return literal_operand(n);
    case ExprNode::Kind::Column: return Operand::borrow(ctx.frame.column(n.name));
    case ExprNode::Kind::Unary: {
      Operand a = evaluate_node(*n.args[0], ctx);
      size_t rows = a.scalar ? 1 : ctx.rows;
      Operand out;
      const bool scalar = a.scalar;
      if (n.name == "not") {
        out = Operand::own(build_column<bool>(ColumnType::Bool, rows, [&](size_t r) -> std::optional<bool> {
          auto x = bool_at(a, r);
          if (!x) return std::nullopt;
          return !*x;
        }), scalar);
      } else if (n.type == ColumnType::Int64) {
        out = Operand::own(build_column<int64_t>(ColumnType::Int64, rows, [&](size_t r) -> std::optional<int64_t> {
          if (a.is_null(r)) return std::nullopt;
          int64_t v = a.column().int64_values()[a.index(r)];
          if (n.name == "+") return v;
          if (v == INT64_MIN) return std::nullopt;
          return -v;
        }), scalar);
      } else {
        out = Operand::own(build_column<double>(ColumnType::Float64, rows, [&](size_t r) -> std::optional<double> {
          auto x = number_at(a, r);
          if (!x) return std::nullopt;
          return n.name == "+" ? *x : -*x;
        }), scalar);
      }
      return out;
    }
    case ExprNode::Kind::Binary: return eval_binary(n, ctx);
    case ExprNode::Kind::Call: {
      const bool distinct_only = std::exchange(ctx.distinct_only, false);
      std::vector<Operand> args;
      args.reserve(n.args.size());
      for (size_t k = 0; k < n.args.size(); ++k) {
        const ExprNode& a = *n.args[k];
        // In a chain such as regex_replace(regex_replace(clean(x), ...), ...) each link reads
        // the one below only through its distinct values (map_distinct): the link below need not
        // build its column of every row (14 links per title column in the product-matching
        // bundle, each a copy of ~6 MB at 100,000 rows), unless the group shares it elsewhere.
        const auto shared = ctx.cache.uses.find(a.canonical);
        ctx.distinct_only = k == 0 && n.function->per_distinct_value && a.kind == ExprNode::Kind::Call &&
                            a.function->per_distinct_value && a.type == ColumnType::String &&
                            (shared == ctx.cache.uses.end() || shared->second <= 1);  // this use alone
        args.push_back(evaluate_node(a, ctx));
        ctx.distinct_only = false;
      }
      ctx.distinct_only = distinct_only;
      Operand out = n.function->eval(n, args, ctx);
      ctx.distinct_only = false;
      return out;
    }
  }
  throw_error(ErrorKind::Internal, "unknown expression node");
}

Expression::Expression(std::string text, std::unique_ptr<ExprNode> root) : text_(std::move(text)), root_(std::move(root)) {}
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::~Expression() = default;

std::vector<std::string> Expression::columns() const {
  std::vector<std::string> out;
  collect_columns(*root_, out);
  return out;
}

ColumnType Expression::bind(const Schema& schema, const StateStore* state) {
  Binder b{text_, schema, state};
  b.bind(*root_);
  bound_ = true;
  return result_type();
}

ColumnType Expression::result_type() const {
  ONNXFN_ASSERT(bound_);
  return root_->type.value_or(ColumnType::Float64);  // a bare null is a null float64 column
}

void EvalCache::invalidate_column(std::string_view name) {
  // Canonical texts quote every column they read as `name`.
  const std::string quoted = "`" + std::string(name) + "`";
  const auto reads = [&](const auto& entry) { return entry.first.find(quoted) != std::string::npos; };
  std::erase_if(prepared, reads);
  std::erase_if(columns, reads);
  std::erase_if(distinct, reads);
}

bool Expression::runs_per_distinct_value() const {
  ONNXFN_ASSERT(bound_);
  const ExprNode* n = root_.get();
  while (n->kind == ExprNode::Kind::Call && n->function->per_distinct_value) n = n->args[0].get();
  return n != root_.get() && n->kind == ExprNode::Kind::Column;
}

void Expression::note_text_parts(EvalCache& cache) const {
  ONNXFN_ASSERT(bound_);
  collect_text_parts(*root_, cache);
}

Column Expression::evaluate(const Frame& frame) const {
  EvalCache cache;
  return evaluate(frame, cache);
}

Column Expression::evaluate(const Frame& frame, EvalCache& cache) const {
  ONNXFN_ASSERT(bound_);
  EvalContext ctx{frame, frame.num_rows(), cache};
  Operand result = evaluate_node(*root_, ctx);
  if (!result.scalar) {
    if (result.owned && result.owned.use_count() == 1) return std::move(*result.owned);
    return result.column();
  }
  // A constant expression: repeat its value for every row.
  std::vector<size_t> rows(frame.num_rows(), 0);
  Column c = result.column().take(rows);
  if (!root_->type) return Column::nulls(ColumnType::Float64, frame.num_rows());
  return c;
}

std::vector<std::string> function_signatures() {
  std::vector<std::string> out;
  for (const FunctionDef& f : all_functions()) out.emplace_back(f.signature);
  return out;
}

}  // namespace onnxfn::expr
