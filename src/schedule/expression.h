// EventBridge schedule expressions, parsed and validated the way AWS documents them
// (EventBridge Scheduler "Schedule types", EventBridge "Cron expressions reference"):
//   cron(minutes hours day-of-month month day-of-week year)   with , - * ? / L W #
//   rate(value unit)                                            minute(s) | hour(s) | day(s)
//   at(yyyy-mm-ddThh:mm:ss)                                     one time
// parse_expression throws onnxfn::Error (BadInput) whose message names the field and the rule,
// e.g. "cron day-of-week field '8': 8 is out of range 1-7 (or SUN-SAT)".
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>

#include "schedule/civil_time.h"

namespace onnxfn::schedule {

inline constexpr int kFirstYear = 1970;  // the cron year field's range, as AWS defines it
inline constexpr int kLastYear = 2199;

// The day-of-month field: a set of days, or one of the special forms (alone in the field).
struct DayOfMonthSpec {
  bool any = false;               // '?'
  std::bitset<32> days;           // bit d for day d (1..31)
  bool last_day = false;          // 'L'
  bool last_weekday = false;      // 'LW'
  int nearest_weekday_to = 0;     // 'nW': the weekday (Mon-Fri) nearest day n, within the month
};

// The day-of-week field (1 = SUN ... 7 = SAT).
struct DayOfWeekSpec {
  bool any = false;               // '?'
  std::bitset<8> days;            // bit w for weekday w
  int last_of_month = 0;          // 'wL': the last weekday w of the month
  int nth_weekday = 0, nth = 0;   // 'w#n': the n-th (1..5) weekday w of the month
};

struct CronExpression {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  DayOfMonthSpec day_of_month;
  std::bitset<13> months;  // bit m for month m (1..12)
  DayOfWeekSpec day_of_week;
  std::bitset<kLastYear - kFirstYear + 1> years;  // bit y - 1970

  // Whether the date is a day the expression runs on (the time of day aside).
  bool matches_day(int year, int month, int day) const;
};

struct RateExpression {
  enum class Unit { Minutes, Hours, Days };
  int64_t value = 0;
  Unit unit = Unit::Minutes;
  int64_t period_seconds() const;
};

struct Expression {
  enum class Kind { Cron, Rate, At };
  Kind kind = Kind::Cron;
  std::string text;  // as given
  CronExpression cron;
  RateExpression rate;
  CivilTime at;  // local date-time in the schedule's time zone
};

Expression parse_expression(std::string_view text);
// The check `onnxfn package` runs on the expressions it writes into templates: throws like
// parse_expression, returns nothing.
void validate_expression(std::string_view text);

CronExpression parse_cron_fields(std::string_view fields);  // the text inside cron(...)
RateExpression parse_rate(std::string_view inside);          // the text inside rate(...)
CivilTime parse_at(std::string_view inside);                 // the text inside at(...)

}  // namespace onnxfn::schedule
