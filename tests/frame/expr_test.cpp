// The expression language: parsing, typing, SQL null semantics, functions, and clear errors.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "frame/expr/expr_ast.h"
#include "frame/expr/expression.h"
#include "frame/text/similarity.h"

namespace onnxfn::expr {
namespace {

Frame sample() {
  return Frame({{"a", Column::int64({1, 2, std::nullopt, 4})},
                {"x", Column::float64({0.5, -1.0, 2.0, std::nullopt})},
                {"s", Column::string({"Café Olé", "  Sony DSC-W55 ", std::nullopt, "ACME"})},
                {"t", Column::string({"cafe ole", "Sony Cyber-shot DSCW55", "x", std::nullopt})},
                {"b", Column::boolean({true, false, std::nullopt, true})}});
}

// Each text parsed and bound against f, its text parts noted in one cache (as a step's group is).
std::vector<Expression> noted_group(const std::vector<std::string>& texts, const Frame& f, EvalCache& cache) {
  std::vector<Expression> group;
  for (const std::string& text : texts) {
    group.push_back(Expression::parse(text));
    group.back().bind(f.schema());
    group.back().note_text_parts(cache);
  }
  return group;
}

Column eval(const std::string& text, ColumnType expected) {
  Frame f = sample();
  Expression e = Expression::parse(text);
  EXPECT_EQ(e.bind(f.schema()), expected) << text;
  return e.evaluate(f);
}

std::string error_of(const std::string& text) {
  try {
    Frame f = sample();
    Expression e = Expression::parse(text);
    e.bind(f.schema());
    return "";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    return e.what();
  }
}

TEST(Expression, arithmetic_follows_precedence_and_types) {
  Column c = eval("a + 2 * 3 - 1", ColumnType::Int64);
  EXPECT_EQ(c.int64_at(0), 6);
  EXPECT_EQ(c.int64_at(2), std::nullopt);  // null propagates
  Column d = eval("(a + 1) / 2", ColumnType::Float64);
  EXPECT_DOUBLE_EQ(*d.float64_at(0), 1.0);
  EXPECT_DOUBLE_EQ(*d.float64_at(1), 1.5);
  Column z = eval("x / (a - a)", ColumnType::Float64);
  EXPECT_EQ(z.float64_at(0), std::nullopt);  // division by zero is null
  EXPECT_EQ(*eval("-a % 3", ColumnType::Int64).int64_at(3), -1);
}

TEST(Expression, comparisons_and_three_valued_logic) {
  Column c = eval("a >= 2 and b", ColumnType::Bool);
  EXPECT_EQ(c.bool_at(0), false);
  EXPECT_EQ(c.bool_at(1), false);
  EXPECT_EQ(c.bool_at(2), std::nullopt);  // null and null
  EXPECT_EQ(c.bool_at(3), true);
  Column o = eval("b or a > 100", ColumnType::Bool);
  EXPECT_EQ(o.bool_at(0), true);
  EXPECT_EQ(o.bool_at(2), std::nullopt);
  EXPECT_EQ(eval("not b", ColumnType::Bool).bool_at(1), true);
  EXPECT_EQ(eval("s == 'ACME'", ColumnType::Bool).bool_at(3), true);
  EXPECT_EQ(eval("s != 'ACME'", ColumnType::Bool).bool_at(2), std::nullopt);
}

TEST(Expression, string_functions) {
  Column c = eval("clean(s)", ColumnType::String);
  EXPECT_EQ(c.string_at(0), "cafe ole");
  EXPECT_EQ(c.string_at(1), "sony dsc w55");
  EXPECT_EQ(c.string_at(2), std::nullopt);
  EXPECT_EQ(eval("upper(trim(s))", ColumnType::String).string_at(1), "SONY DSC-W55");
  EXPECT_EQ(eval("model_numbers(s)", ColumnType::String).string_at(1), "dscw55");
  EXPECT_EQ(eval("regex_extract(s, '([A-Z]+)-W', 1)", ColumnType::String).string_at(1), "DSC");
  EXPECT_EQ(eval("regex_replace(s, '[aeiou]', '_')", ColumnType::String).string_at(3), "ACME");
  EXPECT_EQ(eval("split_part(t, ' ', 2)", ColumnType::String).string_at(1), "Cyber-shot");
  EXPECT_EQ(eval("length(s)", ColumnType::Int64).int64_at(0), 8);
  EXPECT_EQ(eval("concat(s, '/', t)", ColumnType::String).string_at(3), "ACME/");
  EXPECT_DOUBLE_EQ(*eval("to_number('$1,299.50')", ColumnType::Float64).float64_at(2), 1299.5);
}

TEST(Expression, null_handling_functions) {
  Column c = eval("coalesce(x, a, 0)", ColumnType::Float64);
  EXPECT_DOUBLE_EQ(*c.float64_at(3), 4.0);
  EXPECT_EQ(eval("is_null(s)", ColumnType::Bool).bool_at(2), true);
  Column i = eval("if(b, 'yes', 'no')", ColumnType::String);
  EXPECT_EQ(i.string_at(1), "no");
  EXPECT_EQ(i.string_at(2), "no");  // a null condition takes the else branch
}

TEST(Expression, similarity_functions_on_pairs) {
  Column jw = eval("jaro_winkler(s, t)", ColumnType::Float64);
  EXPECT_DOUBLE_EQ(*jw.float64_at(0), 1.0);  // equal after case and accent folding
  EXPECT_EQ(jw.float64_at(2), std::nullopt);
  EXPECT_EQ(jw.float64_at(3), std::nullopt);
  EXPECT_DOUBLE_EQ(*eval("code_jaccard(s, t)", ColumnType::Float64).float64_at(1), 1.0);
  EXPECT_DOUBLE_EQ(*eval("exact(s, t)", ColumnType::Float64).float64_at(0), 1.0);
  Column lev = eval("levenshtein(s, 'acme')", ColumnType::Int64);
  EXPECT_EQ(lev.int64_at(3), 0);
  EXPECT_DOUBLE_EQ(*eval("num_sim(a, x)", ColumnType::Float64).float64_at(0), 0.5);
}

// lev_sim takes rows two at a time (two pairs' loops interleaved): every row count, odd ones
// included, and nulls anywhere, must give each row's own value.
TEST(Expression, lev_sim_gives_each_row_its_own_value_whatever_the_row_count) {
  const std::vector<std::optional<std::string>> left = {"Sony TV", std::nullopt, "acme", "", "Samsung Galaxy S9", "x"};
  const std::vector<std::optional<std::string>> right = {"sony tv", "LG", std::nullopt, "", "samsung galaxy s10", "yx"};
  for (size_t rows = 0; rows <= left.size(); ++rows) {
    Frame f({{"s", Column::string({left.begin(), left.begin() + static_cast<std::ptrdiff_t>(rows)})},
             {"t", Column::string({right.begin(), right.begin() + static_cast<std::ptrdiff_t>(rows)})}});
    Expression lev = Expression::parse("lev_sim(s, t)");
    lev.bind(f.schema());
    const Column out = lev.evaluate(f);
    ASSERT_EQ(out.size(), rows);
    for (size_t r = 0; r < rows; ++r) {
      const std::optional<double> expected =
          left[r] && right[r] ? text::levenshtein_similarity(text::PreparedString(*left[r]), text::PreparedString(*right[r]))
                              : std::nullopt;
      EXPECT_EQ(out.float64_at(r), expected) << rows << " rows, row " << r;
    }
  }
}

TEST(Expression, shared_cache_gives_the_same_values_and_forgets_replaced_columns) {
  Frame f = sample();
  Expression jw = Expression::parse("jaro_winkler(s, t)");
  Expression lev = Expression::parse("lev_sim(t, s)");
  jw.bind(f.schema());
  lev.bind(f.schema());
  EvalCache cache;
  EXPECT_TRUE(jw.evaluate(f, cache).equals(jw.evaluate(f)));
  EXPECT_TRUE(lev.evaluate(f, cache).equals(lev.evaluate(f)));
  EXPECT_EQ(cache.prepared.size(), 2u);  // `s` and `t`, each prepared once
  // Repeated values are prepared once and still land on every row.
  Frame repeated({{"s", Column::string({"Sony TV", "Sony TV", std::nullopt, "Sony TV"})},
                  {"t", Column::string({"sony tv", "LG TV", "x", "sony  TV"})}});
  Expression jw2 = Expression::parse("exact(s, t)");
  jw2.bind(repeated.schema());
  Column exact = jw2.evaluate(repeated);
  EXPECT_EQ(exact.float64_at(0), 1.0);
  EXPECT_EQ(exact.float64_at(1), 0.0);
  EXPECT_EQ(exact.float64_at(2), std::nullopt);
  EXPECT_EQ(exact.float64_at(3), 1.0);
  // After `s` is replaced and invalidated, the cache must not serve the old text.
  Frame g = sample();
  EvalCache shared;
  const Column first = jw.evaluate(g, shared);
  g.replace_column("s", Column::string({"zzz", "zzz", "zzz", "zzz"}));
  shared.invalidate_column("s");
  EXPECT_EQ(shared.prepared.size(), 1u);
  const Column second = jw.evaluate(g, shared);
  EXPECT_DOUBLE_EQ(*first.float64_at(0), 1.0);
  EXPECT_LT(*second.float64_at(0), 0.5);
}

// A link of a per-distinct-value chain read only by the next link builds no column of every row
// (EvalContext::distinct_only); the chain's results stay those of each link in turn, also when
// the group reads a link elsewhere (then it is built), and for a scalar at the bottom.
TEST(Expression, chains_of_per_distinct_value_links_give_each_links_values) {
  Frame f({{"s", Column::string({"Foo Bar", "foo  bar", std::nullopt, "Foo Bar", "OXO 10", "", "o"})},
           {"t", Column::string({"a  b", "banana", "a  b", std::nullopt, " x ", "aaa", "b"})}});
  const std::vector<std::string> texts = {
      "upper(regex_replace(regex_replace(lower(s), 'o', '0'), '[0-9]', '#'))",
      "token_count(regex_replace(lower(t), 'a', 'b'))",  // a link the next line reads too
      "concat(regex_replace(lower(t), 'a', 'b'), '|')",
      "length(trim(regex_replace(collapse_ws(t), 'b', 'cc')))",
      "split_part(trim(upper('a b')), ' ', 2)",
  };
  EvalCache cache;
  std::vector<Expression> group = noted_group(texts, f, cache);
  std::vector<Column> together;
  for (size_t k = 0; k < group.size(); ++k) {
    together.push_back(group[k].evaluate(f, cache));
    EXPECT_TRUE(together[k].equals(group[k].evaluate(f))) << texts[k];
    EXPECT_EQ(together[k].size(), f.num_rows()) << texts[k];
  }
  EXPECT_EQ(together[0].string_at(0), "F## BAR");
  EXPECT_EQ(together[0].string_at(1), "F##  BAR");
  EXPECT_EQ(together[0].string_at(2), std::nullopt);
  EXPECT_EQ(together[0].string_at(4), "#X# ##");
  EXPECT_EQ(together[0].string_at(6), "#");
  EXPECT_EQ(together[1].int64_at(1), 1);
  EXPECT_EQ(together[2].string_at(1), "bbnbnb|");
  EXPECT_EQ(together[3].int64_at(0), 4);  // "a cc"
  EXPECT_EQ(together[3].int64_at(4), 1);  // "x"
  EXPECT_EQ(together[4].string_at(0), "B");
}

// Shared subexpressions (EvalCache::uses) and per-distinct-value string functions: a group
// evaluated through one noted cache gives exactly what each expression gives alone, and the cache
// lets go of a shared column after its last use.
TEST(Expression, shared_subexpressions_and_distinct_values_give_the_same_columns) {
  // Repeated values (as in candidate pairs), nulls, and a split_part that is out of range.
  Frame f({{"s", Column::string({"Sony TV-40", "LG 55", "Sony TV-40", std::nullopt, "LG 55", "Sony TV-40", "a"})},
           {"t", Column::string({"sony tv 40", "Sony  TV", std::nullopt, "x", "lg 55in", "sony", "a b"})},
           {"x", Column::float64({1.0, 2.0, 3.0, 4.0, std::nullopt, 6.0, 7.0})}});
  const std::vector<std::string> texts = {
      "token_jaccard(s, t) * (token_count(s) + token_count(t)) / (1 + token_jaccard(s, t))",
      "token_count(s) - token_jaccard(s, t) * (token_count(s) + token_count(t)) / (1 + token_jaccard(s, t))",
      "split_part(regex_replace(clean(s), '[0-9]+', '#'), ' ', 2)",
      "concat(split_part(regex_replace(clean(s), '[0-9]+', '#'), ' ', 2), '|', upper(s))",
      "length(clean(s)) + token_count(regex_replace(clean(s), '[0-9]+', '#'))",
      "monge_elkan(s, t)",
      "monge_elkan(t, s)",
      "x * 0.1234567",
      "x * 0.1234568",  // canonical texts keep every digit: not served the line above's column
  };
  EvalCache cache;
  std::vector<Expression> group = noted_group(texts, f, cache);
  EXPECT_EQ(cache.uses.at("token_jaccard(`s`, `t`)"), 4u);
  for (size_t k = 0; k < group.size(); ++k) {
    const Column together = group[k].evaluate(f, cache);
    EXPECT_TRUE(together.equals(group[k].evaluate(f))) << texts[k];
  }
  EXPECT_TRUE(cache.columns.empty());  // every shared column had its last use
  // The distinct numbering of clean(s) has 3 values and null, not one per row.
  ASSERT_TRUE(cache.distinct.contains("clean(`s`)"));
  EXPECT_EQ(cache.distinct.at("clean(`s`)")->values.size(), 4u);
  const Column split = group[2].evaluate(f);
  EXPECT_EQ(split.string_at(0), "tv");
  EXPECT_EQ(split.string_at(1), "#");
  EXPECT_EQ(split.string_at(3), std::nullopt);
  EXPECT_EQ(split.string_at(6), std::nullopt);  // "a" has no second part
  const Column ratio = group[8].evaluate(f, cache);
  EXPECT_DOUBLE_EQ(*ratio.float64_at(0), 0.1234568);
  // coalesce over numbers of mixed types, and to_float of a float64 column as it is.
  Expression mixed = Expression::parse("coalesce(to_float(x), length(s), 2)");
  ASSERT_EQ(mixed.bind(f.schema()), ColumnType::Float64);
  const Column filled = mixed.evaluate(f);
  EXPECT_EQ(filled.float64_at(3), 4.0);
  EXPECT_EQ(filled.float64_at(4), 5.0);  // x is null: length("LG 55")
  Expression nothing = Expression::parse("coalesce(to_float(x), null)");
  nothing.bind(f.schema());
  EXPECT_EQ(nothing.evaluate(f).float64_at(4), std::nullopt);
  // Which expressions a pipeline may leave to the cache's per-distinct-value path.
  const auto per_value = [&](const std::string& text) {
    Expression e = Expression::parse(text);
    e.bind(f.schema());
    return e.runs_per_distinct_value();
  };
  EXPECT_TRUE(per_value("split_part(regex_replace(clean(s), 'a', 'b'), ' ', 1)"));
  EXPECT_TRUE(per_value("token_count(s)"));
  EXPECT_FALSE(per_value("s"));
  EXPECT_FALSE(per_value("clean(concat(s, t))"));
  EXPECT_FALSE(per_value("length(s) + 1"));
  // monge_elkan(t, s) came from monge_elkan(s, t)'s pass; it equals the definition.
  const Column mirror = group[6].evaluate(f);
  EXPECT_EQ(mirror.float64_at(0), text::monge_elkan(text::PreparedString("sony tv 40"), text::PreparedString("Sony TV-40")));
}

// A column is prepared with only the parts its functions read (expr_ast.h TextParts). A cached
// column that lacks a part a later function needs is prepared again, so results never depend on
// the order of evaluation or on whether note_text_parts was called.
TEST(Expression, prepared_parts_follow_the_functions_that_read_them) {
  Frame f = sample();
  Expression jw = Expression::parse("jaro_winkler(s, t)");
  Expression grams = Expression::parse("qgram_jaccard(s, t)");
  Expression codes = Expression::parse("code_jaccard(s, t)");
  Expression tokens = Expression::parse("token_jaccard(s, t)");
  Expression me = Expression::parse("monge_elkan_sym(s, t)");
  Expression exact = Expression::parse("exact(s, t)");
  const std::vector<Expression*> all = {&exact, &tokens, &jw, &grams, &codes, &me};
  for (Expression* e : all) e->bind(f.schema());
  EvalCache lazy;  // text only first, then each function adds its part
  for (Expression* e : all) EXPECT_TRUE(e->evaluate(f, lazy).equals(e->evaluate(f))) << e->text();
  EvalCache noted;  // every part gathered up front: one preparation per column
  for (Expression* e : all) e->note_text_parts(noted);
  EXPECT_EQ(noted.text_parts.at("`s`"), kCodePoints | kTokenSet | kTokens | kQgrams | kModelNumbers);
  const Column first = jw.evaluate(f, noted);
  const auto prepared_s = noted.prepared.at("`s`");
  for (Expression* e : all) EXPECT_TRUE(e->evaluate(f, noted).equals(e->evaluate(f))) << e->text();
  EXPECT_EQ(noted.prepared.at("`s`"), prepared_s);  // never prepared again
  EXPECT_TRUE(first.equals(jw.evaluate(f)));
}

TEST(Expression, tfidf_needs_a_declared_table) {
  EXPECT_NE(error_of("tfidf_cosine(s, t, 'titles')").find("IDF table 'titles'"), std::string::npos);
  StateStore state;
  std::vector<text::PreparedString> docs;
  for (const char* d : {"sony camera", "sony tv", "acme anvil"}) docs.emplace_back(d);
  state.idf_tables.emplace("titles", text::IdfTable::fit(docs));
  Frame f = sample();
  Expression e = Expression::parse("tfidf_cosine(s, t, 'titles')");
  e.bind(f.schema(), &state);
  Column c = e.evaluate(f);
  EXPECT_GT(*c.float64_at(1), 0.0);
  EXPECT_LT(*c.float64_at(1), 1.0);
}

TEST(Expression, constants_repeat_for_every_row) {
  Column c = eval("1 + 2", ColumnType::Int64);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c.int64_at(3), 3);
}

TEST(Expression, errors_name_the_expression_and_position) {
  EXPECT_NE(error_of("a + ").find("position 5"), std::string::npos);
  EXPECT_NE(error_of("nope(a)").find("unknown function 'nope'"), std::string::npos);
  EXPECT_NE(error_of("missing + 1").find("unknown column 'missing'"), std::string::npos);
  EXPECT_NE(error_of("s + 1").find("needs numbers"), std::string::npos);
  EXPECT_NE(error_of("lower(a)").find("argument 1 must be a string"), std::string::npos);
  EXPECT_NE(error_of("regex_extract(s, '(')").find("invalid regular expression"), std::string::npos);
  EXPECT_NE(error_of("'unclosed").find("never closed"), std::string::npos);
  EXPECT_NE(error_of("a < 1 < 2").find("cannot be chained"), std::string::npos);
  std::string deep(200, '(');
  EXPECT_NE(error_of(deep + "1" + std::string(200, ')')).find("nests deeper"), std::string::npos);
}

TEST(Expression, quoted_column_names) {
  Frame f({{"unit price", Column::float64({2.0})}});
  Expression e = Expression::parse("`unit price` * 2");
  e.bind(f.schema());
  EXPECT_DOUBLE_EQ(*e.evaluate(f).float64_at(0), 4.0);
}

}  // namespace
}  // namespace onnxfn::expr

