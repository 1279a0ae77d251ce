// Test fixture: a real S3-compatible server (versitygw, posix backend) on a free loopback port,
// started per test process, waited for, and stopped by pid.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "storage/s3_client.h"

namespace onnxfn::storage::testing {

class VersityGw {
 public:
  // Starts the server; returns nullptr and sets WHY_NOT when the binary is absent or does not
  // come up. The binary: $ONNXFN_VERSITYGW, else .tools/bin/versitygw in the source tree, else
  // ~/go/bin/versitygw.
  static std::unique_ptr<VersityGw> start(std::string& why_not);
  ~VersityGw();

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  S3Config config(const std::string& access = kAccess, const std::string& secret = kSecret) const;

  static constexpr const char* kAccess = "onnxfn-test-key";
  static constexpr const char* kSecret = "onnxfn-test-secret";

 private:
  VersityGw() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

// true when the test command demands the S3 tests (ONNXFN_REQUIRE_S3=1): an absent server then
// fails the tests instead of skipping them.
bool s3_tests_required();


}  // namespace onnxfn::storage::testing
