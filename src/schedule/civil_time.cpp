// Calendar arithmetic for schedules (see civil_time.h). Day counts use C++20's <chrono> calendar
// types, which GCC 12 implements (its time-zone database does not exist there: see time_zone.h).
#include "schedule/civil_time.h"

#include <chrono>
#include <cstdio>

namespace onnxfn::schedule {

namespace chr = std::chrono;

int64_t days_from_civil(int year, int month, int day) {
  const chr::sys_days d{chr::year{year} / chr::month{static_cast<unsigned>(month)} / chr::day{static_cast<unsigned>(day)}};
  return d.time_since_epoch().count();
}

CivilTime civil_from_seconds(int64_t seconds) {
  int64_t days = seconds / 86400;
  int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  const chr::year_month_day ymd{chr::sys_days{chr::days{days}}};
  CivilTime t;
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.hour = static_cast<int>(rest / 3600);
  t.minute = static_cast<int>(rest / 60 % 60);
  t.second = static_cast<int>(rest % 60);
  return t;
}

int64_t seconds_from_civil(const CivilTime& t) {
  return days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

int weekday_of(int year, int month, int day) {
  // 1970-01-01 was a Thursday (5 in Sunday-first numbering).
  const int64_t d = days_from_civil(year, month, day);
  int64_t w = (d + 4) % 7;  // 0 = Sunday
  if (w < 0) w += 7;
  return static_cast<int>(w) + 1;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

bool is_valid_civil(const CivilTime& t) {
  return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= days_in_month(t.year, t.month) && t.hour >= 0 && t.hour <= 23 &&
         t.minute >= 0 && t.minute <= 59 && t.second >= 0 && t.second <= 59;
}

std::string format_civil(const CivilTime& t) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute, t.second);
  return buf;
}

std::string format_with_offset(int64_t utc_seconds, int32_t utc_offset_seconds) {
  std::string s = format_civil(civil_from_seconds(utc_seconds + utc_offset_seconds));
  if (utc_offset_seconds == 0) return s + "Z";
  const int32_t a = utc_offset_seconds < 0 ? -utc_offset_seconds : utc_offset_seconds;
  char buf[16];
  if (a % 60 != 0)  // historical local mean times have seconds in their offsets
    std::snprintf(buf, sizeof buf, "%c%02d:%02d:%02d", utc_offset_seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60, a % 60);
  else
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", utc_offset_seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  return s + buf;
}

namespace {

// Reads exactly n digits at text[pos]; advances pos.
bool digits(std::string_view text, size_t& pos, size_t n, int& out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<ParsedTime> parse_iso_time(std::string_view text) {
  ParsedTime p;
  CivilTime& t = p.civil;
  size_t pos = 0;
  if (!digits(text, pos, 4, t.year) || !expect(text, pos, '-') || !digits(text, pos, 2, t.month) || !expect(text, pos, '-') ||
      !digits(text, pos, 2, t.day) || !expect(text, pos, 'T') || !digits(text, pos, 2, t.hour) || !expect(text, pos, ':') ||
      !digits(text, pos, 2, t.minute))
    return std::nullopt;
  if (pos < text.size() && text[pos] == ':' && !(++pos, digits(text, pos, 2, t.second))) return std::nullopt;
  if (pos < text.size()) {
    if (text[pos] == 'Z' && pos + 1 == text.size()) {
      p.utc_offset_seconds = 0;
      pos = text.size();
    } else if (text[pos] == '+' || text[pos] == '-') {
      const int sign = text[pos++] == '-' ? -1 : 1;
      int oh = 0, om = 0;
      if (!digits(text, pos, 2, oh) || !expect(text, pos, ':') || !digits(text, pos, 2, om) || pos != text.size() || oh > 23 || om > 59)
        return std::nullopt;
      p.utc_offset_seconds = sign * (oh * 3600 + om * 60);
    } else {
      return std::nullopt;
    }
  }
  if (!is_valid_civil(t)) return std::nullopt;
  return p;
}

}  // namespace onnxfn::schedule
