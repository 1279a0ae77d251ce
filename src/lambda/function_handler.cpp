// One invocation's event to its answer (see function_handler.h).
#include "lambda/function_handler.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstring>

#include "common/json_numbers.h"
#include "frame/record_files.h"
#include "lambda/http_event.h"
#include "lambda/job_event.h"
#include "protocol/inference_protocol.h"

namespace onnxfn::lambda {
namespace {

using Clock = std::chrono::steady_clock;
using rapidjson::Value;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, message); }

const Value* member(const Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

bool string_is(const Value* v, const char* text) { return v && v->IsString() && std::strcmp(v->GetString(), text) == 0; }

EventKind classify(const Value& event) {
  if (int version = http_event_version(event)) return version == 2 ? EventKind::HttpV2 : EventKind::HttpV1;
  if (member(event, "inputs")) return EventKind::Inference;
  if (member(event, "records")) return EventKind::Records;
  if (member(event, "job")) return EventKind::Job;
  if (string_is(member(event, "detail-type"), "Scheduled Event") || string_is(member(event, "source"), "aws.events") ||
      string_is(member(event, "source"), "aws.scheduler"))
    return EventKind::ScheduledEvent;
  bad("event: not one this function answers: expected an Open Inference Protocol v2 request ({\"inputs\": [...]}), "
      "{\"records\": [...]}, {\"job\": {...}}, an EventBridge scheduled event, or an API Gateway / Function URL event");
}

std::string to_json(const Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                    rapidjson::kWriteNanAndInfFlag>
      w(buffer);
  v.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// One quick pass over the top level of an event (SAX, normal-precision numbers, no DOM), so that
// the large events are decoded once by their own codec: an OIP v2 request goes whole to
// parse_inference_request (the pass stops at "inputs"), a records array goes to the record reader
// as the slice of text it occupies (the pass jumps over it: the reader checks every byte of it).
// Everything else takes the DOM path.
struct EventScan : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, EventScan> {
  rapidjson::MemoryStream* stream = nullptr;
  int depth = 0;
  std::string key;              // the last key at the top level (a copy: RapidJSON reuses its buffer)
  bool inputs = false;          // "inputs" at the top level (the pass stopped there)
  bool http_like = false;       // keys of API Gateway / Function URL events
  size_t records_begin = 0, records_end = 0;  // the "records" array's text
  std::string output;           // "output", when a string
  bool output_other = false;    // "output" that is not a non-empty string
  bool records_twice = false;   // "records" given twice at the top level

  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth != 1) return true;
    key.assign(s, n);
    if (key == "records" && records_end > 0) records_twice = true;  // the DOM path decides which
    if (key == "httpMethod" || key == "requestContext" || key == "rawPath") http_like = true;
    if (key == "inputs" && !http_like) {
      inputs = true;
      return false;  // decided: the rest is the inference codec's
    }
    return true;
  }
  bool StartObject() { return open(); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() {
    if (depth == 1 && key == "records") {  // called with the stream still at the '['
      records_begin = stream->Tell();
      skip_to_closing_bracket();
    }
    return open();
  }
  bool EndArray(rapidjson::SizeType) {
    if (depth == 2 && key == "records") records_end = stream->Tell() + 1;  // called with the stream at the ']'
    return close();
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (depth == 1 && key == "output") {
      output.assign(s, n);
      output_other = n == 0;
    }
    return true;
  }
  bool Default() {
    if (depth == 1 && key == "output") output_other = true;
    return true;
  }

 private:
  // Moves the stream on to the ']' that closes the array being opened (brackets counted outside
  // strings), where RapidJSON then reads an empty array; if the text ends first, it stays put and
  // RapidJSON finds the error. RapidJSON takes the '[' after this returns: the stream is left one
  // character before the ']' for that.
  void skip_to_closing_bracket() {
    int nesting = 0;
    for (const char* p = stream->src_ + 1; p < stream->end_; ++p) {
      const char c = *p;
      if (c == '"') {
        for (++p; p < stream->end_ && *p != '"'; ++p)
          if (*p == '\\') ++p;
        if (p >= stream->end_) return;
      } else if (c == '[' || c == '{') {
        ++nesting;
      } else if (c == ']' || c == '}') {
        if (nesting == 0) {
          if (c == ']') stream->src_ = p - 1;
          return;
        }
        --nesting;
      }
    }
  }

  bool open() {
    ++depth;
    return true;
  }
  bool close() {
    --depth;
    return true;
  }
};

std::string json_string(std::string_view s) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string_view event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::Inference: return "inference";
    case EventKind::Records: return "records";
    case EventKind::Job: return "job";
    case EventKind::ScheduledEvent: return "scheduled";
    case EventKind::HttpV1: return "http_v1";
    case EventKind::HttpV2: return "http_v2";
  }
  return "unknown";
}

