// The test oracle for time zones: glibc's own TZif reader (localtime_r under $TZ), an
// implementation independent of schedule/time_zone.cpp that reads the same zoneinfo files.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>

namespace onnxfn::schedule::testing {

class GlibcZone {
 public:
  explicit GlibcZone(const std::string& name) {
    const char* old = std::getenv("TZ");
    had_ = old != nullptr;
    if (had_) old_ = old;
    ::setenv("TZ", (":" + name).c_str(), 1);
    ::tzset();
  }
  ~GlibcZone() {
    if (had_)
      ::setenv("TZ", old_.c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }
  GlibcZone(const GlibcZone&) = delete;
  GlibcZone& operator=(const GlibcZone&) = delete;

  struct Local {
    int64_t local_seconds;  // the local date-time counted as if UTC
    int32_t offset;
    bool is_dst;
  };
  Local at(int64_t utc) const {
    const time_t t = static_cast<time_t>(utc);
    struct tm tm {};
    ::localtime_r(&t, &tm);
    return {utc + tm.tm_gmtoff, static_cast<int32_t>(tm.tm_gmtoff), tm.tm_isdst > 0};
  }

 private:
  bool had_ = false;
  std::string old_;
};

}  // namespace onnxfn::schedule::testing
