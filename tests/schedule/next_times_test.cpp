// next_times against hand-checked DST cases and, as a property, against brute force: every UTC
// minute of a window turned into local time by glibc, tested against the cron fields by an
// independent matcher (std::chrono calendar, nearest-weekday by search), firing when the local
// time matches and has not occurred before (EventBridge Scheduler: a repeated local time runs
// once; a skipped one never occurs, so never runs).
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <random>
#include <set>
#include <unordered_set>

#include "glibc_zone.h"
#include "schedule/next_times.h"

namespace onnxfn::schedule {
namespace {

namespace chr = std::chrono;

int64_t at(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) { return seconds_from_civil({y, mo, d, h, mi, s}); }

std::vector<std::string> next_local(const std::string& expr, const std::string& zone_name, int64_t from, size_t count) {
  const TimeZone zone = TimeZone::load(zone_name);
  std::vector<std::string> out;
  for (int64_t t : next_times(parse_expression(expr), from, count, zone)) out.push_back(format_with_offset(t, zone.offset_at(t).seconds));
  return out;
}

TEST(ScheduleNextTimes, lists_daily_times_in_utc) {
  EXPECT_EQ(next_local("cron(0 10 * * ? *)", "UTC", at(2026, 12, 7, 1, 22, 17), 3),
            (std::vector<std::string>{"2026-12-07T10:00:00Z", "2026-12-08T10:00:00Z", "2026-12-09T10:00:00Z"}));
  // At exactly a firing minute, that minute is included; a second later it is not.
  EXPECT_EQ(next_local("cron(0 10 * * ? *)", "UTC", at(2026, 12, 7, 10), 1)[0], "2026-12-07T10:00:00Z");
  EXPECT_EQ(next_local("cron(0 10 * * ? *)", "UTC", at(2026, 12, 7, 10, 0, 1), 1)[0], "2026-12-08T10:00:00Z");
}

TEST(ScheduleNextTimes, runs_the_aws_overnight_weekday_example) {
  // Every 30 minutes Monday-Friday, 20:00-02:30: Friday night runs to 23:30, Saturday 00:00-02:30
  // does not run (the weekday test applies to each time's own day), Monday 00:00 does.
  const auto times = next_local("cron(0/30 20-2 ? * MON-FRI *)", "UTC", at(2026, 12, 11, 23, 0), 4);  // Friday
  EXPECT_EQ(times, (std::vector<std::string>{"2026-12-11T23:00:00Z", "2026-12-11T23:30:00Z", "2026-12-14T00:00:00Z", "2026-12-14T00:30:00Z"}));
}

TEST(ScheduleNextTimes, skips_a_local_time_lost_to_spring_forward) {
  // New York, 2026-03-08: 02:00 EST becomes 03:00 EDT, so 02:30 does not exist that day.
  EXPECT_EQ(next_local("cron(30 2 * * ? *)", "America/New_York", at(2026, 3, 7, 0), 3),
            (std::vector<std::string>{"2026-03-07T02:30:00-05:00", "2026-03-09T02:30:00-04:00", "2026-03-10T02:30:00-04:00"}));
  // London, 2026-03-29: 01:00 GMT becomes 02:00 BST.
  EXPECT_EQ(next_local("cron(0/20 1 * * ? *)", "Europe/London", at(2026, 3, 28, 12), 4),
            (std::vector<std::string>{"2026-03-30T01:00:00+01:00", "2026-03-30T01:20:00+01:00", "2026-03-30T01:40:00+01:00",
                                      "2026-03-31T01:00:00+01:00"}));
}

TEST(ScheduleNextTimes, runs_a_repeated_local_time_once) {
  // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:00-01:59 happens twice.
  EXPECT_EQ(next_local("cron(0/30 1-2 * * ? *)", "America/New_York", at(2026, 11, 1, 4), 5),
            (std::vector<std::string>{"2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T02:00:00-05:00",
                                      "2026-11-01T02:30:00-05:00", "2026-11-02T01:00:00-05:00"}));
  // Sydney, 2026-04-05: 03:00 AEDT falls back to 02:00 AEST.
  EXPECT_EQ(next_local("cron(30 2 * * ? *)", "Australia/Sydney", at(2026, 4, 4, 0), 2),
            (std::vector<std::string>{"2026-04-05T02:30:00+11:00", "2026-04-06T02:30:00+10:00"}));
  // Starting between the two occurrences: the first has passed, and the second is not a run.
  EXPECT_EQ(next_local("cron(30 1 * * ? *)", "America/New_York", at(2026, 11, 1, 6, 0), 1)[0], "2026-11-02T01:30:00-05:00");
}

TEST(ScheduleNextTimes, measures_rate_as_a_fixed_period_from_the_start) {
  // rate(1 day) across London's spring-forward: 24 hours, so the local time moves 12:00 -> 13:00.
  EXPECT_EQ(next_local("rate(1 day)", "Europe/London", at(2026, 3, 28, 12), 3),
            (std::vector<std::string>{"2026-03-28T12:00:00Z", "2026-03-29T13:00:00+01:00", "2026-03-30T13:00:00+01:00"}));
  EXPECT_EQ(next_local("rate(5 minutes)", "UTC", at(2026, 12, 7, 1, 22, 17), 3),
            (std::vector<std::string>{"2026-12-07T01:22:17Z", "2026-12-07T01:27:17Z", "2026-12-07T01:32:17Z"}));
}

TEST(ScheduleNextTimes, fires_an_at_expression_once_in_its_zone) {
  EXPECT_EQ(next_local("at(2026-11-20T13:00:00)", "Asia/Kolkata", at(2026, 1, 1), 5), std::vector<std::string>{"2026-11-20T13:00:00+05:30"});
  EXPECT_TRUE(next_local("at(2026-11-20T13:00:00)", "UTC", at(2026, 11, 20, 13, 0, 1), 5).empty());
  EXPECT_TRUE(next_local("at(2026-03-08T02:30:00)", "America/New_York", at(2026, 1, 1), 5).empty());  // never happens there
  EXPECT_EQ(next_local("at(2026-11-01T01:30:00)", "America/New_York", at(2026, 1, 1), 5), std::vector<std::string>{"2026-11-01T01:30:00-04:00"});
}

TEST(ScheduleNextTimes, ends_with_the_years_the_expression_allows) {
  EXPECT_EQ(next_local("cron(0 0 1 1 ? 2027-2028)", "UTC", at(2026, 6, 1), 5),
            (std::vector<std::string>{"2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"}));
  EXPECT_TRUE(next_local("cron(0 0 30 2 ? *)", "UTC", at(2026, 6, 1), 5).empty());  // 30 February never comes
  EXPECT_EQ(next_local("cron(0 0 29 2 ? *)", "UTC", at(2026, 6, 1), 2), (std::vector<std::string>{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}));
  EXPECT_TRUE(next_local("cron(0 0 1 1 ? 2020)", "UTC", at(2026, 6, 1), 5).empty());
}

TEST(ScheduleNextTimes, starts_lenient_local_times_after_a_gap) {
  const TimeZone ny = TimeZone::load("America/New_York");
  EXPECT_EQ(local_to_utc_lenient({2026, 3, 8, 2, 30, 0}, ny), at(2026, 3, 8, 7, 30));   // 03:30 EDT
  EXPECT_EQ(local_to_utc_lenient({2026, 11, 1, 1, 30, 0}, ny), at(2026, 11, 1, 5, 30));  // first 01:30
}

// ---- the property: next_times equals brute force ----

// The cron day fields read by plain calendar arithmetic, independently of CronExpression.
bool oracle_day(const CronExpression& c, int y, int m, int d) {
  if (!c.years.test(static_cast<size_t>(y - kFirstYear)) || !c.months.test(static_cast<size_t>(m))) return false;
  const chr::year_month ym{chr::year{y}, chr::month{static_cast<unsigned>(m)}};
  const int last = static_cast<int>(static_cast<unsigned>(chr::year_month_day_last{ym.year(), chr::month_day_last{ym.month()}}.day()));
  auto weekday = [&](int day) {  // 1 = Sunday
    return static_cast<int>(chr::weekday{chr::sys_days{ym / chr::day{static_cast<unsigned>(day)}}}.c_encoding()) + 1;
  };
  const DayOfWeekSpec& w = c.day_of_week;
  if (!w.any) {
    if (w.last_of_month) return weekday(d) == w.last_of_month && d + 7 > last;
    if (w.nth) {
      const chr::weekday_indexed wi{chr::weekday{static_cast<unsigned>(w.nth_weekday - 1)}, static_cast<unsigned>(w.nth)};
      const chr::year_month_weekday ymw{ym.year(), ym.month(), wi};
      return ymw.ok() && chr::year_month_day{chr::sys_days{ymw}}.day() == chr::day{static_cast<unsigned>(d)};
    }
    return w.days.test(static_cast<size_t>(weekday(d)));
  }
  const DayOfMonthSpec& dm = c.day_of_month;
  if (dm.last_day) return d == last;
  if (dm.last_weekday || dm.nearest_weekday_to) {
    const int target = dm.last_weekday ? last : dm.nearest_weekday_to;
    if (target > last) return false;
    int best = -1;
    for (int cand = 1; cand <= last; ++cand) {
      const int wd = weekday(cand);
      if (wd == 1 || wd == 7) continue;
      if (best < 0 || std::abs(cand - target) < std::abs(best - target)) best = cand;
    }
    return d == best;
  }
  return dm.days.test(static_cast<size_t>(d));
}

// Brute force over [begin, end): every minute, local time by glibc, first occurrences only.
std::vector<int64_t> brute_force(const CronExpression& c, const std::string& zone, int64_t begin, int64_t end) {
  testing::GlibcZone glibc(zone);
  std::unordered_set<int64_t> seen;  // local minutes lived through in the last 26 hours
  std::deque<int64_t> order;
  std::vector<int64_t> out;
  const int64_t first_minute = (begin + 59) / 60 * 60;  // cron fires on whole minutes (begin > 0 here)
  for (int64_t t = first_minute - 26 * 3600; t < end; t += 60) {
    const int64_t local = glibc.at(t).local_seconds;
    if (!seen.insert(local).second) continue;
    order.push_back(local);
    if (order.size() > 26 * 60) {  // a local time can only repeat within a day
      seen.erase(order.front());
      order.pop_front();
    }
    if (t < begin) continue;
    const CivilTime lt = civil_from_seconds(local);
    if (c.minutes.test(static_cast<size_t>(lt.minute)) && c.hours.test(static_cast<size_t>(lt.hour)) && oracle_day(c, lt.year, lt.month, lt.day))
      out.push_back(t);
  }
  return out;
}

void expect_equal_to_brute_force(const std::string& expr, const std::string& zone_name, int64_t begin, int64_t end) {
  const Expression e = parse_expression(expr);
  const std::vector<int64_t> expected = brute_force(e.cron, zone_name, begin, end);
  std::vector<int64_t> got = next_times(e, begin, expected.size() + 1, TimeZone::load(zone_name));
  while (!got.empty() && got.back() >= end) got.pop_back();
  ASSERT_EQ(got.size(), expected.size()) << expr << " in " << zone_name << " from " << format_with_offset(begin, 0);
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_EQ(got[i], expected[i]) << expr << " in " << zone_name << ": time " << i << " is " << format_with_offset(got[i], 0) << ", brute force says "
                                   << format_with_offset(expected[i], 0);
}

const char* const kDstZones[] = {"America/New_York", "Europe/London", "Australia/Sydney"};

// DST changes of these zones in 2024-2030: (start of the local day before) from glibc.
std::vector<int64_t> dst_changes(const std::string& zone) {
  testing::GlibcZone glibc(zone);
  std::vector<int64_t> out;
  int32_t prev = glibc.at(at(2024, 1, 1)).offset;
  for (int64_t t = at(2024, 1, 1); t < at(2031, 1, 1); t += 1800) {
    const int32_t o = glibc.at(t).offset;
    if (o != prev) out.push_back(t);
    prev = o;
  }
  return out;
}

TEST(ScheduleNextTimes, equals_brute_force_minute_by_minute_over_two_years) {
  // Every minute of 2026-2027 in each zone, for expressions that fire in the DST hours.
  for (const char* zone : kDstZones) {
    expect_equal_to_brute_force("cron(0/15 1-3 * * ? *)", zone, at(2026, 1, 1), at(2028, 1, 1));
    expect_equal_to_brute_force("cron(30 2 ? * SUN *)", zone, at(2026, 1, 1), at(2028, 1, 1));
  }
}

// A random expression from the cron grammar (every wildcard form of every field).
std::string random_cron(std::mt19937_64& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto plain = [&](int lo, int hi, bool steps = true) -> std::string {
    switch (steps ? pick(0, 5) : pick(0, 2) * 2) {
      case 0: return "*";
      case 1: return std::to_string(pick(lo, hi));
      case 2: return std::to_string(pick(lo, hi)) + "-" + std::to_string(pick(lo, hi));  // may wrap
      case 3: return std::to_string(pick(lo, hi)) + "/" + std::to_string(pick(1, hi - lo + 1));
      case 4: return std::to_string(pick(lo, hi)) + "," + std::to_string(pick(lo, hi)) + "," + std::to_string(pick(lo, hi));
      default: return std::to_string(pick(lo, hi)) + "-" + std::to_string(pick(lo, hi)) + "/" + std::to_string(pick(1, 5));
    }
  };
  // Hours near the DST changes most of the time, so the windows below see them.
  const std::string hours = pick(0, 2) ? std::to_string(pick(0, 3)) + "-" + std::to_string(pick(1, 4)) : plain(0, 23);
  std::string dom = "?", dow = "?";
  if (pick(0, 1)) {
    const int k = pick(0, 3);
    dom = k == 0 ? "L" : k == 1 ? "LW" : k == 2 ? std::to_string(pick(1, 31)) + "W" : plain(1, 31);
  } else {
    const int k = pick(0, 3);
    dow = k == 0 ? std::to_string(pick(1, 7)) + "L" : k == 1 ? std::to_string(pick(1, 7)) + "#" + std::to_string(pick(1, 5)) : k == 2 ? "L" : plain(1, 7, false);  // AWS allows no step in day-of-week
  }
  return "cron(" + plain(0, 59) + " " + hours + " " + dom + " " + (pick(0, 3) ? "*" : plain(1, 12)) + " " + dow + " " + (pick(0, 3) ? "*" : "2024-2030") + ")";
}

TEST(ScheduleNextTimes, equals_brute_force_for_random_expressions_around_dst_changes) {
  std::mt19937_64 rng(2026);
  int windows = 0;
  for (const char* zone : kDstZones) {
    const std::vector<int64_t> changes = dst_changes(zone);
    ASSERT_EQ(changes.size(), 14u) << zone;  // two a year for 7 years
    for (const int64_t change : changes) {
      for (int k = 0; k < 6; ++k) {
        const std::string expr = random_cron(rng);
        // Three days around the change, starting at an odd second.
        expect_equal_to_brute_force(expr, zone, change - 36 * 3600 - 17, change + 36 * 3600);
        ++windows;
      }
    }
    // And a month at random points of other years, for the day rules (L, W, #, wrapped ranges).
    for (int k = 0; k < 8; ++k) {
      const int64_t start = at(std::uniform_int_distribution<int>(2024, 2030)(rng), std::uniform_int_distribution<int>(1, 12)(rng), 1);
      expect_equal_to_brute_force(random_cron(rng), zone, start, start + 31 * 86400);
      ++windows;
    }
  }
  EXPECT_EQ(windows, 3 * (14 * 6 + 8));
}

}  // namespace
}  // namespace onnxfn::schedule