FunctionHandler::FunctionHandler(const pipeline::Predictor& predictor, HttpHandler http, HandlerOptions options)
    : predictor_(predictor), http_(std::move(http)), options_(std::move(options)) {}

HandlerResult FunctionHandler::handle(std::string_view event, const Deadline& deadline) const {
  const auto start = Clock::now();
  EventScan scan;
  rapidjson::MemoryStream stream(event.data(), event.size());
  scan.stream = &stream;
  rapidjson::Reader reader;
  reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNanAndInfFlag>(stream, scan);
  const bool scanned = !reader.HasParseError() || reader.GetParseErrorCode() == rapidjson::kParseErrorTermination;
  if (scanned && scan.inputs) {
    HandlerResult result;
    result.kind = EventKind::Inference;
    infer(event, result, start);
    return checked(std::move(result));
  }
  if (scanned && !scan.http_like && scan.records_end > scan.records_begin && !scan.output_other && !scan.records_twice) {
    HandlerResult result;
    result.kind = EventKind::Records;
    records(event.substr(scan.records_begin, scan.records_end - scan.records_begin), scan.output, result, start);
    return checked(std::move(result));
  }
  std::string guarded;

  const std::string_view text = guard_json_numbers(event, guarded);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag | rapidjson::kParseNanAndInfFlag>(text.data(),
                                                                                                                text.size());
  if (doc.HasParseError())
    bad("event: invalid JSON at byte " + std::to_string(doc.GetErrorOffset()) + ": " + rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) bad("event: expected a JSON object");

  HandlerResult result;
  result.kind = classify(doc);
  switch (result.kind) {
    case EventKind::HttpV1:
    case EventKind::HttpV2: {
      const protocol::HttpRequest request = http_request_from_event(doc, result.kind == EventKind::HttpV2 ? 2 : 1);
      result.trace.read_ms = ms_since(start);
      const protocol::HttpResponse response = http_(request);
      const auto t = Clock::now();
      result.body = http_response_event(response);
      result.trace.encode_ms = ms_since(t);
      break;
    }
    case EventKind::Inference:
      infer(event, result, start);
      break;
    case EventKind::Records: {
      const Value& records_value = *member(doc, "records");
      const Value* output = member(doc, "output");
      if (output && (!output->IsString() || output->GetStringLength() == 0)) bad("event: \"output\" must be a file path");
      const std::string output_path = output ? output->GetString() : "";
      if (records_value.IsArray())
        records(to_json(records_value), output_path, result, start);
      else if (records_value.IsString())  // CSV or JSON Lines text
        records_text(std::string_view(records_value.GetString(), records_value.GetStringLength()), output_path, result, start);
      else
        bad("event: \"records\" must be an array of objects or a CSV / JSON Lines text");
      break;
    }
    case EventKind::Job:
    case EventKind::ScheduledEvent: {
      const Value* job = member(doc, result.kind == EventKind::Job ? "job" : "detail");
      if (job && result.kind == EventKind::ScheduledEvent) {
        // A rule's detail may hold the job itself, or {"job": {...}}; an empty detail (every
        // plain schedule rule) means the function's configured job.
        if (const Value* inner = job->IsObject() ? member(*job, "job") : nullptr) job = inner;
        if (job->IsObject() && job->MemberCount() == 0) job = nullptr;
      }
      JobSpec spec;
      if (job) {
        spec = parse_job(*job, result.kind == EventKind::Job ? "event \"job\"" : "scheduled event \"detail\"", options_.task_root);
      } else {
        if (options_.default_job.empty())
          bad("scheduled event: it names no job and the function has none configured (set ONNXFN_JOB to a job's JSON, "
              "or give the schedule an input {\"job\": {...}})");
        rapidjson::Document configured;
        configured.Parse(options_.default_job.data(), options_.default_job.size());
        if (configured.HasParseError()) bad("ONNXFN_JOB: invalid JSON at byte " + std::to_string(configured.GetErrorOffset()));
        spec = parse_job(configured, "ONNXFN_JOB", options_.task_root);
      }
      // EventBridge delivers a scheduled event again with the same id and time: the id makes the
      // retry the same run, the time the same job.
      if (result.kind == EventKind::ScheduledEvent) {
        if (const Value* id = member(doc, "id"); id && id->IsString()) spec.run_id = id->GetString();
        if (const Value* time = member(doc, "time"); time && time->IsString()) spec.scheduled_time = time->GetString();
      } else if (const Value* run_id = member(doc, "run_id")) {
        // A caller that retries (the fan-out's state machine) names the run: a retried invocation
        // of the same shard takes the job's lease back at once instead of waiting for it to expire.
        if (!run_id->IsString() || run_id->GetStringLength() == 0 || run_id->GetStringLength() > 1024)
          bad("event \"run_id\": expected a non-empty string of at most 1024 characters");
        spec.run_id = run_id->GetString();
      }
      JobResult r = run_job(predictor_, spec, deadline);
      result.body = std::move(r.body);
      result.rows = r.rows;
      result.trace = r.trace;
      break;
    }
  }
  return checked(std::move(result));
}

