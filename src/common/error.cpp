// Error categories and the helper that throws them.
#include "common/error.h"

namespace onnxfn {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadInput: return "bad input";
    case ErrorKind::BadModel: return "bad model";
    case ErrorKind::Unsupported: return "unsupported";
    case ErrorKind::ResourceLimit: return "resource limit";
    case ErrorKind::Internal: return "internal";
  }
  return "internal";
}

void throw_error(ErrorKind kind, std::string message) { throw Error(kind, message); }

}  // namespace onnxfn
