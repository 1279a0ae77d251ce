// `onnxfn package`: a bundle (or model) and the binary as a Lambda deployment: function.zip,
// a SAM template.yaml and a Serverless Framework v3 serverless.yml. Everything is validated
// before anything is written: memory, timeout, schedule expression and job, the binary's
// architecture, and the zipped / unzipped sizes against Lambda's 50 MB / 250 MB limits.
#pragma once

#include <cstdint>
#include <string>

#include "pipeline/reference_set.h"

namespace onnxfn::lambda {

inline constexpr uint64_t kMaxZippedBytes = 50ull * 1024 * 1024;     // direct upload
inline constexpr uint64_t kMaxUnzippedBytes = 250ull * 1024 * 1024;  // function + layers, unzipped

struct PackageOptions {
  std::string bundle;             // folder, .zip or .onnx
  std::string out;                // folder for function.zip, template.yaml, serverless.yml
  std::string arch = "x86_64";    // x86_64 | arm64
  std::string binary;             // the bootstrap; default: this binary, when it is built for `arch`
  int memory_mb = 1024;
  int timeout_s = 60;
  std::string schedule;           // EventBridge Scheduler expression (ScheduleV2 event)
  std::string job_file;           // the job each scheduled firing runs (JSON)
  bool http = false;              // an HTTP API (API Gateway v2) event
  // A Step Functions Distributed Map over an S3 prefix in template.yaml (lambda/fanout_template.h):
  // one durable pair job per object, at most `fanout_concurrency` at once (the default stays well
  // under an account's default 1,000 concurrent Lambda invocations).
  bool fanout = false;
  int fanout_concurrency = 50;
  std::string name;               // function / service name; default from the bundle's name
};

struct PackageResult {
  std::string zip_path, sam_path, serverless_path;
  uint64_t zipped = 0, unzipped = 0;
  std::string handler;            // the bundle's path inside the zip
  std::string parity;             // the reference set's verdict, or why there is none
};

// One line: "verify: 100 reference records (scikit-learn ...): probability max |diff| 8.6e-08 at record 12
// (tolerance 1e-05), labels 100 of 100 agree: OK" (or "DISAGREES").
std::string describe_reference_report(const pipeline::ReferenceReport& report);

// BadInput naming the option and its range for a bad value (nothing is written then).
void validate_package_options(const PackageOptions& options);
PackageResult package_function(const PackageOptions& options);

// ELF machine of a file: "x86_64", "arm64", or "" when it is not an ELF executable we know.
std::string elf_architecture(const std::string& path);

}  // namespace onnxfn::lambda
