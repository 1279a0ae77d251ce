// Exactly-once chunked jobs over a store (see durable_job.h).
#include "batch/durable_job.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/error.h"
#include "frame/record_files.h"
#include "storage/sigv4.h"

namespace onnxfn::batch {
namespace {

using SystemClock = std::chrono::system_clock;
using SteadyClock = std::chrono::steady_clock;

std::string join(const std::string& location, const std::string& name) {
  if (location.empty()) return name;
  return location.back() == '/' ? location + name : location + "/" + name;
}

std::string chunk_name(const char* prefix, size_t k) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%06zu", prefix, k);
  return buf;
}

double epoch_seconds(SystemClock::time_point t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

// The manifest: which chunks are done and how many output rows each wrote.
struct Manifest {
  std::string job, output, format;
  size_t chunk_size = 0, rows_total = 0, chunks_total = 0;
  std::map<size_t, size_t> done;  // chunk -> rows written
  std::string etag;               // of the version read

  std::string to_json() const {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.StartObject();
    w.Key("schema"), w.String("onnxfn.job/1");
    w.Key("job"), w.String(job.c_str());
    w.Key("output"), w.String(output.c_str());
    w.Key("format"), w.String(format.c_str());
    w.Key("chunk_size"), w.Uint64(chunk_size);
    w.Key("rows_total"), w.Uint64(rows_total);
    w.Key("chunks_total"), w.Uint64(chunks_total);
    w.Key("done");
    w.StartArray();
    for (const auto& [k, rows] : done) {
      w.StartArray();
      w.Uint64(k);
      w.Uint64(rows);
      w.EndArray();
    }
    w.EndArray();
    w.EndObject();
    return std::string(sb.GetString(), sb.GetSize()) + "\n";
  }

  static Manifest parse(const std::string& text, const std::string& where) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    auto bad = [&](const std::string& what) -> Manifest {
      throw_error(ErrorKind::BadInput, "job manifest '" + where + "': " + what + " (the checkpoint is damaged; remove the job's folder to start over)");
    };
    if (d.HasParseError() || !d.IsObject()) return bad("not a JSON object");
    Manifest m;
    auto str = [&](const char* key, std::string& out) {
      if (!d.HasMember(key) || !d[key].IsString()) bad(std::string("\"") + key + "\" missing");
      out = d[key].GetString();
    };
    auto num = [&](const char* key, size_t& out) {
      if (!d.HasMember(key) || !d[key].IsUint64()) bad(std::string("\"") + key + "\" missing");
      out = d[key].GetUint64();
    };
    str("job", m.job);
    str("output", m.output);
    str("format", m.format);
    num("chunk_size", m.chunk_size);
    num("rows_total", m.rows_total);
    num("chunks_total", m.chunks_total);
    if (!d.HasMember("done") || !d["done"].IsArray()) bad("\"done\" missing");
    for (const auto& e : d["done"].GetArray()) {
      if (!e.IsArray() || e.Size() != 2 || !e[0].IsUint64() || !e[1].IsUint64() || e[0].GetUint64() >= m.chunks_total)
        bad("a \"done\" entry is not [chunk, rows]");
      m.done[e[0].GetUint64()] = e[1].GetUint64();
    }
    return m;
  }
};

class JobState {
 public:
  JobState(storage::Store& store, const DurableOptions& options, std::string job_id)
      : store_(store), options_(options), job_id_(std::move(job_id)), dir_(join(options.checkpoint, job_id_)) {}

  const std::string& dir() const { return dir_; }
  std::string manifest_location() const { return join(dir_, "manifest.json"); }
  std::string part_location(size_t k) const { return join(dir_, "parts/" + chunk_name("part-", k)); }
  std::string lease_location(const std::string& name) const { return join(dir_, "leases/" + name); }
  std::string complete_location() const { return join(dir_, "complete.json"); }

