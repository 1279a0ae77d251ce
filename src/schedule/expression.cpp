// The three EventBridge expression forms (see expression.h): dispatch on the prefix, rate(...)
// with AWS's singular/plural rule, at(...) as a local date-time, and the cron day test.
#include "schedule/expression.h"

#include <algorithm>
#include <vector>

#include "common/error.h"

namespace onnxfn::schedule {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size() && out.size() < 3) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

}  // namespace

int64_t RateExpression::period_seconds() const {
  switch (unit) {
    case Unit::Minutes: return value * 60;
    case Unit::Hours: return value * 3600;
    case Unit::Days: return value * 86400;  // 24 hours, not a calendar day (AWS: DST does not bend it)
  }
  return value * 60;
}

RateExpression parse_rate(std::string_view inside) {
  const std::string shown = "rate(" + std::string(inside) + ")";
  const auto w = words(inside);
  if (w.size() != 2) throw_error(ErrorKind::BadInput, "rate expression '" + shown + "': needs two words, a value and a unit (e.g. rate(5 minutes))");
  const std::string_view v = w[0], u = w[1];
  if (v.empty() || v.size() > 9 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw_error(ErrorKind::BadInput, "rate expression '" + shown + "': the value '" + std::string(v) +
                                         "' must be a positive whole number (at most 9 digits)");
  RateExpression r;
  for (char c : v) r.value = r.value * 10 + (c - '0');
  if (r.value == 0) throw_error(ErrorKind::BadInput, "rate expression '" + shown + "': the value must be a positive number, not 0");
  struct UnitName {
    const char* singular;
    const char* plural;
    RateExpression::Unit unit;
  };
  static constexpr UnitName kUnits[] = {{"minute", "minutes", RateExpression::Unit::Minutes},
                                        {"hour", "hours", RateExpression::Unit::Hours},
                                        {"day", "days", RateExpression::Unit::Days}};
  for (const UnitName& n : kUnits) {
    if (u != n.singular && u != n.plural) continue;
    // AWS: "If the value is equal to 1, then the unit must be singular ... if greater than 1, plural".
    if (r.value == 1 && u == n.plural)
      throw_error(ErrorKind::BadInput, "rate expression '" + shown + "': a value of 1 takes the singular unit '" + n.singular + "'");
    if (r.value != 1 && u == n.singular)
      throw_error(ErrorKind::BadInput, "rate expression '" + shown + "': a value above 1 takes the plural unit '" + n.plural + "'");
    r.unit = n.unit;
    return r;
  }
  throw_error(ErrorKind::BadInput, "rate expression '" + shown + "': unknown unit '" + std::string(u) +
                                       "' (minute | minutes | hour | hours | day | days)");
}

CivilTime parse_at(std::string_view inside) {
  const std::string shown = "at(" + std::string(inside) + ")";
  const auto parsed = inside.size() == 19 ? parse_iso_time(inside) : std::nullopt;
  if (!parsed || parsed->utc_offset_seconds)
    throw_error(ErrorKind::BadInput, "at expression '" + shown +
                                         "': needs a real local date and time yyyy-mm-ddThh:mm:ss (e.g. at(2026-11-20T13:00:00)); the zone is "
                                         "given separately");
  if (parsed->civil.year < kFirstYear || parsed->civil.year > kLastYear)
    throw_error(ErrorKind::BadInput, "at expression '" + shown + "': the year must be within " + std::to_string(kFirstYear) + "-" +
                                         std::to_string(kLastYear) + " (the range of cron's year field)");
  return parsed->civil;
}

Expression parse_expression(std::string_view text) {
  Expression e;
  e.text = std::string(text);
  auto inside = [&](std::string_view prefix) -> std::string_view {
    if (text.empty() || text.back() != ')')
      throw_error(ErrorKind::BadInput, "schedule expression '" + e.text + "': missing the closing ')'");
    return text.substr(prefix.size(), text.size() - prefix.size() - 1);
  };
  if (starts_with(text, "cron(")) {
    e.kind = Expression::Kind::Cron;
    e.cron = parse_cron_fields(inside("cron("));
  } else if (starts_with(text, "rate(")) {
    e.kind = Expression::Kind::Rate;
    e.rate = parse_rate(inside("rate("));
  } else if (starts_with(text, "at(")) {
    e.kind = Expression::Kind::At;
    e.at = parse_at(inside("at("));
  } else {
    throw_error(ErrorKind::BadInput, "schedule expression '" + e.text +
                                         "': expected cron(minutes hours day-of-month month day-of-week year), rate(value unit) or "
                                         "at(yyyy-mm-ddThh:mm:ss)");
  }
  return e;
}

void validate_expression(std::string_view text) { (void)parse_expression(text); }

bool CronExpression::matches_day(int year, int month, int day) const {
  if (year < kFirstYear || year > kLastYear || !years.test(static_cast<size_t>(year - kFirstYear)) || !months.test(static_cast<size_t>(month)))
    return false;
  const int last = days_in_month(year, month);
  const int weekday = weekday_of(year, month, day);  // 1 = Sunday
  if (!day_of_week.any) {
    const DayOfWeekSpec& w = day_of_week;
    if (w.last_of_month) return weekday == w.last_of_month && day + 7 > last;
    if (w.nth) return weekday == w.nth_weekday && (day - 1) / 7 + 1 == w.nth;
    return w.days.test(static_cast<size_t>(weekday));
  }
  const DayOfMonthSpec& m = day_of_month;
  if (m.last_day) return day == last;
  if (m.last_weekday || m.nearest_weekday_to) {
    // The weekday nearest the target that stays in the month (Quartz's rule, which AWS follows):
    // 1W on a Saturday is Monday the 3rd; 31W on a Sunday is Friday the 29th.
    int target = m.last_weekday ? last : m.nearest_weekday_to;
    if (target > last) return false;  // 31W in a 30-day month: no such day
    const int tw = weekday_of(year, month, target);
    if (tw == 7) target = target == 1 ? 3 : target - 1;          // Saturday
    else if (tw == 1) target = target == last ? target - 2 : target + 1;  // Sunday
    return day == target;
  }
  return m.days.test(static_cast<size_t>(day));
}

}  // namespace onnxfn::schedule
