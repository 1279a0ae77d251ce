// HttpClient over TLS against `openssl s_server` on loopback with a certificate made for the test:
// a trusted certificate for the host works; a wrong host name or an untrusted certificate fails
// the handshake with an error that says so.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "net/http_client.h"
#include "net/loopback.h"
#include "net/socket_stream.h"

extern char** environ;

namespace onnxfn::net {
namespace {

namespace fs = std::filesystem;

pid_t spawn(std::vector<std::string> args, const std::string& log) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}


int run(std::vector<std::string> args, const std::string& log) {
  const pid_t pid = spawn(std::move(args), log);
  int status = -1;
  if (pid > 0) ::waitpid(pid, &status, 0);
  return status;
}

class Tls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onnxfn-tls-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    const auto make_cert = [&](const std::string& name) {
      return run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                  "-keyout", (dir_ / (name + ".key")).string(), "-out", (dir_ / (name + ".pem")).string(), "-days",
                  "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"},
                 (dir_ / "req.log").string());
    };
    ASSERT_EQ(make_cert("server"), 0) << "openssl req failed (is the openssl package installed?)";
    ASSERT_EQ(make_cert("other"), 0);
    // s_server cannot report the port it bound, so it gets a port that was free a moment ago,
    // and another if that one was taken in between.
    for (int attempt = 0; attempt < 5 && pid_ < 0; ++attempt) {
      port_ = net::free_loopback_port();
      const pid_t pid = spawn({"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port_), "-cert",
                               (dir_ / "server.pem").string(), "-key", (dir_ / "server.key").string(), "-www",
                               "-quiet"},
                              (dir_ / "server.log").string());
      // Wait until it accepts (a plain HTTP request gets a TLS-level failure, which proves it listens).
      for (int i = 0; i < 100; ++i) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) break;  // exited: port taken, try another
        try {
          HttpClient probe(HttpClientOptions{std::chrono::milliseconds(200), std::chrono::milliseconds(200)});
          probe.request("GET", "http://127.0.0.1:" + std::to_string(port_) + "/", {}, "");
          pid_ = pid;
        } catch (const NetworkError& e) {
          if (std::string(e.what()).find("cannot connect") == std::string::npos) pid_ = pid;
        }
        if (pid_ > 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (pid_ < 0 && ::waitpid(pid, nullptr, WNOHANG) == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
    ASSERT_GT(pid_, 0) << "openssl s_server did not start";
    const char* old = std::getenv("SSL_CERT_FILE");
    old_cert_file_ = old ? old : "";
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    if (old_cert_file_.empty())
      ::unsetenv("SSL_CERT_FILE");
    else
      ::setenv("SSL_CERT_FILE", old_cert_file_.c_str(), 1);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string url(const std::string& host) const { return "https://" + host + ":" + std::to_string(port_) + "/"; }

  fs::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string old_cert_file_;
};

TEST_F(Tls, TrustedCertificateForTheHostWorks) {
  ::setenv("SSL_CERT_FILE", (dir_ / "server.pem").c_str(), 1);
  HttpClient client;
  const auto r = client.request("GET", url("localhost"), {}, "");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("s_server"), std::string::npos) << r.body.substr(0, 200);
}

TEST_F(Tls, WrongHostNameFailsTheHandshake) {
  ::setenv("SSL_CERT_FILE", (dir_ / "server.pem").c_str(), 1);
  HttpClient client;
  try {
    client.request("GET", url("127.0.0.1"), {}, "");  // the certificate names localhost only
    FAIL() << "a certificate for another name was accepted";
  } catch (const NetworkError& e) {
    EXPECT_NE(std::string(e.what()).find("TLS handshake with 127.0.0.1 failed: certificate not trusted"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(Tls, UntrustedCertificateFailsTheHandshake) {
  ::setenv("SSL_CERT_FILE", (dir_ / "other.pem").c_str(), 1);  // trusts another certificate only
  HttpClient client;
  try {
    client.request("GET", url("localhost"), {}, "");
    FAIL() << "an untrusted certificate was accepted";
  } catch (const NetworkError& e) {
    EXPECT_NE(std::string(e.what()).find("certificate not trusted for localhost"), std::string::npos) << e.what();
  }
}

TEST(TlsConfig, LoadsTheSystemCaBundle) {
  const char* old = std::getenv("SSL_CERT_FILE");
  const std::string saved = old ? old : "";
  ::unsetenv("SSL_CERT_FILE");
  const std::size_t count = TlsConfig().ca_count();
  if (!saved.empty()) ::setenv("SSL_CERT_FILE", saved.c_str(), 1);
  EXPECT_GT(count, 100u) << "mbedTLS parsed too few certificates of " << find_ca_bundle();
}

TEST_F(Tls, MissingCaBundleIsAClearError) {
  ::setenv("SSL_CERT_FILE", (dir_ / "absent.pem").c_str(), 1);
  HttpClient client;
  try {
    client.request("GET", url("localhost"), {}, "");
    FAIL() << "TLS without a CA bundle went ahead";
  } catch (const NetworkError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot load the CA bundle"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace onnxfn::net
