// The Beast server: an accept loop, one Session per connection on its own strand, the signal
// handler that drains. Every read has a deadline (beast::tcp_stream), every body a size limit
// (the parser's), so no client can hold memory or a connection slot for long.
#include "serve/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <csignal>
#include <mutex>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "common/error.h"
#include "engine/thread_pool.h"
#include "serve/access_log.h"

namespace onnxfn::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class Session;

class Server::Impl {
 public:
  Impl(const protocol::ModelRepository& models, ServerOptions server_options, Metrics& server_metrics)
      : api(models, server_options.limits), options(std::move(server_options)), metrics(server_metrics) {
    for (const std::string& name : models.names()) {
      const BatchOptions& batch = options.batch_for(name);
      if (!batch.enabled()) {
        unbatched_models.insert(name);
        continue;
      }
      max_batch_rows = std::max(max_batch_rows, batch.max_rows);
      metrics.model_batches(name);
      batchers.emplace(models.find(name), std::make_unique<DynamicBatcher>(batch, [this, name](size_t rows, size_t requests) {
                         metrics.batch_run(name, rows, requests);
                       }));
    }
    if (!batchers.empty())
      api.set_infer([this](const pipeline::Predictor& model, const NamedValues& inputs, pipeline::Trace* trace) {
        const auto it = batchers.find(&model);
        return it == batchers.end() ? model.infer(inputs, trace) : it->second->infer(model, inputs, trace);
      });
  }

  void run(const std::function<void(uint16_t)>& on_listening);
  void forget(Session* session);

  // Before the io_context: sessions still queued in it when it is destroyed (a drain that timed
  // out) unregister themselves from here.
  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  asio::io_context ioc;
  protocol::InferenceApi api;
  ServerOptions options;
  Metrics& metrics;
  std::atomic<bool> draining{false};
  std::map<const pipeline::Predictor*, std::unique_ptr<DynamicBatcher>> batchers;  // the batching models'
  std::set<std::string, std::less<>> unbatched_models;  // their requests stay on the I/O threads
  size_t max_batch_rows = 0;
  std::unique_ptr<asio::thread_pool> workers;  // answers requests to batching models (set in run())

 private:
  void listen();
  void accept();
  void drain();
  void wait_for_sessions(Clock::time_point deadline);

  tcp::acceptor acceptor_{ioc};
  asio::signal_set signals_{ioc, SIGTERM, SIGINT};
  asio::steady_timer drain_timer_{ioc};
  asio::steady_timer accept_retry_{ioc};
  friend class Session;
};

class Session : public std::enable_shared_from_this<Session> {
  static constexpr size_t kReadChunkBytes = 64 * 1024;  // Beast's largest read_some
  static constexpr size_t kIdleBufferBytes = 4 * 1024;

