// The emulated function (see emulated_function.h).
#include "tune/emulated_function.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/error.h"
#include "net/http_client.h"
#include "net/loopback.h"

namespace onnxfn::tune {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "children");
    for (pid_t child = 0; in >> child;) out.push_back(child);
  }
  return out;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

std::string find_emulator(const std::string& given) {
  if (!given.empty()) {
    if (!fs::exists(given)) throw_error(ErrorKind::BadInput, "--emulator " + given + ": no such file");
    return given;
  }
  if (const char* e = std::getenv("ONNXFN_RIE"); e && *e && fs::exists(e)) return e;
  if (const char* path = std::getenv("PATH")) {
    std::istringstream dirs(path);
    for (std::string d; std::getline(dirs, d, ':');)
      if (!d.empty() && ::access((d + "/aws-lambda-rie").c_str(), X_OK) == 0) return d + "/aws-lambda-rie";
  }
  if (fs::exists(".tools/bin/aws-lambda-rie")) return fs::absolute(".tools/bin/aws-lambda-rie").string();
  throw_error(ErrorKind::BadInput,
              "tune: the AWS Lambda Runtime Interface Emulator (aws-lambda-rie) was not found: give --emulator PATH, set ONNXFN_RIE, "
              "put it on PATH, or run scripts/install_rie.sh (it builds .tools/bin/aws-lambda-rie)");
}

EmulatedFunction::EmulatedFunction(FunctionSpec spec) : spec_(std::move(spec)) {
  port_ = net::free_loopback_port();
  const int api_port = net::free_loopback_port();
  const std::string listen = "127.0.0.1:" + std::to_string(port_), api = "127.0.0.1:" + std::to_string(api_port);
  std::vector<std::string> args = {spec_.emulator, "--runtime-interface-emulator-address", listen, "--runtime-api-address", api};
  if (!spec_.cpu_group_procs.empty()) {
    // The wrapper joins the quota group, then becomes the bootstrap (same pid).
    for (const char* a : {"/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\""}) args.push_back(a);
    args.push_back(spec_.cpu_group_procs);
  }
  args.insert(args.end(), spec_.command.begin(), spec_.command.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw_error(ErrorKind::Internal, "tune: fork failed");
  if (pid_ == 0) {
    for (const auto& [k, v] : spec_.env) ::setenv(k.c_str(), v.c_str(), 1);
    const int fd = ::open(spec_.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) ::dup2(fd, 1), ::dup2(fd, 2);
    if (!spec_.cwd.empty() && ::chdir(spec_.cwd.c_str()) != 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const auto until = Clock::now() + std::chrono::seconds(20);
  while (!net::loopback_accepts(port_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      throw_error(ErrorKind::Internal, "tune: the emulator " + spec_.emulator + " exited at start; its log: " + spec_.log_path);
    }
    if (Clock::now() > until) throw_error(ErrorKind::Internal, "tune: the emulator did not listen on " + listen + " within 20 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

EmulatedFunction::~EmulatedFunction() {
  if (pid_ <= 0) return;
  const std::vector<pid_t> bootstraps = function_processes();
  ::kill(pid_, SIGTERM);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = ::waitpid(pid_, nullptr, WNOHANG) == pid_;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!gone) ::kill(pid_, SIGKILL), ::waitpid(pid_, nullptr, 0);
  for (pid_t b : bootstraps) ::kill(b, SIGKILL);  // the emulator kills its runtime; make sure
}

std::vector<pid_t> EmulatedFunction::function_processes() const {
  std::vector<pid_t> all = children_of(pid_);
  for (size_t i = 0; i < all.size(); ++i)
    for (pid_t c : children_of(all[i])) all.push_back(c);
  return all;
}

double EmulatedFunction::cpu_ms_now() const {
  // schedstat's first field: nanoseconds on a CPU, per thread (finer than stat's clock ticks).
  double ns = 0;
  for (pid_t p : function_processes()) {
    std::error_code ec;
    for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(p) + "/task", ec)) {
      std::ifstream in(task.path() / "schedstat");
      double t = 0;
      if (in >> t) ns += t;
    }
  }
  return ns / 1e6;
}

double EmulatedFunction::peak_rss_mb() const {
  double kb = 0;
  for (pid_t p : function_processes()) {
    std::ifstream in("/proc/" + std::to_string(p) + "/status");
    for (std::string line; std::getline(in, line);)
      if (line.rfind("VmHWM:", 0) == 0) kb += std::atof(line.c_str() + 6);
  }
  return kb / 1024.0;
}

// The emulator logs "REPORT RequestId: ... Duration: 5.46 ms Billed Duration: 6 ms ..." after each
// call, Lambda's own measure of the invocation; the nth such line belongs to the nth call.
double EmulatedFunction::reported_duration(size_t nth) const {
  const auto until = Clock::now() + std::chrono::milliseconds(500);
  for (;;) {
    const std::string log = read_all(spec_.log_path);
    size_t pos = 0, seen = 0;
    while ((pos = log.find("REPORT RequestId:", pos)) != std::string::npos) {
      ++seen;
      const size_t d = log.find("\tDuration: ", pos);
      pos += 17;
      if (seen == nth && d != std::string::npos) return std::atof(log.c_str() + d + 11);
    }
    if (Clock::now() > until) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Invocation EmulatedFunction::invoke(const std::string& event, int timeout_seconds) {
  net::HttpClientOptions options;
  options.io_timeout = std::chrono::seconds(timeout_seconds);
  options.max_body_bytes = 64u << 20;
  net::HttpClient client(options);
  const double cpu_before = cpu_ms_now();
  const auto start = Clock::now();
  const net::HttpResponse r = client.request("POST", "http://127.0.0.1:" + std::to_string(port_) + "/2015-03-31/functions/function/invocations",
                                             {{"Content-Type", "application/json"}}, event);
  Invocation inv;
  inv.client_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  inv.cpu_ms = cpu_ms_now() - cpu_before;
  inv.body = r.status == 200 ? r.body : "HTTP " + std::to_string(r.status) + " " + r.body;
  // A function error comes back as 200 with {"errorType", "errorMessage"}, as from Lambda's Invoke.
  inv.ok = r.status == 200 && r.body.rfind("{\"errorMessage\"", 0) != 0 && r.body.rfind("{\"errorType\"", 0) != 0;
  const double reported = reported_duration(++invocations_);
  inv.duration_ms = reported > 0 ? reported : inv.client_ms;
  return inv;
}

}  // namespace onnxfn::tune
