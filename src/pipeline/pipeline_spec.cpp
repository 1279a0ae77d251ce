// Parsing pipeline.json (RapidJSON, iterative): structure, names and types; every error names
// the file, the section or step, and the field.
#include "pipeline/pipeline_spec.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <set>

#include "common/error.h"
#include "common/json_numbers.h"
#include "frame/expr/expression.h"

namespace onnxfn::pipeline {
namespace {

using JsonValue = rapidjson::Value;

struct SpecReader {
  const std::string& source;

  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw_error(ErrorKind::BadInput, source + ": " + where + ": " + problem);
  }
  const JsonValue& member(const JsonValue& obj, const char* key, const std::string& where) const {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) fail(where, std::string("\"") + key + "\" is missing");
    return it->value;
  }
  std::string string(const JsonValue& v, const std::string& where) const {
    if (!v.IsString()) fail(where, "expected a string");
    return {v.GetString(), v.GetStringLength()};
  }
  std::vector<std::string> strings(const JsonValue& v, const std::string& where) const {
    if (!v.IsArray()) fail(where, "expected an array of strings");
    std::vector<std::string> out;
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) out.push_back(string(v[i], where + "[" + std::to_string(i) + "]"));
    return out;
  }
  std::vector<std::pair<std::string, std::string>> string_map(const JsonValue& v, const std::string& where) const {
    if (!v.IsObject()) fail(where, "expected an object of \"name\": \"value\" pairs");
    unique_keys(v, where);
    std::vector<std::pair<std::string, std::string>> out;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      std::string key(it->name.GetString(), it->name.GetStringLength());
      out.emplace_back(key, string(it->value, where + " field '" + key + "'"));
    }
    return out;
  }
  ColumnType column_type(const std::string& name, const std::string& where) const {
    auto t = parse_column_type(name);
    if (!t) fail(where, "unknown column type '" + name + "' (use int64, float64, string or bool)");
    return *t;
  }
  // JSON allows a key twice and RapidJSON keeps both; a spec that says two things is rejected.
  void unique_keys(const JsonValue& obj, const std::string& where) const {
    std::set<std::string_view> seen;
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it)
      if (!seen.insert(std::string_view(it->name.GetString(), it->name.GetStringLength())).second)
        fail(where, "\"" + std::string(it->name.GetString(), it->name.GetStringLength()) + "\" is given twice");
  }
  void only_keys(const JsonValue& obj, std::initializer_list<std::string_view> allowed, const std::string& where) const {
    unique_keys(obj, where);
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) fail(where, "unknown field \"" + std::string(key) + "\"");
    }
  }

  // Expressions that no Pipeline binds (state fit, blocking text) are at least parsed here, so a
  // typo is reported at load time with the field that holds it.
  std::string expression(const JsonValue& v, const std::string& where) const {
    std::string text = string(v, where);
    try {
      (void)expr::Expression::parse(text);
    } catch (const Error& e) {
      fail(where, e.what());
    }
    return text;
  }
  void threshold_in_unit_range(double t, const std::string& where) const {
    if (!(t >= 0.0 && t <= 1.0)) fail(where, "expected a number from 0 to 1");
  }

  Step step(const JsonValue& v, size_t index) const {
    std::string where = "steps[" + std::to_string(index) + "]";
    if (!v.IsObject() || v.MemberCount() != 1)
      fail(where, "each step is an object with one key: derive, filter, select, rename or cast");
    std::string kind(v.MemberBegin()->name.GetString(), v.MemberBegin()->name.GetStringLength());
    const JsonValue& body = v.MemberBegin()->value;
    where += " (" + kind + ")";
    if (kind == "derive") return DeriveStep{string_map(body, where)};
    if (kind == "filter") return FilterStep{string(body, where)};  // checked when the Pipeline binds it
    if (kind == "select") {
      SelectStep sel{strings(body, where)};
      if (sel.columns.empty()) fail(where, "selects no columns");
      std::set<std::string_view> seen;
      for (const std::string& c : sel.columns)
        if (!seen.insert(c).second) fail(where, "column '" + c + "' is listed twice");
      return sel;
    }
    if (kind == "rename") return RenameStep{string_map(body, where)};
    if (kind == "cast") {
      CastStep c;
      for (auto& [col, type] : string_map(body, where)) c.casts.emplace_back(col, column_type(type, where + " field '" + col + "'"));
      return c;
    }
    fail(where, "unknown step kind '" + kind + "' (derive, filter, select, rename, cast)");
  }
};

}  // namespace

std::string_view step_kind(const Step& step) {
  static constexpr std::string_view names[] = {"derive", "filter", "select", "rename", "cast"};
  return names[step.index()];
}

