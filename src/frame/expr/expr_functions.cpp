// The expression function table: string, number, null-handling and similarity functions. Each
// entry binds (checks argument types, prepares constant arguments) and evaluates column-wise.
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <span>

#include "frame/expr/expr_ast.h"
#include "frame/text/distinct_strings.h"
#include "frame/text/model_numbers.h"
#include "frame/text/similarity.h"
#include "frame/text/string_functions.h"
#include "frame/text/tokenize.h"
#include "frame/text/unicode.h"

namespace onnxfn::expr {
namespace {

using Fail = std::function<void(size_t, const std::string&)>;

bool is_string(const ArgInfo& a) { return !a.type || *a.type == ColumnType::String; }
bool is_number(const ArgInfo& a) {
  return !a.type || *a.type == ColumnType::Int64 || *a.type == ColumnType::Float64 || *a.type == ColumnType::Bool;
}

void need_strings(const std::vector<ArgInfo>& args, const Fail& fail, size_t first = 0, size_t last = SIZE_MAX) {
  for (size_t i = first; i < args.size() && i <= last; ++i)
    if (!is_string(args[i])) fail(i, "must be a string");
}
void need_numbers(const std::vector<ArgInfo>& args, const Fail& fail) {
  for (size_t i = 0; i < args.size(); ++i)
    if (!is_number(args[i])) fail(i, "must be a number");
}
// Argument i must be a string literal (a regex pattern, a state name).
const std::string& literal_string(const std::vector<ArgInfo>& args, size_t i, const Fail& fail) {
  const ExprNode* n = args[i].node;
  if (n->kind != ExprNode::Kind::Literal || !std::holds_alternative<std::string>(n->literal)) fail(i, "must be a string literal");
  return std::get<std::string>(n->literal);
}
int64_t literal_int(const std::vector<ArgInfo>& args, size_t i, const Fail& fail) {
  const ExprNode* n = args[i].node;
  if (n->kind != ExprNode::Kind::Literal || !std::holds_alternative<int64_t>(n->literal)) fail(i, "must be an integer literal");
  return std::get<int64_t>(n->literal);
}

size_t rows_of(const std::vector<Operand>& args, const EvalContext& ctx) {
  for (const Operand& a : args)
    if (!a.scalar) return ctx.rows;
  return 1;
}
bool all_scalar(const std::vector<Operand>& args) {
  for (const Operand& a : args)
    if (!a.scalar) return false;
  return true;
}

// The distinct values of string argument `arg` (operand `op`, not a scalar): the numbering its
// producer left in the cache, or a new one. Candidate pairs repeat each record's text in many
// rows, so the functions below run once per value rather than once per row.
std::shared_ptr<const DistinctValues> distinct_values(const ExprNode& arg, const Operand& op, EvalContext& ctx) {
  if (auto it = ctx.cache.distinct.find(arg.canonical); it != ctx.cache.distinct.end() && it->second->row_value->size() == ctx.rows)
    return it->second;
  auto row_value = std::make_shared<std::vector<size_t>>(ctx.rows, 0);
  text::DistinctStrings seen;
  // As TextPreparer::prepare: a value often repeats the row before (pairs grouped by left record).
  std::string_view previous;
  uint32_t previous_value = 0;
  for (size_t r = 0; r < ctx.rows; ++r) {
    auto s = string_at(op, r);
    if (!s) continue;
    if (previous_value == 0 || *s != previous) {
      previous_value = seen.insert(*s);
      previous = *s;
    }
    (*row_value)[r] = previous_value;
  }
  auto d = std::make_shared<DistinctValues>();
  d->values.reserve(seen.values().size() + 1);
  d->values.append_null();
  for (std::string_view v : seen.values()) d->values.append_string(v);
  d->row_value = std::move(row_value);
  ctx.cache.distinct.insert_or_assign(arg.canonical, d);
  return d;
}

// A function of its first argument alone (string; the others are literals): `fn(value)` ->
// std::optional<T> once per distinct value; null in, null out. A string result is left in the
// cache numbered as its argument, for the next function of a chain.
template <class T, class Fn>
Operand map_distinct(const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx, Fn&& fn) {
  constexpr ColumnType type = std::is_same_v<T, int64_t>  ? ColumnType::Int64
                              : std::is_same_v<T, double> ? ColumnType::Float64
                                                          : ColumnType::String;
  const auto produce = [&](const Operand& op, size_t r) -> std::optional<T> {
    auto s = string_at(op, r);
    if (!s) return std::nullopt;
    return fn(*s);
  };
  if (args[0].scalar)
    return Operand::own(build_column<T>(type, 1, [&](size_t r) { return produce(args[0], r); }), true);
  const auto in = distinct_values(*node.args[0], args[0], ctx);
  auto out = std::make_shared<DistinctValues>();
  out->row_value = in->row_value;
  const Operand values = Operand::borrow(in->values);
  out->values = build_column<T>(type, in->values.size(), [&](size_t k) { return produce(values, k); });
  if constexpr (type == ColumnType::String) {
    if (ctx.distinct_only) {
      // The next link reads the cache entry only (EvalContext::distinct_only): no rows here.
      ctx.cache.distinct.insert_or_assign(node.canonical, std::move(out));
      return Operand::own(Column(type), false);
    }
  }
  Column result = out->values.take(*in->row_value);
  if constexpr (type == ColumnType::String) ctx.cache.distinct.insert_or_assign(node.canonical, std::move(out));
  return Operand::own(std::move(result), false);
}

// number(s) -> float64; any null argument gives null.
constexpr size_t kMaxArgs = 16;  // the most any function takes (min, max, coalesce, concat)
template <class Fn>
Operand map_numbers(std::vector<Operand>& args, EvalContext& ctx, Fn&& fn) {
  size_t rows = rows_of(args, ctx);
  std::vector<NumberReader> readers;
  readers.reserve(args.size());
  for (const Operand& a : args) readers.emplace_back(a);
  return Operand::own(build_column<double>(ColumnType::Float64, rows, [&](size_t r) -> std::optional<double> {
                        // On the stack: a heap vector per row was a fifth of a numeric column's time.
                        std::array<double, kMaxArgs> v;
                        for (size_t i = 0; i < args.size(); ++i) {
                          auto x = readers[i](r);
                          if (!x) return std::nullopt;
                          v[i] = *x;
                        }
                        return fn(std::span<const double>(v.data(), args.size()));
                      }),
                      all_scalar(args));
}

// The prepared strings of text arguments, computed once per evaluation (or shared cache) and
// argument subtree, each distinct value once.
// `parts` (TextParts) are what the caller reads; the cache may ask for more on behalf of other
// expressions sharing it. A cached column lacking a part is prepared again with all of them.
class TextPreparer {
 public:
  TextPreparer(EvalContext& ctx, uint8_t parts) : ctx_(ctx), parts_(parts) {}

