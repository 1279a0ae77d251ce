// When a schedule fires: the next times of a cron, rate or at expression in a time zone, with
// DST handled as EventBridge Scheduler documents it (docs/schedules.md):
//   - a local time skipped by spring-forward does not fire that day;
//   - a local time repeated by fall-back fires once, at its first occurrence (the earlier UTC
//     instant, still on daylight time);
//   - rate(N unit) is a fixed period measured from the start (creation) time: rate(1 day) is
//     24 hours, 23 or 25 local hours across a DST change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "schedule/expression.h"
#include "schedule/time_zone.h"

namespace onnxfn::schedule {

inline constexpr size_t kMaxNextTimes = 100000;  // bounds the work and memory of one call

// Up to `count` firing instants (UTC seconds since the epoch), ascending, at or after `from`:
//   cron: whole minutes at or after `from` (rounded up to the minute), through 2199;
//   rate: from, from + period, from + 2 periods, ... (`from` is the schedule's start);
//   at:   the one instant, if it exists in the zone and is not before `from`.
// Fewer than `count` when the schedule ends (a year list, an at(), a date like 30 February).
std::vector<int64_t> next_times(const Expression& expression, int64_t from_utc, size_t count, const TimeZone& zone);

// The instant of a local date-time in `zone` for a start time the user typed: the earlier one
// when it is repeated; in a gap, read with the offset in force before the jump (02:30 in a
// 02:00 -> 03:00 gap is 03:30 daylight time), as mktime does.
int64_t local_to_utc_lenient(const CivilTime& local, const TimeZone& zone);

}  // namespace onnxfn::schedule