  std::optional<Manifest> read_manifest() {
    // The etag first: if the manifest changes between stat and read, the compare-and-swap fails
    // and the update is retried from a fresh read.
    auto st = store_.stat(manifest_location());
    if (!st) return std::nullopt;
    auto text = store_.try_read(manifest_location());
    if (!text) return std::nullopt;
    Manifest m = Manifest::parse(*text, manifest_location());
    m.etag = st->etag;
    return m;
  }

  Manifest open_manifest(const Manifest& fresh) {
    for (int attempt = 0; attempt < 8; ++attempt) {
      if (auto m = read_manifest()) {
        if (m->chunks_total != fresh.chunks_total || m->chunk_size != fresh.chunk_size || m->rows_total != fresh.rows_total)
          throw_error(ErrorKind::BadInput, "job " + job_id_ + ": the checkpoint at '" + dir_ + "' was made for " + std::to_string(m->rows_total) + " rows in chunks of " +
                                               std::to_string(m->chunk_size) + "; this run has " + std::to_string(fresh.rows_total) + " in chunks of " +
                                               std::to_string(fresh.chunk_size));
        return *m;
      }
      store_.write_if_absent(manifest_location(), fresh.to_json());
    }
    throw_error(ErrorKind::Internal, "job " + job_id_ + ": cannot create or read its manifest at '" + manifest_location() + "'");
  }

  // Records chunk k as done: compare-and-swap, retried on a concurrent update.
  Manifest mark_done(size_t k, size_t rows) {
    for (int attempt = 0; attempt < 64; ++attempt) {
      std::optional<Manifest> m = read_manifest();
      if (!m) throw_error(ErrorKind::Internal, "job " + job_id_ + ": its manifest '" + manifest_location() + "' disappeared");
      if (m->done.count(k)) return *m;
      m->done[k] = rows;
      if (store_.write_if_match(manifest_location(), m->to_json(), m->etag).written) return *m;
    }
    throw_error(ErrorKind::Internal, "job " + job_id_ + ": the manifest kept changing under 64 updates; too many concurrent runs?");
  }

  // A lease on `name` until now + lease_seconds; false when another live run holds it.
  bool acquire(const std::string& name) {
    const std::string location = lease_location(name);
    const std::string body = lease_body();
    if (store_.write_if_absent(location, body).written) return true;
    auto st = store_.stat(location);
    auto text = store_.try_read(location);
    if (!st || !text) return store_.write_if_absent(location, body).written;
    rapidjson::Document d;
    d.Parse(text->c_str(), text->size());
    const bool parsed = !d.HasParseError() && d.IsObject() && d.HasMember("owner") && d["owner"].IsString() && d.HasMember("expires") && d["expires"].IsNumber();
    const bool mine = parsed && options_.run_id == d["owner"].GetString();
    const bool expired = !parsed || d["expires"].GetDouble() < epoch_seconds(SystemClock::now());
    if (!mine && !expired) return false;
    return store_.write_if_match(location, body, st->etag).written;
  }

  // Removes the lease if this run still holds it (one taken over by another run stays).
  void release(const std::string& name) {
    try {
      auto text = store_.try_read(lease_location(name));
      if (!text) return;
      rapidjson::Document d;
      d.Parse(text->c_str(), text->size());
      if (!d.HasParseError() && d.IsObject() && d.HasMember("owner") && d["owner"].IsString() && options_.run_id == d["owner"].GetString())
        store_.remove(lease_location(name));
    } catch (const Error&) {
      // An expired lease is as good as a removed one.
    }
  }

 private:
  std::string lease_body() const {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", epoch_seconds(SystemClock::now()) + options_.lease_seconds);
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.StartObject();
    w.Key("owner"), w.String(options_.run_id.c_str());
    w.Key("expires"), w.RawValue(buf, std::strlen(buf), rapidjson::kNumberType);
    w.EndObject();
    return sb.GetString();
  }

