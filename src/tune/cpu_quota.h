// CPU quotas for the sweep: a child cgroup per memory size whose CFS quota is that size's CPU
// share, so the function runs at the speed Lambda would give it. cgroup v1 (cpu.cfs_quota_us /
// cpu.cfs_period_us) and v2 (cpu.max) are both handled; where neither is writable the sweep falls
// back to thread counts (sweep.h) and the report says why.
#pragma once

#include <cstdint>
#include <string>

namespace onnxfn::tune {

// Where quota groups can be made: the folder of this process's own cpu cgroup.
struct CpuController {
  int version = 0;          // 1 or 2; 0 = none usable
  std::string parent;       // e.g. /sys/fs/cgroup/cpu (v1) or /sys/fs/cgroup/user.slice/... (v2)
  std::string why_not;      // when version == 0: what was tried and what failed
};

// Finds this process's cpu cgroup (from /proc/self/cgroup and /proc/self/mountinfo) and probes
// it by creating, limiting and removing one child group.
CpuController find_cpu_controller();

// One child group with a CPU quota; removed (rmdir) by the destructor once its processes exited.
class CpuQuotaGroup {
 public:
  // `cpus`: CPU time per wall second (0.0723 for 128 MB); Internal error naming the file on failure.
  CpuQuotaGroup(const CpuController& controller, const std::string& name, double cpus);
  ~CpuQuotaGroup();
  CpuQuotaGroup(const CpuQuotaGroup&) = delete;
  CpuQuotaGroup& operator=(const CpuQuotaGroup&) = delete;

  // The file a process writes its pid to in order to join (the bootstrap's wrapper does).
  std::string procs_file() const { return dir_ + "/cgroup.procs"; }
  // CFS periods in which the group was throttled so far (cpu.stat nr_throttled).
  int64_t throttled_periods() const;

 private:
  std::string dir_;
};

}  // namespace onnxfn::tune
