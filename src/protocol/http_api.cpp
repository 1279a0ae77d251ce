// The HTTP API's routes: paths to handlers, each handler a codec around Predictor, and every
// failure an {"error": ...} answer with the status of the one error table (a BadInput while the
// body is decoded is 400, once it decoded 422).
#include "protocol/http_api.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <new>

#include "common/error_table.h"
#include "frame/record_files.h"
#include "protocol/binary_tensors.h"
#include "protocol/inference_protocol.h"
#include "protocol/kserve_v1.h"

namespace onnxfn::protocol {
namespace {

using Clock = std::chrono::steady_clock;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kServerName = "onnxfn";
constexpr std::string_view kServerVersion = "0.1.0";

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); });
}

void key_string(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

HttpResponse json_response(int status, std::string body) {
  return {status, {{"Content-Type", std::string(kJson)}}, std::move(body)};
}

HttpResponse error_response(int status, std::string_view message) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key_string(w, "error", message);
  w.EndObject();
  return json_response(status, std::string(buf.GetString(), buf.GetSize()));
}

// {"<key>": <flag>} plus an optional name: the health and readiness bodies KServe clients read.
HttpResponse flag_response(std::string_view key, bool flag, std::string_view name = {}) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  if (!name.empty()) key_string(w, "name", name);
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Bool(flag);
  w.EndObject();
  return json_response(flag ? 200 : 503, std::string(buf.GetString(), buf.GetSize()));
}

std::string model_version(const pipeline::Predictor& model) { return model.version().empty() ? "1" : model.version(); }

