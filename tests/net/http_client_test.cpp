// HttpClient against a scripted loopback server: keep-alive reuse, a server that closes idle
// connections, streaming bodies, HEAD, deadlines on a stalled server, refused connections, URLs.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>

#include "common/error.h"
#include "net/http_client.h"
#include "net/url.h"
#include "support/scripted_http_server.h"

namespace onnxfn::net {
namespace {

using testing::ScriptedServer;

std::string ok(const std::string& body, const std::string& extra = "") { return testing::http_ok(body, extra); }

TEST(HttpClient, ReusesOneKeptAliveConnection) {
  ScriptedServer server([](const std::string& request, int, bool&) {
    return ok(request.substr(0, request.find(' ')) + " " + std::to_string(request.size()));
  });
  HttpClient client;
  for (int i = 0; i < 5; ++i) {
    const auto r = client.request("PUT", server.url("/x"), {{"X-Test", "1"}}, std::string(static_cast<std::size_t>(i) * 10, 'a'));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.rfind("PUT ", 0), 0u) << r.body;
  }
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClient, ReconnectsWhenTheServerClosedTheIdleConnection) {
  // Each connection serves one request and closes without saying so (no Connection: close).
  ScriptedServer server([](const std::string&, int connection, bool& close_after) {
    close_after = true;
    return ok("conn " + std::to_string(connection));
  });
  HttpClient client;
  EXPECT_EQ(client.request("GET", server.url("/"), {}, "").body, "conn 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(client.request("GET", server.url("/"), {}, "").body, "conn 2");
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClient, ReturnsErrorStatusesWithHeadersAndBody) {
  ScriptedServer server([](const std::string&, int, bool&) {
    return std::string("HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\nETag: \"e1\"\r\n\r\nmissing");
  });
  HttpClient client;
  const auto r = client.request("GET", server.url("/k"), {}, "");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "missing");
  EXPECT_EQ(r.header("etag"), "\"e1\"");
  EXPECT_EQ(r.header("absent"), "");
}

TEST(HttpClient, HeadReadsNoBody) {
  ScriptedServer server([](const std::string&, int, bool&) {
    return std::string("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");  // HEAD: length, no body
  });
  HttpClient client;
  const auto r = client.request("HEAD", server.url("/k"), {}, "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-length"), "1000");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(client.request("HEAD", server.url("/k"), {}, "").status, 200);  // the connection is still usable
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClient, StreamsLargeAndChunkedBodies) {
  const std::string big(3 << 20, 'z');
  ScriptedServer server([&](const std::string& request, int, bool&) {
    if (request.find("/chunked") != std::string::npos)
      return std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    return ok(big);
  });
  HttpClient client;
  std::size_t total = 0, pieces = 0;
  const auto r = client.request_streaming("GET", server.url("/big"), {}, "", [&](std::string_view piece) {
    total += piece.size();
    ++pieces;
    EXPECT_EQ(piece.find_first_not_of('z'), std::string_view::npos);
  });
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(total, big.size());
  EXPECT_GT(pieces, 1u);  // delivered piece by piece, not buffered whole
  EXPECT_EQ(client.request("GET", server.url("/chunked"), {}, "").body, "hello world");
}

