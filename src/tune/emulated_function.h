// One function under the AWS Lambda Runtime Interface Emulator (aws-lambda-rie): the bootstrap
// started the way Lambda starts it (the Runtime API, the environment, the event over HTTP), so
// the sweep times the work a deployed function does. Optionally inside a CPU quota group: a
// shell wrapper writes its pid to the group's cgroup.procs and execs the bootstrap, so the
// function is limited and the emulator (Lambda's side of the Runtime API) is not.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace onnxfn::tune {

// The emulator to run: `given` if set, else $ONNXFN_RIE, else aws-lambda-rie on PATH, else
// .tools/bin/aws-lambda-rie under the current folder; BadInput naming what was tried.
std::string find_emulator(const std::string& given);

struct FunctionSpec {
  std::string emulator;                     // aws-lambda-rie
  std::vector<std::string> command;         // the bootstrap and its arguments
  std::map<std::string, std::string> env;   // added to the emulator's (and so the bootstrap's) environment
  std::string cpu_group_procs;              // cgroup.procs of the quota group to join, or "" for none
  std::string log_path;                     // the emulator's and the function's output
  std::string cwd;                          // the function's working folder (Lambda: the task root)
};

struct Invocation {
  bool ok = false;           // HTTP 200 and no Lambda error payload
  std::string body;          // the answer (or the error)
  double duration_ms = 0;    // the emulator's REPORT Duration (what Lambda bills), else client time
  double client_ms = 0;      // request to answer, seen by the caller
  double cpu_ms = 0;         // CPU time the function's processes used during the call
};

class EmulatedFunction {
 public:
  explicit EmulatedFunction(FunctionSpec spec);
  ~EmulatedFunction();
  EmulatedFunction(const EmulatedFunction&) = delete;
  EmulatedFunction& operator=(const EmulatedFunction&) = delete;

  // One call at a time (the emulator crashes on overlapping calls).
  Invocation invoke(const std::string& event, int timeout_seconds);
  // Peak resident memory of the function's processes so far (sum of their VmHWM), in MB: what
  // Lambda reports as Max Memory Used.
  double peak_rss_mb() const;

 private:
  std::vector<pid_t> function_processes() const;
  double cpu_ms_now() const;
  double reported_duration(size_t nth) const;

  FunctionSpec spec_;
  pid_t pid_ = 0;
  int port_ = 0;
  size_t invocations_ = 0;
};

}  // namespace onnxfn::tune
