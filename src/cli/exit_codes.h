// Exit codes of the onnxfn command line, by error category (DESIGN.md, Errors).
#pragma once

#include "common/error.h"

namespace onnxfn::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 2;     // bad arguments, request, CSV or config
inline constexpr int kExitBadModel = 3;     // malformed, invalid or unsupported model
inline constexpr int kExitResource = 4;     // resource limit or internal failure

inline int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadInput: return kExitBadInput;
    case ErrorKind::BadModel:
    case ErrorKind::Unsupported: return kExitBadModel;
    case ErrorKind::ResourceLimit:
    case ErrorKind::Internal: return kExitResource;
  }
  return kExitResource;
}

}  // namespace onnxfn::cli
