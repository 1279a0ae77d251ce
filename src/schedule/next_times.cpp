// Next firing times (see next_times.h). A cron expression is walked in local calendar order: the
// days it matches, then its hours and minutes on each; each local time is turned into UTC by the
// zone (skipped in a gap, first occurrence in an overlap). The walk is bounded by cron's last year,
// so an expression that never fires (30 February) ends after at most ~84,000 day tests.
#include "schedule/next_times.h"

#include <algorithm>

#include "common/error.h"

namespace onnxfn::schedule {
namespace {

void cron_times(const CronExpression& c, int64_t from_utc, size_t count, const TimeZone& zone, std::vector<int64_t>& out) {
  int64_t from = from_utc;
  if (from % 60 != 0) from += 60 - ((from % 60) + 60) % 60;  // up to the next whole minute
  // Start a day early in local time: the first local time at or after `from` may lie on the day
  // before `from`'s local date under another offset (an overlap).
  const CivilTime start = civil_from_seconds(from + zone.offset_at(from).seconds - 86400);
  std::vector<int> hours, minutes;
  for (int h = 0; h < 24; ++h)
    if (c.hours.test(static_cast<size_t>(h))) hours.push_back(h);
  for (int m = 0; m < 60; ++m)
    if (c.minutes.test(static_cast<size_t>(m))) minutes.push_back(m);
  int64_t last_emitted = INT64_MIN;
  for (int year = std::max(start.year, kFirstYear); year <= kLastYear; ++year) {
    if (!c.years.test(static_cast<size_t>(year - kFirstYear))) continue;
    for (int month = year == start.year ? start.month : 1; month <= 12; ++month) {
      if (!c.months.test(static_cast<size_t>(month))) continue;
      const int first_day = year == start.year && month == start.month ? start.day : 1;
      const int64_t month_days = days_from_civil(year, month, 1);
      for (int day = first_day; day <= days_in_month(year, month); ++day) {
        if (!c.matches_day(year, month, day)) continue;
        const int64_t midnight = (month_days + day - 1) * 86400;
        for (int h : hours) {
          for (int m : minutes) {
            const std::vector<int64_t> instants = zone.resolve(midnight + h * 3600 + m * 60);
            if (instants.empty()) continue;  // skipped by spring-forward
            const int64_t utc = instants.front();  // a repeated local time fires once, first
            if (utc < from || utc <= last_emitted) continue;
            out.push_back(utc);
            last_emitted = utc;
            if (out.size() >= count) return;
          }
        }
      }
    }
  }
}

}  // namespace

std::vector<int64_t> next_times(const Expression& e, int64_t from_utc, size_t count, const TimeZone& zone) {
  if (count > kMaxNextTimes)
    throw_error(ErrorKind::BadInput, "next times: at most " + std::to_string(kMaxNextTimes) + " at once, not " + std::to_string(count));
  std::vector<int64_t> out;
  if (count == 0) return out;
  switch (e.kind) {
    case Expression::Kind::Cron:
      cron_times(e.cron, from_utc, count, zone, out);
      break;
    case Expression::Kind::Rate: {
      const int64_t period = e.rate.period_seconds();
      for (size_t k = 0; k < count; ++k) out.push_back(from_utc + static_cast<int64_t>(k) * period);
      break;
    }
    case Expression::Kind::At: {
      const std::vector<int64_t> instants = zone.resolve(seconds_from_civil(e.at));
      if (!instants.empty() && instants.front() >= from_utc) out.push_back(instants.front());
      break;
    }
  }
  return out;
}

int64_t local_to_utc_lenient(const CivilTime& local, const TimeZone& zone) {
  const int64_t l = seconds_from_civil(local);
  const std::vector<int64_t> instants = zone.resolve(l);
  if (!instants.empty()) return instants.front();
  // In a gap the offset before the jump maps the local time past the jump: the clocks moved on.
  return l - zone.offset_at(l - 93600).seconds;
}

}  // namespace onnxfn::schedule
