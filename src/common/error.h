// The one error type of onnxfn: a category that the doors map to exit codes / HTTP statuses /
// Lambda errorTypes, plus a message that names what is wrong and where.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace onnxfn {

enum class ErrorKind {
  BadInput,       // a request, CSV, config or argument is wrong: CLI exit 2, HTTP 400/422
  BadModel,       // the model file is malformed or invalid: CLI exit 3
  Unsupported,    // valid ONNX that onnxfn cannot run: CLI exit 3, reported at load time
  ResourceLimit,  // a size or memory cap was hit: CLI exit 4, HTTP 413
  Internal,       // a bug or an I/O failure we cannot attribute to the input: CLI exit 4, HTTP 500
};

std::string_view to_string(ErrorKind kind);

// Thrown for failures that end the operation (loading a model, running a request).
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

[[noreturn]] void throw_error(ErrorKind kind, std::string message);

inline void require(bool condition, ErrorKind kind, std::string_view message) {
  if (!condition) throw_error(kind, std::string(message));
}

// Invariants that only a programmer error can break; kept in release builds since a wrong
// answer is worse than a clean internal error.
#define ONNXFN_ASSERT(cond)                                                                      \
  do {                                                                                           \
    if (!(cond))                                                                                 \
      ::onnxfn::throw_error(::onnxfn::ErrorKind::Internal,                                       \
                            std::string("internal error: assertion failed: " #cond " at ") +    \
                                __FILE__ + ":" + std::to_string(__LINE__));                      \
  } while (0)

}  // namespace onnxfn
