// The custom runtime: `onnxfn lambda`, or the binary run as `bootstrap` (provided.al2023). Loads
// the bundle or model once at init, then loops over invocations from the Runtime API until Lambda
// stops the process. Logs one JSON line per invocation to stdout (CloudWatch Logs).
#pragma once

#include <string>

namespace onnxfn::lambda {

struct RuntimeSettings {
  std::string runtime_api;   // AWS_LAMBDA_RUNTIME_API (host:port)
  std::string task_root;     // LAMBDA_TASK_ROOT, else the binary's folder
  std::string handler;       // _HANDLER: the bundle or model, relative to the task root; "" = the one beside the binary
  std::string default_job;   // ONNXFN_JOB: the job a scheduled event without one runs
  int memory_mb = 0;         // AWS_LAMBDA_FUNCTION_MEMORY_SIZE
};

// From the environment Lambda sets.
RuntimeSettings settings_from_environment();

// The bundle or model to load: the handler under the task root, else the one bundle folder
// (a folder with pipeline.json), bundle .zip or .onnx file in the task root. BadInput naming
// what was found when it is not exactly one.
std::string locate_model(const RuntimeSettings& settings);

// Threads for the model: the CPUs this process may use, capped by the vCPUs Lambda gives the
// function's memory size (one per 1,769 MB, at most 6).
int lambda_threads(int memory_mb);

// Runs until the Runtime API goes away; returns the process's exit code (init failures: after
// reporting them to /runtime/init/error).
int run_runtime(const RuntimeSettings& settings);

}  // namespace onnxfn::lambda
