// Calendar arithmetic on plain seconds: a local date-time counted as if it were UTC ("local
// seconds"), conversion to and from fields, weekdays and month lengths, and ISO 8601 text. The
// schedule code works in int64 seconds so that the zone code and the cron walker share one scale.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace onnxfn::schedule {

struct CivilTime {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date (valid for any int year in range).
int64_t days_from_civil(int year, int month, int day);
CivilTime civil_from_seconds(int64_t seconds);
int64_t seconds_from_civil(const CivilTime& t);
// 1 = Sunday ... 7 = Saturday, the numbering of EventBridge's day-of-week field.
int weekday_of(int year, int month, int day);
int days_in_month(int year, int month);
bool is_leap_year(int year);

// "2026-03-08T03:00:00"; with utc_offset_seconds, "+hh:mm" / "Z" appended.
std::string format_civil(const CivilTime& t);
std::string format_with_offset(int64_t utc_seconds, int32_t utc_offset_seconds);

// Reads "yyyy-mm-ddThh:mm[:ss]" followed by nothing, "Z" or "+hh:mm"/"-hh:mm". The offset, if
// any, is returned separately: without one the caller decides the zone.
struct ParsedTime {
  CivilTime civil;
  std::optional<int32_t> utc_offset_seconds;
};
std::optional<ParsedTime> parse_iso_time(std::string_view text);
// True when the fields name a real date and time (month lengths and leap years checked).
bool is_valid_civil(const CivilTime& t);

}  // namespace onnxfn::schedule
