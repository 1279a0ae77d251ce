// The six fields of cron(...) as AWS EventBridge defines them (see expression.h): ranges that
// wrap (hours 20-2 is 20..23,0..2, as in AWS's own "0/30 20-2 ? * MON-FRI *" example), steps,
// month and weekday names (case-insensitive, as Quartz, whose syntax AWS follows), and the day
// fields' special forms. Every error names the field, the text, and the rule it breaks.
#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "common/error.h"
#include "schedule/expression.h"

namespace onnxfn::schedule {
namespace {

struct FieldInfo {
  const char* name;
  int min, max;
  const char* wildcards;  // as AWS's table lists them, for messages
  const std::array<const char*, 12>* names = nullptr;
  int first_name_value = 0;
  bool wraps = true;
};

constexpr std::array<const char*, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 12> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", nullptr, nullptr, nullptr, nullptr, nullptr};

const FieldInfo kMinutes{"minutes", 0, 59, ", - * /"};
const FieldInfo kHours{"hours", 0, 23, ", - * /"};
const FieldInfo kDayOfMonth{"day-of-month", 1, 31, ", - * ? / L W"};
const FieldInfo kMonth{"month", 1, 12, ", - * /", &kMonthNames, 1};
const FieldInfo kDayOfWeek{"day-of-week", 1, 7, ", - * ? L #", &kDayNames, 1};
const FieldInfo kYear{"year", kFirstYear, kLastYear, ", - * /", nullptr, 0, false};

struct Field {
  const FieldInfo& info;
  std::string text;   // upper-cased, for parsing
  std::string shown;  // as written, for messages

  [[noreturn]] void fail(const std::string& rule) const {
    throw_error(ErrorKind::BadInput, std::string("cron ") + info.name + " field '" + shown + "': " + rule);
  }

  std::string range_text() const {
    std::string r = std::to_string(info.min) + "-" + std::to_string(info.max);
    if (info.names == &kMonthNames) r += " (or JAN-DEC)";
    if (info.names == &kDayNames) r += " (or SUN-SAT)";
    return r;
  }

