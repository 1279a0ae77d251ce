// The scheduler's instance lock (see instance_lock.h).
#include "schedule/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace onnxfn::schedule {

InstanceLock::InstanceLock(const std::string& path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_error(ErrorKind::BadInput, "scheduler lock '" + path + "': cannot open it: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char pid[32] = {0};
    const ssize_t n = ::pread(fd_, pid, sizeof pid - 1, 0);
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw_error(ErrorKind::BadInput, "scheduler lock '" + path + "': another onnxfn schedule run holds it" +
                                           (n > 0 ? " (pid " + std::string(pid, static_cast<size_t>(n)) + ")" : std::string()) +
                                           "; one instance at a time");
    throw_error(ErrorKind::Internal, "scheduler lock '" + path + "': flock failed: " + std::strerror(err));
  }
  // The holder's pid, for the message a second instance prints.
  const std::string me = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
    // The lock holds without the pid; the message is only less helpful.
  }
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace onnxfn::schedule