 public:
  Session(tcp::socket socket, Server::Impl& server) : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string() + ":" + std::to_string(peer.port());
  }
  ~Session() {
    server_.metrics.connections_open.fetch_sub(1);
    server_.forget(this);
  }

  void start() { asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read_header, shared_from_this())); }
  // On drain: a connection waiting for its next request closes now; one with a request in
  // flight closes after answering it.
  void close_if_idle() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->close();
    });
  }

 private:
  void read_header() {
    if (server_.draining.load()) return close();
    busy_ = false;
    // The read buffer grew for the last body; an idle connection keeps only a header's worth.
    if (buffer_.capacity() > kIdleBufferBytes) buffer_.shrink_to_fit();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.limits.max_body_bytes);
    stream_.expires_after(server_.options.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, size_t) {
    if (ec) return fail(ec);
    busy_ = true;  // a request is in flight from its header on: a drain lets it finish
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      stream_.expires_after(server_.options.body_timeout);
      http::async_write(stream_, *go_on, [self = shared_from_this(), go_on](beast::error_code wec, size_t) {
        if (wec) return self->fail(wec);
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    // Beast reads as much as the buffer has room for (at least 512 bytes, at most 64 KiB), and its
    // parser empties the buffer into the body as it goes, so a buffer left at its first size reads
    // a 60 KB body in 512-byte recvmsg calls: over a hundred per 100-row request, most of the
    // server's time. Room for the declared body (up to Beast's 64 KiB read) takes one or two.
    if (const auto length = parser_->content_length(); length && *length > buffer_.capacity() - buffer_.size())
      buffer_.reserve(buffer_.size() + static_cast<size_t>(std::min<uint64_t>(*length, kReadChunkBytes)));
    stream_.expires_after(server_.options.body_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, size_t) {
    if (ec) return fail(ec);
    try {
      handle();
    } catch (const std::exception&) {
      respond_error(http::status::internal_server_error, "internal error while answering");
    }
  }

  void handle() {
    auto& req = parser_->get();
    auto request = std::make_shared<protocol::HttpRequest>();
    request->method = std::string(req.method_string());
    request->target = std::string(req.target());
    for (const auto& field : req) request->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    request->body = std::move(req.body());
    const bool keep_alive = req.keep_alive();
    if (!server_.workers || !may_batch(*request, server_.unbatched_models)) return send(answer(*request), keep_alive);
    // Batching: a worker answers (it may wait for company), then the answer goes back to this
    // connection's strand. The work guard keeps the I/O threads running until it is back.
    auto guard = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(server_.ioc.get_executor());
    asio::post(*server_.workers, [self = shared_from_this(), request, keep_alive, guard] {
      auto response = std::make_shared<protocol::HttpResponse>();
      try {
        *response = self->answer(*request);
      } catch (const std::exception&) {
        *response = {500, {{"Content-Type", "application/json"}}, R"({"error":"internal error while answering"})"};
      }
      asio::post(self->stream_.get_executor(), [self, response, keep_alive, guard] { self->send(std::move(*response), keep_alive); });
    });
  }

  // The routes that reach a batcher (OIP v2 infer, KServe v1 predict) unless they name a model
  // known not to batch; the rest stay inline. A target this cannot read goes to the workers,
  // which answer anything correctly.
  static bool may_batch(const protocol::HttpRequest& request, const std::set<std::string, std::less<>>& unbatched) {
    std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
    if (request.method != "POST" || !(path.ends_with("/infer") || path.ends_with(":predict"))) return false;
    if (path.starts_with("/v2/models/")) {
      path.remove_prefix(std::string_view("/v2/models/").size());
      return !unbatched.contains(path.substr(0, path.find('/')));
    }
    if (path.starts_with("/v1/models/")) {
      path.remove_prefix(std::string_view("/v1/models/").size());
      path.remove_suffix(std::string_view(":predict").size());
      return !unbatched.contains(path);
    }
    return true;
  }

  // Routes one request and accounts for it (metrics, access log). Any thread.
  protocol::HttpResponse answer(const protocol::HttpRequest& request) {
    const auto t0 = Clock::now();
    server_.metrics.in_flight.fetch_add(1);
    protocol::RequestRecord record;
    protocol::HttpResponse response;
    const std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
    if (path == "/metrics") {
      record.route = "metrics";
      record.status = request.method == "GET" ? 200 : 405;
      if (record.status == 200)
        response = {200, {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}}, server_.metrics.exposition()};
      else
        response = {405, {{"Content-Type", "application/json"}, {"Allow", "GET"}}, R"({"error":"use GET on /metrics"})"};
    } else {
      response = server_.api.handle(request, &record);
    }
    server_.metrics.in_flight.fetch_sub(1);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    server_.metrics.observe(record.model, record.route, record.status, seconds, record.rows);
    if (server_.options.json_access_log)
      write_access_log({remote_, request.method, request.target, &record, seconds * 1000, request.body.size(), response.body.size()});
    return response;
  }

  // On the connection's strand.
  void send(protocol::HttpResponse response, bool keep_alive) {
    res_ = http::response<http::string_body>(static_cast<http::status>(response.status), 11);
    for (auto& [name, value] : response.headers) res_.set(name, value);
    res_.set(http::field::server, "onnxfn");
    res_.body() = std::move(response.body);
    res_.keep_alive(keep_alive && !server_.draining.load());
    res_.prepare_payload();
    write();
  }

  void write() {
    stream_.expires_after(server_.options.body_timeout);
    http::async_write(stream_, res_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, size_t) {
    busy_ = false;
    if (ec || !res_.keep_alive()) return close();
    read_header();
  }

  // Transport errors close the connection; protocol errors get a status first.
  void fail(beast::error_code ec) {
    if (ec == http::error::body_limit)
      return respond_error(http::status::payload_too_large, "request body is over this server's limit of " +
                                                               std::to_string(server_.options.limits.max_body_bytes) + " bytes");
    if (ec == http::error::header_limit)
      return respond_error(http::status::request_header_fields_too_large, "request header is over " +
                                                                              std::to_string(server_.options.max_header_bytes) + " bytes");
    if (ec == beast::error::timeout) {
      // A connection idle between requests simply ends; one that started a request and stalled
      // (a slow client) is counted.
      if (parser_ && parser_->got_some()) server_.metrics.connections_timed_out.fetch_add(1);
      return close();
    }
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category() && ec != http::error::end_of_stream &&
        ec != http::error::partial_message)
      return respond_error(http::status::bad_request, "malformed HTTP request: " + ec.message());
    close();
  }

  void respond_error(http::status status, const std::string& message) {
    busy_ = true;
    protocol::RequestRecord record;
    record.route = "http";
    record.status = static_cast<int>(status);
    server_.metrics.observe("", record.route, record.status, 0, 0);
    res_ = http::response<http::string_body>(status, 11);
    res_.set(http::field::content_type, "application/json");
    res_.set(http::field::server, "onnxfn");
    std::string escaped;
    for (char c : message) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    res_.body() = "{\"error\":\"" + escaped + "\"}";
    res_.keep_alive(false);  // the rest of the stream cannot be trusted
    res_.prepare_payload();
    write();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::string remote_;
  bool busy_ = false;
  bool closed_ = false;
};

void Server::Impl::forget(Session* session) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(session);
}

void Server::Impl::listen() {
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(options.host, ec);
  if (ec) throw_error(ErrorKind::BadInput, "serve: --host '" + options.host + "' is not an IP address");
  const tcp::endpoint endpoint(address, options.port);
  const std::string where = options.host + ":" + std::to_string(options.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw_error(ErrorKind::BadInput, "serve: cannot listen on " + where + ": " + ec.message());
}

void Server::Impl::accept() {
  acceptor_.async_accept(asio::make_strand(ioc), [this](boost::system::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open() || draining.load()) return;
    if (ec) {
      // Out of file descriptors and the like: wait a moment rather than spin.
      accept_retry_.expires_after(std::chrono::milliseconds(50));
      accept_retry_.async_wait([this](boost::system::error_code wec) {
        if (!wec) accept();
      });
      return;
    }
    if (static_cast<size_t>(metrics.connections_open.load()) >= options.max_connections) {
      metrics.connections_refused.fetch_add(1);
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      metrics.connections_open.fetch_add(1);
      // Answers go out at once: with Nagle's algorithm a body written after its header can wait
      // for the client's delayed ACK (40 ms).
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto session = std::make_shared<Session>(std::move(socket), *this);
      {
        std::lock_guard lock(sessions_mutex);
        sessions.emplace(session.get(), session);
      }
      session->start();
    }
    accept();
  });
}

void Server::Impl::drain() {
  draining.store(true);
  api.set_ready(false);
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& [ptr, weak] : sessions)
      if (auto s = weak.lock()) open.push_back(std::move(s));
  }
  for (auto& s : open) s->close_if_idle();
  open.clear();
  wait_for_sessions(Clock::now() + options.drain_timeout);
}

