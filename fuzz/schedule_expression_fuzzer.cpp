// Fuzzes the schedule expression parser and next-time computation, the TZif reader (inputs
// that start with "TZif") and the scheduler's jobs.json reader (inputs that start with '{'). Only onnxfn::Error may escape; next times must be ascending, at or after
// the start, whole minutes for cron, and on local times the expression names. Work is bounded:
// the cron walk stops at 2199 and at most 16 times are asked for.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/error.h"
#include "schedule/next_times.h"
#include "schedule/scheduler_config.h"

namespace {

using namespace onnxfn::schedule;

const TimeZone& new_york() {
  // A real zone when the system has tzdata, so DST paths run; UTC otherwise.
  static const TimeZone zone = [] {
    try {
      return TimeZone::load("America/New_York");
    } catch (const onnxfn::Error&) {
      return TimeZone::utc();
    }
  }();
  return zone;
}

void check_times(const Expression& e, int64_t from, size_t count, const TimeZone& zone) {
  const std::vector<int64_t> times = next_times(e, from, count, zone);
  if (times.size() > count) std::abort();
  for (size_t i = 0; i < times.size(); ++i) {
    if (times[i] < from || (i > 0 && times[i] <= times[i - 1])) std::abort();
    if (e.kind != Expression::Kind::Cron) continue;
    const CivilTime local = civil_from_seconds(times[i] + zone.offset_at(times[i]).seconds);
    if (times[i] % 60 != 0 || !e.cron.minutes.test(static_cast<size_t>(local.minute)) || !e.cron.hours.test(static_cast<size_t>(local.hour)) ||
        !e.cron.matches_day(local.year, local.month, local.day))
      std::abort();
  }
}

void fuzz_tzif(std::string_view bytes) {
  try {
    const TimeZone zone = TimeZone::from_tzif("fuzz", bytes);
    for (int64_t t : {int64_t{-5000000000}, int64_t{0}, int64_t{1700000000}, int64_t{4102444800}, int64_t{7000000000}}) {
      const UtcOffset o = zone.offset_at(t);
      if (o.seconds < -93600 || o.seconds > 93600) std::abort();
      for (int64_t u : zone.resolve(t))
        if (u + zone.offset_at(u).seconds != t) std::abort();
    }
  } catch (const onnxfn::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!text.empty() && text[0] == '{') {
    try {
      const SchedulerConfig config = parse_scheduler_config(text, "fuzz.json");
      if (config.jobs.empty()) std::abort();  // a config without jobs must be refused
    } catch (const onnxfn::Error&) {
    }
    return 0;
  }
  if (text.substr(0, 4) == "TZif") {
    fuzz_tzif(text);
    return 0;
  }
  Expression e;
  try {
    e = parse_expression(text);
  } catch (const onnxfn::Error&) {
    return 0;
  }
  // A start time and count derived from the input, so the corpus explores both.
  uint64_t h = 1469598103934665603ull;
  for (const uint8_t b : std::string_view(text)) h = (h ^ b) * 1099511628211ull;
  const int64_t from = static_cast<int64_t>(h % (uint64_t{230} * 365 * 86400));  // 1970..2199
  const size_t count = 1 + (h >> 40) % 16;
  check_times(e, from, count, TimeZone::utc());
  check_times(e, from, count, new_york());
  return 0;
}
