// Local files for Store: temp + fsync + rename, link() for create-if-absent, and a folder flock
// around every final step so that compare-and-rename cannot interleave with another writer.
#include "storage/local_files.h"

#include <fcntl.h>
#include <mbedtls/sha256.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.h"
#include "storage/sigv4.h"

namespace onnxfn::storage::local {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail_errno(const std::string& what, const std::string& path, int err) {
  ErrorKind kind = ErrorKind::Internal;
  if (err == ENOSPC || err == EDQUOT) kind = ErrorKind::ResourceLimit;
  if (err == EACCES || err == EROFS || err == EPERM || err == ENOENT || err == ENOTDIR || err == EISDIR)
    kind = ErrorKind::BadInput;
  throw_error(kind, what + " " + path + ": " + std::strerror(err));
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

// SHA-256 over a stream of pieces (mbedcrypto).
class Sha256 {
 public:
  Sha256() {
    mbedtls_sha256_init(&ctx_);
    mbedtls_sha256_starts_ret(&ctx_, 0);
  }
  ~Sha256() { mbedtls_sha256_free(&ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void add(std::string_view data) {
    mbedtls_sha256_update_ret(&ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  }
  std::string etag() {
    unsigned char digest[32];
    mbedtls_sha256_finish_ret(&ctx_, digest);
    // 128 bits of the hash, quoted like S3's ETags.
    return "\"" + hex(std::string_view(reinterpret_cast<const char*>(digest), 16)) + "\"";
  }

 private:
  mbedtls_sha256_context ctx_;
};

std::string folder_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

void ensure_folder(const std::string& path) {
  std::error_code ec;
  fs::create_directories(folder_of(path), ec);
  if (ec) fail_errno("cannot create the folder for", path, ec.value());
}

std::string temp_path_for(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  const fs::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + ".tmp-" + std::to_string(getpid()) + "-" +
                             std::to_string(counter++)))
      .string();
}

bool is_temp_name(const std::string& name) { return name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos; }

void write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("cannot write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void fsync_folder(const std::string& folder) {
  Fd fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());  // durability of the rename; some filesystems refuse: ignore
}

// An exclusive flock on a folder: conditional writes into the folder take turns.
class FolderLock {
 public:
  explicit FolderLock(const std::string& folder) : fd_(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_.get() < 0) fail_errno("cannot open the folder", folder, errno);
    while (::flock(fd_.get(), LOCK_EX) != 0)
      if (errno != EINTR) fail_errno("cannot lock the folder", folder, errno);
  }

 private:
  Fd fd_;
};

std::optional<std::string> etag_of(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail_errno("cannot open", path, errno);
  }
  Sha256 hash;
  std::string buffer(1 << 20, '\0');
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("cannot read", path, errno);
    }
    if (n == 0) break;
    hash.add(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  }
  return hash.etag();
}

// Moves the finished, fsynced TEMP into place under CONDITION; removes TEMP in every case.
WriteResult publish(const std::string& temp, const std::string& path, Condition condition,
                    const std::string& expected_etag, std::string new_etag) {
  struct RemoveTemp {
    const std::string& temp;
    ~RemoveTemp() { ::unlink(temp.c_str()); }
  } remove_temp{temp};
  const std::string folder = folder_of(path);
  {
    FolderLock lock(folder);
    if (condition == Condition::IfAbsent) {
      // link() fails with EEXIST if anything is there: create-if-absent even against writers that
      // do not take the lock.
      if (::link(temp.c_str(), path.c_str()) != 0) {
        if (errno == EEXIST) return {false, ""};
        fail_errno("cannot create", path, errno);
      }
    } else {
      if (condition == Condition::IfMatch && etag_of(path) != expected_etag) return {false, ""};
      if (::rename(temp.c_str(), path.c_str()) != 0) fail_errno("cannot rename into", path, errno);
    }
  }
  fsync_folder(folder);
  return {true, std::move(new_etag)};
}

std::string make_temp(const std::string& path, Fd& fd) {
  ensure_folder(path);
  std::string temp = temp_path_for(path);
  fd.reset(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) fail_errno("cannot create a temp file for", path, errno);
  return temp;
}

