// jobs.json for `onnxfn schedule run` (see scheduler_config.h). JSON through rapidjson, which the
// binary already carries (iterative parsing: no recursion on hostile nesting); every field is
// checked with a message naming the job and the field.
#include "schedule/scheduler_config.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/error.h"

namespace onnxfn::schedule {
namespace {

constexpr size_t kMaxConfigBytes = 4 << 20;
constexpr size_t kMaxJobs = 1000;

struct Where {
  const std::string& origin;
  std::string path;
  [[noreturn]] void fail(const std::string& why) const {
    throw_error(ErrorKind::BadInput, origin + ": " + path + ": " + why);
  }
};

void check_keys(const rapidjson::Value& obj, const Where& w, std::initializer_list<const char*> allowed) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    const std::string key(it->name.GetString(), it->name.GetStringLength());
    bool known = false;
    std::string list;
    for (const char* a : allowed) {
      known = known || key == a;
      list += std::string(list.empty() ? "" : ", ") + a;
    }
    if (!known) w.fail("unknown key '" + key + "' (known: " + list + ")");
  }
}

std::string string_of(const rapidjson::Value& v, const Where& w) {
  if (!v.IsString()) w.fail("must be a string");
  return std::string(v.GetString(), v.GetStringLength());
}

double number_of(const rapidjson::Value& v, const Where& w, double lo, double hi) {
  if (!v.IsNumber() || !std::isfinite(v.GetDouble()) || v.GetDouble() < lo || v.GetDouble() > hi) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "must be a number from %g to %g", lo, hi);
    w.fail(buf);
  }
  return v.GetDouble();
}

bool valid_job_name(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) return false;
  return n != "." && n != "..";
}

RetryPolicy retry_of(const rapidjson::Value& v, const Where& w) {
  if (!v.IsObject()) w.fail("must be an object");
  check_keys(v, w, {"maximum_retry_attempts", "maximum_event_age_seconds", "backoff_seconds", "maximum_backoff_seconds"});
  RetryPolicy r;
  if (auto it = v.FindMember("maximum_retry_attempts"); it != v.MemberEnd()) {
    const Where f{w.origin, w.path + ".maximum_retry_attempts"};
    const double n = number_of(it->value, f, 0, 185);  // AWS's range
    if (n != std::floor(n)) f.fail("must be a whole number");
    r.maximum_retry_attempts = static_cast<int>(n);
  }
  if (auto it = v.FindMember("maximum_event_age_seconds"); it != v.MemberEnd()) {
    const Where f{w.origin, w.path + ".maximum_event_age_seconds"};
    r.maximum_event_age_seconds = static_cast<int64_t>(number_of(it->value, f, 60, 86400));  // AWS's range
  }
  if (auto it = v.FindMember("backoff_seconds"); it != v.MemberEnd())
    r.backoff_seconds = number_of(it->value, {w.origin, w.path + ".backoff_seconds"}, 0, 3600);
  if (auto it = v.FindMember("maximum_backoff_seconds"); it != v.MemberEnd())
    r.maximum_backoff_seconds = number_of(it->value, {w.origin, w.path + ".maximum_backoff_seconds"}, 0, 86400);
  return r;
}

}  // namespace

