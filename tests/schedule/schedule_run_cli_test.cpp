// `onnxfn schedule run` through the binary: a scheduled batch job over the committed
// product-matching bundle, a failing job dead-lettered, the instance lock, SIGTERM, and config
// errors.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/zoo.h"

extern char** environ;

namespace onnxfn {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("onnxfn_schedule_run_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const char* kLeft = "id,title,description,brand,price\n1,Sony Bravia 55 inch TV KD55X80,4K TV,Sony,899\n2,Apple iPhone 15 128GB,phone,Apple,799\n";
const char* kRight = "id,title,description,brand,price\na,Sony KD55X80 Bravia 55in,television,Sony,879\nb,iPhone 15 128 GB Apple,smartphone,Apple,789\n";

int run(const std::string& args, const fs::path& dir, std::string* err) {
  const int code = testing::run_command("cd " + dir.string() + " && " + ONNXFN_BINARY + " schedule run " + args + " 2>stderr.txt");
  *err = read_all(dir / "stderr.txt");
  return code;
}

TEST(ScheduleRunCli, runs_a_batch_job_on_its_schedule_and_dead_letters_a_failing_one) {
  const fs::path dir = temp_dir("batch");
  std::ofstream(dir / "left.csv") << kLeft;
  std::ofstream(dir / "right.csv") << kRight;
  fs::create_directories(dir / "out");
  const std::string bundle = std::string(ONNXFN_SOURCE_DIR) + "/examples/product-matching/bundle";
  // A rate schedule fires when the scheduler starts (AWS: a rate without a start date invokes
  // immediately), so the test waits for nothing; --max-events ends it after both jobs.
  const std::string when = "rate(1 hour)";
  std::ofstream(dir / "jobs.json") << R"j({"jobs": [
    {"name": "match", "schedule": ")j" << when << R"j(", "batch": {"bundle": ")j" << bundle
                                    << R"j(", "left": "left.csv", "right": "right.csv", "output": "out/m-{scheduled_time}.csv", "all": true, "quiet": true}},
    {"name": "broken", "schedule": ")j" << when << R"j(", "retry": {"maximum_retry_attempts": 1, "backoff_seconds": 0},
     "batch": {"bundle": ")j" << bundle << R"j(", "left": "missing.csv", "right": "right.csv", "output": "x.csv"}}]})j";
  std::string err;
  ASSERT_EQ(run("--config jobs.json --max-events 2", dir, &err), 0) << err;
  std::vector<fs::path> outputs;
  for (const auto& e : fs::directory_iterator(dir / "out")) outputs.push_back(e.path());
  ASSERT_EQ(outputs.size(), 1u) << err;
  EXPECT_EQ(outputs[0].filename().string().substr(0, 2), "m-");
  const std::string csv = read_all(outputs[0]);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "left_id,right_id,probability,match");
  EXPECT_NE(csv.find("\n1,a,"), std::string::npos) << csv;
  std::vector<fs::path> letters;
  for (const auto& e : fs::directory_iterator(dir / "dead-letter")) letters.push_back(e.path());
  ASSERT_EQ(letters.size(), 1u);
  const std::string letter = read_all(letters[0]);
  EXPECT_NE(letter.find("\"reason\":\"maximum retry attempts reached\",\"attempts\":2"), std::string::npos) << letter;
  EXPECT_NE(letter.find("missing.csv"), std::string::npos) << letter;
  EXPECT_NE(err.find("done: 2 events, 1 succeeded, 1 dead-lettered, 3 attempts"), std::string::npos) << err;
}

// `onnxfn schedule run --config CONFIG` as a child process, stderr to `log`; -1 on failure.
pid_t spawn_scheduler(const std::string& config, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> args = {ONNXFN_BINARY, "schedule", "run", "--config", config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, ONNXFN_BINARY, &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Waits (up to 5 s) until the instance `pid` holds the lock: it writes its pid there.
void wait_for_lock(const fs::path& lock, pid_t pid) {
  for (int i = 0; i < 100 && read_all(lock) != std::to_string(pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

TEST(ScheduleRunCli, keeps_to_one_instance_and_exits_0_on_sigterm) {
  const fs::path dir = temp_dir("lock");
  std::ofstream(dir / "jobs.json") << R"j({"jobs": [{"name": "yearly", "schedule": "cron(0 0 1 1 ? *)",
     "batch": {"bundle": "b", "left": "l.csv", "right": "r.csv", "output": "o.csv"}}], "lock": ")j"
                                   << (dir / "run.lock").string() << "\"}";
  const std::string config = (dir / "jobs.json").string();
  const std::string log = (dir / "first.txt").string();
  const pid_t pid = spawn_scheduler(config, log);
  ASSERT_GT(pid, 0);
  wait_for_lock(dir / "run.lock", pid);
  ASSERT_EQ(read_all(dir / "run.lock"), std::to_string(pid));
  std::string err;
  EXPECT_EQ(run("--config " + config, dir, &err), 2);
  EXPECT_NE(err.find("another onnxfn schedule run holds it (pid " + std::to_string(pid) + "); one instance at a time"), std::string::npos) << err;
  const auto t0 = std::chrono::steady_clock::now();
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  ASSERT_TRUE(WIFEXITED(status)) << read_all(log);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(read_all(log).find("stop requested"), std::string::npos) << read_all(log);
  // The lock is free again for the next instance.
  const pid_t next = spawn_scheduler(config, (dir / "second.txt").string());
  ASSERT_GT(next, 0);
  wait_for_lock(dir / "run.lock", next);
  ::kill(next, SIGTERM);
  ASSERT_EQ(::waitpid(next, &status, 0), next);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(ScheduleRunCli, refuses_a_bad_config_before_running_anything) {
  const fs::path dir = temp_dir("bad");
  std::ofstream(dir / "jobs.json") << R"j({"jobs": [{"name": "n", "schedule": "rate(1 hour)", "batch": {"bundle": "b", "left": "l", "right": "r"}}]})j";
  std::string err;
  EXPECT_EQ(run("--config jobs.json", dir, &err), 2);
  EXPECT_NE(err.find("job 'n': batch.output: is required"), std::string::npos) << err;
  std::ofstream(dir / "jobs.json") << R"j({"jobs": [{"name": "n", "schedule": "rate(1 hours)", "batch": {}}]})j";
  EXPECT_EQ(run("--config jobs.json", dir, &err), 2);
  EXPECT_NE(err.find("jobs[0] ('n'): rate expression 'rate(1 hours)': a value of 1 takes the singular unit 'hour'"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir / "dead-letter"));
}

}  // namespace
}  // namespace onnxfn