  // The cached column for `arg`, or null (then `parts_needed` says what to prepare it with).
  std::shared_ptr<const PreparedColumn> cached(const ExprNode& arg, const Operand& op, uint8_t& parts_needed) const {
    parts_needed = parts_;
    if (auto need = ctx_.cache.text_parts.find(arg.canonical); need != ctx_.cache.text_parts.end()) parts_needed |= need->second;
    auto it = ctx_.cache.prepared.find(arg.canonical);
    if (it == ctx_.cache.prepared.end() || it->second->row_value.size() != rows(op)) return nullptr;
    if ((it->second->parts & parts_needed) == parts_needed) return it->second;
    parts_needed |= it->second->parts;
    return nullptr;
  }

  // Prepares `ops` (argument nodes `args`) with `parts` into one shared list of distinct values.
  std::vector<std::shared_ptr<const PreparedColumn>> prepare(std::span<const ExprNode* const> args,
                                                             std::span<const Operand* const> ops, uint8_t parts) {
    const bool record = ctx_.cache.record_preparations;
    const auto started = record ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    const text::PrepareOptions options{.tokens = (parts & (kTokens | kTokenSet)) != 0,
                                       .keep_tokens = (parts & kTokens) != 0,
                                       .keep_code_points = (parts & kCodePoints) != 0,
                                       .qgram_size = (parts & kQgrams) != 0 ? size_t{3} : size_t{0},
                                       .model_numbers = (parts & kModelNumbers) != 0};
    // Distinct values first, then one allocation for their PreparedStrings (no regrowth moves).
    text::DistinctStrings seen;
    std::vector<std::shared_ptr<PreparedColumn>> columns;
    for (const Operand* op : ops) {
      auto column = std::make_shared<PreparedColumn>();
      column->parts = parts;
      column->row_value.resize(rows(*op));
      // Candidate pairs come grouped by their left record (blocking emits them so), so a value
      // often repeats the row before: compared first, it skips hashing a long string.
      std::string_view previous;
      uint32_t previous_value = 0;
      for (size_t r = 0; r < column->row_value.size(); ++r) {
        auto s = string_at(*op, r);
        if (!s) continue;
        if (previous_value != 0 && *s == previous) {
          column->row_value[r] = previous_value;
          continue;
        }
        column->row_value[r] = previous_value = seen.insert(*s);
        previous = *s;
      }
      columns.push_back(std::move(column));
    }
    const std::span<const std::string_view> distinct = seen.values();
    // The values' blocks come from one arena that lives as long as the list (aliasing pointer).
    struct Pool {
      text::PreparedArena arena;  // declared first: destroyed after the values
      std::vector<text::PreparedString> values;
    };
    auto pool = std::make_shared<Pool>();
    pool->values.resize(distinct.size() + 1);  // index 0: null
    for (size_t k = 0; k < distinct.size(); ++k) pool->values[k + 1].assign(distinct[k], options, &pool->arena);
    const std::shared_ptr<const std::vector<text::PreparedString>> values(pool, &pool->values);
    std::vector<std::shared_ptr<const PreparedColumn>> out;
    for (size_t i = 0; i < columns.size(); ++i) {
      columns[i]->values = values;
      ctx_.cache.prepared.insert_or_assign(args[i]->canonical, columns[i]);
      out.push_back(columns[i]);
    }
    if (record) {
      EvalCache::Preparation entry{.arguments = {}, .values = distinct.size()};
      for (size_t i = 0; i < args.size(); ++i) entry.arguments += (i > 0 ? ", " : "") + args[i]->canonical;
      entry.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      ctx_.cache.preparations.push_back(std::move(entry));
    }
    return out;
  }

