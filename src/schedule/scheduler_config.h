// The configuration of `onnxfn schedule run` (jobs.json, docs/schedules.md): jobs with an
// EventBridge expression, a time zone, the batch options of the job they run, and a retry policy
// shaped like EventBridge Scheduler's (maximum retry attempts, maximum event age) plus backoff;
// a dead-letter folder and the lock file that keeps to one scheduler instance.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/expression.h"
#include "schedule/time_zone.h"

namespace onnxfn::schedule {

struct RetryPolicy {
  int maximum_retry_attempts = 185;            // AWS's default and maximum (0 = one attempt only)
  int64_t maximum_event_age_seconds = 86400;   // AWS: 60 s to 24 h, default 24 h
  double backoff_seconds = 1.0;                // first wait; doubled after each failed attempt
  double maximum_backoff_seconds = 300.0;
};

struct JobSpec {
  std::string name;  // [A-Za-z0-9_.-]{1,64}, as AWS names schedules; names dead-letter files
  Expression expression;
  TimeZone zone = TimeZone::utc();
  // The job's batch options (option name without "--" -> value), handed to the runner; values
  // may hold {scheduled_time} (e.g. "out/matches-{scheduled_time}.csv"), replaced per run.
  std::map<std::string, std::string> batch;
  RetryPolicy retry;
};

struct SchedulerConfig {
  std::vector<JobSpec> jobs;
  std::string dead_letter_dir;  // default: <config folder>/dead-letter
  std::string lock_path;        // default: <config file>.lock
};

// Reads and validates a config file; errors (BadInput) name the file, the job and the field.
SchedulerConfig load_scheduler_config(const std::string& path);
// Same, from text; `origin` names the source in messages and relative paths are left as written.
SchedulerConfig parse_scheduler_config(std::string_view json, const std::string& origin);

}  // namespace onnxfn::schedule