// Requests in flight get until `deadline` to finish; then the server stops regardless. Checked
// every 20 ms: once no session is left the io_context runs out of work and run() returns.
void Server::Impl::wait_for_sessions(Clock::time_point deadline) {
  {
    std::lock_guard lock(sessions_mutex);
    if (sessions.empty()) return;
  }
  if (Clock::now() >= deadline) return ioc.stop();
  drain_timer_.expires_after(std::chrono::milliseconds(20));
  drain_timer_.async_wait([this, deadline](boost::system::error_code ec) {
    if (!ec) wait_for_sessions(deadline);
  });
}

void Server::Impl::run(const std::function<void(uint16_t)>& on_listening) {
  listen();
  if (on_listening) on_listening(acceptor_.local_endpoint().port());
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) drain();
  });
  accept();
  const int threads = options.threads > 0 ? options.threads : available_cpus();
  if (!batchers.empty()) {
    // A worker per request that may wait in a batch: two of the largest batches' worth fill one
    // while the other runs. Bounded by the connections, each of which has one request at a time.
    const size_t n = std::min(options.max_connections, std::clamp<size_t>(2 * max_batch_rows, 4, 256));
    workers = std::make_unique<asio::thread_pool>(n);
  }
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([this] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  // Requests still with a worker (a drain that timed out) finish; their answers go nowhere.
  if (workers) workers->join();
}

Server::Server(const protocol::ModelRepository& models, ServerOptions options, Metrics& metrics)
    : impl_(std::make_unique<Impl>(models, std::move(options), metrics)) {}
Server::~Server() = default;

void Server::run(const std::function<void(uint16_t)>& on_listening) { impl_->run(on_listening); }

}  // namespace onnxfn::serve