namespace onnxfn::expr {
namespace {

// Set measures probe the left value's set from its second consecutive row and merge on its first
// (expr_functions.cpp set_function): left values in runs, interleaved, alone or null must all give
// the pair's own measure.
TEST(Expression, set_measures_agree_whether_left_values_repeat_or_not) {
  const std::vector<std::optional<std::string_view>> left = {"sony tv 40", "sony tv 40", "sony tv 40", "acme anvil", "sony tv 40",
                                                        "acme anvil", std::nullopt, "acme anvil", "acme anvil", "x y z"};
  const std::vector<std::optional<std::string_view>> right = {"Sony TV-40", "acme", "sony", "ACME Anvil 2", "tv 40 sony",
                                                         std::nullopt, "sony", "anvil acme", "anvils", "x"};
  const Frame f({{"s", Column::string(left)}, {"t", Column::string(right)}});
  using Measure = std::optional<double> (*)(const text::PreparedString&, const text::PreparedString&);
  const std::pair<const char*, Measure> measures[] = {{"token_jaccard(s, t)", &text::token_jaccard},
                                                      {"qgram_jaccard(s, t)", &text::qgram_jaccard},
                                                      {"token_cosine(s, t)", &text::token_cosine}};
  for (const auto& [text, measure] : measures) {
    Expression e = Expression::parse(text);
    e.bind(f.schema());
    const Column c = e.evaluate(f);
    for (size_t r = 0; r < left.size(); ++r) {
      const auto expected = left[r] && right[r] ? measure(text::PreparedString(*left[r]), text::PreparedString(*right[r]))
                                                : std::nullopt;
      EXPECT_EQ(c.float64_at(r), expected) << text << " row " << r;
    }
  }
}

}  // namespace
}  // namespace onnxfn::expr
