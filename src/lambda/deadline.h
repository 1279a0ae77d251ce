// The time an invocation has left: Lambda hands each invocation its deadline in epoch milliseconds
// (Lambda-Runtime-Deadline-Ms); long work checks it between chunks and stops cleanly before
// Lambda kills the process.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace onnxfn::lambda {

class Deadline {
 public:
  Deadline() = default;  // none: never expires
  explicit Deadline(int64_t epoch_ms) : epoch_ms_(epoch_ms) {}

  bool set() const { return epoch_ms_ > 0; }
  int64_t epoch_ms() const { return epoch_ms_; }
  // Milliseconds left (negative once past); a large number when no deadline is set.
  int64_t remaining_ms() const {
    if (!set()) return INT64_MAX / 2;
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    return epoch_ms_ - now;
  }

 private:
  int64_t epoch_ms_ = 0;
};

// Called between chunks of a job: throws ResourceLimit naming the work done when the time left
// would not cover another chunk (the average so far, doubled) plus a safety margin for answering.
class DeadlineGuard {
 public:
  DeadlineGuard(const Deadline& deadline, std::string unit, int64_t margin_ms = 300)
      : deadline_(deadline), unit_(std::move(unit)), margin_ms_(margin_ms), start_(std::chrono::steady_clock::now()) {}
  // Before the first chunk (after the job read its inputs): stops when not even the margin is
  // left, and starts the clock that chunk times are averaged over.
  void begin(size_t total);
  void check(size_t done, size_t total);

 private:
  Deadline deadline_;
  std::string unit_;
  int64_t margin_ms_;
  std::chrono::steady_clock::time_point start_;
  size_t checks_ = 0;
};

}  // namespace onnxfn::lambda
