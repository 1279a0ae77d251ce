// EventBridge schedule expressions, checked field by field (see schedule_check.h).
#include "lambda/schedule_check.h"

#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "common/error.h"

namespace onnxfn::lambda {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadInput, "schedule expression: " + message); }

struct Field {
  const char* name;
  int low, high;
  const char* const* names;  // names for low.. (month and weekday), or null
};

constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
constexpr std::array<Field, 6> kFields = {{{"minutes", 0, 59, nullptr},
                                           {"hours", 0, 23, nullptr},
                                           {"day-of-month", 1, 31, nullptr},
                                           {"month", 1, 12, kMonths},
                                           {"day-of-week", 1, 7, kDays},
                                           {"year", 1970, 2199, nullptr}}};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

bool whole_number(std::string_view s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// A value of the field: a number in range, or a name (months, weekdays; any case).
int value_of(std::string_view text, const Field& f, std::string_view item) {
  int v = 0;
  if (whole_number(text, v)) {
    if (v < f.low || v > f.high)
      bad(std::string("cron ") + f.name + " field '" + std::string(item) + "': " + std::to_string(v) + " is out of range " +
          std::to_string(f.low) + "-" + std::to_string(f.high));
    return v;
  }
  if (f.names && text.size() == 3) {
    for (int i = 0; i <= f.high - f.low; ++i) {
      bool same = true;
      for (int k = 0; k < 3; ++k) same &= (text[static_cast<size_t>(k)] & ~0x20) == f.names[i][k];
      if (same) return f.low + i;
    }
  }
  bad(std::string("cron ") + f.name + " field '" + std::string(item) + "': '" + std::string(text) + "' is not a " +
      (f.names ? "number or name" : "number"));
}

void check_item(std::string_view item, const Field& f, bool day_of_month, bool day_of_week) {
  const std::string where = std::string("cron ") + f.name + " field '" + std::string(item) + "'";
  if (item.empty()) bad(std::string("cron ") + f.name + " field: an empty list item");
  if (day_of_month && (item == "L" || item == "LW")) return;
  if (day_of_month && item.size() > 1 && item.back() == 'W') {
    value_of(item.substr(0, item.size() - 1), f, item);
    return;
  }
  if (day_of_week && item.size() > 1 && item.back() == 'L') {
    value_of(item.substr(0, item.size() - 1), f, item);
    return;
  }
  if (day_of_week && item.find('#') != std::string_view::npos) {
    const auto parts = split(item, '#');
    int n = 0;
    if (parts.size() != 2 || !whole_number(parts[1], n) || n < 1 || n > 5) bad(where + ": expected weekday#n with n from 1 to 5");
    value_of(parts[0], f, item);
    return;
  }
  std::string_view range = item;
  if (const size_t slash = item.find('/'); slash != std::string_view::npos) {
    int step = 0;
    if (!whole_number(item.substr(slash + 1), step) || step < 1 || step > f.high - f.low + 1)
      bad(where + ": the increment after '/' must be a number from 1 to " + std::to_string(f.high - f.low + 1));
    range = item.substr(0, slash);
  }
  if (range == "*") return;
  const auto bounds = split(range, '-');
  if (bounds.size() > 2) bad(where + ": expected a value, a range a-b, * or an increment /n");
  const int a = value_of(bounds[0], f, item);
  if (bounds.size() == 2 && value_of(bounds[1], f, item) < a && !day_of_week)
    bad(where + ": the range ends before it starts");
}

void check_cron(std::string_view body) {
  std::vector<std::string_view> fields;
  for (std::string_view part : split(body, ' '))
    if (!part.empty()) fields.push_back(part);
  if (fields.size() != 6)
    bad("cron(" + std::string(body) + ") has " + std::to_string(fields.size()) +
        " fields; EventBridge needs six: minutes hours day-of-month month day-of-week year (e.g. cron(0 2 * * ? *))");
  const bool dom_any = fields[2] == "?", dow_any = fields[4] == "?";
  if (dom_any == dow_any)
    bad("cron(" + std::string(body) + "): exactly one of day-of-month and day-of-week must be '?' (EventBridge cannot combine them)");
  for (size_t i = 0; i < 6; ++i) {
    if (fields[i] == "?") {
      if (i != 2 && i != 4) bad(std::string("cron ") + kFields[i].name + " field: '?' is only for day-of-month and day-of-week");
      continue;
    }
    for (std::string_view item : split(fields[i], ',')) check_item(item, kFields[i], i == 2, i == 4);
  }
}

void check_rate(std::string_view body) {
  const auto parts = split(body, ' ');
  int n = 0;
  if (parts.size() != 2 || !whole_number(parts[0], n) || n < 1)
    bad("rate(" + std::string(body) + "): expected rate(value unit) with a whole value of at least 1, e.g. rate(5 minutes)");
  const std::string_view unit = parts[1];
  const bool singular = unit == "minute" || unit == "hour" || unit == "day";
  const bool plural = unit == "minutes" || unit == "hours" || unit == "days";
  if (!singular && !plural) bad("rate(" + std::string(body) + "): the unit must be minute(s), hour(s) or day(s)");
  if (singular != (n == 1)) bad("rate(" + std::string(body) + "): use the singular unit for 1 and the plural otherwise (rate(1 hour), rate(2 hours))");
}

void check_at(std::string_view body) {
  // yyyy-mm-ddThh:mm:ss
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  bool shape = body.size() == kShape.size();
  for (size_t i = 0; shape && i < body.size(); ++i)
    shape = kShape[i] == 'd' ? (body[i] >= '0' && body[i] <= '9') : body[i] == kShape[i];
  if (!shape) bad("at(" + std::string(body) + "): expected at(yyyy-mm-ddThh:mm:ss)");
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    std::from_chars(body.data() + at, body.data() + at + len, v);
    return v;
  };
  const int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kMonthDays[month - 1] || (month == 2 && day == 29 && !leap) || num(11, 2) > 23 ||
      num(14, 2) > 59 || num(17, 2) > 59)
    bad("at(" + std::string(body) + "): not a valid date and time");
}

}  // namespace

void validate_schedule(std::string_view text) {
  auto body_of = [&](std::string_view prefix) -> std::string_view {
    if (text.back() != ')') bad("'" + std::string(text) + "': missing the closing ')'");
    return text.substr(prefix.size(), text.size() - prefix.size() - 1);
  };
  if (text.starts_with("cron(")) return check_cron(body_of("cron("));
  if (text.starts_with("rate(")) return check_rate(body_of("rate("));
  if (text.starts_with("at(")) return check_at(body_of("at("));
  bad("'" + std::string(text) + "': expected cron(...), rate(...) or at(...)");
}

}  // namespace onnxfn::lambda
