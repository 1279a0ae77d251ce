// Parsing EventBridge expressions: the examples of AWS's documentation (EventBridge "Cron
// expressions reference", EventBridge Scheduler "Schedule types"), valid and invalid, and the
// messages that name the field and the rule.
#include <gtest/gtest.h>

#include "common/error.h"
#include "schedule/expression.h"

namespace onnxfn::schedule {
namespace {

std::string error_of(const std::string& text) {
  try {
    validate_expression(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput) << text;
    return e.what();
  }
  return "";
}

std::vector<int> bits_of(const auto& bits, int offset = 0) {
  std::vector<int> out;
  for (size_t i = 0; i < bits.size(); ++i)
    if (bits.test(i)) out.push_back(static_cast<int>(i) + offset);
  return out;
}

TEST(ScheduleExpression, accepts_the_aws_documentation_cron_examples) {
  for (const char* text : {"cron(0 10 * * ? *)", "cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)", "cron(0 8 1 * ? *)",
                           "cron(0/15 * * * ? *)", "cron(0/10 * ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)",
                           "cron(0/30 20-2 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)", "cron(15 10 ? * 6L 2019-2022)",
                           "cron(0 12 L * ? *)", "cron(0 0 LW * ? *)", "cron(0 0 3W * ? *)", "cron(0 0 ? * 3#2 *)",
                           "cron(0 0 1 JAN,FEB,MAR ? *)", "cron(0 0 1-15 * ? *)", "cron(1/10 * * * ? *)", "cron(0 0 ? * L *)"})
    EXPECT_EQ(error_of(text), "") << text;
}

TEST(ScheduleExpression, reads_the_fields_of_a_weekday_range) {
  const Expression e = parse_expression("cron(0/5 8-17 ? * MON-FRI *)");
  ASSERT_EQ(e.kind, Expression::Kind::Cron);
  EXPECT_EQ(bits_of(e.cron.minutes), (std::vector<int>{0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55}));
  EXPECT_EQ(bits_of(e.cron.hours), (std::vector<int>{8, 9, 10, 11, 12, 13, 14, 15, 16, 17}));
  EXPECT_TRUE(e.cron.day_of_month.any);
  EXPECT_EQ(bits_of(e.cron.day_of_week.days), (std::vector<int>{2, 3, 4, 5, 6}));
  EXPECT_EQ(e.cron.years.count(), static_cast<size_t>(kLastYear - kFirstYear + 1));
}

TEST(ScheduleExpression, wraps_a_range_that_runs_past_the_end_of_its_field) {
  // AWS's example: every 30 minutes from 10 PM to 2 AM the next day.
  const Expression e = parse_expression("cron(0/30 20-2 ? * MON-FRI *)");
  EXPECT_EQ(bits_of(e.cron.hours), (std::vector<int>{0, 1, 2, 20, 21, 22, 23}));
  EXPECT_EQ(bits_of(parse_expression("cron(0 0 ? * FRI-MON *)").cron.day_of_week.days), (std::vector<int>{1, 2, 6, 7}));
  EXPECT_EQ(bits_of(parse_expression("cron(0 20-2/2 * * ? *)").cron.hours), (std::vector<int>{0, 2, 20, 22}));
}

TEST(ScheduleExpression, reads_steps_names_and_special_day_forms) {
  EXPECT_EQ(bits_of(parse_expression("cron(1/10 * * * ? *)").cron.minutes), (std::vector<int>{1, 11, 21, 31, 41, 51}));
  EXPECT_EQ(bits_of(parse_expression("cron(*/20 * * * ? *)").cron.minutes), (std::vector<int>{0, 20, 40}));
  EXPECT_EQ(bits_of(parse_expression("cron(0 0 1 jan,Jul,DEC ? *)").cron.months), (std::vector<int>{1, 7, 12}));
  EXPECT_EQ(bits_of(parse_expression("cron(0 0 1 * ? 2026/50)").cron.years, kFirstYear), (std::vector<int>{2026, 2076, 2126, 2176}));
  const Expression third = parse_expression("cron(0 0 3W * ? *)");
  EXPECT_EQ(third.cron.day_of_month.nearest_weekday_to, 3);
  EXPECT_TRUE(parse_expression("cron(0 0 L * ? *)").cron.day_of_month.last_day);
  EXPECT_TRUE(parse_expression("cron(0 0 LW * ? *)").cron.day_of_month.last_weekday);
  const Expression tuesday = parse_expression("cron(0 0 ? * 3#2 *)");
  EXPECT_EQ(tuesday.cron.day_of_week.nth_weekday, 3);
  EXPECT_EQ(tuesday.cron.day_of_week.nth, 2);
  EXPECT_EQ(parse_expression("cron(0 0 ? * 6L *)").cron.day_of_week.last_of_month, 6);
  EXPECT_EQ(parse_expression("cron(0 0 ? * FRIL *)").cron.day_of_week.last_of_month, 6);
  EXPECT_EQ(bits_of(parse_expression("cron(0 0 ? * L *)").cron.day_of_week.days), (std::vector<int>{7}));
}

TEST(ScheduleExpression, matches_special_days_of_the_month) {
  // 2026-02: Feb 1 is a Sunday, Feb 28 a Saturday. 2026-05-31 is a Sunday; 2026-08-01 a Saturday.
  auto days = [](const char* text, int year, int month) {
    const Expression e = parse_expression(text);
    std::vector<int> out;
    for (int d = 1; d <= days_in_month(year, month); ++d)
      if (e.cron.matches_day(year, month, d)) out.push_back(d);
    return out;
  };
  EXPECT_EQ(days("cron(0 0 L * ? *)", 2026, 2), std::vector<int>{28});
  EXPECT_EQ(days("cron(0 0 L * ? *)", 2028, 2), std::vector<int>{29});
  EXPECT_EQ(days("cron(0 0 LW * ? *)", 2026, 2), std::vector<int>{27});   // Saturday 28th -> Friday
  EXPECT_EQ(days("cron(0 0 LW * ? *)", 2026, 5), std::vector<int>{29});   // Sunday 31st -> Friday 29th
  EXPECT_EQ(days("cron(0 0 1W * ? *)", 2026, 2), std::vector<int>{2});    // Sunday 1st -> Monday 2nd
  EXPECT_EQ(days("cron(0 0 1W * ? *)", 2026, 8), std::vector<int>{3});    // Saturday 1st -> Monday 3rd, not July
  EXPECT_EQ(days("cron(0 0 15W * ? *)", 2026, 8), std::vector<int>{14});  // Saturday 15th -> Friday 14th
  EXPECT_EQ(days("cron(0 0 31W * ? *)", 2026, 4), std::vector<int>{});    // April has no 31st
  EXPECT_EQ(days("cron(0 0 ? * 3#2 *)", 2026, 12), std::vector<int>{8});  // second Tuesday of December 2026
  EXPECT_EQ(days("cron(0 0 ? * 6L *)", 2026, 7), std::vector<int>{31});   // last Friday of July 2026
  EXPECT_EQ(days("cron(0 0 ? * 2#5 *)", 2026, 2), std::vector<int>{});    // no fifth Monday in February 2026
  EXPECT_EQ(days("cron(0 0 ? * 2#5 *)", 2026, 3), std::vector<int>{30});
  EXPECT_EQ(days("cron(0 0 ? * MON-FRI *)", 2026, 2).size(), 20u);
}

TEST(ScheduleExpression, rejects_both_day_fields_set_or_both_unset) {
  EXPECT_NE(error_of("cron(0 12 * * * *)").find("exactly one of them must be '?'"), std::string::npos) << error_of("cron(0 12 * * * *)");
  EXPECT_NE(error_of("cron(0 12 1 * MON *)").find("day-of-month '1' and day-of-week 'MON' are both set"), std::string::npos);
  EXPECT_NE(error_of("cron(0 12 ? * ? *)").find("are both '?'"), std::string::npos);
}

TEST(ScheduleExpression, names_the_field_and_the_rule_in_cron_errors) {
  EXPECT_EQ(error_of("cron(0 10 ? * 8 *)"), "cron day-of-week field '8': 8 is out of range 1-7 (or SUN-SAT)");
  EXPECT_EQ(error_of("cron(60 10 * * ? *)"), "cron minutes field '60': 60 is out of range 0-59");
  EXPECT_EQ(error_of("cron(0 24 * * ? *)"), "cron hours field '24': 24 is out of range 0-23");
  EXPECT_EQ(error_of("cron(0 0 32 * ? *)"), "cron day-of-month field '32': 32 is out of range 1-31");
  EXPECT_EQ(error_of("cron(0 0 1 13 ? *)"), "cron month field '13': 13 is out of range 1-12 (or JAN-DEC)");
  EXPECT_EQ(error_of("cron(0 0 1 * ? 1969)"), "cron year field '1969': 1969 is out of range 1970-2199");
  EXPECT_EQ(error_of("cron(0 0 1 * ? 2200)"), "cron year field '2200': 2200 is out of range 1970-2199");
  EXPECT_EQ(error_of("cron(0 0 1 * ? 2030-2025)"), "cron year field '2030-2025': the range 2030-2025 runs backwards");
  EXPECT_EQ(error_of("cron(0 0 ? * 3#1,6#3 *)"), "cron day-of-week field '3#1,6#3': with '#' the field holds one expression only (AWS: '3#1,6#3' is not allowed)");
  EXPECT_EQ(error_of("cron(0 0 ? * 3#6 *)"), "cron day-of-week field '3#6': '#' is followed by the week of the month, 1-5 (3#2 is the second Tuesday)");
  EXPECT_EQ(error_of("cron(0 0 ? * */2 *)"), "cron day-of-week field '*/2': '/' is not allowed in day-of-week (allowed: , - * ? L #)");
  EXPECT_EQ(error_of("cron(0 0 1W,15 * ? *)"), "cron day-of-month field '1W,15': 'L' and 'W' must stand alone in the field (L, LW or nW), not in a list, range or step");
  EXPECT_EQ(error_of("cron(0 0 ? * 2W *)"), "cron day-of-week field '2W': 'W' is only allowed in day-of-month (allowed here: , - * ? L #)");
  EXPECT_EQ(error_of("cron(0 0 3#2 * ? *)"), "cron day-of-month field '3#2': '#' is only allowed in day-of-week (allowed here: , - * ? / L W)");
  EXPECT_EQ(error_of("cron(L 0 * * ? *)"), "cron minutes field 'L': 'L' is not allowed in minutes (allowed: , - * /)");
  EXPECT_EQ(error_of("cron(0 ? * * ? *)"), "cron hours field '?': '?' is not allowed in hours (allowed: , - * /)");
  EXPECT_EQ(error_of("cron(0/0 * * * ? *)"), "cron minutes field '0/0': the step after '/' must be 1 or more");
  EXPECT_EQ(error_of("cron(0 0 1 FOO ? *)"), "cron month field 'FOO': 'FOO' is not a number or name (allowed: 1-12 (or JAN-DEC))");
  EXPECT_EQ(error_of("cron(0 0 ? * mon-fry *)"), "cron day-of-week field 'mon-fry': 'FRY' is not a number or name (allowed: 1-7 (or SUN-SAT))");
  EXPECT_EQ(error_of("cron(1,,2 0 1 * ? *)"), "cron minutes field '1,,2': an empty item in a ',' list");
  EXPECT_EQ(error_of("cron(0 0 1 * ?)"),
            "cron expression has 5 fields; it needs 6: minutes hours day-of-month month day-of-week year (e.g. cron(0 10 * * ? *))");
  EXPECT_NE(error_of("cron(0 0 1 * ? * *)").find("more than 6 fields"), std::string::npos);
}

TEST(ScheduleExpression, applies_the_rate_singular_and_plural_rule) {
  for (const char* text : {"rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(7 days)"})
    EXPECT_EQ(error_of(text), "") << text;
  EXPECT_EQ(parse_expression("rate(5 minutes)").rate.period_seconds(), 300);
  EXPECT_EQ(parse_expression("rate(1 hour)").rate.period_seconds(), 3600);
  EXPECT_EQ(parse_expression("rate(7 days)").rate.period_seconds(), 7 * 86400);
  EXPECT_EQ(error_of("rate(1 minutes)"), "rate expression 'rate(1 minutes)': a value of 1 takes the singular unit 'minute'");
  EXPECT_EQ(error_of("rate(5 minute)"), "rate expression 'rate(5 minute)': a value above 1 takes the plural unit 'minutes'");
  EXPECT_EQ(error_of("rate(2 day)"), "rate expression 'rate(2 day)': a value above 1 takes the plural unit 'days'");
  EXPECT_EQ(error_of("rate(0 minutes)"), "rate expression 'rate(0 minutes)': the value must be a positive number, not 0");
  EXPECT_EQ(error_of("rate(-5 minutes)"), "rate expression 'rate(-5 minutes)': the value '-5' must be a positive whole number (at most 9 digits)");
  EXPECT_EQ(error_of("rate(5 weeks)"), "rate expression 'rate(5 weeks)': unknown unit 'weeks' (minute | minutes | hour | hours | day | days)");
  EXPECT_EQ(error_of("rate(5)"), "rate expression 'rate(5)': needs two words, a value and a unit (e.g. rate(5 minutes))");
}

TEST(ScheduleExpression, reads_a_one_time_at_expression) {
  const Expression e = parse_expression("at(2022-11-20T13:00:00)");
  ASSERT_EQ(e.kind, Expression::Kind::At);
  EXPECT_EQ(format_civil(e.at), "2022-11-20T13:00:00");
  EXPECT_NE(error_of("at(2022-11-20T13:00)").find("yyyy-mm-ddThh:mm:ss"), std::string::npos);
  EXPECT_NE(error_of("at(2022-02-30T13:00:00)").find("real local date"), std::string::npos);
  EXPECT_NE(error_of("at(2022-11-20T13:00:00Z)").find("the zone is given separately"), std::string::npos);
  EXPECT_NE(error_of("at(2022-11-20 13:00:00)").find("yyyy-mm-ddThh:mm:ss"), std::string::npos);
}

TEST(ScheduleExpression, rejects_unknown_forms) {
  EXPECT_NE(error_of("0 10 * * ? *").find("expected cron("), std::string::npos);
  EXPECT_NE(error_of("cron(0 10 * * ? *").find("missing the closing ')'"), std::string::npos);
  EXPECT_NE(error_of("").find("expected cron("), std::string::npos);
  EXPECT_NE(error_of("every(5 minutes)").find("expected cron("), std::string::npos);
}

}  // namespace
}  // namespace onnxfn::schedule
