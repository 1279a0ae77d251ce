// The Runtime Interface Emulator fixture (see emulator.h).
#include "emulator.h"

#include "net/loopback.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "net/http_client.h"

namespace onnxfn::testing {

namespace fs = std::filesystem;

std::string emulator_path() {
  if (const char* p = std::getenv("ONNXFN_RIE"); p && *p) return fs::exists(p) ? p : "";
  const fs::path p = fs::path(ONNXFN_SOURCE_DIR) / ".tools/bin/aws-lambda-rie";
  return fs::exists(p) ? p.string() : "";
}

bool emulator_required() {
  const char* v = std::getenv("ONNXFN_REQUIRE_RIE");
  return v && std::string(v) == "1";
}

namespace {

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "children");
    pid_t child = 0;
    while (in >> child) out.push_back(child);
  }
  return out;
}

}  // namespace

Emulator::Emulator(const fs::path& bootstrap, const std::map<std::string, std::string>& env, const fs::path& log) : log_(log) {
  const std::string rie = emulator_path();
  if (rie.empty()) throw std::runtime_error("aws-lambda-rie not found (scripts/install_rie.sh)");
  port_ = net::free_loopback_port();
  const int api_port = net::free_loopback_port();
  const std::string listen = "127.0.0.1:" + std::to_string(port_);
  const std::string api = "127.0.0.1:" + std::to_string(api_port);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::chdir(bootstrap.parent_path().c_str());
    ::execl(rie.c_str(), rie.c_str(), "--runtime-interface-emulator-address", listen.c_str(), "--runtime-api-address", api.c_str(),
            bootstrap.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!net::loopback_accepts(port_)) {
    if (std::chrono::steady_clock::now() > until) throw std::runtime_error("aws-lambda-rie did not listen on " + listen);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Emulator::~Emulator() {
  if (pid_ <= 0) return;
  const std::vector<pid_t> bootstraps = children_of(pid_);
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = 0;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (pid_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  for (pid_t b : bootstraps) ::kill(b, SIGKILL);  // a stopped or orphaned bootstrap of ours
}

Invoked Emulator::invoke(const std::string& event, int timeout_seconds) const {
  net::HttpClientOptions options;
  options.io_timeout = std::chrono::seconds(timeout_seconds);
  options.max_body_bytes = 64u << 20;
  net::HttpClient client(options);
  const net::HttpResponse r = client.request(
      "POST", "http://127.0.0.1:" + std::to_string(port_) + "/2015-03-31/functions/function/invocations",
      {{"Content-Type", "application/json"}}, event);
  return {r.status, r.body};
}

pid_t Emulator::bootstrap_pid() const {
  const auto children = children_of(pid_);
  return children.empty() ? 0 : children.front();
}

std::string Emulator::log() const { return read_file(log_); }

fs::path lambda_temp_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("onnxfn_lambda_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

fs::path product_bundle() { return fs::path(ONNXFN_SOURCE_DIR) / "examples/product-matching/bundle"; }

std::string pair_record(const std::string& left_id, const std::string& right_id, const std::string& left_title,
                        const std::string& right_title) {
  return "{\"left_id\":\"" + left_id + "\",\"right_id\":\"" + right_id + "\",\"left_title\":\"" + left_title +
         "\",\"right_title\":\"" + right_title +
         "\",\"left_description\":null,\"right_description\":null,\"left_brand\":\"acme\",\"right_brand\":\"acme\","
         "\"left_price\":\"10.00\",\"right_price\":\"10.50\"}";
}

void write_product_tables(const fs::path& dir, size_t rows, size_t pairs) {
  static const char* kWords[] = {"wireless", "speaker", "camera", "lens", "laptop", "phone", "case", "cable", "charger", "monitor"};
  std::ostringstream left, right, pair_file;
  left << "id,title,description,brand,price\n";
  right << "id,title,description,brand,price\n";
  for (size_t i = 0; i < rows; ++i) {
    const std::string title = std::string(kWords[i % 10]) + " " + kWords[(i / 10) % 10] + " model " + std::to_string(i);
    left << "L" << i << "," << title << ",,acme," << (10 + i % 90) << ".00\n";
    right << "R" << i << "," << title << " new,,acme," << (10 + i % 90) << ".50\n";
  }
  pair_file << "ltable_id,rtable_id\n";
  for (size_t p = 0; p < pairs; ++p) pair_file << "L" << (p % rows) << ",R" << ((p * 7 + p / rows) % rows) << "\n";
  write_file(dir / "left.csv", left.str());
  write_file(dir / "right.csv", right.str());
  write_file(dir / "pairs.csv", pair_file.str());
}

}  // namespace onnxfn::testing
