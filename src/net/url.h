// URLs as the HTTP client needs them: scheme, host, port and the request target, split once so the
// client, the S3 signer and the Lambda runtime client agree on what "host" and "path" mean.
#pragma once

#include <string>
#include <string_view>

namespace onnxfn::net {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets or port
  std::string port;    // always set: the explicit port or the scheme's default
  std::string target;  // path plus query, starting with '/'

  bool tls() const { return scheme == "https"; }
  // The Host header value: host, plus ":port" when the port is not the scheme's default.
  std::string host_header() const;
};

// Parses "http[s]://host[:port][/path[?query]]"; throws Error(BadInput) naming the URL otherwise.
Url parse_url(std::string_view url);

}  // namespace onnxfn::net