// A body of distinct bytes sent as `chunks` chunks of varied sizes (the Lambda Runtime API sends its
// events chunked), or with a Content-Length when `chunks` is 0.
std::string patterned_body(std::size_t size) {
  std::string body(size, ' ');
  for (std::size_t i = 0; i < size; ++i) body[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return body;
}
std::string chunked_response(const std::string& body, std::size_t chunks) {
  std::string out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::size_t at = 0;
  for (std::size_t k = 0; at < body.size(); ++k) {
    const std::size_t n = std::min(body.size() - at, body.size() / chunks + k % 3 * 1000 + 1);
    char size_hex[32];
    std::snprintf(size_hex, sizeof size_hex, "%zx", n);
    out += std::string(size_hex) + "\r\n" + body.substr(at, n) + "\r\n";
    at += n;
  }
  return out + "0\r\n\r\n";
}

TEST(HttpClient, BuffersLargeSizedAndChunkedBodiesWhole) {
  const std::string body = patterned_body(4'600'000 + 17);
  ScriptedServer server([&](const std::string& request, int, bool&) {
    if (request.find("/chunked") != std::string::npos) return chunked_response(body, 97);
    return ok(body);
  });
  for (const std::size_t reserve : {std::size_t{0}, std::size_t{7} << 20, std::size_t{1} << 20}) {
    HttpClientOptions options;
    options.chunked_body_reserve = reserve;
    HttpClient client(options);
    const auto sized = client.request("GET", server.url("/sized"), {}, "");
    EXPECT_EQ(sized.body.size(), body.size());
    EXPECT_TRUE(sized.body == body) << "reserve " << reserve;
    const auto chunked = client.request("GET", server.url("/chunked"), {}, "");
    EXPECT_EQ(chunked.body.size(), body.size());
    EXPECT_TRUE(chunked.body == body) << "reserve " << reserve;
    if (reserve >= body.size()) {
      EXPECT_LE(chunked.body.capacity(), reserve + (64u << 10));  // grown in place
    }
    EXPECT_EQ(client.request("GET", server.url("/sized"), {}, "").body.size(), body.size());  // connection reusable
  }
}

TEST(HttpClient, ChunkedBodyLargerThanTheLimitIsAResourceLimitError) {
  const std::string body = patterned_body(300'000);
  ScriptedServer server([&](const std::string&, int, bool&) { return chunked_response(body, 9); });
  HttpClientOptions options;
  options.max_body_bytes = 200'000;
  options.chunked_body_reserve = 100'000;
  HttpClient client(options);
  try {
    client.request("GET", server.url("/"), {}, "");
    FAIL() << "a 300,000-byte chunked body passed a 200,000-byte limit";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ResourceLimit);
  }
}

TEST(HttpClient, BodyLargerThanTheLimitIsAResourceLimitError) {
  ScriptedServer server([](const std::string&, int, bool&) { return ok(std::string(5000, 'x')); });
  HttpClient client(HttpClientOptions{std::chrono::milliseconds(2000), std::chrono::milliseconds(2000), 1000});
  try {
    client.request("GET", server.url("/"), {}, "");
    FAIL() << "a 5000-byte body passed a 1000-byte limit";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ResourceLimit);
  }
}

TEST(HttpClient, StalledServerTimesOut) {
  ScriptedServer server([](const std::string&, int, bool&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    return std::string();  // never answers
  });
  HttpClient client(HttpClientOptions{std::chrono::milliseconds(1000), std::chrono::milliseconds(200)});
  const auto start = std::chrono::steady_clock::now();
  try {
    client.request("GET", server.url("/slow"), {}, "");
    FAIL() << "a stalled request returned";
  } catch (const NetworkError& e) {
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));
}

TEST(HttpClient, RefusedConnectionIsANetworkErrorNamingTheTarget) {
  int port = 0;
  {
    ScriptedServer server([](const std::string&, int, bool&) { return std::string(); });
    port = std::stoi(server.url("").substr(17));
  }  // closed: nothing listens there now
  HttpClient client;
  try {
    client.request("GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, "");
    FAIL() << "a request to a closed port returned";
  } catch (const NetworkError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos)
        << e.what();
  }
}

TEST(Url, SplitsSchemeHostPortAndTarget) {
  const Url a = parse_url("https://bucket.s3.eu-west-1.amazonaws.com/a/b?x=1");
  EXPECT_TRUE(a.tls());
  EXPECT_EQ(a.host, "bucket.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(a.port, "443");
  EXPECT_EQ(a.target, "/a/b?x=1");
  EXPECT_EQ(a.host_header(), "bucket.s3.eu-west-1.amazonaws.com");
  const Url b = parse_url("http://127.0.0.1:9000");
  EXPECT_EQ(b.port, "9000");
  EXPECT_EQ(b.target, "/");
  EXPECT_EQ(b.host_header(), "127.0.0.1:9000");
  EXPECT_EQ(parse_url("http://[::1]:8080/x").host, "::1");
  EXPECT_EQ(parse_url("http://h?q").target, "/?q");
  EXPECT_THROW(parse_url("ftp://h/"), Error);
  EXPECT_THROW(parse_url("h:80/x"), Error);
  EXPECT_THROW(parse_url("http://:80/"), Error);
  EXPECT_THROW(parse_url("http://h:8x/"), Error);
}

TEST(HttpClient, FindsACaBundle) {
  // Debian's ca-certificates (installed with the toolchain) or SSL_CERT_FILE.
  EXPECT_FALSE(find_ca_bundle().empty());
}

}  // namespace
}  // namespace onnxfn::net
