// `onnxfn schedule run --config jobs.json`: the local scheduler (schedule/scheduler.h) wired to
// `onnxfn batch` (cli/batch_run.h). One instance at a time (a lock file); SIGTERM or SIGINT lets
// the running job finish, then exits 0.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <charconv>
#include <iostream>

#include "cli/batch_run.h"
#include "cli/cli.h"
#include "common/error_table.h"
#include "schedule/instance_lock.h"
#include "schedule/next_times.h"
#include "schedule/scheduler.h"

namespace onnxfn::cli {
namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void request_stop(int) { g_stop.store(true); }

struct RunOptions {
  std::string config;
  size_t max_events = 0;
};

// A job's batch options from the config, checked as `onnxfn batch` checks its flags.
BatchOptions batch_options_of(const std::string& job, const std::map<std::string, std::string>& values) {
  BatchOptions o;
  auto fail = [&](const std::string& key, const std::string& why) {
    throw_error(ErrorKind::BadInput, "job '" + job + "': batch." + key + ": " + why);
  };
  auto integer = [&](const std::string& key, const std::string& v, int64_t lo, int64_t hi) {
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < lo || n > hi)
      fail(key, "'" + v + "' must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return n;
  };
  auto boolean = [&](const std::string& key, const std::string& v) {
    if (v != "true" && v != "false") fail(key, "must be true or false");
    return v == "true";
  };
  for (const auto& [key, v] : values) {
    if (key == "bundle") o.bundle = v;
    else if (key == "left") o.left = v;
    else if (key == "right") o.right = v;
    else if (key == "pairs") o.pairs = v;
    else if (key == "gold") o.gold = v;
    else if (key == "output") o.output = v;
    else if (key == "chunk_size") o.chunk_size = integer(key, v, 1, static_cast<int64_t>(batch::kMaxChunkSize));
    else if (key == "top_k") o.top_k = integer(key, v, 1, 10000);
    else if (key == "threads") o.threads = static_cast<int>(integer(key, v, 0, 1024));
    else if (key == "all") o.all = boolean(key, v);
    else if (key == "quiet") o.quiet = boolean(key, v);
    else if (key == "checkpoint") o.checkpoint = v;
    else if (key == "max_seconds") o.max_seconds = static_cast<double>(integer(key, v, 1, 86400));
    else fail(key, "unknown option (bundle, left, right, output, pairs, gold, chunk_size, top_k, threads, all, quiet, checkpoint, max_seconds)");
  }
  for (const auto& [key, value] : {std::pair{"bundle", &o.bundle}, {"left", &o.left}, {"right", &o.right}, {"output", &o.output}})
    if (value->empty()) fail(key, "is required");
  return o;
}

void log_line(const std::string& message) {
  const int64_t now = schedule::SystemSchedulerClock().now();
  std::cerr << "onnxfn schedule: " << schedule::format_with_offset(now, 0) << " " << message << std::endl;
}

int run_scheduler(const RunOptions& o) {
  schedule::SchedulerConfig config = schedule::load_scheduler_config(o.config);
  for (const schedule::JobSpec& job : config.jobs) (void)batch_options_of(job.name, job.batch);  // fail before the first run
  const schedule::InstanceLock lock(config.lock_path);
  struct sigaction action {};
  action.sa_handler = request_stop;
  action.sa_flags = SA_RESTART;  // a batch run in progress is not interrupted mid-call
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  const schedule::JobRunner runner = [](const std::string& job, const std::map<std::string, std::string>& options, int64_t scheduled) {
    try {
      BatchOptions batch = batch_options_of(job, options);
      // A scheduled run is a durable job of its tick when it has a checkpoint: a retry of the same
      // tick continues it (and takes back its lease at once), the next tick is a new job.
      batch.scheduled_time = std::to_string(scheduled);
      batch.run_id = job + "@" + batch.scheduled_time;
      const int code = run_batch(batch);
      if (code == kExitOk) return schedule::RunOutcome{};
      if (code == kExitTryAgain) return schedule::RunOutcome{false, "partial: chunks remain (max_seconds); the retry continues the job"};
      return schedule::RunOutcome{false, "onnxfn batch exited with " + std::to_string(code)};
    } catch (const Error& e) {
      return schedule::RunOutcome{false, std::string(to_string(e.kind())) + ": " + e.what()};
    } catch (const std::exception& e) {
      return schedule::RunOutcome{false, std::string("internal error: ") + e.what()};
    }
  };
  schedule::SystemSchedulerClock clock;
  schedule::Scheduler scheduler(std::move(config), runner, clock, log_line);
  const schedule::SchedulerStats stats = scheduler.run(g_stop, o.max_events);
  log_line("done: " + std::to_string(stats.events) + " events, " + std::to_string(stats.succeeded) + " succeeded, " +
           std::to_string(stats.dead_lettered) + " dead-lettered, " + std::to_string(stats.attempts) + " attempts");
  return kExitOk;
}

}  // namespace

void add_schedule_run_command(CLI::App& schedule_cmd, Action& action) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* run = schedule_cmd.add_subcommand("run", "Run batch jobs on their schedules (a local EventBridge Scheduler), one instance at a time");
  run->add_option("-c,--config", opts->config, "jobs.json: jobs (name, schedule, timezone, batch options, retry), dead_letter, lock")->required();
  run->add_option("--max-events", opts->max_events, "Exit after this many scheduled times were handled (default: run until stopped)");
  run->footer(
      "Example jobs.json:\n"
      "  {\"jobs\": [{\"name\": \"nightly-matching\", \"schedule\": \"cron(0 2 * * ? *)\", \"timezone\": \"Europe/London\",\n"
      "              \"batch\": {\"bundle\": \"bundle\", \"left\": \"a.csv\", \"right\": \"b.csv\",\n"
      "                        \"output\": \"out/matches-{scheduled_time}.csv\"},\n"
      "              \"retry\": {\"maximum_retry_attempts\": 3, \"maximum_event_age_seconds\": 3600}}],\n"
      "   \"dead_letter\": \"dead-letter\"}\n"
      "Failed or expired events are written to the dead-letter folder as JSON. SIGTERM lets the running\n"
      "job finish, then exits 0. A second instance with the same lock file exits 2. See docs/schedules.md.");
  run->callback([opts, &action] { action = [opts] { return run_scheduler(*opts); }; });
}

}  // namespace onnxfn::cli