void write_tensor_infos(Writer& w, const char* key, const std::vector<ValueInfo>& infos) {
  w.Key(key);
  w.StartArray();
  for (const ValueInfo& info : infos) {
    w.StartObject();
    key_string(w, "name", info.name);
    auto dt = info.type.is_tensor() ? v2_datatype(info.type.elem) : std::nullopt;
    key_string(w, "datatype", dt ? *dt : std::string_view("JSON"));  // sequences and maps (ZipMap) answer as JSON
    w.Key("shape");
    w.StartArray();
    if (info.type.is_tensor() && info.type.shape) {
      for (const Dim& d : *info.type.shape) w.Int64(d.value ? *d.value : -1);
    } else {
      w.Int64(-1);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

// `name`: the name the model is served under (a repository folder may rename it).
HttpResponse model_metadata(const pipeline::Predictor& model, std::string_view name) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key_string(w, "name", name);
  w.Key("versions");
  w.StartArray();
  const std::string version = model_version(model);
  w.String(version.c_str(), static_cast<rapidjson::SizeType>(version.size()));
  w.EndArray();
  key_string(w, "platform", kServerName);
  write_tensor_infos(w, "inputs", model.inputs());
  write_tensor_infos(w, "outputs", model.outputs());
  w.EndObject();
  return json_response(200, std::string(buf.GetString(), buf.GetSize()));
}

HttpResponse server_metadata() {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  key_string(w, "name", kServerName);
  key_string(w, "version", kServerVersion);
  w.Key("extensions");
  w.StartArray();
  w.String("binary_tensor_data");
  w.EndArray();
  w.EndObject();
  return json_response(200, std::string(buf.GetString(), buf.GetSize()));
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// A status by error category and stage, as a response. Anything not an onnxfn::Error is a 500 that
// says no more than its category.
template <class F>
HttpResponse guarded(RequestStage& stage, F&& body) {
  try {
    return body();
  } catch (const Error& e) {
    return error_response(error_report(e.kind(), stage).http_status, e.what());
  } catch (const std::bad_alloc&) {
    return error_response(error_report(ErrorKind::ResourceLimit).http_status, "out of memory while handling the request");
  } catch (const std::exception& e) {
    return error_response(500, std::string("internal error: ") + e.what());
  }
}

size_t tensor_rows(const NamedValues& inputs) {
  size_t rows = 0;
  for (const auto& [name, value] : inputs)
    if (value.is_tensor() && value.tensor().rank() > 0) rows = std::max(rows, static_cast<size_t>(value.tensor().dim(0)));
  return rows;
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return {};
}

void ModelRepository::add(std::string name, std::unique_ptr<pipeline::Predictor> predictor) {
  if (models_.contains(name)) throw_error(ErrorKind::BadInput, "two models are named '" + name + "'; every model needs its own name");
  models_.emplace(std::move(name), std::move(predictor));
}

const pipeline::Predictor* ModelRepository::find(std::string_view name) const {
  auto it = models_.find(name);
  return it == models_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ModelRepository::names() const {
  std::vector<std::string> out;
  for (const auto& [name, model] : models_) out.push_back(name);
  return out;
}

InferenceApi::InferenceApi(const ModelRepository& models, ApiLimits limits) : models_(models), limits_(limits) {}

HttpResponse InferenceApi::handle(const HttpRequest& request, RequestRecord* record) const {
  RequestRecord local;
  RequestRecord& rec = record ? *record : local;
  RequestStage stage = RequestStage::Decoding;
  HttpResponse response = guarded(stage, [&] { return route(request, rec); });
  rec.status = response.status;
  return response;
}

void InferenceApi::check_rows(size_t rows) const {
  if (rows > limits_.max_rows)
    throw_error(ErrorKind::ResourceLimit, "request has " + std::to_string(rows) + " rows; this server takes at most " +
                                              std::to_string(limits_.max_rows) + " per request");
}

HttpResponse InferenceApi::route(const HttpRequest& request, RequestRecord& record) const {
  std::string_view path = request.target;
  if (size_t q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  const std::vector<std::string_view> parts = split_path(path);
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  auto method_not_allowed = [&](std::string_view allowed) {
    HttpResponse r = error_response(405, "method " + request.method + " is not allowed on " + std::string(path) + " (use " + std::string(allowed) + ")");
    r.headers.emplace_back("Allow", std::string(allowed));
    return r;
  };
  if (request.body.size() > limits_.max_body_bytes) {
    record.route = "limit";
    return error_response(413, "request body is " + std::to_string(request.body.size()) + " bytes; this server takes at most " +
                                   std::to_string(limits_.max_body_bytes));
  }
  // /v2, /v2/health/{live,ready}
  if (parts.size() == 1 && parts[0] == "v2") {
    record.route = "server_metadata";
    return get ? server_metadata() : method_not_allowed("GET");
  }
  if (parts.size() == 3 && parts[0] == "v2" && parts[1] == "health" && (parts[2] == "live" || parts[2] == "ready")) {
    record.route = "health";
    if (!get) return method_not_allowed("GET");
    return parts[2] == "live" ? flag_response("live", true) : flag_response("ready", ready());
  }
  // /v1/models/{name}[:predict]
  if (parts.size() == 3 && parts[0] == "v1" && parts[1] == "models") {
    std::string_view name = parts[2];
    const bool predict = name.ends_with(":predict");
    if (predict) name.remove_suffix(std::string_view(":predict").size());
    record.route = predict ? "v1_predict" : "v1_metadata";
    const pipeline::Predictor* model = models_.find(name);
    if (!model) return error_response(404, "no model named '" + std::string(name) + "'");
    record.model = name;  // only known names reach metrics labels
    if (!predict) return get ? flag_response("ready", ready(), name) : method_not_allowed("GET");
    return post ? v1_predict(*model, request, record) : method_not_allowed("POST");
  }
  // /v2/models/{name}[/versions/{v}][/ready|/infer|/records]
  if (parts.size() >= 3 && parts[0] == "v2" && parts[1] == "models") {
    const std::string_view name = parts[2];
    size_t next = 3;
    std::string_view version;
    if (parts.size() >= 5 && parts[3] == "versions") {
      version = parts[4];
      next = 5;
    }
    const std::string_view action = parts.size() > next ? parts[next] : std::string_view();
    if (parts.size() > next + 1) return error_response(404, "no route " + std::string(path));
    record.route = action.empty() ? "model_metadata" : action == "ready" ? "model_ready" : action == "infer" ? "infer"
                   : action == "records" ? "records" : "unknown";
    if (record.route == "unknown") return error_response(404, "no route " + std::string(path) + " (a model has /ready, /infer and /records)");
    const pipeline::Predictor* model = models_.find(name);
    if (!model) return error_response(404, "no model named '" + std::string(name) + "'");
    record.model = name;  // only known names reach metrics labels
    if (!version.empty() && version != model_version(*model))
      return error_response(404, "model '" + std::string(name) + "' has no version '" + std::string(version) + "' (it has " +
                                     model_version(*model) + ")");
    if (action.empty()) return get ? model_metadata(*model, name) : method_not_allowed("GET");
    if (action == "ready") return get ? flag_response("ready", ready(), name) : method_not_allowed("GET");
    if (!post) return method_not_allowed("POST");
    return action == "infer" ? infer(*model, request, record) : records(*model, request, record);
  }
  record.route = "unknown";
  return error_response(404, "no route " + std::string(path));
}

HttpResponse InferenceApi::infer(const pipeline::Predictor& model, const HttpRequest& request, RequestRecord& record) const {
  RequestStage stage = RequestStage::Decoding;
  return guarded(stage, [&] {
    auto t0 = Clock::now();
    const std::string_view header_length = request.header("Inference-Header-Content-Length");
    InferenceRequest req;
    if (header_length.empty()) {
      req = parse_inference_request(request.body);
    } else {
      const BinaryBody parts = split_binary_body(request.body, header_length);
      req = parse_inference_request(parts.json, parts.binary);
    }
    record.rows = tensor_rows(req.inputs);
    check_rows(record.rows);
    record.trace.read_ms += ms_since(t0);
    stage = RequestStage::Processing;
    NamedValues outputs = select_outputs(run_model(model, req.inputs, &record.trace), req.requested_outputs);
    auto t1 = Clock::now();
    // Which outputs go as raw bytes: the per-output flag when the request named outputs, else the
    // request's binary_data_output.
    std::vector<bool> binary(outputs.size(), req.binary_data_output);
    for (size_t i = 0; i < req.requested_binary.size() && i < binary.size(); ++i)
      if (req.requested_binary[i]) binary[i] = *req.requested_binary[i];
    HttpResponse response;
    if (std::find(binary.begin(), binary.end(), true) == binary.end()) {
      response = json_response(200, encode_inference_response(outputs, record.model, req.id));
    } else {
      std::string tail;
      std::string header = encode_inference_response(outputs, record.model, req.id, binary, tail);
      response.headers.emplace_back("Content-Type", "application/octet-stream");
      response.headers.emplace_back("Inference-Header-Content-Length", std::to_string(header.size()));
      response.body = std::move(header);
      response.body += tail;
    }
    record.trace.encode_ms += ms_since(t1);
    return response;
  });
}

HttpResponse InferenceApi::records(const pipeline::Predictor& model, const HttpRequest& request, RequestRecord& record) const {
  RequestStage stage = RequestStage::Decoding;
  return guarded(stage, [&] {
    if (!model.is_bundle())
      return error_response(404, "model '" + std::string(record.model) + "' is a bare ONNX model: it has /infer, not /records (records need a bundle)");
    auto t0 = Clock::now();
    const std::string_view content_type = request.header("Content-Type");
    std::optional<RecordFormat> format = content_type.empty() ? std::nullopt : record_format_for_media_type(content_type);
    if (!format && !content_type.empty() && !content_type.starts_with("text/plain"))
      return error_response(415, "Content-Type '" + std::string(content_type) +
                                     "' is not a record format (use application/json, application/x-ndjson or text/csv)");
    if (!format) format = resolve_record_format("", "auto", std::string_view(request.body).substr(0, 64));
    Frame in = decode_records(request.body, *format, "request body", model.bundle()->spec.input);
    record.rows = in.num_rows();
    check_rows(record.rows);
    record.trace.read_ms += ms_since(t0);
    stage = RequestStage::Processing;
    Frame out = model.predict(in, &record.trace);
    auto t1 = Clock::now();
    RecordEncoder encoder(*format);
    std::string body = encoder.encode(out);
    body += encoder.finish();
    record.trace.encode_ms += ms_since(t1);
    return HttpResponse{200, {{"Content-Type", std::string(media_type_for(*format))}}, std::move(body)};
  });
}

HttpResponse InferenceApi::v1_predict(const pipeline::Predictor& model, const HttpRequest& request, RequestRecord& record) const {
  RequestStage stage = RequestStage::Decoding;
  return guarded(stage, [&] {
    auto t0 = Clock::now();
    const std::string instances = v1_instances_json(request.body);
    if (model.is_bundle()) {
      Frame in = decode_records(instances, RecordFormat::JsonArray, "instances", model.bundle()->spec.input);
      record.rows = in.num_rows();
      check_rows(record.rows);
      record.trace.read_ms += ms_since(t0);
      stage = RequestStage::Processing;
      Frame out = model.predict(in, &record.trace);
      auto t1 = Clock::now();
      RecordEncoder encoder(RecordFormat::JsonArray);
      std::string body = "{\"predictions\":" + encoder.encode(out);
      body += encoder.finish();  // after encode: it closes what encode opened
      body += "}";
      record.trace.encode_ms += ms_since(t1);
      return json_response(200, std::move(body));
    }
    if (model.inputs().size() != 1)
      throw_error(ErrorKind::BadInput, "model '" + std::string(record.model) + "' has " + std::to_string(model.inputs().size()) +
                                           " inputs; KServe v1 instances feed a model with one input (use /v2/models/" + std::string(record.model) + "/infer)");
    NamedValues inputs = v1_instances_to_inputs(instances, model.inputs()[0]);
    record.rows = tensor_rows(inputs);
    check_rows(record.rows);
    record.trace.read_ms += ms_since(t0);
    stage = RequestStage::Processing;
    NamedValues outputs = run_model(model, inputs, &record.trace);
    auto t1 = Clock::now();
    HttpResponse response = json_response(200, v1_predictions(outputs));
    record.trace.encode_ms += ms_since(t1);
    return response;
  });
}

}  // namespace onnxfn::protocol
