// `onnxfn schedule next EXPR` (and `schedule run`, schedule_run_command.cpp): the next times an EventBridge cron/rate/at expression fires, in UTC
// or an IANA zone, with DST handled as EventBridge Scheduler does (docs/schedules.md). The
// parsing, zones and DST rules live in schedule/; this file decodes arguments and prints.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "cli/cli.h"
#include "common/error_table.h"
#include "schedule/next_times.h"

namespace onnxfn::cli {
namespace {

struct NextOptions {
  std::string expression;
  int count = 10;
  std::string tz = "UTC";
  std::string from;  // empty: now
  bool json = false;
};

int64_t parse_from(const std::string& text, const schedule::TimeZone& zone) {
  if (text.empty() || text == "now")
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto parsed = schedule::parse_iso_time(text);
  if (!parsed || parsed->civil.year < 1 || parsed->civil.year > 9999)
    throw_error(ErrorKind::BadInput, "--from '" + text + "': expected yyyy-mm-ddThh:mm[:ss] with an optional Z or +hh:mm (without one, a local time in --tz), or now");
  if (parsed->utc_offset_seconds) return schedule::seconds_from_civil(parsed->civil) - *parsed->utc_offset_seconds;
  return schedule::local_to_utc_lenient(parsed->civil, zone);
}

int run_next(const NextOptions& o) {
  const schedule::Expression expression = schedule::parse_expression(o.expression);
  const schedule::TimeZone zone = schedule::TimeZone::load(o.tz);
  const int64_t from = parse_from(o.from, zone);
  const std::vector<int64_t> times = schedule::next_times(expression, from, static_cast<size_t>(o.count), zone);
  auto local = [&](int64_t t) { return schedule::format_with_offset(t, zone.offset_at(t).seconds); };
  if (o.json) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("expression");
    w.String(o.expression.c_str(), static_cast<rapidjson::SizeType>(o.expression.size()));
    w.Key("timezone");
    w.String(zone.name().c_str());
    w.Key("from");
    w.String(schedule::format_with_offset(from, 0).c_str());
    w.Key("times");
    w.StartArray();
    for (int64_t t : times) {
      w.StartObject();
      w.Key("utc");
      w.String(schedule::format_with_offset(t, 0).c_str());
      w.Key("local");
      w.String(local(t).c_str());
      w.Key("abbreviation");
      w.String(zone.offset_at(t).abbreviation.c_str());
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::cout << buffer.GetString() << "\n";
    return kExitOk;
  }
  for (int64_t t : times) {
    if (zone.name() == "UTC")
      std::cout << schedule::format_with_offset(t, 0) << "\n";
    else
      std::cout << local(t) << "  " << zone.offset_at(t).abbreviation << "  (" << schedule::format_with_offset(t, 0) << ")\n";
  }
  if (times.empty()) std::cerr << "onnxfn schedule next: '" << o.expression << "' does not fire at or after " << schedule::format_with_offset(from, 0) << "\n";
  return kExitOk;
}

}  // namespace

void add_schedule_run_command(CLI::App& schedule_cmd, Action& action);  // schedule_run_command.cpp

void add_schedule_command(CLI::App& app, Action& action) {
  CLI::App* cmd = app.add_subcommand("schedule", "EventBridge schedule expressions: cron(...), rate(...), at(...)");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<NextOptions>();
  CLI::App* next = cmd->add_subcommand("next", "Print the next times an expression fires, in UTC or an IANA time zone");
  next->add_option("expression", opts->expression, "cron(min hour day-of-month month day-of-week year), rate(N unit) or at(yyyy-mm-ddThh:mm:ss)")
      ->required();
  next->add_option("-n,--count", opts->count, "How many times to print")->check(CLI::Range(1, 10000));
  next->add_option("--tz", opts->tz, "IANA time zone the expression is evaluated in (default UTC), e.g. America/New_York");
  next->add_option("--from", opts->from,
                   "Start (the schedule's creation time; rate() counts from it): yyyy-mm-ddThh:mm[:ss][Z|+hh:mm], local to --tz "
                   "without an offset; default now");
  next->add_flag("--json", opts->json, "One JSON object: expression, timezone, from and times [{utc, local, abbreviation}]");
  next->footer(
      "Examples:\n"
      "  onnxfn schedule next 'cron(0 10 * * ? *)'\n"
      "  onnxfn schedule next 'cron(0/30 1-3 ? * SUN *)' --tz America/New_York --from 2026-11-01T00:00 --count 8\n"
      "  onnxfn schedule next 'rate(1 day)' --tz Europe/London --from 2026-03-28T12:00\n"
      "DST as EventBridge Scheduler: a local time skipped by spring-forward does not fire; a repeated\n"
      "local time fires once (its first occurrence); rate() is a fixed period from --from. See docs/schedules.md.\n"
      "Exit codes: 0 ok, 2 bad expression, zone or option.");
  next->callback([opts, &action] { action = [opts] { return run_next(*opts); }; });
  add_schedule_run_command(*cmd, action);
}

}  // namespace onnxfn::cli