  // A number or (month, weekday) name.
  int value(std::string_view v) const {
    if (v.empty()) fail("a value is missing (an empty list item, or a range or step without a number)");
    if (info.names) {
      for (size_t i = 0; i < info.names->size(); ++i)
        if ((*info.names)[i] && v == (*info.names)[i]) return info.first_name_value + static_cast<int>(i);
    }
    if (v.size() > 4 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
      fail("'" + std::string(v) + "' is not a number" + (info.names ? " or name" : std::string()) + " (allowed: " + range_text() + ")");
    int n = 0;
    for (char c : v) n = n * 10 + (c - '0');
    if (n < info.min || n > info.max) fail(std::to_string(n) + " is out of range " + range_text());
    return n;
  }

  int step(std::string_view v) const {
    if (v.empty() || v.size() > 4 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
      fail("the step after '/' must be a positive number, not '" + std::string(v) + "'");
    int n = 0;
    for (char c : v) n = n * 10 + (c - '0');
    if (n < 1) fail("the step after '/' must be 1 or more");
    if (n > info.max - info.min + 1) fail("the step " + std::to_string(n) + " is larger than the field's range " + range_text());
    return n;
  }

  // Values of a list of plain items (numbers, names, ranges, '*', steps): calls set(v) for each.
  template <typename Set>
  void plain_values(Set set) const {
    size_t start = 0;
    while (true) {
      const size_t comma = text.find(',', start);
      item(std::string_view(text).substr(start, comma == std::string::npos ? std::string::npos : comma - start), set);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }

  template <typename Set>
  void item(std::string_view it, Set set) const {
    if (it.empty()) fail("an empty item in a ',' list");
    int step_by = 1;
    bool stepped = false;
    if (const size_t slash = it.find('/'); slash != std::string_view::npos) {
      if (info.names == &kDayNames) fail("'/' is not allowed in day-of-week (allowed: " + std::string(info.wildcards) + ")");
      step_by = step(it.substr(slash + 1));
      it = it.substr(0, slash);
      stepped = true;
    }
    int first = info.min, last = info.max;
    if (it == "*") {
    } else if (it == "?") {
      fail("'?' must stand alone in the field");
    } else if (const size_t dash = it.find('-'); dash != std::string_view::npos) {
      first = value(it.substr(0, dash));
      last = value(it.substr(dash + 1));
      if (first > last && !info.wraps) fail("the range " + std::to_string(first) + "-" + std::to_string(last) + " runs backwards");
    } else {
      first = value(it);
      if (stepped) last = info.max;  // 'a/n': from a to the end of the range, every n
      else last = first;
    }
    // A range whose start is after its end wraps around the field (22-2 in hours).
    const int span = info.max - info.min + 1;
    const int length = (last - first + span) % span + 1;
    for (int k = 0; k < length; k += step_by) set(info.min + (first - info.min + k) % span);
  }
};

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

template <size_t N>
std::bitset<N> plain_field(const FieldInfo& info, std::string_view text, int bit_offset) {
  Field f{info, upper(text), std::string(text)};
  for (const char c : {'?', '#', 'L', 'W'}) {
    // Month names hold an L (JUL) but no other name does and no wildcard is spelled with them.
    if (c == 'L' && info.names == &kMonthNames) continue;
    if (f.text.find(c) != std::string::npos)
      f.fail(std::string("'") + c + "' is not allowed in " + info.name + " (allowed: " + info.wildcards + ")");
  }
  std::bitset<N> bits;
  f.plain_values([&](int v) { bits.set(static_cast<size_t>(v - bit_offset)); });
  return bits;
}

DayOfMonthSpec day_of_month_field(std::string_view text) {
  Field f{kDayOfMonth, upper(text), std::string(text)};
  DayOfMonthSpec spec;
  const std::string& t = f.text;
  if (t == "?") {
    spec.any = true;
    return spec;
  }
  if (t.find('#') != std::string::npos) f.fail("'#' is only allowed in day-of-week (allowed here: " + std::string(kDayOfMonth.wildcards) + ")");
  if (t.find_first_of("LW") != std::string::npos) {
    if (t.find_first_of(",-/*?") != std::string::npos) f.fail("'L' and 'W' must stand alone in the field (L, LW or nW), not in a list, range or step");
    if (t == "L") {
      spec.last_day = true;
    } else if (t == "LW") {
      spec.last_weekday = true;
    } else if (t.size() >= 2 && t.back() == 'W') {
      spec.nearest_weekday_to = f.value(std::string_view(t).substr(0, t.size() - 1));
    } else {
      f.fail("'L' is the last day of the month and 'nW' the weekday nearest day n; '" + t + "' is neither (L, LW or 1W-31W)");
    }
    return spec;
  }
  f.plain_values([&](int v) { spec.days.set(static_cast<size_t>(v)); });
  return spec;
}

DayOfWeekSpec day_of_week_field(std::string_view text) {
  Field f{kDayOfWeek, upper(text), std::string(text)};
  DayOfWeekSpec spec;
  const std::string& t = f.text;
  if (t == "?") {
    spec.any = true;
    return spec;
  }
  std::string without_wed = t;
  for (size_t at; (at = without_wed.find("WED")) != std::string::npos;) without_wed.erase(at, 3);
  if (without_wed.find('W') != std::string::npos)
    f.fail("'W' is only allowed in day-of-month (allowed here: " + std::string(kDayOfWeek.wildcards) + ")");
  if (const size_t hash = t.find('#'); hash != std::string::npos) {
    if (t.find_first_of(",-/*?") != std::string::npos)
      f.fail("with '#' the field holds one expression only (AWS: '3#1,6#3' is not allowed)");
    spec.nth_weekday = f.value(std::string_view(t).substr(0, hash));
    const std::string_view n = std::string_view(t).substr(hash + 1);
    if (n.size() != 1 || n[0] < '1' || n[0] > '5') f.fail("'#' is followed by the week of the month, 1-5 (3#2 is the second Tuesday)");
    spec.nth = n[0] - '0';
    return spec;
  }
  // 'L' alone is the last day of the week (Saturday); 'wL' the last weekday w of the month.
  // Names hold no L, so an L here is the wildcard.
  if (t.find('L') != std::string::npos) {
    if (t.find_first_of(",-/*?") != std::string::npos) f.fail("'L' must stand alone in the field (L or wL, like 6L for the last Friday)");
    if (t == "L") {
      spec.days.set(7);
    } else if (t.back() == 'L') {
      spec.last_of_month = f.value(std::string_view(t).substr(0, t.size() - 1));
    } else {
      f.fail("'L' goes after a weekday (6L or FRIL: the last Friday of the month)");
    }
    return spec;
  }
  f.plain_values([&](int v) { spec.days.set(static_cast<size_t>(v)); });
  return spec;
}

}  // namespace

CronExpression parse_cron_fields(std::string_view fields) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < fields.size()) {
    while (i < fields.size() && (fields[i] == ' ' || fields[i] == '\t')) ++i;
    const size_t start = i;
    while (i < fields.size() && fields[i] != ' ' && fields[i] != '\t') ++i;
    if (i > start) parts.push_back(fields.substr(start, i - start));
    if (parts.size() > 6) break;
  }
  if (parts.size() != 6)
    throw_error(ErrorKind::BadInput, "cron expression has " + std::string(parts.size() > 6 ? "more than 6" : std::to_string(parts.size())) +
                                         " fields; it needs 6: minutes hours day-of-month month day-of-week year (e.g. cron(0 10 * * ? *))");
  CronExpression c;
  c.minutes = plain_field<60>(kMinutes, parts[0], 0);
  c.hours = plain_field<24>(kHours, parts[1], 0);
  c.day_of_month = day_of_month_field(parts[2]);
  c.months = plain_field<13>(kMonth, parts[3], 0);
  c.day_of_week = day_of_week_field(parts[4]);
  c.years = plain_field<kLastYear - kFirstYear + 1>(kYear, parts[5], kFirstYear);
  if (c.day_of_month.any == c.day_of_week.any) {
    const std::string both = "day-of-month '" + std::string(parts[2]) + "' and day-of-week '" + std::string(parts[4]) + "'";
    throw_error(ErrorKind::BadInput,
                "cron day fields: " + both +
                    (c.day_of_month.any ? " are both '?'; exactly one of them must be '?'"
                                        : " are both set; exactly one of them must be '?' (AWS cannot combine them: use cron(0 10 * * ? *) or "
                                          "cron(0 10 ? * MON *))"));
  }
  return c;
}

}  // namespace onnxfn::schedule
