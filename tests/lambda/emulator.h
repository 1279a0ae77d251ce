// The AWS Lambda Runtime Interface Emulator (aws-lambda-rie, built by scripts/install_rie.sh) as a
// test fixture: started on free loopback ports with a bootstrap and an environment, invoked one
// call at a time (overlapping calls crash it), stopped by pid. Its output (the emulator's lines and
// the bootstrap's JSON log lines) goes to a log file the tests read.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>

namespace onnxfn::testing {

// The emulator's path: ONNXFN_RIE, else .tools/bin/aws-lambda-rie in the source tree; "" if absent.
std::string emulator_path();
// ONNXFN_REQUIRE_RIE=1 (the test command sets it): a missing emulator fails instead of skipping.
bool emulator_required();

struct Invoked {
  int status = 0;
  std::string body;
};

class Emulator {
 public:
  // `env` is added to the emulator's environment (which the bootstrap inherits).
  Emulator(const std::filesystem::path& bootstrap, const std::map<std::string, std::string>& env, const std::filesystem::path& log);
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  Invoked invoke(const std::string& event, int timeout_seconds = 60) const;
  // The running bootstrap's pid (the emulator's child), or 0 when none runs.
  pid_t bootstrap_pid() const;
  std::string log() const;

 private:
  pid_t pid_ = 0;
  int port_ = 0;
  std::filesystem::path log_;
};

std::filesystem::path lambda_temp_dir(const std::string& name);
std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);

// The committed product-matching bundle, and records in its input layout.
std::filesystem::path product_bundle();
// A JSON object for one pair: left/right titles, brands and prices as given (description null).
std::string pair_record(const std::string& left_id, const std::string& right_id, const std::string& left_title,
                        const std::string& right_title);
// Product tables in the bundle's layout (id,title,description,brand,price) with `rows` rows each,
// and a pairs file of `pairs` pairs over them.
void write_product_tables(const std::filesystem::path& dir, size_t rows, size_t pairs);

}  // namespace onnxfn::testing
