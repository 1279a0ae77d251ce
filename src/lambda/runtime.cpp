// The custom runtime loop (see runtime.h).
#include "lambda/runtime.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "common/error_table.h"
#include "engine/thread_pool.h"
#include "lambda/function_handler.h"
#include "lambda/heap_prefault.h"
#include "lambda/runtime_client.h"
#include "pipeline/predictor.h"
#include "protocol/http_api.h"

namespace onnxfn::lambda {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// One log line: {"level", "message", ...fields}; CloudWatch reads JSON lines as structured logs.
template <class Fields>
void log_line(const char* level, const char* message, Fields&& fields) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("level"), w.String(level);
  w.Key("message"), w.String(message);
  fields(w);
  w.EndObject();
  std::fwrite(buffer.GetString(), 1, buffer.GetSize(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void put_ms(JsonWriter& w, const char* key, double ms) {
  w.Key(key);
  w.Double(static_cast<double>(static_cast<int64_t>(ms * 1000)) / 1000);
}

struct Reported {
  std::string_view type;
  std::string message;
};

Reported report_current_exception() {
  try {
    throw;
  } catch (const Error& e) {
    return {error_report(e.kind()).lambda_type, e.what()};
  } catch (const std::bad_alloc&) {
    return {error_report(ErrorKind::ResourceLimit).lambda_type, "out of memory"};
  } catch (const std::exception& e) {
    return {error_report(ErrorKind::Internal).lambda_type, e.what()};
  }
}

}  // namespace

RuntimeSettings settings_from_environment() {
  RuntimeSettings s;
  s.runtime_api = env("AWS_LAMBDA_RUNTIME_API");
  s.task_root = env("LAMBDA_TASK_ROOT");
  if (s.task_root.empty()) {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    s.task_root = ec ? "." : self.parent_path().string();
  }
  s.handler = env("_HANDLER");
  s.default_job = env("ONNXFN_JOB");
  s.memory_mb = std::atoi(env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").c_str());
  return s;
}

std::string locate_model(const RuntimeSettings& settings) {
  const fs::path root(settings.task_root);
  if (!settings.handler.empty()) {
    const fs::path p = fs::path(settings.handler).is_absolute() ? fs::path(settings.handler) : root / settings.handler;
    if (!fs::exists(p)) throw_error(ErrorKind::BadInput, "_HANDLER: '" + p.string() + "' does not exist (the handler names the bundle or model, relative to the task root)");
    return p.string();
  }
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const fs::path& p = entry.path();
    const std::string ext = p.extension().string();
    if ((entry.is_directory() && fs::exists(p / "pipeline.json")) || (entry.is_regular_file() && (ext == ".zip" || ext == ".onnx")))
      found.push_back(p.string());
  }
  if (ec) throw_error(ErrorKind::BadInput, "task root '" + root.string() + "': cannot list it: " + ec.message());
  if (found.size() != 1) {
    std::string list;
    for (const auto& f : found) list += (list.empty() ? "" : ", ") + f;
    throw_error(ErrorKind::BadInput, "task root '" + root.string() + "': " + (found.empty() ? "no bundle or model found" : "more than one bundle or model (" + list + ")") +
                                         "; set the handler to the one to serve");
  }
  return found.front();
}

int lambda_threads(int memory_mb) {
  int threads = available_cpus();
  if (memory_mb > 0) threads = std::min(threads, std::clamp((memory_mb + 1768) / 1769, 1, 6));
  return std::max(threads, 1);
}

int run_runtime(const RuntimeSettings& settings) {
  if (settings.runtime_api.empty())
    throw_error(ErrorKind::BadInput, "onnxfn lambda: AWS_LAMBDA_RUNTIME_API is not set (run it as a Lambda function's bootstrap, or under the Runtime Interface Emulator)");
  RuntimeClient client(settings.runtime_api);
  const auto init_start = Clock::now();
  const int threads = lambda_threads(settings.memory_mb);
  protocol::ModelRepository models;
  const pipeline::Predictor* predictor = nullptr;
  std::string model_path;
  try {
    model_path = locate_model(settings);
    // With a second vCPU, the kernel zeroes the heap pages the load will touch on that CPU while
    // this one decodes: about 3x the file's size for a tree forest (the 100-tree forest's 3.2 MB
    // file takes 9-10 MB of heap).
    std::error_code size_error;
    const uintmax_t file_bytes = fs::is_regular_file(model_path, size_error) ? fs::file_size(model_path, size_error) : 0;
    const HeapPrefault warm(threads > 1 && !size_error ? 3 * file_bytes : 0);
    auto loaded = pipeline::Predictor::load(model_path, {.threads = threads});
    predictor = loaded.get();
    std::string name = loaded->name();  // before the move: argument order is unspecified
    models.add(std::move(name), std::move(loaded));
  } catch (...) {
    const Reported r = report_current_exception();
    log_line("ERROR", "init failed", [&](JsonWriter& w) {
      w.Key("errorType"), w.String(r.type.data(), static_cast<rapidjson::SizeType>(r.type.size()));
      w.Key("errorMessage"), w.String(r.message.c_str());
    });
    client.post_init_error(r.type, r.message);
    return kExitBadModel;
  }
  log_line("INFO", "init", [&](JsonWriter& w) {
    w.Key("model"), w.String(model_path.c_str());
    w.Key("name"), w.String(predictor->name().c_str());
    w.Key("threads"), w.Int(threads);
    put_ms(w, "init_ms", ms_since(init_start));
    put_ms(w, "peak_rss_mb", peak_rss_mb());
  });

  // HTTP events go to the same API as `onnxfn serve` (routes, formats, errors); Lambda's own
  // response limit is checked by the handler on the whole response event.
  const protocol::InferenceApi api(models);
  const FunctionHandler handler(
      *predictor, [&api](const protocol::HttpRequest& request) { return api.handle(request); },
      {.task_root = settings.task_root, .default_job = settings.default_job});
  for (;;) {
    Invocation inv = client.next();
    const auto start = Clock::now();
    if (!inv.trace_id.empty()) ::setenv("_X_AMZN_TRACE_ID", inv.trace_id.c_str(), 1);
    const Deadline deadline(inv.deadline_ms);
    try {
      HandlerResult r = handler.handle(inv.event, deadline);
      client.post_response(inv.request_id, r.body);
      log_line("INFO", "invocation", [&](JsonWriter& w) {
        w.Key("requestId"), w.String(inv.request_id.c_str());
        const std::string_view kind = event_kind_name(r.kind);
        w.Key("event"), w.String(kind.data(), static_cast<rapidjson::SizeType>(kind.size()));
        w.Key("rows"), w.Uint64(r.rows);
        put_ms(w, "read_ms", r.trace.read_ms);
        put_ms(w, "pipeline_ms", r.trace.pipeline_ms);
        put_ms(w, "model_ms", r.trace.model_ms);
        put_ms(w, "encode_ms", r.trace.encode_ms);
        put_ms(w, "total_ms", ms_since(start));
        w.Key("response_bytes"), w.Uint64(r.body.size());
        put_ms(w, "peak_rss_mb", peak_rss_mb());
      });
    } catch (...) {
      const Reported r = report_current_exception();
      client.post_error(inv.request_id, r.type, r.message);
      log_line("ERROR", "invocation failed", [&](JsonWriter& w) {
        w.Key("requestId"), w.String(inv.request_id.c_str());
        w.Key("errorType"), w.String(r.type.data(), static_cast<rapidjson::SizeType>(r.type.size()));
        w.Key("errorMessage"), w.String(r.message.c_str());
        put_ms(w, "total_ms", ms_since(start));
        put_ms(w, "peak_rss_mb", peak_rss_mb());
      });
    }
  }
}

}  // namespace onnxfn::lambda
