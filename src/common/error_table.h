// The one table from error categories to what each door reports (DESIGN.md, Errors): the CLI's
// exit code, the HTTP status of `serve` and of the Lambda HTTP events, and the Lambda errorType.
// Doors look their answers up here; none keeps a mapping of its own.
#pragma once

#include <string_view>

#include "common/error.h"

namespace onnxfn {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 2;  // bad arguments, request, CSV or config
inline constexpr int kExitBadModel = 3;  // malformed, invalid or unsupported model
inline constexpr int kExitResource = 4;  // resource limit or internal failure
inline constexpr int kExitTryAgain = 75;  // a durable job stopped with chunks left: run it again (sysexits' EX_TEMPFAIL)

struct ErrorReport {
  int exit_code;                   // CLI
  int http_status;                 // serve, API Gateway / Function URL responses
  std::string_view lambda_type;    // errorType of a Lambda error response / init error
};

// Where a request was when it failed: a BadInput while decoding is a malformed request (400);
// a BadInput once it decoded (wrong tensor name, shape or type) is an unprocessable one (422).
enum class RequestStage { Decoding, Processing };

constexpr ErrorReport error_report(ErrorKind kind, RequestStage stage = RequestStage::Decoding) {
  switch (kind) {
    case ErrorKind::BadInput:
      return {kExitBadInput, stage == RequestStage::Decoding ? 400 : 422, "onnxfn.BadInput"};
    case ErrorKind::BadModel: return {kExitBadModel, 500, "onnxfn.BadModel"};
    case ErrorKind::Unsupported: return {kExitBadModel, 500, "onnxfn.Unsupported"};
    case ErrorKind::ResourceLimit: return {kExitResource, 413, "onnxfn.ResourceLimit"};
    case ErrorKind::Internal: return {kExitResource, 500, "onnxfn.Internal"};
  }
  return {kExitResource, 500, "onnxfn.Internal"};
}

inline int exit_code_for(ErrorKind kind) { return error_report(kind).exit_code; }

}  // namespace onnxfn
