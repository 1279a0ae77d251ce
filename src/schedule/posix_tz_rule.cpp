// POSIX TZ strings from TZif footers (see posix_tz_rule.h). Offsets in the string count west of
// Greenwich (EST5 is UTC-5), the opposite sign of TZif's utoff.
#include "schedule/posix_tz_rule.h"

#include <cctype>

#include "schedule/civil_time.h"

namespace onnxfn::schedule {
namespace {

struct Reader {
  std::string_view s;
  size_t pos = 0;
  bool done() const { return pos >= s.size(); }
  char peek() const { return done() ? '\0' : s[pos]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos;
    return true;
  }
  bool number(int& out, int max_digits) {
    int v = 0, n = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(s[pos])) && n < max_digits) {
      v = v * 10 + (s[pos++] - '0');
      ++n;
    }
    out = v;
    return n > 0;
  }
};

// std / dst designation: three or more letters, or <...> quoting digits and signs too.
bool read_name(Reader& r, std::string& name) {
  if (r.eat('<')) {
    const size_t start = r.pos;
    while (!r.done() && r.peek() != '>') {
      const char c = r.peek();
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-') return false;
      ++r.pos;
    }
    name = std::string(r.s.substr(start, r.pos - start));
    return r.eat('>') && name.size() >= 3;
  }
  const size_t start = r.pos;
  while (!r.done() && std::isalpha(static_cast<unsigned char>(r.peek()))) ++r.pos;
  name = std::string(r.s.substr(start, r.pos - start));
  return name.size() >= 3;
}

// [+-]hh[:mm[:ss]], hours up to max_hours; returns seconds.
bool read_hms(Reader& r, int max_hours, int32_t& out) {
  int sign = 1;
  if (r.eat('-'))
    sign = -1;
  else
    r.eat('+');
  int h = 0, m = 0, sec = 0;
  if (!r.number(h, 3) || h > max_hours) return false;
  if (r.eat(':')) {
    if (!r.number(m, 2) || m > 59) return false;
    if (r.eat(':') && (!r.number(sec, 2) || sec > 59)) return false;
  }
  out = sign * (h * 3600 + m * 60 + sec);
  return true;
}

}  // namespace

std::optional<PosixTzRule> PosixTzRule::parse(std::string_view text) {
  PosixTzRule rule;
  Reader r{text};
  int32_t west = 0;
  if (!read_name(r, rule.std_.abbreviation) || !read_hms(r, 24, west)) return std::nullopt;
  rule.std_.seconds = -west;
  if (r.done()) return rule;
  if (!read_name(r, rule.dst_.abbreviation)) return std::nullopt;
  rule.has_dst_ = true;
  rule.dst_.is_dst = true;
  rule.dst_.seconds = rule.std_.seconds + 3600;
  if (r.peek() != ',' && !r.done()) {
    if (!read_hms(r, 24, west)) return std::nullopt;
    rule.dst_.seconds = -west;
  }
  if (r.done()) {
    // POSIX leaves the default rule to the implementation; tzcode uses the US rule.
    rule.start_ = {DateRule::MonthWeekDay, 0, 3, 2, 7200};
    rule.end_ = {DateRule::MonthWeekDay, 0, 11, 1, 7200};
    return rule;
  }
  for (DateRule* d : {&rule.start_, &rule.end_}) {
    if (!r.eat(',')) return std::nullopt;
    if (r.eat('M')) {
      d->kind = DateRule::MonthWeekDay;
      if (!r.number(d->month, 2) || !r.eat('.') || !r.number(d->week, 1) || !r.eat('.') || !r.number(d->day, 1)) return std::nullopt;
      if (d->month < 1 || d->month > 12 || d->week < 1 || d->week > 5 || d->day > 6) return std::nullopt;
    } else if (r.eat('J')) {
      d->kind = DateRule::Julian1;
      if (!r.number(d->day, 3) || d->day < 1 || d->day > 365) return std::nullopt;
    } else {
      d->kind = DateRule::Julian0;
      if (!r.number(d->day, 3) || d->day > 365) return std::nullopt;
    }
    if (r.eat('/') && !read_hms(r, 167, d->time)) return std::nullopt;
  }
  if (!r.done()) return std::nullopt;
  return rule;
}

int64_t PosixTzRule::local_transition(const DateRule& rule, int year) {
  int64_t day = 0;
  switch (rule.kind) {
    case DateRule::Julian1: {
      // Day n of 1..365 with February 29 never counted: March 1 is always day 60.
      int n = rule.day;
      day = days_from_civil(year, 1, 1) + n - 1;
      if (is_leap_year(year) && n >= 60) ++day;
      break;
    }
    case DateRule::Julian0:
      day = days_from_civil(year, 1, 1) + rule.day;
      break;
    case DateRule::MonthWeekDay: {
      // Week 5 means the last such weekday of the month.
      const int first_weekday = weekday_of(year, rule.month, 1) - 1;  // 0 = Sunday
      int d = 1 + (rule.day - first_weekday + 7) % 7 + 7 * (rule.week - 1);
      while (d > days_in_month(year, rule.month)) d -= 7;
      day = days_from_civil(year, rule.month, d);
      break;
    }
  }
  return day * 86400 + rule.time;
}

UtcOffset PosixTzRule::offset_at(int64_t utc_seconds) const {
  if (!has_dst_) return std_;
  // The start rule is written in standard time, the end rule in daylight time. The transitions of
  // the neighbouring years are included so that rules whose time runs past a year boundary
  // (J365/25) and southern-hemisphere zones (DST across the new year) need no special case.
  const int year = civil_from_seconds(utc_seconds + std_.seconds).year;
  struct Switch {
    int64_t at;
    bool to_dst;
  };
  Switch switches[6];
  int n = 0;
  for (int y = year - 1; y <= year + 1; ++y) {
    switches[n++] = {local_transition(start_, y) - std_.seconds, true};
    switches[n++] = {local_transition(end_, y) - dst_.seconds, false};
  }
  const Switch* latest = nullptr;
  const Switch* earliest = &switches[0];
  for (const Switch& s : switches) {
    if (s.at < earliest->at) earliest = &s;
    // On a tie (the end of one year's all-year DST meeting the next start), DST holds.
    if (s.at <= utc_seconds && (!latest || s.at > latest->at || (s.at == latest->at && s.to_dst))) latest = &s;
  }
  if (!latest) return earliest->to_dst ? std_ : dst_;  // before the first switch: the other state
  return latest->to_dst ? dst_ : std_;
}

}  // namespace onnxfn::schedule
