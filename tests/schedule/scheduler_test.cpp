// The scheduler loop on a simulated clock: firing order, {scheduled_time}, rate anchoring,
// retries with doubling backoff, maximum event age, dead letters, and stop requests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "schedule/next_times.h"
#include "schedule/scheduler.h"

namespace onnxfn::schedule {
namespace {

namespace fs = std::filesystem;

int64_t at(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) { return seconds_from_civil({y, mo, d, h, mi, s}); }

class FakeClock : public SchedulerClock {
 public:
  explicit FakeClock(double start) : now_(start) {}
  int64_t now() override { return static_cast<int64_t>(now_); }
  bool sleep_until(double utc, const std::atomic<bool>& stop) override {
    if (stop.load()) return false;
    sleeps.push_back(utc);
    if (utc > now_) now_ = utc;
    return true;
  }
  void advance(double seconds) { now_ += seconds; }
  double now_;
  std::vector<double> sleeps;
};

struct Call {
  std::string job;
  int64_t scheduled;
  int64_t at;
  std::map<std::string, std::string> options;
};

JobSpec job(const std::string& name, const std::string& expr, const std::string& zone = "UTC") {
  JobSpec j;
  j.name = name;
  j.expression = parse_expression(expr);
  j.zone = TimeZone::load(zone);
  j.batch = {{"output", "out/" + name + "-{scheduled_time}.csv"}, {"bundle", "b"}};
  return j;
}

struct Harness {
  SchedulerConfig config;
  FakeClock clock;
  std::vector<Call> calls;
  std::vector<std::string> log;
  std::atomic<bool> stop{false};
  std::function<RunOutcome(const Call&)> behaviour = [](const Call&) { return RunOutcome{}; };