  storage::Store& store_;
  const DurableOptions& options_;
  std::string job_id_;
  std::string dir_;
};

// Chunk k's part: the text a streaming encoder appends for it (CSV: the header only in part 0;
// a JSON array: the rows without brackets, joined by the assembly).
std::string encode_part(const Frame& out, RecordFormat format, size_t k) {
  RecordEncoder encoder(format);
  if (k > 0 || format == RecordFormat::JsonArray) encoder.encode(out.slice(0, 0));  // header / "[" once, dropped
  return encoder.encode(out);
}

}  // namespace

std::string_view job_status_name(JobStatus status) {
  switch (status) {
    case JobStatus::Complete: return "complete";
    case JobStatus::AlreadyComplete: return "already_complete";
    case JobStatus::Partial: return "partial";
  }
  return "partial";
}

std::string DurableResult::json() const {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"status\": \"%s\", \"job\": \"%s\", \"chunks_done\": %zu, \"chunks_total\": %zu, \"chunks_run\": %zu, \"chunks_held\": %zu, "
                "\"rows_written\": %zu, \"deadline_reached\": %s}",
                std::string(job_status_name(status)).c_str(), job_id.c_str(), chunks_done, chunks_total, chunks_run, chunks_held, rows_written,
                deadline_reached ? "true" : "false");
  return buf;
}

std::string job_id_for(std::string_view key) { return storage::sha256_hex(key).substr(0, 16); }

