// DeadlineGuard (see deadline.h).
#include "lambda/deadline.h"

#include "common/error.h"

namespace onnxfn::lambda {

void DeadlineGuard::begin(size_t total) {
  if (deadline_.set() && total > 0 && deadline_.remaining_ms() < margin_ms_)
    throw_error(ErrorKind::ResourceLimit, "deadline: stopped before scoring " + std::to_string(total) + " " + unit_ + " with " +
                                              std::to_string(deadline_.remaining_ms()) +
                                              " ms left of the function's timeout (reading the inputs took the rest); raise the timeout or split the job");
  start_ = std::chrono::steady_clock::now();
  checks_ = 0;
}

void DeadlineGuard::check(size_t done, size_t total) {
  ++checks_;
  if (done >= total || !deadline_.set()) return;
  const double elapsed =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  const double per_chunk = elapsed / static_cast<double>(checks_);
  const int64_t left = deadline_.remaining_ms();
  if (static_cast<double>(left) < 2 * per_chunk + static_cast<double>(margin_ms_))
    throw_error(ErrorKind::ResourceLimit,
                "deadline: stopped after " + std::to_string(done) + " of " + std::to_string(total) + " " + unit_ + " with " +
                    std::to_string(left) + " ms left of the function's timeout (a chunk takes ~" +
                    std::to_string(static_cast<int64_t>(per_chunk)) +
                    " ms); no output was written: raise the timeout or split the job");
}

}  // namespace onnxfn::lambda
