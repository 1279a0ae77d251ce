// Helpers of the dynamic batching tests: zoo request rows as OIP v2 bodies and tensors, a
// `serve::Server` on a loopback port in a thread (stopped by SIGTERM, as in production), and a
// blocking keep-alive HTTP client.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <csignal>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>

#include "serve/server.h"
#include "support/zoo.h"

namespace onnxfn::serve::testing {

// Rows [first, first + count) of a zoo case's request.json (input "X", [rows, features] FP32),
// as a v2 JSON body; `features` overrides the feature count (cut or padded with zeros).
inline std::string zoo_rows_body(const std::string& zoo_case, size_t first, size_t count, size_t features = 0) {
  const rapidjson::Document doc = onnxfn::testing::read_json(onnxfn::testing::zoo_dir() / zoo_case / "request.json");
  const rapidjson::Value& input = doc["inputs"][0];
  const size_t rows = input["shape"][0].GetUint64(), width = input["shape"][1].GetUint64();
  if (features == 0) features = width;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("inputs");
  w.StartArray();
  w.StartObject();
  w.Key("name");
  w.String(input["name"].GetString());
  w.Key("datatype");
  w.String(input["datatype"].GetString());
  w.Key("shape");
  w.StartArray();
  w.Uint64(count);
  w.Uint64(features);
  w.EndArray();
  w.Key("data");
  w.StartArray();
  for (size_t r = 0; r < count; ++r)
    for (size_t c = 0; c < features; ++c) w.Double(c < width ? input["data"][static_cast<rapidjson::SizeType>(((first + r) % rows) * width + c)].GetDouble() : 0.0);
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

class RunningServer {
 public:
  RunningServer(const protocol::ModelRepository& models, ServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(models, options, metrics);
    std::promise<uint16_t> listening;
    std::future<uint16_t> port = listening.get_future();
    thread_ = std::thread([this, &listening] {
      try {
        server_->run([&listening](uint16_t p) { listening.set_value(p); });
      } catch (...) {
        listening.set_exception(std::current_exception());
      }
    });
    port_ = port.get();
  }
  ~RunningServer() { stop(); }
  // SIGTERM, as a supervisor sends it; returns once the server drained and run() returned.
  void stop() {
    if (!thread_.joinable()) return;
    ::kill(::getpid(), SIGTERM);
    thread_.join();
  }
  uint16_t port() const { return port_; }
  Metrics metrics;

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

// One keep-alive connection; post() answers the status and body.
class Client {
 public:
  explicit Client(uint16_t port) : socket_(ioc_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  std::pair<int, std::string> request(boost::beast::http::verb verb, const std::string& target, const std::string& body = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    return {static_cast<int>(res.result_int()), res.body()};
  }
  std::pair<int, std::string> post(const std::string& target, const std::string& body) {
    return request(boost::beast::http::verb::post, target, body);
  }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// The value of a sample named with its labels (e.g. "onnxfn_batch_rows_count{model=\"m\"}") in a
// /metrics text; -1 if absent.
inline double metric_value(const std::string& exposition, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const size_t at = exposition.find(key);
  return at == std::string::npos ? -1 : std::stod(exposition.substr(at + key.size()));
}

}  // namespace onnxfn::serve::testing