  explicit Harness(int64_t start, const std::string& name) : clock(static_cast<double>(start)) {
    config.dead_letter_dir = ::testing::TempDir() + "/onnxfn_scheduler_" + std::to_string(::getpid()) + "_" + name;
    fs::remove_all(config.dead_letter_dir);
  }
  SchedulerStats run(size_t max_events) {
    Scheduler s(config,
                [this](const std::string& j, const std::map<std::string, std::string>& o, int64_t scheduled) {
                  calls.push_back({j, scheduled, clock.now(), o});
                  return behaviour(calls.back());
                },
                clock, [this](const std::string& m) { log.push_back(m); });
    return s.run(stop, max_events);
  }
  std::vector<std::string> dead_letters() const {
    std::vector<std::string> out;
    if (!fs::exists(config.dead_letter_dir)) return out;
    for (const auto& e : fs::directory_iterator(config.dead_letter_dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string dead_letter(const std::string& file) const {
    std::ifstream in(fs::path(config.dead_letter_dir) / file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST(Scheduler, fires_jobs_in_time_order_with_the_scheduled_time_in_their_options) {
  Harness h(at(2026, 12, 7, 1, 22, 17), "order");
  h.config.jobs = {job("quarter", "cron(0/15 * * * ? *)"), job("hourly", "rate(1 hour)")};
  const SchedulerStats stats = h.run(6);
  ASSERT_EQ(h.calls.size(), 6u);
  const std::vector<std::pair<std::string, int64_t>> expected = {
      {"hourly", at(2026, 12, 7, 1, 22, 17)},  // a rate starts when the scheduler does
      {"quarter", at(2026, 12, 7, 1, 30)}, {"quarter", at(2026, 12, 7, 1, 45)}, {"quarter", at(2026, 12, 7, 2, 0)},
      {"quarter", at(2026, 12, 7, 2, 15)}, {"hourly", at(2026, 12, 7, 2, 22, 17)}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(h.calls[i].job, expected[i].first) << i;
    EXPECT_EQ(h.calls[i].scheduled, expected[i].second) << i;
    EXPECT_EQ(h.calls[i].at, expected[i].second) << i;  // the clock was slept to the time
  }
  EXPECT_EQ(h.calls[1].options.at("output"), "out/quarter-20261207T013000Z.csv");
  EXPECT_EQ(h.calls[1].options.at("bundle"), "b");
  EXPECT_EQ(stats.events, 6u);
  EXPECT_EQ(stats.succeeded, 6u);
  EXPECT_TRUE(h.dead_letters().empty());
}

TEST(Scheduler, follows_dst_in_the_jobs_time_zone) {
  Harness h(at(2026, 3, 7, 0), "dst");
  h.config.jobs = {job("night", "cron(30 2 * * ? *)", "America/New_York")};
  h.run(2);
  ASSERT_EQ(h.calls.size(), 2u);
  EXPECT_EQ(h.calls[0].scheduled, at(2026, 3, 7, 7, 30));  // 02:30 EST
  EXPECT_EQ(h.calls[1].scheduled, at(2026, 3, 9, 6, 30));  // 02:30 EDT; 8 March has no 02:30
}

TEST(Scheduler, retries_with_doubling_backoff_until_the_job_succeeds) {
  Harness h(at(2026, 12, 7, 1, 0), "retry");
  h.config.jobs = {job("flaky", "cron(0 2 * * ? *)")};
  h.config.jobs[0].retry.backoff_seconds = 10;
  int failures = 2;
  h.behaviour = [&](const Call&) { return failures-- > 0 ? RunOutcome{false, "disk on fire"} : RunOutcome{}; };
  const SchedulerStats stats = h.run(1);
  ASSERT_EQ(h.calls.size(), 3u);
  EXPECT_EQ(h.calls[0].at, at(2026, 12, 7, 2, 0));
  EXPECT_EQ(h.calls[1].at, at(2026, 12, 7, 2, 0, 10));
  EXPECT_EQ(h.calls[2].at, at(2026, 12, 7, 2, 0, 30));
  EXPECT_EQ(stats.attempts, 3u);
  EXPECT_EQ(stats.succeeded, 1u);
  EXPECT_TRUE(h.dead_letters().empty());
}

TEST(Scheduler, dead_letters_an_event_whose_retries_are_used_up) {
  Harness h(at(2026, 12, 7, 1, 0), "exhausted");
  h.config.jobs = {job("broken", "cron(0 2 * * ? *)")};
  h.config.jobs[0].retry.maximum_retry_attempts = 2;
  h.config.jobs[0].retry.backoff_seconds = 1;
  h.behaviour = [](const Call&) { return RunOutcome{false, "bad input: no such file \"left.csv\""}; };
  const SchedulerStats stats = h.run(1);
  EXPECT_EQ(h.calls.size(), 3u);  // the first attempt and two retries
  EXPECT_EQ(stats.dead_lettered, 1u);
  ASSERT_EQ(h.dead_letters(), std::vector<std::string>{"broken-20261207T020000Z.json"});
  EXPECT_EQ(h.dead_letter("broken-20261207T020000Z.json"),
            "{\"job\":\"broken\",\"schedule\":\"cron(0 2 * * ? *)\",\"timezone\":\"UTC\",\"scheduled_time\":\"2026-12-07T02:00:00Z\","
            "\"dead_lettered_at\":\"2026-12-07T02:00:03Z\",\"reason\":\"maximum retry attempts reached\",\"attempts\":3,"
            "\"last_error\":\"bad input: no such file \\\"left.csv\\\"\",\"batch\":{\"bundle\":\"b\",\"output\":\"out/broken-{scheduled_time}.csv\"}}\n");
}

TEST(Scheduler, stops_retrying_when_the_event_is_older_than_its_maximum_age) {
  Harness h(at(2026, 12, 7, 1, 0), "age");
  h.config.jobs = {job("slow", "cron(0 2 * * ? *)")};
  h.config.jobs[0].retry.maximum_event_age_seconds = 120;
  h.config.jobs[0].retry.backoff_seconds = 100;
  h.behaviour = [](const Call&) { return RunOutcome{false, "throttled"}; };
  h.run(1);
  EXPECT_EQ(h.calls.size(), 2u);  // at 02:00:00 and 02:01:40; the next retry would be at 02:05:00
  const std::string letter = h.dead_letter("slow-20261207T020000Z.json");
  EXPECT_NE(letter.find("\"reason\":\"maximum event age exceeded\",\"attempts\":2,\"last_error\":\"throttled\""), std::string::npos) << letter;
}

TEST(Scheduler, skips_events_that_expired_while_another_job_ran) {
  Harness h(at(2026, 12, 7, 1, 59), "expired");
  h.config.jobs = {job("long", "cron(0 2 * * ? *)"), job("minutely", "cron(* * * * ? *)")};
  h.config.jobs[1].retry.maximum_event_age_seconds = 60;
  h.behaviour = [&](const Call& c) {
    if (c.job == "long") h.clock.advance(150);  // runs two and a half minutes
    return RunOutcome{};
  };
  const SchedulerStats stats = h.run(5);
  // 01:59 minutely; 02:00 long (ends 02:02:30) and minutely 02:00 (150 s old: expired); 02:01 (90 s: expired);
  // 02:02 (30 s old: runs).
  ASSERT_EQ(h.calls.size(), 3u);
  EXPECT_EQ(h.calls[2].job, "minutely");
  EXPECT_EQ(h.calls[2].scheduled, at(2026, 12, 7, 2, 2));
  EXPECT_EQ(stats.dead_lettered, 2u);
  EXPECT_EQ(h.dead_letters(), (std::vector<std::string>{"minutely-20261207T020000Z.json", "minutely-20261207T020100Z.json"}));
  EXPECT_NE(h.dead_letter("minutely-20261207T020100Z.json").find("\"attempts\":0"), std::string::npos);
}

TEST(Scheduler, finishes_the_running_job_when_asked_to_stop) {
  Harness h(at(2026, 12, 7, 1, 0), "stop");
  h.config.jobs = {job("nightly", "rate(5 minutes)")};
  h.behaviour = [&](const Call&) {
    h.stop = true;  // SIGTERM arrives while the job runs
    return RunOutcome{};
  };
  const SchedulerStats stats = h.run(0);
  EXPECT_EQ(h.calls.size(), 1u);
  EXPECT_EQ(stats.succeeded, 1u);
  EXPECT_EQ(h.log.back(), "stop requested: exiting after the current run");
}

TEST(Scheduler, dead_letters_a_failed_event_when_stopped_before_its_retry) {
  Harness h(at(2026, 12, 7, 1, 0), "stop_retry");
  h.config.jobs = {job("flaky", "rate(5 minutes)")};
  h.behaviour = [&](const Call&) {
    h.stop = true;
    return RunOutcome{false, "timeout"};
  };
  h.run(0);
  EXPECT_EQ(h.calls.size(), 1u);
  EXPECT_NE(h.dead_letter("flaky-20261207T010000Z.json").find("\"reason\":\"scheduler stopped before the next retry\""), std::string::npos);
}

TEST(Scheduler, ends_when_no_job_has_a_time_left) {
  Harness h(at(2026, 12, 7, 1, 0), "at");
  h.config.jobs = {job("once", "at(2026-12-07T13:00:00)", "Asia/Kolkata"), job("past", "at(2020-01-01T00:00:00)")};
  const SchedulerStats stats = h.run(0);
  ASSERT_EQ(h.calls.size(), 1u);
  EXPECT_EQ(h.calls[0].scheduled, at(2026, 12, 7, 7, 30));
  EXPECT_EQ(stats.events, 1u);
  EXPECT_EQ(h.log.back(), "no job has a scheduled time left; stopping");
}

}  // namespace
}  // namespace onnxfn::schedule
