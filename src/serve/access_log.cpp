// JSON access log lines via RapidJSON's writer (targets and model names are client text: the
// writer escapes them).
#include "serve/access_log.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace onnxfn::serve {
namespace {

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

std::string access_log_line(const AccessEntry& e) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](const char* key, std::string_view v) {
    w.Key(key);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  str("time", utc_now());
  str("remote", e.remote);
  str("method", e.method);
  str("target", e.target);
  w.Key("status");
  w.Int(e.record ? e.record->status : 0);
  if (e.record) {
    str("route", e.record->route);
    str("model", e.record->model);
    w.Key("rows");
    w.Uint64(e.record->rows);
    w.Key("read_ms");
    w.Double(e.record->trace.read_ms);
    w.Key("pipeline_ms");
    w.Double(e.record->trace.pipeline_ms);
    w.Key("model_ms");
    w.Double(e.record->trace.model_ms);
    w.Key("encode_ms");
    w.Double(e.record->trace.encode_ms);
  }
  w.Key("total_ms");
  w.Double(e.total_ms);
  w.Key("bytes_in");
  w.Uint64(e.bytes_in);
  w.Key("bytes_out");
  w.Uint64(e.bytes_out);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

void write_access_log(const AccessEntry& entry) {
  const std::string line = access_log_line(entry);
  // One write per line: lines from concurrent requests stay whole.
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace onnxfn::serve
