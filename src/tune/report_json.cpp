// The JSON report, schema onnxfn.tune/1 (documented in docs/tune.md, checked against
// docs/tune-report.schema.json by tests/tune), and its reader for `package --memory auto`.
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "common/error.h"
#include "tune/report.h"

namespace onnxfn::tune {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void key_string(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void key_double(Writer& w, const char* key, double value) {
  w.Key(key);
  w.Double(value);
}

void write_sweep(Writer& w, const SweepResult& s) {
  w.StartObject();
  key_string(w, "name", s.name);
  key_string(w, "command", s.command);
  w.Key("predictions_per_invocation"), w.Int64(s.predictions);
  key_string(w, "method", s.method);
  key_string(w, "method_note", s.method_note);
  w.Key("sizes");
  w.StartArray();
  for (const SizeResult& z : s.sizes) {
    w.StartObject();
    w.Key("memory_mb"), w.Int(z.memory_mb);
    key_double(w, "cpu_share", z.cpu_share);
    w.Key("vcpus"), w.Int(z.vcpus);
    key_double(w, "emulated_cpus", z.emulated_cpus);
    w.Key("capped"), w.Bool(z.capped);
    key_double(w, "first_ms", z.first_ms);
    key_double(w, "duration_ms", z.duration_ms);
    w.Key("durations_ms");
    w.StartArray();
    for (double d : z.durations_ms) w.Double(d);
    w.EndArray();
    key_double(w, "cpu_ms", z.cpu_ms);
    key_double(w, "measured_ms", z.measured_ms);
    key_double(w, "cpu_bound_ms", z.cpu_bound_ms);
    w.Key("contended"), w.Bool(z.contended);
    key_double(w, "peak_rss_mb", z.peak_rss_mb);
    w.Key("throttled_periods"), w.Int64(z.throttled_periods);
    w.Key("fits"), w.Bool(z.fits);
    w.Key("failure");
    if (z.fits) w.Null();
    else w.String(z.failure.c_str(), static_cast<rapidjson::SizeType>(z.failure.size()));
    if (z.fits) {
      w.Key("billed_ms"), w.Int64(z.billed_ms);
      key_double(w, "cost_per_invocation", z.cost);
      key_double(w, "cost_per_million_predictions", z.cost_per_million_predictions);
    } else {
      for (const char* k : {"billed_ms", "cost_per_invocation", "cost_per_million_predictions"}) w.Key(k), w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("recommendations");
  w.StartObject();
  for (const Recommendation& r : s.recommendations) {
    const std::string_view name = strategy_name(r.strategy);
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    if (r.memory_mb) w.Int(r.memory_mb);
    else w.Null();
  }
  w.EndObject();
  w.EndObject();
}

}  // namespace

std::string report_json(const TuneReport& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  key_string(w, "schema", "onnxfn.tune/1");
  key_string(w, "arch", std::string(arch_name(r.options.arch)));
  key_double(w, "price_per_gb_second", price_per_gb_second(r.options.arch));
  key_double(w, "price_per_million_requests", kPricePerMillionRequests);
  key_string(w, "strategy", std::string(strategy_name(r.options.strategy)));
  key_double(w, "balanced_weight", r.options.balanced_weight);
  w.Key("runs"), w.Int(r.options.runs);
  key_string(w, "duration_basis", r.options.duration_basis);
  w.Key("machine");
  w.StartObject();
  w.Key("cpus"), w.Int(r.machine_cpus);
  key_string(w, "load", r.machine_load);
  w.EndObject();
  w.Key("recommended_memory_mb");
  if (const int mb = recommended_memory(r.function, r.options.strategy)) w.Int(mb);
  else w.Null();
  w.Key("function");
  write_sweep(w, r.function);
  w.Key("compare");
  if (r.compare) write_sweep(w, *r.compare);
  else w.Null();
  w.Key("cost_ratio");
  const double a = cheapest_cost_per_million(r.function), b = r.compare ? cheapest_cost_per_million(*r.compare) : 0;
  if (a > 0 && b > 0) w.Double(b / a);
  else w.Null();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

int recommended_memory_from_report(const std::string& json_text, const std::string& where) {
  rapidjson::Document d;
  d.Parse(json_text.data(), json_text.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("schema") || !d["schema"].IsString() || std::string(d["schema"].GetString()) != "onnxfn.tune/1")
    throw_error(ErrorKind::BadInput, where + ": not an onnxfn tune report (schema onnxfn.tune/1; write one with `onnxfn tune ... --json FILE`)");
  const auto it = d.FindMember("recommended_memory_mb");
  if (it == d.MemberEnd() || !it->value.IsInt())
    throw_error(ErrorKind::BadInput, where + ": the tune report recommends no memory size (no size fitted the function)");
  const int mb = it->value.GetInt();
  if (mb < kMinMemoryMb || mb > kMaxMemoryMb)
    throw_error(ErrorKind::BadInput, where + ": recommended_memory_mb " + std::to_string(mb) + " is not a Lambda memory size (128-10240)");
  return mb;
}

}  // namespace onnxfn::tune
