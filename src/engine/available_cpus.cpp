// available_cpus(): affinity mask and cgroup quota, read the way container-aware runtimes do.
#include <sched.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/thread_pool.h"

namespace onnxfn {
namespace {

// cgroup v2: the process's cgroup path from /proc/self/cgroup ("0::/path"), then cpu.max
// ("max 100000" or "<quota> <period>") in it or its nearest limited ancestor.
double cgroup_v2_quota() {
  std::ifstream cg("/proc/self/cgroup");
  std::string line, path;
  while (std::getline(cg, line))
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  if (path.empty()) return 0;
  for (;;) {
    std::ifstream f("/sys/fs/cgroup" + path + "/cpu.max");
    std::string quota;
    double period = 0;
    if (f >> quota >> period && quota != "max" && period > 0) {
      try {
        return std::stod(quota) / period;
      } catch (...) {
        return 0;
      }
    }
    if (path.empty() || path == "/") return 0;
    path = path.substr(0, path.find_last_of('/'));
  }
}

// cgroup v1: the cpu hierarchy's line of /proc/self/cgroup ("4:cpu,cpuacct:/path"), then
// cpu.cfs_quota_us / cpu.cfs_period_us in that group or its nearest limited ancestor (a process put
// in a child group, as `onnxfn tune` does for each memory size, sees that group's quota).
double cgroup_v1_quota() {
  std::ifstream cg("/proc/self/cgroup");
  std::string line, path;
  bool found = false;
  while (!found && std::getline(cg, line)) {
    const size_t a = line.find(':'), b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    std::istringstream controllers(line.substr(a + 1, b - a - 1));
    for (std::string c; std::getline(controllers, c, ',');)
      if (c == "cpu") found = true, path = line.substr(b + 1);
  }
  if (!found) return 0;
  for (const char* mount : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
    for (std::string p = path == "/" ? "" : path;;) {
      std::ifstream q(mount + p + "/cpu.cfs_quota_us"), per(mount + p + "/cpu.cfs_period_us");
      double quota = 0, period = 0;
      if (q >> quota && per >> period && quota > 0 && period > 0) return quota / period;
      if (p.empty()) break;
      p = p.substr(0, p.find_last_of('/'));
    }
  }
  return 0;
}

}  // namespace

int available_cpus() {
  int cpus = 1;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cpus = std::max(1, CPU_COUNT(&set));
  double quota = cgroup_v2_quota();
  if (quota <= 0) quota = cgroup_v1_quota();
  if (quota > 0) cpus = std::min(cpus, std::max(1, static_cast<int>(std::ceil(quota))));
  return cpus;
}

}  // namespace onnxfn
