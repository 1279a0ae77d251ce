// jobs.json: a full config, defaults, and errors that name the file, the job and the field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "schedule/scheduler_config.h"

namespace onnxfn::schedule {
namespace {

std::string config_error(const std::string& json) {
  try {
    (void)parse_scheduler_config(json, "jobs.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    return e.what();
  }
  return "";
}

TEST(SchedulerConfig, reads_jobs_with_zones_batch_options_and_retry_policies) {
  const SchedulerConfig c = parse_scheduler_config(R"j({
    "dead_letter": "dlq", "lock": "run.lock",
    "jobs": [
      {"name": "nightly-matching", "schedule": "cron(0 2 * * ? *)", "timezone": "Europe/London",
       "batch": {"bundle": "bundle", "left": "a.csv", "right": "b.csv", "output": "out-{scheduled_time}.csv", "all": true, "chunk_size": 5000},
       "retry": {"maximum_retry_attempts": 3, "maximum_event_age_seconds": 3600, "backoff_seconds": 2.5, "maximum_backoff_seconds": 60}},
      {"name": "hourly", "schedule": "rate(1 hour)", "batch": {"bundle": "b2"}},  // comments and trailing commas are fine
    ]})j",
                                                   "jobs.json");
  EXPECT_EQ(c.dead_letter_dir, "dlq");
  EXPECT_EQ(c.lock_path, "run.lock");
  ASSERT_EQ(c.jobs.size(), 2u);
  const JobSpec& n = c.jobs[0];
  EXPECT_EQ(n.name, "nightly-matching");
  EXPECT_EQ(n.expression.kind, Expression::Kind::Cron);
  EXPECT_EQ(n.zone.name(), "Europe/London");
  EXPECT_EQ(n.batch.at("all"), "true");
  EXPECT_EQ(n.batch.at("chunk_size"), "5000");
  EXPECT_EQ(n.batch.at("output"), "out-{scheduled_time}.csv");
  EXPECT_EQ(n.retry.maximum_retry_attempts, 3);
  EXPECT_EQ(n.retry.maximum_event_age_seconds, 3600);
  EXPECT_EQ(n.retry.backoff_seconds, 2.5);
  EXPECT_EQ(n.retry.maximum_backoff_seconds, 60);
  // EventBridge Scheduler's defaults: 185 retries, 24 hours.
  EXPECT_EQ(c.jobs[1].retry.maximum_retry_attempts, 185);
  EXPECT_EQ(c.jobs[1].retry.maximum_event_age_seconds, 86400);
  EXPECT_EQ(c.jobs[1].zone.name(), "UTC");
}

TEST(SchedulerConfig, defaults_the_dead_letter_folder_and_lock_beside_the_file) {
  const std::string dir = ::testing::TempDir() + "/onnxfn_sched_cfg_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/jobs.json") << R"j({"jobs": [{"name": "a", "schedule": "rate(5 minutes)", "batch": {}}]})j";
  const SchedulerConfig c = load_scheduler_config(dir + "/jobs.json");
  EXPECT_EQ(c.dead_letter_dir, dir + "/dead-letter");
  EXPECT_EQ(c.lock_path, dir + "/jobs.json.lock");
}

TEST(SchedulerConfig, names_the_job_and_field_in_errors) {
  const std::string pre = R"j({"jobs": [{"name": "a", "schedule": "rate(5 minutes)", "batch": {}}, )j";
  EXPECT_EQ(config_error(pre + R"j({"name": "nightly", "schedule": "cron(0 10 ? * 8 *)", "batch": {}}]})j"),
            "jobs.json: jobs[1] ('nightly'): cron day-of-week field '8': 8 is out of range 1-7 (or SUN-SAT)");
  EXPECT_NE(config_error(pre + R"j({"name": "nightly", "schedule": "rate(1 hour)", "timezone": "Mars/Base", "batch": {}}]})j")
                .find("jobs.json: jobs[1] ('nightly'): time zone 'Mars/Base': unknown zone"),
            std::string::npos);
  EXPECT_EQ(config_error(pre + R"j({"name": "a", "schedule": "rate(1 hour)", "batch": {}}]})j"), "jobs.json: jobs[1].name: 'a' names two jobs");
  EXPECT_EQ(config_error(pre + R"j({"name": "a b", "schedule": "rate(1 hour)", "batch": {}}]})j"),
            "jobs.json: jobs[1].name: 'a b' must be 1-64 characters of A-Z a-z 0-9 _ - .");
  EXPECT_EQ(config_error(pre + R"j({"name": "x", "schedule": "rate(1 hour)", "batch": {}, "retry": {"maximum_retry_attempts": 186}}]})j"),
            "jobs.json: jobs[1] ('x').retry.maximum_retry_attempts: must be a number from 0 to 185");
  EXPECT_EQ(config_error(pre + R"j({"name": "x", "schedule": "rate(1 hour)", "batch": {}, "retry": {"maximum_event_age_seconds": 30}}]})j"),
            "jobs.json: jobs[1] ('x').retry.maximum_event_age_seconds: must be a number from 60 to 86400");
  EXPECT_EQ(config_error(pre + R"j({"name": "x", "schedule": "rate(1 hour)", "batch": {"left": 1.5}}]})j"),
            "jobs.json: jobs[1] ('x').batch.left: must be a string, a whole number or true/false");
  EXPECT_EQ(config_error(pre + R"j({"name": "x", "schedule": "rate(1 hour)", "batch": {}, "when": 1}]})j"),
            "jobs.json: jobs[1]: unknown key 'when' (known: name, schedule, timezone, batch, retry)");
  EXPECT_EQ(config_error(pre + R"j({"name": "x", "batch": {}}]})j"), "jobs.json: jobs[1] ('x'): needs a \"schedule\" (cron(...), rate(...) or at(...))");
  EXPECT_EQ(config_error(R"j({"jobs": []})j"), "jobs.json: jobs: must be a non-empty array of jobs");
  EXPECT_EQ(config_error(R"j({"jobs": [)j"), "jobs.json: invalid JSON at byte 10: Invalid value.");
  EXPECT_EQ(config_error("[1]"), "jobs.json: top level: must be an object with \"jobs\"");
}

}  // namespace
}  // namespace onnxfn::schedule