void FunctionHandler::infer(std::string_view event, HandlerResult& result, Clock::time_point start) const {
  InferenceRequest request = parse_inference_request(event);
  result.trace.read_ms = ms_since(start);
  NamedValues outputs = select_outputs(predictor_.infer(request.inputs, &result.trace), request.requested_outputs);
  const auto t = Clock::now();
  result.body = encode_inference_response(outputs, predictor_.name(), request.id);
  result.trace.encode_ms = ms_since(t);
}

void FunctionHandler::records(std::string_view array, const std::string& output, HandlerResult& result, Clock::time_point start) const {
  require_bundle();
  Frame in = decode_records(array, RecordFormat::JsonArray, "event \"records\"", predictor_.bundle()->spec.input);
  predict_records(std::move(in), output, result, start);
}

void FunctionHandler::records_text(std::string_view text, const std::string& output, HandlerResult& result, Clock::time_point start) const {
  require_bundle();
  Frame in = decode_records(text, resolve_record_format("", "auto", text), "event \"records\"", predictor_.bundle()->spec.input);
  predict_records(std::move(in), output, result, start);
}

void FunctionHandler::require_bundle() const {
  if (!predictor_.is_bundle()) bad("event: \"records\" need a bundle (this function runs a bare ONNX model: send \"inputs\")");
}

void FunctionHandler::predict_records(Frame in, const std::string& output, HandlerResult& result, Clock::time_point start) const {
  result.trace.read_ms = ms_since(start);
  const Frame out = predictor_.predict(in, &result.trace);
  const auto t = Clock::now();
  if (!output.empty()) {
    RecordFileWriter writer(output);
    writer.write(out);
    writer.commit();
    result.body = "{\"output\":" + json_string(writer.path()) + ",\"rows\":" + std::to_string(writer.rows_written()) + "}";
  } else {
    RecordEncoder encoder(RecordFormat::JsonArray);
    std::string encoded = encoder.encode(out);
    encoded += encoder.finish();
    result.body.reserve(encoded.size() + predictor_.name().size() + 32);
    result.body = "{\"model_name\":" + json_string(predictor_.name()) + ",\"records\":";
    result.body += encoded;
    result.body += "}";
  }
  result.trace.encode_ms = ms_since(t);
}

HandlerResult FunctionHandler::checked(HandlerResult result) const {
  if (result.rows == 0) result.rows = result.trace.rows;
  if (result.body.size() > options_.max_response_bytes)
    throw_error(ErrorKind::ResourceLimit,
                "response: " + std::to_string(result.body.size()) + " bytes is over Lambda's limit of " +
                    std::to_string(options_.max_response_bytes) + " bytes for a response (Function.ResponseSizeTooLarge)" +
                    (result.kind == EventKind::Records ? "; add \"output\": \"/tmp/<name>.jsonl\" to the event to write the records to a file"
                                                       : "; send fewer rows per event"));
  return result;
}

}  // namespace onnxfn::lambda
