// The local scheduler loop (see scheduler.h). Between events it sleeps; at an event it runs the
// job, retrying with doubling backoff until it succeeds, the retries are used up, or the event is
// older than its maximum age; what does not succeed is written to the dead-letter folder as one
// JSON file, atomically (temp file + rename), so nothing fails silently.
#include "schedule/scheduler.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/error.h"
#include "schedule/next_times.h"

namespace onnxfn::schedule {
namespace {

// The first time of `job` at or after `from`; INT64_MIN when there is none.
int64_t first_time(const JobSpec& job, int64_t from) {
  const std::vector<int64_t> t = next_times(job.expression, from, 1, job.zone);
  return t.empty() ? INT64_MIN : t.front();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

}  // namespace

std::string compact_utc(int64_t utc) {
  const CivilTime t = civil_from_seconds(utc);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", t.year, t.month, t.day, t.hour, t.minute, t.second);
  return buf;
}

int64_t SystemSchedulerClock::now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool SystemSchedulerClock::sleep_until(double utc, const std::atomic<bool>& stop) {
  using namespace std::chrono;
  while (!stop.load()) {
    const double left = utc - duration<double>(system_clock::now().time_since_epoch()).count();
    if (left <= 0) return true;
    std::this_thread::sleep_for(duration<double>(std::min(left, 0.2)));
  }
  return false;
}

Scheduler::Scheduler(SchedulerConfig config, JobRunner runner, SchedulerClock& clock, Log log)
    : config_(std::move(config)), runner_(std::move(runner)), clock_(clock), log_(std::move(log)) {}

SchedulerStats Scheduler::run(const std::atomic<bool>& stop, size_t max_events) {
  SchedulerStats stats;
  const int64_t start = clock_.now();
  std::vector<int64_t> next(config_.jobs.size());
  for (size_t j = 0; j < config_.jobs.size(); ++j) {
    next[j] = first_time(config_.jobs[j], start);
    log_("job " + config_.jobs[j].name + ": " + config_.jobs[j].expression.text + " in " + config_.jobs[j].zone.name() + ", next " +
         (next[j] == INT64_MIN ? std::string("never (no time left)") : format_with_offset(next[j], 0)));
  }
  while (!stop.load() && (max_events == 0 || stats.events < max_events)) {
    size_t due = config_.jobs.size();
    for (size_t j = 0; j < next.size(); ++j)
      if (next[j] != INT64_MIN && (due == next.size() || next[j] < next[due])) due = j;
    if (due == next.size()) {
      log_("no job has a scheduled time left; stopping");
      break;
    }
    if (!clock_.sleep_until(static_cast<double>(next[due]), stop)) break;
    const JobSpec& job = config_.jobs[due];
    const int64_t scheduled = next[due];
    // Rates advance by their period from the last time; cron from the next minute on.
    next[due] = job.expression.kind == Expression::Kind::Rate ? scheduled + job.expression.rate.period_seconds()
                : job.expression.kind == Expression::Kind::At ? INT64_MIN
                                                             : first_time(job, scheduled + 1);
    handle(job, scheduled, stop, stats);
    ++stats.events;
  }
  if (stop.load()) log_("stop requested: exiting after the current run");
  return stats;
}

void Scheduler::handle(const JobSpec& job, int64_t scheduled, const std::atomic<bool>& stop, SchedulerStats& stats) {
  std::map<std::string, std::string> options = job.batch;
  for (auto& [key, value] : options) value = replace_all(value, "{scheduled_time}", compact_utc(scheduled));
  const std::string event = "job " + job.name + " at " + format_with_offset(scheduled, 0);
  std::string last_error;
  int attempt = 0;
  while (true) {
    // EventBridge drops (to the dead-letter queue) an event older than its maximum age, first
    // attempt included: a scheduler that was busy does not run stale events.
    const int64_t age = clock_.now() - scheduled;
    if (age > job.retry.maximum_event_age_seconds) {
      log_(event + ": older than its maximum event age (" + std::to_string(job.retry.maximum_event_age_seconds) + " s): dead-lettered");
      dead_letter(job, scheduled, attempt, "maximum event age exceeded", last_error);
      ++stats.dead_lettered;
      return;
    }
    ++attempt;
    ++stats.attempts;
    RunOutcome outcome;
    try {
      outcome = runner_(job.name, options, scheduled);
    } catch (const std::exception& e) {  // the contract says no throw; a bug must still not end the scheduler
      outcome = {false, std::string("internal error: ") + e.what()};
    }
    if (outcome.ok) {
      log_(event + ": attempt " + std::to_string(attempt) + " ok");
      ++stats.succeeded;
      return;
    }
    last_error = outcome.error;
    log_(event + ": attempt " + std::to_string(attempt) + " failed: " + last_error);
    if (attempt > job.retry.maximum_retry_attempts) {
      dead_letter(job, scheduled, attempt, "maximum retry attempts reached", last_error);
      ++stats.dead_lettered;
      return;
    }
    const double wait = std::min(job.retry.backoff_seconds * std::pow(2.0, attempt - 1), job.retry.maximum_backoff_seconds);
    if (!clock_.sleep_until(static_cast<double>(clock_.now()) + wait, stop)) {
      dead_letter(job, scheduled, attempt, "scheduler stopped before the next retry", last_error);
      ++stats.dead_lettered;
      return;
    }
  }
}

void Scheduler::dead_letter(const JobSpec& job, int64_t scheduled, int attempts, const std::string& reason, const std::string& last_error) {
  namespace fs = std::filesystem;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto str = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  str("job", job.name);
  str("schedule", job.expression.text);
  str("timezone", job.zone.name());
  str("scheduled_time", format_with_offset(scheduled, 0));
  str("dead_lettered_at", format_with_offset(clock_.now(), 0));
  str("reason", reason);
  w.Key("attempts");
  w.Int(attempts);
  str("last_error", last_error);
  w.Key("batch");
  w.StartObject();
  for (const auto& [key, value] : job.batch) str(key.c_str(), value);
  w.EndObject();
  w.EndObject();
  const fs::path dir = config_.dead_letter_dir;
  const fs::path file = dir / (job.name + "-" + compact_utc(scheduled) + ".json");
  const fs::path temp = dir / ("." + file.filename().string() + ".tmp");
  try {
    fs::create_directories(dir);
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out << buffer.GetString() << "\n";
      out.close();
      if (!out) throw_error(ErrorKind::Internal, "cannot write " + temp.string());
    }
    fs::rename(temp, file);
    log_("dead letter: " + file.string());
  } catch (const std::exception& e) {
    // The event is still reported on the log; the scheduler goes on with the next one.
    log_("dead letter for job " + job.name + " could not be written to " + dir.string() + ": " + e.what() + "; event: " + buffer.GetString());
  }
}

}  // namespace onnxfn::schedule
