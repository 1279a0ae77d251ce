// KServe v1 requests and answers, by way of the v2 codec: a bare model's instances become a v2
// request for its one input, and its first output's v2 data is regrouped per row.
#include "protocol/kserve_v1.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "protocol/inference_protocol.h"
#include "protocol/json_document.h"

namespace onnxfn {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, message); }

void parse_json(rapidjson::Document& doc, std::string_view json, const char* what) { parse_json_document(doc, json, what); }

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

std::string v1_instances_json(std::string_view body) {
  rapidjson::Document doc;
  parse_json(doc, body, "request");
  if (!doc.IsObject()) bad("request: expected a JSON object {\"instances\": [...]}");
  auto it = doc.FindMember("instances");
  if (it == doc.MemberEnd() || !it->value.IsArray()) bad("request: \"instances\" is missing or not an array");
  return to_json(it->value);
}

NamedValues v1_instances_to_inputs(std::string_view instances_json, const ValueInfo& input) {
  rapidjson::Document doc;
  parse_json(doc, instances_json, "request");
  if (!doc.IsArray()) bad("request: \"instances\" must be an array");
  const auto rows = doc.GetArray();
  size_t width = 0;
  const bool nested = !rows.Empty() && rows[0].IsArray();
  for (rapidjson::SizeType i = 0; i < rows.Size(); ++i) {
    if (rows[i].IsArray() != nested)
      bad("request: instance " + std::to_string(i) + " is " + (nested ? "not a list" : "a list") + " unlike instance 0");
    if (nested) {
      if (i == 0) width = rows[i].Size();
      if (rows[i].Size() != width)
        bad("request: instance " + std::to_string(i) + " has " + std::to_string(rows[i].Size()) + " values; instance 0 has " +
            std::to_string(width));
    }
  }
  if (!input.type.is_tensor()) bad("request: the model's input '" + input.name + "' is not a tensor");
  auto datatype = v2_datatype(input.type.elem);
  if (!datatype) bad("request: the model's input '" + input.name + "' has no v2 datatype");
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("inputs");
  w.StartArray();
  w.StartObject();
  w.Key("name");
  w.String(input.name.c_str(), static_cast<rapidjson::SizeType>(input.name.size()));
  w.Key("datatype");
  w.String(datatype->data(), static_cast<rapidjson::SizeType>(datatype->size()));
  w.Key("shape");
  w.StartArray();
  w.Uint64(rows.Size());
  if (nested) w.Uint64(width);
  w.EndArray();
  w.Key("data");
  doc.Accept(w);
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return parse_inference_request(std::string_view(buf.GetString(), buf.GetSize())).inputs;
}

std::string v1_predictions(const NamedValues& outputs) {
  if (outputs.empty()) throw_error(ErrorKind::Internal, "the model gave no outputs");
  rapidjson::Document doc;
  parse_json(doc, encode_inference_response({outputs[0]}, "", ""), "response");
  const rapidjson::Value& out = doc["outputs"][0];
  const rapidjson::Value& data = out["data"];
  const rapidjson::Value& shape = out["shape"];
  size_t width = 1;
  if (std::string_view(out["datatype"].GetString()) != "JSON")
    for (rapidjson::SizeType d = 1; d < shape.Size(); ++d) width *= static_cast<size_t>(shape[d].GetInt64());
  const bool grouped = std::string_view(out["datatype"].GetString()) != "JSON" && shape.Size() >= 2;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("predictions");
  w.StartArray();
  if (!grouped) {
    for (const auto& v : data.GetArray()) v.Accept(w);
  } else if (width > 0) {
    for (rapidjson::SizeType i = 0; i < data.Size(); i += static_cast<rapidjson::SizeType>(width)) {
      w.StartArray();
      for (size_t k = 0; k < width; ++k) data[i + static_cast<rapidjson::SizeType>(k)].Accept(w);
      w.EndArray();
    }
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace onnxfn
