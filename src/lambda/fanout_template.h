// The Step Functions fan-out of `onnxfn package --fanout`: SAM template pieces for a Distributed
// Map that lists an S3 prefix and invokes the function once per object, each a durable pair job.
#pragma once

#include <string>

namespace onnxfn::lambda {

// Distributed Map child executions run at most 10,000 at once.
inline constexpr int kMaxFanoutConcurrency = 10000;

// What `--fanout` adds to template.yaml; each piece is YAML at the indentation of where it goes.
struct FanoutTemplate {
  std::string parameters;         // the Parameters section (whole, with its key)
  std::string function_policies;  // under the function's Properties: S3 access for the jobs it runs
  std::string resources;          // under Resources: the state machine
  std::string outputs;            // entries under Outputs
};

// `function_name` names the state machine (<name>-fanout, which its own policy refers to).
FanoutTemplate fanout_template(const std::string& function_name, int max_concurrency);

}  // namespace onnxfn::lambda