 private:
  size_t rows(const Operand& op) const { return op.scalar ? 1 : ctx_.rows; }
  EvalContext& ctx_;
  uint8_t parts_;
};

// Both arguments of a pairwise function. Prepared together when they need the same parts (the
// usual case: left and right titles), so that a value in both columns is prepared once.
std::pair<std::shared_ptr<const PreparedColumn>, std::shared_ptr<const PreparedColumn>> prepared_pair(
    const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx, uint8_t parts) {
  TextPreparer preparer(ctx, parts);
  const ExprNode* nodes[2] = {node.args[0].get(), node.args[1].get()};
  const Operand* ops[2] = {&args[0], &args[1]};
  uint8_t need_a = 0, need_b = 0;
  auto a = preparer.cached(*nodes[0], args[0], need_a);
  auto b = preparer.cached(*nodes[1], args[1], need_b);
  if (!a && !b && need_a == need_b && nodes[0]->canonical != nodes[1]->canonical) {
    auto both = preparer.prepare(nodes, ops, need_a);
    return {both[0], both[1]};
  }
  if (!a) a = preparer.prepare({nodes, 1}, {ops, 1}, need_a)[0];
  if (!b) b = preparer.cached(*nodes[1], args[1], need_b);  // the same argument twice
  if (!b) b = preparer.prepare({nodes + 1, 1}, {ops + 1, 1}, need_b)[0];
  return {a, b};
}

// What of a prepared value a function with these TextParts reads (PreparedString::Prefetch).
uint8_t prefetch_parts(uint8_t parts) {
  using P = text::PreparedString;
  return static_cast<uint8_t>(((parts & kTokenSet) ? P::kTokenSet : 0) | ((parts & kQgrams) ? P::kQgramSet : 0) |
                              ((parts & kModelNumbers) ? P::kCodeSet : 0) | ((parts & kCodePoints) ? P::kCodePoints : 0) |
                              ((parts & kTokens) ? P::kTokenList | P::kCodePoints : 0));
}

// Fetches ahead what row r + kPrefetchRows of `column` will read. The right-hand value changes
// from row to row (candidates); the left-hand one rarely when pairs come grouped by left record,
// but on every row when they are not (the generated benchmark pairs), and a prefetch of a line
// already cached costs next to nothing, so pairwise() fetches both (pairwise steps of the
// product-matching features ~10% faster on the generated pairs). The value object is fetched
// twice as far ahead as its block, whose address it holds.
constexpr size_t kPrefetchRows = 8;
void prefetch_row(const PreparedColumn& column, const Operand& op, size_t r, size_t rows, uint8_t parts) {
  if (r + 2 * kPrefetchRows < rows) __builtin_prefetch(&column.at(op.index(r + 2 * kPrefetchRows)));
  if (r + kPrefetchRows < rows) column.at(op.index(r + kPrefetchRows)).prefetch(parts);
}

// A pairwise measure over two prepared string arguments -> float64.
template <class Fn>
Operand pairwise(const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx, Fn&& fn) {
  const auto pair = prepared_pair(node, args, ctx, node.function->text_parts);
  const auto& a = pair.first;  // not structured bindings: the lambda below captures them
  const auto& b = pair.second;
  size_t rows = rows_of(args, ctx);
  const uint8_t parts = prefetch_parts(node.function->text_parts);
  return Operand::own(build_column<double>(ColumnType::Float64, rows, [&](size_t r) -> std::optional<double> {
                        prefetch_row(*a, args[0], r, rows, parts);
                        prefetch_row(*b, args[1], r, rows, parts);
                        return fn(a->at(args[0].index(r)), b->at(args[1].index(r)));
                      }),
                      all_scalar(args));
}

// pairwise() for a measure that takes two pairs at once (text::levenshtein_similarity_2): rows go
// two by two, the second's value kept for the next call.
using Measure2 = void (*)(const text::PreparedString&, const text::PreparedString&, const text::PreparedString&,
                          const text::PreparedString&, std::optional<double>[2]);
Operand pairwise_two(const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx, Measure2 measure) {
  const auto pair = prepared_pair(node, args, ctx, node.function->text_parts);
  const auto& a = pair.first;  // not structured bindings: the lambda below captures them
  const auto& b = pair.second;
  const size_t rows = rows_of(args, ctx);
  const uint8_t parts = prefetch_parts(node.function->text_parts);
  std::optional<double> two[2];
  return Operand::own(build_column<double>(ColumnType::Float64, rows, [&](size_t r) -> std::optional<double> {
                        if (r % 2 == 1) return two[1];  // build_column asks for rows in order
                        prefetch_row(*b, args[1], r, rows, parts);
                        prefetch_row(*b, args[1], r + 1, rows, parts);
                        const size_t next = r + 1 < rows ? r + 1 : r;  // an odd last row pairs with itself
                        measure(a->at(args[0].index(r)), b->at(args[1].index(r)), a->at(args[0].index(next)),
                                b->at(args[1].index(next)), two);
                        return two[0];
                      }),
                      all_scalar(args));
}

ColumnType bind_strings_to_string(ExprNode&, const std::vector<ArgInfo>& a, const StateStore*, const Fail& f) {
  need_strings(a, f);
  return ColumnType::String;
}
ColumnType bind_pair_similarity(ExprNode&, const std::vector<ArgInfo>& a, const StateStore*, const Fail& f) {
  need_strings(a, f);
  return ColumnType::Float64;
}
ColumnType bind_numbers(ExprNode&, const std::vector<ArgInfo>& a, const StateStore*, const Fail& f) {
  need_numbers(a, f);
  return ColumnType::Float64;
}

// Shorthand for simple string -> string functions.
FunctionDef string_function(std::string_view name, std::string_view signature, std::string (*fn)(std::string_view)) {
  return {name, 1, 1, signature, bind_strings_to_string,
          [fn](const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx) {
            return map_distinct<std::string>(node, args, ctx, fn);
          },
          0, true};
}

// string -> int64 or float64: null in, null out, and null where `fn` gives none.
template <class T, class Fn>
FunctionDef string_to_number(std::string_view name, std::string_view signature, Fn fn) {
  constexpr ColumnType type = std::is_same_v<T, int64_t> ? ColumnType::Int64 : ColumnType::Float64;
  return {name, 1, 1, signature,
          [](ExprNode&, const std::vector<ArgInfo>& a, const StateStore*, const Fail& fl) {
            need_strings(a, fl);
            return type;
          },
          [fn](const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx) { return map_distinct<T>(node, args, ctx, fn); },
          0, true};
}

// Measures as plain function pointers: one instance of pairwise() serves them all (the binary
// has a size budget; the call is indirect but always to the same target within a column).
using Measure = std::optional<double> (*)(const text::PreparedString&, const text::PreparedString&);

FunctionDef similarity_function(std::string_view name, std::string_view signature, uint8_t text_parts, Measure measure) {
  return {name, 2, 2, signature, bind_pair_similarity,
          [measure](const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx) {
            return pairwise(node, args, ctx, measure);
          },
          text_parts};
}

// Set measures (`formula` of |A|, |B|, |A ∩ B|) over one set of each prepared value. The left
// value's set is probed (text::SetProbe) rather than merged with each candidate's, and stays
// probed while the left value repeats: candidate pairs usually come grouped by their left record
// (when they do not, each row merges: set similarity steps ~10% faster on the generated pairs).
template <class Formula>
FunctionDef set_function(std::string_view name, std::string_view signature, uint8_t text_parts,
                         std::span<const uint64_t> (text::PreparedString::*set)() const, Formula formula) {
  return {name, 2, 2, signature, bind_pair_similarity,
          [set, formula](const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx) {
            text::SetProbe probe;
            const text::PreparedString* probed = nullptr;
            const text::PreparedString* last = nullptr;  // the previous row's left value
            return pairwise(node, args, ctx, [&](const text::PreparedString& a, const text::PreparedString& b) -> std::optional<double> {
              if (a.is_null() || b.is_null()) return std::nullopt;
              const std::span<const uint64_t> members = (b.*set)();
              if (&a != probed) {
                // A left value's first row merges; building the probe pays from its second row
                // on. Pairs not grouped by left record (the generated benchmark pairs) then never
                // build a probe that serves one row.
                if (&a != last) {
                  last = &a;
                  const std::span<const uint64_t> own = (a.*set)();
                  return formula(own.size(), members.size(), text::intersection_size(own, members));
                }
                probe.assign((a.*set)());
                probed = &a;
              }
              return formula(probe.size(), members.size(), probe.intersection_size(members));
            });
          },
          text_parts};
}

std::string clean_text(std::string_view s) {
  // The usual matching normalisation: case folding, NFKC, accent folding, punctuation to
  // spaces, whitespace collapsed (the same steps PreparedString applies with punctuation on).
  return text::collapse_whitespace(text::strip_punctuation(text::fold_accents(text::case_fold(s), true), " "));
}

std::vector<FunctionDef> make_functions() {
  std::vector<FunctionDef> f;
  // ---- strings ----
  f.push_back(string_function("lower", "lower(string) -> string", text::to_lower));
  f.push_back(string_function("upper", "upper(string) -> string", text::to_upper));
  f.push_back(string_function("casefold", "casefold(string) -> string", text::case_fold));
  f.push_back(string_function("trim", "trim(string) -> string", text::trim));
  f.push_back(string_function("nfkc", "nfkc(string) -> string",
                              [](std::string_view s) { return text::normalize(s, text::NormalForm::NFKC); }));
  f.push_back(string_function("fold_accents", "fold_accents(string) -> string",
                              [](std::string_view s) { return text::fold_accents(s); }));
  f.push_back(string_function("strip_punct", "strip_punct(string) -> string",
                              [](std::string_view s) { return text::collapse_whitespace(text::strip_punctuation(s, " ")); }));
  f.push_back(string_function("collapse_ws", "collapse_ws(string) -> string", text::collapse_whitespace));
  f.push_back(string_function("clean", "clean(string) -> string: casefold, NFKC, fold accents, punctuation to spaces, collapse spaces",
                              clean_text));
  f.push_back(string_function("model_numbers", "model_numbers(string) -> string: codes mixing letters and digits, space-separated",
                              [](std::string_view s) {
                                std::string out;
                                for (const auto& code : text::extract_model_numbers(s)) out += (out.empty() ? "" : " ") + code;
                                return out;
                              }));
  f.push_back({"concat", 1, 16, "concat(string, ...) -> string (nulls are skipped)",
               [](ExprNode&, const std::vector<ArgInfo>& a, const StateStore*, const Fail& fl) {
                 need_strings(a, fl);
                 return ColumnType::String;
               },
               [](const ExprNode&, std::vector<Operand>& args, EvalContext& ctx) {
                 size_t rows = rows_of(args, ctx);
                 return Operand::own(build_column<std::string>(ColumnType::String, rows, [&](size_t r) -> std::optional<std::string> {
                                       std::string out;
                                       for (const Operand& a : args)
                                         if (auto s = string_at(a, r)) out += *s;
                                       return out;
                                     }),
                                     all_scalar(args));
               }});
  f.push_back({"regex_extract", 2, 3, "regex_extract(string, 'pattern'[, group]) -> string (null when no match)",
               [](ExprNode& n, const std::vector<ArgInfo>& a, const StateStore*, const Fail& fl) {
                 need_strings(a, fl, 0, 0);
                 n.regex = std::make_shared<const text::Regex>(literal_string(a, 1, fl));
                 if (a.size() == 3) {
                   int64_t g = literal_int(a, 2, fl);
                   if (g < 0 || g > n.regex->capture_groups()) fl(2, "names a capture group the pattern does not have");
                 }
                 return ColumnType::String;
               },
               [](const ExprNode& n, std::vector<Operand>& args, EvalContext& ctx) {
                 int group = args.size() == 3 ? static_cast<int>(args[2].column().int64_values()[0]) : 0;
                 return map_distinct<std::string>(n, args, ctx, [&](std::string_view s) { return text::regex_extract(*n.regex, s, group); });
               },
               0, true});
  f.push_back({"regex_replace", 3, 3, "regex_replace(string, 'pattern', 'rewrite') -> string (every match; \\1 for groups)",
               [](ExprNode& n, const std::vector<ArgInfo>& a, const StateStore*, const Fail& fl) {
                 need_strings(a, fl, 0, 0);
                 n.regex = std::make_shared<const text::Regex>(literal_string(a, 1, fl));
                 text::regex_replace(*n.regex, "", literal_string(a, 2, fl), true);  // checks the rewrite once
                 return ColumnType::String;
               },
               [](const ExprNode& n, std::vector<Operand>& args, EvalContext& ctx) {
                 std::string rewrite(args[2].column().string_value(0));
                 return map_distinct<std::string>(n, args, ctx, [&](std::string_view s) { return text::regex_replace(*n.regex, s, rewrite, true); });
               },
               0, true});
  f.push_back({"split_part", 3, 3, "split_part(string, 'separator', index) -> string (1-based; null when out of range)",
               [](ExprNode&, const std::vector<ArgInfo>& a, const StateStore*, const Fail& fl) {
                 need_strings(a, fl, 0, 1);
                 if (literal_string(a, 1, fl).empty()) fl(1, "must not be empty");
                 if (literal_int(a, 2, fl) < 1) fl(2, "must be 1 or more");
                 return ColumnType::String;
               },
               [](const ExprNode& n, std::vector<Operand>& args, EvalContext& ctx) {
                 std::string sep(args[1].column().string_value(0));
                 size_t index = static_cast<size_t>(args[2].column().int64_values()[0]);
                 return map_distinct<std::string>(n, args, ctx, [&](std::string_view s) -> std::optional<std::string> {
                   auto parts = text::split(s, sep);
                   if (index > parts.size()) return std::nullopt;
                   return std::string(parts[index - 1]);
                 });
               },
               0, true});
  f.push_back(string_to_number<int64_t>("length", "length(string) -> int64 (code points)", [](std::string_view s) -> std::optional<int64_t> {
    return static_cast<int64_t>(text::decode_utf8(s).size());
  }));
  f.push_back(string_to_number<int64_t>("token_count", "token_count(string) -> int64 (word tokens)", [](std::string_view s) -> std::optional<int64_t> {
    return static_cast<int64_t>(text::tokenize(s).size());
  }));
  f.push_back(string_to_number<double>("to_number", "to_number(string) -> float64 (null when the text is not a number)",
                                       [](std::string_view s) -> std::optional<double> {
                                         // Prices arrive as "$1,299.00": keep digits, sign, point, exponent.
                                         std::string digits;
                                         for (char c : s)
                                           if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == 'e' || c == 'E') digits += c;
                                         double v = 0;
                                         auto res = std::from_chars(digits.data(), digits.data() + digits.size(), v);
                                         if (digits.empty() || res.ec != std::errc() || res.ptr != digits.data() + digits.size()) return std::nullopt;
                                         return v;
                                       }));
  // ---- nulls and conditionals ----
  f.push_back({"is_null", 1, 1, "is_null(any) -> bool",
               [](ExprNode&, const std::vector<ArgInfo>&, const StateStore*, const Fail&) { return ColumnType::Bool; },
               [](const ExprNode&, std::vector<Operand>& args, EvalContext& ctx) {
                 size_t rows = rows_of(args, ctx);
                 return Operand::own(build_column<bool>(ColumnType::Bool, rows,
                                                        [&](size_t r) -> std::optional<bool> { return args[0].is_null(r); }),
                                     all_scalar(args));
               }});
  auto same_type = [](const std::vector<ArgInfo>& a, size_t first, const Fail& fl) -> ColumnType {
    std::optional<ColumnType> t;
    bool numeric = true;
    for (size_t i = first; i < a.size(); ++i) {
      if (!a[i].type) continue;
      numeric &= *a[i].type == ColumnType::Int64 || *a[i].type == ColumnType::Float64;
      if (!t) t = a[i].type;
      else if (*t != *a[i].type && !numeric) fl(i, "has type " + std::string(column_type_name(*a[i].type)) + ", the others " + std::string(column_type_name(*t)));
      else if (*t != *a[i].type) t = ColumnType::Float64;
    }
    return t.value_or(ColumnType::Float64);
  };
  // Picks per row among operands converted to the result type.
  auto pick = [](ColumnType type, const Operand& op, size_t r, Column& out) {
    if (op.is_null(r)) return out.append_null();
    size_t i = op.index(r);
    const Column& c = op.column();
    if (type == ColumnType::Float64 && c.type() == ColumnType::Int64) return out.append_float64(static_cast<double>(c.int64_values()[i]));
    out.append_from(c, i);
  };
  f.push_back({"coalesce", 1, 16, "coalesce(a, b, ...) -> the first non-null argument",
               [same_type](ExprNode&, const std::vector<ArgInfo>& a, const StateStore*, const Fail& fl) { return same_type(a, 0, fl); },
               [pick](const ExprNode& n, std::vector<Operand>& args, EvalContext& ctx) {
                 size_t rows = rows_of(args, ctx);
                 ColumnType type = n.type.value_or(ColumnType::Float64);
                 if (type == ColumnType::Float64) {
                   // Every feature ends in coalesce(to_float(x), -1.0): read numbers, no per-row append_from.
                   std::vector<NumberReader> readers(args.begin(), args.end());
                   return Operand::own(build_column<double>(ColumnType::Float64, rows, [&](size_t r) -> std::optional<double> {
                                         for (const NumberReader& read : readers)
                                           if (auto v = read(r)) return v;
                                         return std::nullopt;
                                       }),
                                       all_scalar(args));
                 }
                 Column out(type);
                 out.reserve(rows);
                 for (size_t r = 0; r < rows; ++r) {
                   const Operand* chosen = nullptr;
                   for (const Operand& a : args)
                     if (!a.is_null(r)) {
                       chosen = &a;
                       break;
                     }
                   if (chosen) pick(type, *chosen, r, out);
                   else out.append_null();
                 }
                 return Operand::own(std::move(out), all_scalar(args));
               }});
  f.push_back({"if", 3, 3, "if(bool, a, b) -> a where true, b where false or null",
               [same_type](ExprNode&, const std::vector<ArgInfo>& a, const StateStore*, const Fail& fl) {
                 if (a[0].type && *a[0].type != ColumnType::Bool) fl(0, "must be a bool");
                 return same_type(a, 1, fl);
               },
               [pick](const ExprNode& n, std::vector<Operand>& args, EvalContext& ctx) {
                 size_t rows = rows_of(args, ctx);
                 ColumnType type = n.type.value_or(ColumnType::Float64);
                 Column out(type);
                 out.reserve(rows);
                 for (size_t r = 0; r < rows; ++r) {
                   bool cond = !args[0].is_null(r) && args[0].column().bool_values()[args[0].index(r)];
                   pick(type, cond ? args[1] : args[2], r, out);
                 }
                 return Operand::own(std::move(out), all_scalar(args));
               }});
  // ---- numbers ----
  auto unary_math = [](std::string_view name, std::string_view sig, double (*fn)(double)) {
    return FunctionDef{name, 1, 1, sig, bind_numbers, [fn](const ExprNode&, std::vector<Operand>& args, EvalContext& ctx) {
                         return map_numbers(args, ctx, [fn](std::span<const double> v) -> std::optional<double> {
                           double r = fn(v[0]);
                           if (std::isnan(r) && !std::isnan(v[0])) return std::nullopt;  // outside the domain: null
                           return r;
                         });
                       }};
  };
  f.push_back(unary_math("abs", "abs(number) -> float64", [](double x) { return std::fabs(x); }));
  f.push_back(unary_math("sqrt", "sqrt(number) -> float64 (null below 0)", [](double x) { return std::sqrt(x); }));
  f.push_back(unary_math("log", "log(number) -> float64 (natural; null at or below 0)",
                         [](double x) { return x > 0 ? std::log(x) : std::nan(""); }));
  f.push_back(unary_math("log1p", "log1p(number) -> float64 (null at or below -1)",
                         [](double x) { return x > -1 ? std::log1p(x) : std::nan(""); }));
  f.push_back({"to_float", 1, 1, "to_float(number) -> float64", bind_numbers,
               [](const ExprNode&, std::vector<Operand>& args, EvalContext& ctx) {
                 if (args[0].column().type() == ColumnType::Float64) return args[0];  // already float64: as is
                 return map_numbers(args, ctx, [](std::span<const double> v) -> std::optional<double> { return v[0]; });
               }});
  f.push_back({"round", 1, 2, "round(number[, digits]) -> float64 (half away from zero)", bind_numbers,
               [](const ExprNode&, std::vector<Operand>& args, EvalContext& ctx) {
                 return map_numbers(args, ctx, [](std::span<const double> v) -> std::optional<double> {
                   double scale = v.size() > 1 ? std::pow(10.0, v[1]) : 1.0;
                   return std::round(v[0] * scale) / scale;
                 });
               }});
  f.push_back({"min", 2, 16, "min(number, ...) -> float64 (null if any is null)", bind_numbers,
               [](const ExprNode&, std::vector<Operand>& args, EvalContext& ctx) {
                 return map_numbers(args, ctx, [](std::span<const double> v) -> std::optional<double> { return *std::min_element(v.begin(), v.end()); });
               }});
  f.push_back({"max", 2, 16, "max(number, ...) -> float64 (null if any is null)", bind_numbers,
               [](const ExprNode&, std::vector<Operand>& args, EvalContext& ctx) {
                 return map_numbers(args, ctx, [](std::span<const double> v) -> std::optional<double> { return *std::max_element(v.begin(), v.end()); });
               }});
  // ---- similarity (similarity.h gives each definition) ----
  f.push_back(similarity_function("exact", "exact(string, string) -> float64 1/0 on normalised text", 0,
                                  [](const text::PreparedString& a, const text::PreparedString& b) { return text::exact_match(a, b); }));
  f.push_back({"levenshtein", 2, 2, "levenshtein(string, string) -> int64 edit distance", 
               [](ExprNode&, const std::vector<ArgInfo>& a, const StateStore*, const Fail& fl) {
                 need_strings(a, fl);
                 return ColumnType::Int64;
               },
               [](const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx) {
                 const auto pair = prepared_pair(node, args, ctx, kCodePoints);
                 const auto& a = pair.first;  // not structured bindings: lambdas below capture them
                 const auto& b = pair.second;
                 size_t rows = rows_of(args, ctx);
                 return Operand::own(build_column<int64_t>(ColumnType::Int64, rows, [&](size_t r) {
                                       return text::levenshtein_distance(a->at(args[0].index(r)), b->at(args[1].index(r)));
                                     }),
                                     all_scalar(args));
               },
               kCodePoints});
  f.push_back({"lev_sim", 2, 2, "lev_sim(string, string) -> float64 1 - distance / max length", bind_pair_similarity,
               [](const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx) {
                 return pairwise_two(node, args, ctx, text::levenshtein_similarity_2);
               },
               kCodePoints});
  f.push_back(similarity_function("jaro", "jaro(string, string) -> float64", kCodePoints, [](const text::PreparedString& a, const text::PreparedString& b) { return text::jaro(a, b); }));
  f.push_back(similarity_function("jaro_winkler", "jaro_winkler(string, string) -> float64", kCodePoints,
                                  [](const text::PreparedString& a, const text::PreparedString& b) { return text::jaro_winkler(a, b); }));
  // As text::token_jaccard, qgram_jaccard and token_cosine (similarity.h), with a probed left set.
  f.push_back(set_function("token_jaccard", "token_jaccard(string, string) -> float64", kTokenSet,
                           &text::PreparedString::token_set, text::jaccard_of_counts));
  f.push_back(set_function("qgram_jaccard", "qgram_jaccard(string, string) -> float64 (3-grams)", kQgrams,
                           &text::PreparedString::qgram_set, text::jaccard_of_counts));
  f.push_back(set_function("token_cosine", "token_cosine(string, string) -> float64", kTokenSet,
                           &text::PreparedString::token_set, text::binary_cosine_of_counts));
  f.push_back({"monge_elkan", 2, 2, "monge_elkan(string, string) -> float64 (Jaro-Winkler inner, asymmetric)", bind_pair_similarity,
               [](const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx) {
                 // Features often take both directions of a pair (title_me_lr and _rl): when the
                 // group evaluates the mirror call later, one pass over the token pairs gives both.
                 const std::string mirror = "monge_elkan(" + node.args[1]->canonical + ", " + node.args[0]->canonical + ")";
                 auto later = ctx.cache.uses.find(mirror);
                 if (mirror == node.canonical || later == ctx.cache.uses.end() || later->second == 0 ||
                     ctx.cache.columns.contains(mirror))
                   return pairwise(node, args, ctx, [](const text::PreparedString& a, const text::PreparedString& b) {
                     return text::monge_elkan(a, b);
                   });
                 Column other(ColumnType::Float64);
                 other.reserve(rows_of(args, ctx));
                 Operand result = pairwise(node, args, ctx, [&](const text::PreparedString& a, const text::PreparedString& b) {
                   const auto both = text::monge_elkan_both(a, b);
                   if (!both) {
                     other.append_null();
                     return std::optional<double>();
                   }
                   other.append_float64(both->second);
                   return std::optional<double>(both->first);
                 });
                 ctx.cache.columns.insert_or_assign(
                     mirror, EvalCache::SharedColumn{std::make_shared<Column>(std::move(other)), result.scalar});
                 return result;
               },
               kTokens});
  f.push_back(similarity_function("monge_elkan_sym", "monge_elkan_sym(string, string) -> float64 (mean of both directions)", kTokens,
                                  [](const text::PreparedString& a, const text::PreparedString& b) { return text::monge_elkan_symmetric(a, b); }));
  f.push_back(similarity_function("code_jaccard", "code_jaccard(string, string) -> float64 Jaccard of model numbers (0 when neither has one)", kModelNumbers,
                                  [](const text::PreparedString& a, const text::PreparedString& b) -> std::optional<double> {
                                    auto m = text::compare_model_numbers(a, b);
                                    if (!m) return std::nullopt;
                                    return m->jaccard();
                                  }));
  f.push_back(similarity_function("code_conflict", "code_conflict(string, string) -> float64 1 when both have model numbers and share none", kModelNumbers,
                                  [](const text::PreparedString& a, const text::PreparedString& b) -> std::optional<double> {
                                    auto m = text::compare_model_numbers(a, b);
                                    if (!m) return std::nullopt;
                                    return m->conflict() ? 1.0 : 0.0;
                                  }));
  f.push_back({"tfidf_cosine", 3, 3, "tfidf_cosine(string, string, 'idf table') -> float64",
               [](ExprNode& n, const std::vector<ArgInfo>& a, const StateStore* state, const Fail& fl) {
                 need_strings(a, fl, 0, 1);
                 const std::string& table = literal_string(a, 2, fl);
                 auto it = state ? state->idf_tables.find(table) : decltype(state->idf_tables.end()){};
                 if (!state || it == state->idf_tables.end()) fl(2, "names IDF table '" + table + "', which the pipeline does not declare");
                 n.idf = &it->second;
                 return ColumnType::Float64;
               },
               [](const ExprNode& node, std::vector<Operand>& args, EvalContext& ctx) {
                 // One vector per distinct value (idf lookups, sort, norm), not two per pair.
                 const auto pair = prepared_pair(node, args, ctx, kTokens);
                 const auto& a = pair.first;  // not structured bindings: lambdas below capture them
                 const auto& b = pair.second;
                 const bool shared = a->values == b->values;
                 const text::TfidfVectors va(*a->values, *node.idf);
                 const std::optional<text::TfidfVectors> vb =
                     shared ? std::nullopt : std::optional<text::TfidfVectors>(std::in_place, *b->values, *node.idf);
                 const text::TfidfVectors& vb_or_va = shared ? va : *vb;
                 size_t rows = rows_of(args, ctx);
                 return Operand::own(build_column<double>(ColumnType::Float64, rows, [&](size_t r) -> std::optional<double> {
                                       // As prefetch_row: the right-hand vector changes from row to row.
                                       if (r + kPrefetchRows < rows)
                                         __builtin_prefetch(vb_or_va.entries(b->row_value[args[1].index(r + kPrefetchRows)]).data());
                                       const size_t i = a->row_value[args[0].index(r)], j = b->row_value[args[1].index(r)];
                                       if (va.is_null(i) || vb_or_va.is_null(j)) return std::nullopt;
                                       return text::tfidf_cosine(va.entries(i), vb_or_va.entries(j));
                                     }),
                                     all_scalar(args));
               },
               kTokens});
  f.push_back({"num_sim", 2, 2, "num_sim(number, number) -> float64 1 - |a-b| / max(|a|,|b|)", bind_numbers,
               [](const ExprNode&, std::vector<Operand>& args, EvalContext& ctx) {
                 size_t rows = rows_of(args, ctx);
                 return Operand::own(build_column<double>(ColumnType::Float64, rows, [&](size_t r) {
                                       return text::numeric_similarity(number_at(args[0], r), number_at(args[1], r));
                                     }),
                                     all_scalar(args));
               }});
  return f;
}

}  // namespace

const std::vector<FunctionDef>& all_functions() {
  static const std::vector<FunctionDef> functions = make_functions();
  return functions;
}

const FunctionDef* find_function(std::string_view name) {
  for (const FunctionDef& f : all_functions())
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace onnxfn::expr
