// `onnxfn schedule next` through the binary: text and JSON output, time zones, --from forms,
// exit codes and messages.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/zoo.h"

namespace onnxfn {
namespace {

struct Result {
  int code;
  std::string out, err;
};

Result onnxfn_schedule(const std::string& args) {
  const std::string errfile = ::testing::TempDir() + "/schedule_cli_stderr_" + std::to_string(::getpid()) + ".txt";
  Result r;
  r.code = testing::run_command(std::string(ONNXFN_BINARY) + " schedule " + args + " 2>" + errfile, &r.out);
  std::ifstream in(errfile);
  r.err.assign(std::istreambuf_iterator<char>(in), {});
  return r;
}

TEST(ScheduleCli, prints_the_next_times_in_utc) {
  const Result r = onnxfn_schedule("next 'cron(0 18 ? * MON-FRI *)' --from 2026-12-11T17:00:00Z --count 3");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "2026-12-11T18:00:00Z\n2026-12-14T18:00:00Z\n2026-12-15T18:00:00Z\n");
}

TEST(ScheduleCli, prints_local_times_with_offsets_across_fall_back) {
  const Result r = onnxfn_schedule("next 'cron(0/30 1 * * ? *)' --tz America/New_York --from 2026-11-01T00:00 -n 3");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "2026-11-01T01:00:00-04:00  EDT  (2026-11-01T05:00:00Z)\n"
            "2026-11-01T01:30:00-04:00  EDT  (2026-11-01T05:30:00Z)\n"
            "2026-11-02T01:00:00-05:00  EST  (2026-11-02T06:00:00Z)\n");
}

TEST(ScheduleCli, writes_json) {
  const Result r = onnxfn_schedule("next 'rate(12 hours)' --tz Australia/Sydney --from 2026-10-03T12:00:00+10:00 --count 3 --json");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"expression\":\"rate(12 hours)\",\"timezone\":\"Australia/Sydney\",\"from\":\"2026-10-03T02:00:00Z\",\"times\":["
            "{\"utc\":\"2026-10-03T02:00:00Z\",\"local\":\"2026-10-03T12:00:00+10:00\",\"abbreviation\":\"AEST\"},"
            "{\"utc\":\"2026-10-03T14:00:00Z\",\"local\":\"2026-10-04T00:00:00+10:00\",\"abbreviation\":\"AEST\"},"
            "{\"utc\":\"2026-10-04T02:00:00Z\",\"local\":\"2026-10-04T13:00:00+11:00\",\"abbreviation\":\"AEDT\"}]}\n");
}

TEST(ScheduleCli, reports_bad_expressions_zones_and_times_with_exit_2) {
  Result r = onnxfn_schedule("next 'cron(0 10 ? * 8 *)'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cron day-of-week field '8': 8 is out of range 1-7 (or SUN-SAT)"), std::string::npos) << r.err;
  r = onnxfn_schedule("next 'rate(1 minutes)'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("a value of 1 takes the singular unit 'minute'"), std::string::npos) << r.err;
  r = onnxfn_schedule("next 'cron(0 10 * * ? *)' --tz Mars/Base");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("time zone 'Mars/Base': unknown zone"), std::string::npos) << r.err;
  r = onnxfn_schedule("next 'cron(0 10 * * ? *)' --from yesterday");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--from 'yesterday'"), std::string::npos) << r.err;
  r = onnxfn_schedule("next 'cron(0 10 * * ? *)' --count 0");
  EXPECT_EQ(r.code, 2);
}

TEST(ScheduleCli, says_when_an_expression_does_not_fire_again) {
  const Result r = onnxfn_schedule("next 'at(2020-01-01T00:00:00)' --from 2026-01-01T00:00Z");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("does not fire at or after 2026-01-01T00:00:00Z"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace onnxfn