SchedulerConfig parse_scheduler_config(std::string_view json, const std::string& origin) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag>(json.data(), json.size());
  if (doc.HasParseError())
    throw_error(ErrorKind::BadInput, origin + ": invalid JSON at byte " + std::to_string(doc.GetErrorOffset()) + ": " + rapidjson::GetParseError_En(doc.GetParseError()));
  const Where top{origin, "top level"};
  // Read through a const reference: const member iterators compare without C++20's reversed-
  // operator ambiguity (clang's -Wambiguous-reversed-operator on rapidjson's mutable iterators).
  const rapidjson::Value& root = doc;
  if (!root.IsObject()) top.fail("must be an object with \"jobs\"");
  check_keys(root, top, {"jobs", "dead_letter", "lock"});
  SchedulerConfig config;
  if (auto it = root.FindMember("dead_letter"); it != root.MemberEnd()) config.dead_letter_dir = string_of(it->value, {origin, "dead_letter"});
  if (auto it = root.FindMember("lock"); it != root.MemberEnd()) config.lock_path = string_of(it->value, {origin, "lock"});
  const auto jobs = root.FindMember("jobs");
  if (jobs == root.MemberEnd() || !jobs->value.IsArray() || jobs->value.Empty()) Where{origin, "jobs"}.fail("must be a non-empty array of jobs");
  if (jobs->value.Size() > kMaxJobs) Where{origin, "jobs"}.fail("more than " + std::to_string(kMaxJobs) + " jobs");
  std::set<std::string> names;
  for (rapidjson::SizeType i = 0; i < jobs->value.Size(); ++i) {
    const rapidjson::Value& j = jobs->value[i];
    Where w{origin, "jobs[" + std::to_string(i) + "]"};
    if (!j.IsObject()) w.fail("must be an object");
    check_keys(j, w, {"name", "schedule", "timezone", "batch", "retry"});
    JobSpec job;
    const auto name = j.FindMember("name");
    if (name == j.MemberEnd()) w.fail("needs a \"name\"");
    job.name = string_of(name->value, {origin, w.path + ".name"});
    if (!valid_job_name(job.name)) Where{origin, w.path + ".name"}.fail("'" + job.name + "' must be 1-64 characters of A-Z a-z 0-9 _ - .");
    if (!names.insert(job.name).second) Where{origin, w.path + ".name"}.fail("'" + job.name + "' names two jobs");
    w.path += " ('" + job.name + "')";
    const auto schedule = j.FindMember("schedule");
    if (schedule == j.MemberEnd()) w.fail("needs a \"schedule\" (cron(...), rate(...) or at(...))");
    try {
      job.expression = parse_expression(string_of(schedule->value, {origin, w.path + ".schedule"}));
      if (auto tz = j.FindMember("timezone"); tz != j.MemberEnd()) job.zone = TimeZone::load(string_of(tz->value, {origin, w.path + ".timezone"}));
    } catch (const Error& e) {
      w.fail(e.what());
    }
    const auto batch = j.FindMember("batch");
    if (batch == j.MemberEnd() || !batch->value.IsObject()) w.fail("needs a \"batch\" object (the options of onnxfn batch)");
    for (auto it = batch->value.MemberBegin(); it != batch->value.MemberEnd(); ++it) {
      const std::string key(it->name.GetString(), it->name.GetStringLength());
      const Where f{origin, w.path + ".batch." + key};
      const rapidjson::Value& v = it->value;
      if (v.IsString()) job.batch[key] = std::string(v.GetString(), v.GetStringLength());
      else if (v.IsBool()) job.batch[key] = v.GetBool() ? "true" : "false";
      else if (v.IsInt64()) job.batch[key] = std::to_string(v.GetInt64());
      else f.fail("must be a string, a whole number or true/false");
    }
    if (auto r = j.FindMember("retry"); r != j.MemberEnd()) job.retry = retry_of(r->value, {origin, w.path + ".retry"});
    config.jobs.push_back(std::move(job));
  }
  return config;
}

SchedulerConfig load_scheduler_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_error(ErrorKind::BadInput, "scheduler config '" + path + "': cannot open it");
  std::string text;
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes) throw_error(ErrorKind::BadInput, "scheduler config '" + path + "': larger than 4 MB");
  }
  SchedulerConfig config = parse_scheduler_config(text, path);
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (config.dead_letter_dir.empty()) config.dead_letter_dir = (dir / "dead-letter").string();
  if (config.lock_path.empty()) config.lock_path = path + ".lock";
  return config;
}

}  // namespace onnxfn::schedule