DurableResult run_durable(storage::Store& store, const pipeline::Predictor& predictor, size_t total_rows, const ChunkSource& source,
                          const ChunkOptions& chunks, const DurableOptions& options, const ChunkTransform& transform) {
  if (options.checkpoint.empty()) throw_error(ErrorKind::BadInput, "a durable job needs a checkpoint location");
  if (options.run_id.empty()) throw_error(ErrorKind::BadInput, "a durable job needs a run id");
  const size_t chunk = chunks.chunk_size;
  if (chunk < 1 || chunk > kMaxChunkSize)
    throw_error(ErrorKind::BadInput, "chunk size must be from 1 to " + std::to_string(kMaxChunkSize) + ", got " + std::to_string(chunk));

  DurableResult result;
  result.job_id = job_id_for(options.key);
  result.checkpoint = options.checkpoint;
  JobState state(store, options, result.job_id);
  result.chunks_total = total_rows == 0 ? 1 : (total_rows + chunk - 1) / chunk;

  if (auto done = store.try_read(state.complete_location())) {
    result.status = JobStatus::AlreadyComplete;
    result.chunks_done = result.chunks_total;
    if (auto m = state.read_manifest())
      for (const auto& [k, rows] : m->done) result.rows_written += rows;
    return result;
  }

  Manifest fresh;
  fresh.job = result.job_id;
  fresh.output = options.output;
  fresh.format = std::string(record_format_name(options.format));
  fresh.chunk_size = chunk;
  fresh.rows_total = total_rows;
  fresh.chunks_total = result.chunks_total;
  Manifest manifest = state.open_manifest(fresh);

  // One run works on a job at a time: the job lease, renewed while it works. A second run (an
  // overlapping delivery) takes no chunk and reports the job partial; a run that died leaves a lease
  // that expires (or that its retry, with the same run id, takes back at once).
  if (!state.acquire("job")) {
    result.chunks_done = manifest.done.size();
    result.chunks_held = result.chunks_total - result.chunks_done;
    for (const auto& [k, rows] : manifest.done) result.rows_written += rows;
    return result;
  }
  // Released however this run ends (a failed chunk or output leaves the next run free to go on).
  struct ReleaseOnExit {
    JobState& state;
    ~ReleaseOnExit() { state.release("job"); }
  } release_on_exit{state};
  auto lease_taken = SteadyClock::now();
  double slowest_chunk_s = 0;
  for (size_t k = 0; k < result.chunks_total; ++k) {
    if (manifest.done.count(k)) continue;
    if (options.deadline) {
      // Stop before a chunk that would not finish: the slowest so far and a quarter more, and time to commit.
      const auto need = std::chrono::duration<double>(slowest_chunk_s * 1.25 + 0.2);
      if (SystemClock::now() + std::chrono::duration_cast<SystemClock::duration>(need) > *options.deadline) {
        result.deadline_reached = true;
        break;
      }
    }
    if (std::chrono::duration<double>(SteadyClock::now() - lease_taken).count() > options.lease_seconds / 2) {
      if (!state.acquire("job")) break;  // lost it (this run stalled past the lease): leave the rest to the other run
      lease_taken = SteadyClock::now();
    }
    const auto t0 = SteadyClock::now();
    const size_t begin = k * chunk, end = std::min(total_rows, begin + chunk);
    ChunkOptions one = chunks;
    one.progress = {};
    Frame out;
    // run_chunks over one chunk: the same error naming and traces as every chunked run.
    ChunkTrace t = run_chunks(
        predictor, end - begin, [&](size_t a, size_t b) { return source(begin + a, begin + b); },
        [&](size_t, const Frame& scored) { out = transform ? transform(scored) : scored; }, one);
    store.write(state.part_location(k), encode_part(out, options.format, k));
    manifest = state.mark_done(k, out.num_rows());
    result.scoring.trace.add(t.trace);
    ++result.scoring.chunks;
    ++result.chunks_run;
    slowest_chunk_s = std::max(slowest_chunk_s, std::chrono::duration<double>(SteadyClock::now() - t0).count());
    if (chunks.progress) chunks.progress(manifest.done.size(), result.chunks_total);
  }

  if (auto m = state.read_manifest()) manifest = *m;
  result.chunks_done = manifest.done.size();
  for (const auto& [k, rows] : manifest.done) result.rows_written += rows;
  if (result.chunks_done < result.chunks_total) return result;

  // Every chunk is done: this run (holding the job lease) assembles the output, then marks the job complete.
  if (store.try_read(state.complete_location())) {
    result.status = JobStatus::AlreadyComplete;
    return result;
  }
  auto writer = store.open_writer(options.output);
  bool any_row = false;
  if (options.format == RecordFormat::JsonArray) writer->write("[");
  for (size_t k = 0; k < result.chunks_total; ++k) {
    const std::string part = store.read(state.part_location(k));
    if (options.format == RecordFormat::JsonArray) {
      if (part.empty()) continue;
      if (any_row) writer->write(",\n");
      any_row = true;
    }
    writer->write(part);
  }
  if (options.format == RecordFormat::JsonArray) writer->write("]\n");
  writer->commit();
  store.write_if_absent(state.complete_location(), result.json() + "\n");
  // The parts have served their purpose; the manifest and the completion marker stay for --status
  // and for duplicate deliveries.
  for (size_t k = 0; k < result.chunks_total; ++k) store.remove(state.part_location(k));
  result.status = JobStatus::Complete;
  return result;
}

std::vector<JobProgress> job_progress(storage::Store& store, const std::string& checkpoint) {
  std::vector<JobProgress> jobs;
  for (const storage::ListedObject& o : store.list(join(checkpoint, ""))) {
    const std::string suffix = "/manifest.json";
    if (o.location.size() < suffix.size() || o.location.compare(o.location.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const std::string dir = o.location.substr(0, o.location.size() - suffix.size());
    Manifest m = Manifest::parse(store.read(o.location), o.location);
    JobProgress p;
    p.job_id = m.job;
    p.chunks_total = m.chunks_total;
    p.chunks_done = m.done.size();
    for (const auto& [k, rows] : m.done) p.rows_written += rows;
    p.output = m.output;
    p.complete = store.exists(dir + "/complete.json");
    jobs.push_back(std::move(p));
  }
  return jobs;
}

}  // namespace onnxfn::batch
