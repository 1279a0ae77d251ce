// The local scheduler behind `onnxfn schedule run`: fires each job of a SchedulerConfig at its
// expression's times and runs it through a JobRunner, with EventBridge Scheduler's retry policy
// (maximum retry attempts, maximum event age) plus exponential backoff, and a dead-letter folder
// for events that fail or expire. Jobs run one at a time; a stop request (SIGTERM) lets the
// current run finish and then ends the loop. Clock and runner are injected so tests run on a
// simulated clock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "schedule/scheduler_config.h"

namespace onnxfn::schedule {

struct RunOutcome {
  bool ok = true;
  std::string error;  // when !ok
};

// Runs one scheduled job: its name, its batch options ({scheduled_time} already replaced) and
// the scheduled instant (UTC seconds). Must not throw; the CLI wires it to `onnxfn batch`.
using JobRunner = std::function<RunOutcome(const std::string& job, const std::map<std::string, std::string>& batch_options, int64_t scheduled_utc)>;

class SchedulerClock {
 public:
  virtual ~SchedulerClock() = default;
  virtual int64_t now() = 0;  // UTC seconds
  // Waits until `utc` (or returns at once if it has passed); false when `stop` was set first.
  virtual bool sleep_until(double utc, const std::atomic<bool>& stop) = 0;
};

// The wall clock; sleeps in slices of at most 200 ms so a stop request is seen promptly.
class SystemSchedulerClock : public SchedulerClock {
 public:
  int64_t now() override;
  bool sleep_until(double utc, const std::atomic<bool>& stop) override;
};

struct SchedulerStats {
  size_t events = 0;        // scheduled times handled
  size_t succeeded = 0;
  size_t dead_lettered = 0;
  size_t attempts = 0;
};

class Scheduler {
 public:
  using Log = std::function<void(const std::string&)>;
  Scheduler(SchedulerConfig config, JobRunner runner, SchedulerClock& clock, Log log);

  // Runs until `stop` is set, no job has a time left, or `max_events` events were handled
  // (0: no limit). Rate schedules count from the moment run() starts (their creation).
  SchedulerStats run(const std::atomic<bool>& stop, size_t max_events = 0);

 private:
  void handle(const JobSpec& job, int64_t scheduled, const std::atomic<bool>& stop, SchedulerStats& stats);
  void dead_letter(const JobSpec& job, int64_t scheduled, int attempts, const std::string& reason, const std::string& last_error);

  SchedulerConfig config_;
  JobRunner runner_;
  SchedulerClock& clock_;
  Log log_;
};

// "20261207T020000Z": the scheduled time as it appears in {scheduled_time} and file names.
std::string compact_utc(int64_t utc);

}  // namespace onnxfn::schedule
