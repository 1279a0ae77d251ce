// The versitygw test fixture (see versitygw.h).
#include "versitygw.h"

#include "net/loopback.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "net/http_client.h"

extern char** environ;

namespace onnxfn::storage::testing {

namespace fs = std::filesystem;

bool s3_tests_required() {
  const char* value = std::getenv("ONNXFN_REQUIRE_S3");
  return value && std::string(value) == "1";
}


namespace {

std::string find_binary() {
  if (const char* env = std::getenv("ONNXFN_VERSITYGW"); env && *env) return env;
  const fs::path local = fs::path(ONNXFN_SOURCE_DIR) / ".tools/bin/versitygw";
  if (fs::exists(local)) return local.string();
  if (const char* home = std::getenv("HOME")) {
    const fs::path go_bin = fs::path(home) / "go/bin/versitygw";
    if (fs::exists(go_bin)) return go_bin.string();
  }
  return "";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::unique_ptr<VersityGw> VersityGw::start(std::string& why_not) {
  const std::string binary = find_binary();
  if (binary.empty() || !fs::exists(binary)) {
    why_not = "versitygw not found (run scripts/install_versitygw.sh or set ONNXFN_VERSITYGW)";
    return nullptr;
  }
  std::unique_ptr<VersityGw> gw(new VersityGw());
  gw->dir_ = (fs::temp_directory_path() / ("onnxfn-vgw-" + std::to_string(getpid()))).string();
  fs::remove_all(gw->dir_);
  fs::create_directories(gw->dir_ + "/data");
  const std::string log = gw->dir_ + "/versitygw.log";
  for (int attempt = 0; attempt < 3 && gw->pid_ < 0; ++attempt) {
    gw->port_ = net::free_loopback_port();
    const std::string listen = "127.0.0.1:" + std::to_string(gw->port_);
    const std::string data = gw->dir_ + "/data";
    std::vector<std::string> args = {binary, "--access", kAccess, "--secret", kSecret,
                                      "--port", listen, "posix", data};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      why_not = "cannot start " + binary + ": " + std::strerror(rc);
      return nullptr;
    }
    // Poll until it answers HTTP (any status: unauthenticated requests get 403), at most 20 s.
    net::HttpClient probe(net::HttpClientOptions{std::chrono::milliseconds(500), std::chrono::milliseconds(2000)});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    bool up = false, exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      try {
        if (probe.request("GET", gw->endpoint() + "/", {}, "").status > 0) {
          up = true;
          break;
        }
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (up) {
      gw->pid_ = pid;
    } else if (!exited) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      why_not = "versitygw did not answer within 20 s; log:\n" + read_file(log);
      return nullptr;
    } else {
      why_not = "versitygw exited at start; log:\n" + read_file(log);  // e.g. the port was taken: retry
    }
  }
  if (gw->pid_ < 0) return nullptr;
  return gw;
}

VersityGw::~VersityGw() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

S3Config VersityGw::config(const std::string& access, const std::string& secret) const {
  S3Config config;
  config.credentials = {access, secret, ""};
  config.region = "us-east-1";
  config.endpoint = endpoint();
  config.base_backoff = std::chrono::milliseconds(10);
  config.max_backoff = std::chrono::milliseconds(200);
  return config;
}

}  // namespace onnxfn::storage::testing
