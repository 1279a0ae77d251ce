// IANA time zones for schedules, read from the system's TZif files (/usr/share/zoneinfo, or
// $TZDIR), with UTC offsets for any instant and the local-to-UTC resolution that DST needs.
//
// Why our own reader: GCC 12's libstdc++ (Debian 12) has no std::chrono::tzdb / zoned_time
// (they arrived in GCC 14), and glibc's localtime_r works on one process-wide TZ, so a small TZif
// v2+ reader (RFC 8536) with the POSIX TZ footer rule for instants after the last transition is
// the thread-safe, dependency-free choice. Leap-second ("right/") files are read as plain zones.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/posix_tz_rule.h"

namespace onnxfn::schedule {

class TimeZone {
 public:
  // "UTC" (also "Etc/UTC", "Z") needs no file. Other names are looked up under $TZDIR or
  // /usr/share/zoneinfo; a bad name or file throws BadInput naming the zone.
  static TimeZone load(std::string_view name);
  static TimeZone utc();
  // From TZif bytes (tests, fuzzing); `name` is for messages.
  static TimeZone from_tzif(std::string_view name, std::string_view bytes);

  const std::string& name() const { return name_; }
  UtcOffset offset_at(int64_t utc_seconds) const;

  // The UTC instants whose local time is `local_seconds` (local date-time counted as if UTC),
  // earliest first: none in a gap (spring forward), two in an overlap (fall back), else one.
  std::vector<int64_t> resolve(int64_t local_seconds) const;

 private:
  struct Type {
    UtcOffset offset;
  };
  std::string name_;
  std::vector<int64_t> transitions_;     // UTC seconds, ascending
  std::vector<uint8_t> transition_type_;  // index into types_
  std::vector<Type> types_;
  bool has_footer_ = false;
  PosixTzRule footer_;
};

}  // namespace onnxfn::schedule
