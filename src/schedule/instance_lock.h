// One scheduler instance at a time: an exclusive flock(2) on a lock file, held for the life of
// the process. The kernel drops it when the process dies however it dies (kill -9 included), so
// a stale lock file never blocks the next start.
#pragma once

#include <string>

namespace onnxfn::schedule {

class InstanceLock {
 public:
  // Throws BadInput naming the file and the holder's pid when another process holds it.
  explicit InstanceLock(const std::string& path);
  ~InstanceLock();
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace onnxfn::schedule
