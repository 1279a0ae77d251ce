// `onnxfn tune`'s measurement: the function invoked under the emulator at each memory size with
// that size's CPU share, and the sizes priced and ranked by Lambda's model (lambda_model.h).
//
// Methods (the report names the one used):
//   cgroup  - one CPU quota group per size (cpu_quota.h) with quota = the size's share, capped by
//             this machine's CPUs; the function sees the quota and sizes its threads from it.
//   threads - no writable cpu cgroup: the function is run unlimited at 1..N threads; a size with
//             share s on k = min(vCPUs, N) threads is predicted as max(wall(k), cpu(k) / s).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tune/lambda_model.h"

namespace onnxfn::tune {

struct FunctionUnderTest {
  std::string name;                   // "onnxfn", or a name for the compared command
  std::vector<std::string> command;   // the bootstrap: {onnxfn, "lambda"} or {"/bin/sh", "-c", CMD}
  std::string task_root;              // LAMBDA_TASK_ROOT
  std::string handler;                // _HANDLER
  std::string event;                  // the event's JSON text
  int64_t predictions = 0;            // predictions per invocation (rows of the event)
};

struct TuneOptions {
  std::vector<int> memory_mb = {128, 256, 512, 1024, 1769, 2048, 3008, 4096, 10240};
  Arch arch = Arch::X86_64;
  Strategy strategy = Strategy::Cost;
  double balanced_weight = 0.5;
  int runs = 5;                       // warm invocations per size (after one cold one)
  std::string method = "auto";        // auto | cgroup | threads
  // What the cost is computed from: "measured" durations, or "cpu": each invocation's CPU time
  // over the CPUs the size can keep busy, cpu / min(share, threads) - what an otherwise idle
  // machine would show under the quota; for a shared, loaded machine where waiting for a CPU
  // would otherwise be billed as if Lambda made the function wait.
  std::string duration_basis = "measured";
  std::string emulator;               // aws-lambda-rie
  std::string work_dir;               // emulator logs
  int timeout_seconds = 900;
};

struct SizeResult {
  int memory_mb = 0;
  double cpu_share = 0;      // Lambda's CPU share for the size
  int vcpus = 0;             // vCPUs Lambda shows the function
  double emulated_cpus = 0;  // quota applied (cgroup) or threads measured at (threads)
  bool capped = false;       // the size asks for more CPUs than this machine has
  double first_ms = 0;       // the first invocation after start (init included)
  std::vector<double> durations_ms;  // warm invocations, on the report's duration basis
  double duration_ms = 0;    // median of durations_ms: what the cost is computed from
  double cpu_ms = 0;         // median CPU time of a warm invocation
  double measured_ms = 0;    // median measured duration (cgroup) or predicted from wall and CPU (threads)
  double cpu_bound_ms = 0;   // median cpu / min(share, threads): the duration on an idle machine
  bool contended = false;    // measured > 1.5 x cpu_bound_ms: the machine, not the quota, set the pace
  double peak_rss_mb = 0;
  int64_t throttled_periods = 0;  // cgroup: CFS periods the quota held the function back
  bool fits = true;
  std::string failure;       // why the size fails (peak RSS over the size, an error answer)
  int64_t billed_ms = 0;
  double cost = 0;           // USD per invocation
  double cost_per_million_predictions = 0;
};

struct Recommendation {
  Strategy strategy = Strategy::Cost;
  int memory_mb = 0;         // 0 when no size fits
};

struct SweepResult {
  std::string name;
  std::string command;
  int64_t predictions = 0;
  std::string method;        // cgroup | threads
  std::string method_note;   // how the method was chosen, the cgroup version, why cgroups were not used
  std::vector<SizeResult> sizes;
  std::vector<Recommendation> recommendations;  // cost, speed, balanced
};

struct TuneReport {
  TuneOptions options;
  int machine_cpus = 0;
  std::string machine_load;  // /proc/loadavg at the start: the timings' context
  SweepResult function;
  std::optional<SweepResult> compare;
};

// Rows of an event: the length of "records", else the first dimension of the first of "inputs"'
// shapes; 1 for other events.
int64_t predictions_in_event(const std::string& event);

SweepResult run_sweep(const FunctionUnderTest& function, const TuneOptions& options);

// Prices each size, marks failures and fills the recommendations (used by run_sweep; public for
// tests over measured figures).
void price_sweep(SweepResult& sweep, const TuneOptions& options);

// The recommendation for `strategy`, or 0.
int recommended_memory(const SweepResult& sweep, Strategy strategy);

// USD per million predictions at the cheapest size that fits, or 0 when none fits.
double cheapest_cost_per_million(const SweepResult& sweep);

}  // namespace onnxfn::tune
