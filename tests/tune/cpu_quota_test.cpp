// CPU quota groups: a process inside one sees the quota as its CPUs (engine's available_cpus(),
// which the Lambda runtime sizes its threads from), and a benchmark-style check that a CPU-bound
// workload at two shares takes times in the shares' ratio: the ratio is reported, not asserted
// (the machine may be shared); what is asserted cannot depend on timing.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "engine/thread_pool.h"
#include "tune/cpu_quota.h"

namespace onnxfn::tune {
namespace {

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Runs `child` in a forked process inside the group; returns its exit status.
template <class F>
int in_group(const CpuQuotaGroup& group, F child) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::ofstream(group.procs_file()) << ::getpid() << std::flush;
    ::_exit(child());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Wall seconds for `work` CPU-seconds of spinning at a quota of `cpus`.
double spin_wall(const CpuController& c, const std::string& name, double cpus, double work, int64_t* throttled) {
  CpuQuotaGroup group(c, name, cpus);
  const auto start = std::chrono::steady_clock::now();
  in_group(group, [work] {
    const double until = cpu_seconds() + work;
    volatile double x = 1;
    while (cpu_seconds() < until) x = x * 1.0000001 + 1e-9;
    return 0;
  });
  *throttled = group.throttled_periods();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

CpuController controller_or_skip() {
  CpuController c = find_cpu_controller();
  return c;
}

TEST(CpuQuota, ProcessInsideSeesTheQuotaAsItsCpus) {
  const CpuController c = controller_or_skip();
  if (c.version == 0) GTEST_SKIP() << "no writable cpu cgroup: " << c.why_not;
  {
    CpuQuotaGroup group(c, "onnxfn-tune-test-" + std::to_string(::getpid()) + "-small", 0.25);
    EXPECT_EQ(in_group(group, [] { return available_cpus(); }), 1);
  }
  if (available_cpus() >= 2) {
    CpuQuotaGroup group(c, "onnxfn-tune-test-" + std::to_string(::getpid()) + "-large", 1.5);
    EXPECT_EQ(in_group(group, [] { return available_cpus(); }), 2);
  }
}

TEST(CpuQuota, CpuBoundWorkAtTwoSharesTakesTimesInTheirRatio) {
  const CpuController c = controller_or_skip();
  if (c.version == 0) GTEST_SKIP() << "no writable cpu cgroup: " << c.why_not;
  const double work = 0.12;  // CPU-seconds: 1.2 s at 0.1 CPU, 0.6 s at 0.2
  int64_t throttled_low = 0, throttled_high = 0;
  const std::string base = "onnxfn-tune-test-" + std::to_string(::getpid());
  const double low = spin_wall(c, base + "-low", 0.1, work, &throttled_low);
  const double high = spin_wall(c, base + "-high", 0.2, work, &throttled_high);
  const double ratio = low / high;
  std::printf("[ benchmark ] %.2f CPU-s at 0.1 CPU: %.3f s, at 0.2 CPU: %.3f s; ratio %.2f (expected 2.00, %+.0f%%)\n", work, low, high, ratio,
              (ratio / 2 - 1) * 100);
  RecordProperty("ratio", std::to_string(ratio));
  // Not timing: a 0.12 CPU-s spin cannot fit in 10 ms a period without being throttled, and no
  // quota makes a single thread finish before its CPU time.
  EXPECT_GT(throttled_low, 0);
  EXPECT_GT(throttled_high, 0);
  EXPECT_GE(low, work);
  EXPECT_GE(high, work);
}

}  // namespace
}  // namespace onnxfn::tune
