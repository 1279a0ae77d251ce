// cgroup v1 / v2 CPU quota groups (see cpu_quota.h).
#include "tune/cpu_quota.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/error.h"

namespace onnxfn::tune {
namespace {

// CFS period: 100 ms, the kernel's default (and Docker's); quota = cpus x period.
constexpr int64_t kPeriodUs = 100'000;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  if (!f) return false;
  f << text;
  f.flush();
  return static_cast<bool>(f);
}

// This process's path in the hierarchy holding `controller` ("" for v2's unified line).
std::string own_cgroup_path(bool v2) {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    const auto parts = split(line, ':');
    if (parts.size() < 3) continue;
    const std::string path = line.substr(parts[0].size() + parts[1].size() + 2);
    if (v2 ? (parts[0] == "0" && parts[1].empty()) : [&] {
          for (const auto& c : split(parts[1], ',')) if (c == "cpu") return true;
          return false;
        }())
      return path;
  }
  return "";
}

// Mount point of the cgroup v1 hierarchy with the cpu controller, or of cgroup2.
std::string mount_point(bool v2) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // "... mountpoint options - fstype source superoptions"
    const size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    const auto left = split(line.substr(0, dash), ' ');
    const auto right = split(line.substr(dash + 3), ' ');
    if (left.size() < 5 || right.size() < 3) continue;
    if (v2 && right[0] == "cgroup2") return left[4];
    if (!v2 && right[0] == "cgroup")
      for (const auto& o : split(right[2], ','))
        if (o == "cpu") return left[4];
  }
  return "";
}

std::string quota_text(int version, double cpus) {
  const int64_t quota = std::max<int64_t>(1000, static_cast<int64_t>(std::llround(cpus * kPeriodUs)));
  return version == 2 ? std::to_string(quota) + " " + std::to_string(kPeriodUs) : std::to_string(quota);
}

// Creates `dir` with the quota; "" on success, else what failed.
std::string make_group(int version, const std::string& dir, double cpus) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return "mkdir " + dir + ": " + std::strerror(errno);
  if (version == 1) {
    if (!write_text(dir + "/cpu.cfs_period_us", std::to_string(kPeriodUs)) || !write_text(dir + "/cpu.cfs_quota_us", quota_text(1, cpus)))
      return "cannot write " + dir + "/cpu.cfs_quota_us";
  } else if (!write_text(dir + "/cpu.max", quota_text(2, cpus))) {
    return "cannot write " + dir + "/cpu.max";
  }
  return "";
}

}  // namespace

CpuController find_cpu_controller() {
  CpuController c;
  std::string tried;
  for (const bool v2 : {false, true}) {
    const std::string mount = mount_point(v2);
    if (mount.empty()) {
      tried += std::string(tried.empty() ? "" : "; ") + (v2 ? "no cgroup2 mount" : "no cgroup v1 cpu controller");
      continue;
    }
    std::string path = own_cgroup_path(v2);
    if (path == "/") path.clear();
    const std::string parent = mount + path;
    if (v2) {
      // A v2 child only gets cpu.max when its parent delegates the cpu controller to children.
      std::ifstream controllers(parent + "/cgroup.controllers");
      std::string all((std::istreambuf_iterator<char>(controllers)), {});
      bool has_cpu = false;
      for (const auto& w : split(all, ' ')) has_cpu |= (w == "cpu" || w == "cpu\n");
      if (!has_cpu) {
        tried += std::string(tried.empty() ? "" : "; ") + "cgroup2 " + parent + ": no cpu controller";
        continue;
      }
      write_text(parent + "/cgroup.subtree_control", "+cpu");
    }
    const std::string probe = parent + "/onnxfn-tune-probe-" + std::to_string(::getpid());
    std::string failed = make_group(v2 ? 2 : 1, probe, 0.5);
    ::rmdir(probe.c_str());
    if (failed.empty()) {
      c.version = v2 ? 2 : 1;
      c.parent = parent;
      return c;
    }
    tried += std::string(tried.empty() ? "" : "; ") + failed;
  }
  c.why_not = tried;
  return c;
}

CpuQuotaGroup::CpuQuotaGroup(const CpuController& controller, const std::string& name, double cpus)
    : dir_(controller.parent + "/" + name) {
  if (controller.version == 0) throw_error(ErrorKind::Internal, "tune: no writable cpu cgroup (" + controller.why_not + ")");
  if (const std::string failed = make_group(controller.version, dir_, cpus); !failed.empty()) {
    ::rmdir(dir_.c_str());
    throw_error(ErrorKind::Internal, "tune: cpu quota group: " + failed);
  }
}

CpuQuotaGroup::~CpuQuotaGroup() {
  // The group's processes were killed just before; the kernel lets go of them within moments.
  for (int i = 0; i < 100 && ::rmdir(dir_.c_str()) != 0 && errno == EBUSY; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

int64_t CpuQuotaGroup::throttled_periods() const {
  std::ifstream in(dir_ + "/cpu.stat");
  std::string key;
  int64_t value = 0;
  while (in >> key >> value)
    if (key == "nr_throttled") return value;
  return 0;
}

}  // namespace onnxfn::tune