void finish_temp(Fd& fd, const std::string& temp, const std::string& path) {
  if (::fsync(fd.get()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    fail_errno("cannot flush", path, err);
  }
  if (::close(fd.release()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    fail_errno("cannot close", path, err);
  }
}

class LocalReader final : public Reader {
 public:
  LocalReader(const std::string& path) : path_(path), fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_.get() < 0) fail_errno("cannot open", path, errno);
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0) fail_errno("cannot stat", path, errno);
    size_ = static_cast<std::uint64_t>(st.st_size);
  }
  std::size_t read(char* data, std::size_t size) override {
    for (;;) {
      const ssize_t n = ::read(fd_.get(), data, size);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) fail_errno("cannot read", path_, errno);
    }
  }
  std::uint64_t size() const override { return size_; }

 private:
  std::string path_;
  Fd fd_;
  std::uint64_t size_ = 0;
};

class LocalWriter final : public Writer {
 public:
  explicit LocalWriter(std::string path) : path_(std::move(path)) { temp_ = make_temp(path_, fd_); }
  ~LocalWriter() override {
    if (!committed_) ::unlink(temp_.c_str());
  }
  void write(std::string_view data) override {
    if (committed_) throw_error(ErrorKind::Internal, "write after commit to " + path_);
    write_all(fd_.get(), data, path_);
    hash_.add(data);
  }
  WriteResult commit() override {
    if (committed_) throw_error(ErrorKind::Internal, "second commit of " + path_);
    finish_temp(fd_, temp_, path_);
    committed_ = true;
    return publish(temp_, path_, Condition::None, "", hash_.etag());
  }

 private:
  std::string path_, temp_;
  Fd fd_;
  Sha256 hash_;
  bool committed_ = false;
};

}  // namespace

std::string content_etag(std::string_view bytes) {
  Sha256 hash;
  hash.add(bytes);
  return hash.etag();
}

std::optional<std::string> try_read(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail_errno("cannot open", path, errno);
  }
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("cannot read", path, errno);
    }
    if (n == 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string read_range(const std::string& path, std::uint64_t offset, std::uint64_t length) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail_errno("cannot open", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail_errno("cannot stat", path, errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (offset >= size) return "";
  std::string out(static_cast<std::size_t>(std::min(length, size - offset)), '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd.get(), out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("cannot read", path, errno);
    }
    if (n == 0) break;  // truncated under us
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

std::unique_ptr<Reader> open_reader(const std::string& path) { return std::make_unique<LocalReader>(path); }

// Replacing a device or a pipe by renaming a temp file onto it would destroy it (/dev/null, as
// root): only regular files (or nothing) may stand where a Store writes.
void require_regular_or_absent(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw_error(ErrorKind::BadInput, path + " is not a regular file: the store writes files by replacing them atomically");
}

WriteResult write(const std::string& path, std::string_view data, Condition condition, const std::string& etag) {
  require_regular_or_absent(path);
  Fd fd;
  const std::string temp = make_temp(path, fd);
  try {
    write_all(fd.get(), data, path);
    finish_temp(fd, temp, path);
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  return publish(temp, path, condition, etag, content_etag(data));
}

std::unique_ptr<Writer> open_writer(const std::string& path) {
  require_regular_or_absent(path);
  return std::make_unique<LocalWriter>(path);
}

std::optional<ObjectStat> stat(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    fail_errno("cannot stat", path, errno);
  }
  if (!S_ISREG(st.st_mode)) throw_error(ErrorKind::BadInput, path + " is not a regular file");
  auto etag = etag_of(path);
  if (!etag) return std::nullopt;  // removed in between
  return ObjectStat{static_cast<std::uint64_t>(st.st_size), std::move(*etag)};
}

std::vector<ListedObject> list(const std::string& prefix) {
  const bool folder_prefix = !prefix.empty() && prefix.back() == '/';
  std::string folder = folder_prefix ? prefix : fs::path(prefix).parent_path().string();
  const bool relative_to_cwd = folder.empty();
  if (relative_to_cwd) folder = ".";
  std::vector<ListedObject> out;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return out;
  for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || is_temp_name(it->path().filename().string())) continue;
    std::string location = it->path().string();
    if (relative_to_cwd && location.rfind("./", 0) == 0) location.erase(0, 2);
    if (location.rfind(prefix, 0) != 0) continue;
    out.push_back({std::move(location), static_cast<std::uint64_t>(it->file_size(ec)), ""});
  }
  if (ec) fail_errno("cannot list", folder, ec.value());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.location < b.location; });
  return out;
}

void remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail_errno("cannot remove", path, errno);
}

}  // namespace onnxfn::storage::local
