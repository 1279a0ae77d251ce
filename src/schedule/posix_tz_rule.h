// The POSIX TZ string at the end of a TZif v2+ file (RFC 8536 section 3.3, POSIX.1 "TZ"), e.g.
// "EST5EDT,M3.2.0,M11.1.0": it gives the offsets for every time after the file's last transition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace onnxfn::schedule {

struct UtcOffset {
  int32_t seconds = 0;  // local = UTC + seconds
  bool is_dst = false;
  std::string abbreviation;
};

class PosixTzRule {
 public:
  // nullopt when the text is not a valid TZ string (the caller names the file).
  static std::optional<PosixTzRule> parse(std::string_view text);
  UtcOffset offset_at(int64_t utc_seconds) const;

 private:
  struct DateRule {
    enum Kind { Julian1, Julian0, MonthWeekDay } kind = MonthWeekDay;
    int day = 0;  // Jn: 1..365 (Feb 29 never counted); n: 0..365; M: weekday 0 = Sunday
    int month = 0, week = 0;
    int32_t time = 7200;  // seconds after local midnight; -167h..167h (RFC 8536 extension)
  };
  // Local seconds (as if UTC) at which the rule fires in `year`.
  static int64_t local_transition(const DateRule& rule, int year);

  UtcOffset std_, dst_;
  bool has_dst_ = false;
  DateRule start_, end_;
};

}  // namespace onnxfn::schedule