PipelineSpec parse_pipeline_spec(std::string_view json, const std::string& source) {
  rapidjson::Document doc;
  std::string guarded;
  json = guard_json_numbers(json, guarded);
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag |
            rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (doc.HasParseError())
    throw_error(ErrorKind::BadInput, source + ": invalid JSON at byte " + std::to_string(doc.GetErrorOffset()) + ": " +
                                         rapidjson::GetParseError_En(doc.GetParseError()));
  SpecReader r{source};
  if (!doc.IsObject()) r.fail("top level", "expected a JSON object");
  r.only_keys(doc, {"schema", "input", "state", "steps", "model_inputs", "output", "blocking", "description"}, "top level");
  if (auto d = doc.FindMember("description"); d != doc.MemberEnd()) r.string(d->value, "description");
  if (r.string(r.member(doc, "schema", "top level"), "schema") != "onnxfn.pipeline/1")
    r.fail("schema", "expected \"onnxfn.pipeline/1\"");

  PipelineSpec spec;
  spec.source = source;
  const JsonValue& input = r.member(doc, "input", "top level");
  if (!input.IsObject()) r.fail("input", "expected an object with \"columns\"");
  r.only_keys(input, {"columns"}, "input");
  const JsonValue& cols = r.member(input, "columns", "input");
  for (auto& [name, type] : r.string_map(cols, "input.columns"))
    spec.input.push_back({name, r.column_type(type, "input.columns field '" + name + "'")});
  if (spec.input.empty()) r.fail("input.columns", "declares no columns");

  std::set<std::string> state_names;
  if (auto st = doc.FindMember("state"); st != doc.MemberEnd()) {
    if (!st->value.IsObject()) r.fail("state", "expected an object of named state entries");
    r.unique_keys(st->value, "state");
    for (auto it = st->value.MemberBegin(); it != st->value.MemberEnd(); ++it) {
      std::string name = it->name.GetString();
      std::string where = "state." + name;
      if (!it->value.IsObject()) r.fail(where, "expected an object with kind, file and fit");
      r.only_keys(it->value, {"kind", "file", "fit"}, where);
      StateSpec s{name, r.string(r.member(it->value, "kind", where), where + ".kind"),
                  r.string(r.member(it->value, "file", where), where + ".file"), r.expression(r.member(it->value, "fit", where), where + ".fit")};
      if (s.kind != "idf") r.fail(where + ".kind", "unknown state kind '" + s.kind + "' (idf)");
      if (s.file.empty() || s.file.front() == '/' || s.file.find('\\') != std::string::npos || s.file.find("..") != std::string::npos)
        r.fail(where + ".file", "must be a relative path inside the bundle");
      for (const StateSpec& other : spec.state)
        if (other.file == s.file) r.fail(where + ".file", "'" + s.file + "' is also the file of state '" + other.name + "'");
      state_names.insert(name);
      spec.state.push_back(std::move(s));
    }
  }

  if (auto st = doc.FindMember("steps"); st != doc.MemberEnd()) {
    if (!st->value.IsArray()) r.fail("steps", "expected an array");
    for (rapidjson::SizeType i = 0; i < st->value.Size(); ++i) spec.steps.push_back(r.step(st->value[i], i));
  }

  const JsonValue& inputs = r.member(doc, "model_inputs", "top level");
  if (!inputs.IsArray() || inputs.Empty()) r.fail("model_inputs", "expected a non-empty array");
  for (rapidjson::SizeType i = 0; i < inputs.Size(); ++i) {
    std::string where = "model_inputs[" + std::to_string(i) + "]";
    const JsonValue& v = inputs[i];
    if (!v.IsObject()) r.fail(where, "expected an object with name, dtype and columns");
    r.only_keys(v, {"name", "dtype", "columns"}, where);
    ModelInputSpec m;
    m.name = r.string(r.member(v, "name", where), where + ".name");
    for (const ModelInputSpec& other : spec.model_inputs)
      if (other.name == m.name) r.fail(where + ".name", "model input '" + m.name + "' is fed twice");
    std::string dtype = r.string(r.member(v, "dtype", where), where + ".dtype");
    if (dtype == "float32" || dtype == "float") m.dtype = DType::Float;
    else if (dtype == "float64" || dtype == "double") m.dtype = DType::Double;
    else if (dtype == "int64") m.dtype = DType::Int64;
    else if (dtype == "string") m.dtype = DType::String;
    else r.fail(where + ".dtype", "unknown dtype '" + dtype + "' (float32, float64, int64, string)");
    m.columns = r.strings(r.member(v, "columns", where), where + ".columns");
    if (m.columns.empty()) r.fail(where + ".columns", "lists no columns");
    spec.model_inputs.push_back(std::move(m));
  }

  const JsonValue& out = r.member(doc, "output", "top level");
  if (!out.IsObject()) r.fail("output", "expected an object");
  r.only_keys(out, {"carry", "probability", "label", "model_outputs"}, "output");
  if (auto c = out.FindMember("carry"); c != out.MemberEnd()) spec.output.carry = r.strings(c->value, "output.carry");
  if (auto p = out.FindMember("probability"); p != out.MemberEnd()) {
    const JsonValue& v = p->value;
    if (!v.IsObject()) r.fail("output.probability", "expected an object");
    r.only_keys(v, {"output", "class", "index", "column"}, "output.probability");
    ProbabilitySpec ps;
    ps.output = r.string(r.member(v, "output", "output.probability"), "output.probability.output");
    if (auto k = v.FindMember("class"); k != v.MemberEnd()) ps.class_key = r.string(k->value, "output.probability.class");
    if (auto k = v.FindMember("index"); k != v.MemberEnd()) {
      if (!k->value.IsInt64() || k->value.GetInt64() < 0) r.fail("output.probability.index", "expected a non-negative integer");
      ps.class_index = k->value.GetInt64();
    }
    if (ps.class_key.empty() == !ps.class_index) r.fail("output.probability", "give exactly one of \"class\" (ZipMap key) or \"index\"");
    if (auto k = v.FindMember("column"); k != v.MemberEnd()) ps.column = r.string(k->value, "output.probability.column");
    spec.output.probability = ps;
  }
  if (auto l = out.FindMember("label"); l != out.MemberEnd()) {
    const JsonValue& v = l->value;
    if (!v.IsObject()) r.fail("output.label", "expected an object");
    r.only_keys(v, {"column", "threshold"}, "output.label");
    if (!spec.output.probability) r.fail("output.label", "needs output.probability to threshold");
    LabelSpec ls;
    if (auto k = v.FindMember("column"); k != v.MemberEnd()) ls.column = r.string(k->value, "output.label.column");
    if (auto k = v.FindMember("threshold"); k != v.MemberEnd()) {
      if (!k->value.IsNumber()) r.fail("output.label.threshold", "expected a number");
      ls.threshold = k->value.GetDouble();
      r.threshold_in_unit_range(*ls.threshold, "output.label.threshold");
    }
    spec.output.label = ls;
  }
  if (auto m = out.FindMember("model_outputs"); m != out.MemberEnd()) spec.output.model_outputs = r.string_map(m->value, "output.model_outputs");
  if (!spec.output.probability && spec.output.model_outputs.empty())
    r.fail("output", "declares nothing to return: add probability or model_outputs");
  {  // Every output record column has one source.
    std::vector<std::pair<std::string, std::string>> written;  // column, the field that writes it
    for (size_t i = 0; i < spec.output.carry.size(); ++i) written.emplace_back(spec.output.carry[i], "output.carry[" + std::to_string(i) + "]");
    if (spec.output.probability) written.emplace_back(spec.output.probability->column, "output.probability.column");
    if (spec.output.label) written.emplace_back(spec.output.label->column, "output.label.column");
    for (const auto& [output, column] : spec.output.model_outputs) written.emplace_back(column, "output.model_outputs field '" + output + "'");
    for (size_t i = 0; i < written.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (written[i].first == written[j].first)
          r.fail(written[i].second, "column '" + written[i].first + "' is also written by " + written[j].second);
  }

  if (auto b = doc.FindMember("blocking"); b != doc.MemberEnd()) {
    const JsonValue& v = b->value;
    if (!v.IsObject()) r.fail("blocking", "expected an object");
    r.only_keys(v, {"left_id", "right_id", "text", "top_k", "idf", "left_prefix", "right_prefix"}, "blocking");
    BlockingSpec bs;
    bs.text = r.expression(r.member(v, "text", "blocking"), "blocking.text");
    if (auto k = v.FindMember("left_id"); k != v.MemberEnd()) bs.left_id = r.string(k->value, "blocking.left_id");
    if (auto k = v.FindMember("right_id"); k != v.MemberEnd()) bs.right_id = r.string(k->value, "blocking.right_id");
    if (auto k = v.FindMember("left_prefix"); k != v.MemberEnd()) bs.left_prefix = r.string(k->value, "blocking.left_prefix");
    if (auto k = v.FindMember("right_prefix"); k != v.MemberEnd()) bs.right_prefix = r.string(k->value, "blocking.right_prefix");
    if (auto k = v.FindMember("idf"); k != v.MemberEnd()) {
      bs.idf = r.string(k->value, "blocking.idf");
      if (!state_names.count(bs.idf)) r.fail("blocking.idf", "names state '" + bs.idf + "', which \"state\" does not declare");
    }
    if (auto k = v.FindMember("top_k"); k != v.MemberEnd()) {
      if (!k->value.IsInt64() || k->value.GetInt64() < 1 || k->value.GetInt64() > 10000) r.fail("blocking.top_k", "expected an integer from 1 to 10000");
      bs.top_k = k->value.GetInt64();
    }
    spec.blocking = bs;
  }
  return spec;
}

}  // namespace onnxfn::pipeline
