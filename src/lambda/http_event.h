// API Gateway and Function URL events <-> the transport-independent HTTP API (protocol/http_api.h):
// REST APIs send payload format 1.0 (httpMethod, path, multiValueQueryStringParameters, headers);
// HTTP APIs and Function URLs send 2.0 (requestContext.http.method, rawPath, rawQueryString,
// headers, cookies). Bodies may be base64; responses are {statusCode, headers, body,
// isBase64Encoded} in both formats.
#pragma once

#include <rapidjson/document.h>

#include <string>

#include "protocol/http_api.h"

namespace onnxfn::lambda {

// 1 or 2 when the event is an API Gateway / Function URL event, else 0.
int http_event_version(const rapidjson::Value& event);
// BadInput naming the field for a malformed event (a body that is not base64, a missing method).
protocol::HttpRequest http_request_from_event(const rapidjson::Value& event, int version);
// The response event; text bodies stay text, others (not valid UTF-8) go as base64.
std::string http_response_event(const protocol::HttpResponse& response);

std::string base64_encode(std::string_view bytes);
// BadInput for characters outside the alphabet or bad padding; `what` names the field.
std::string base64_decode(std::string_view text, const std::string& what);

}  // namespace onnxfn::lambda
