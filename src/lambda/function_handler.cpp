// One invocation's event to its answer (see function_handler.h).
#include "lambda/function_handler.h"

#include <rapidjson/error/en.h>
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
    case EventKind::Inference: {
      InferenceRequest request = parse_inference_request(event);
      result.trace.read_ms = ms_since(start);
      NamedValues outputs = select_outputs(predictor_.infer(request.inputs, &result.trace), request.requested_outputs);
      const auto t = Clock::now();
      result.body = encode_inference_response(outputs, predictor_.name(), request.id);
      result.trace.encode_ms = ms_since(t);
      break;
    }
    case EventKind::Records: {
      if (!predictor_.is_bundle()) bad("event: \"records\" need a bundle (this function runs a bare ONNX model: send \"inputs\")");
      const Value& records = *member(doc, "records");
      const Value* output = member(doc, "output");
      if (output && (!output->IsString() || output->GetStringLength() == 0)) bad("event: \"output\" must be a file path");
      const Schema& types = predictor_.bundle()->spec.input;
      Frame in;
      if (records.IsArray())
        in = decode_records(to_json(records), RecordFormat::JsonArray, "event \"records\"", types);
      else if (records.IsString())  // CSV or JSON Lines text
        in = decode_records(std::string_view(records.GetString(), records.GetStringLength()),
                            resolve_record_format("", "auto", records.GetString()), "event \"records\"", types);
      else
        bad("event: \"records\" must be an array of objects or a CSV / JSON Lines text");
      result.trace.read_ms = ms_since(start);
      Frame out = predictor_.predict(in, &result.trace);
      const auto t = Clock::now();
      if (output) {
        RecordFileWriter writer(output->GetString());
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
      JobResult r = run_job(predictor_, spec, deadline);
      result.body = std::move(r.body);
      result.rows = r.rows;
      result.trace = r.trace;
      break;
    }
  }
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
