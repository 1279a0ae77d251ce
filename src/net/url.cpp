// URL splitting for the HTTP client (only the http and https forms it needs).
#include "net/url.h"

#include "common/error.h"

namespace onnxfn::net {

std::string Url::host_header() const {
  const bool default_port = (tls() && port == "443") || (!tls() && port == "80");
  return default_port ? host : host + ":" + port;
}

Url parse_url(std::string_view url) {
  Url out;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos)
    throw_error(ErrorKind::BadInput, "URL '" + std::string(url) + "' has no scheme (expected http:// or https://)");
  out.scheme = std::string(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https")
    throw_error(ErrorKind::BadInput, "URL '" + std::string(url) + "': scheme must be http or https");
  std::string_view rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  out.target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (out.target[0] == '?') out.target.insert(out.target.begin(), '/');
  if (authority.find('@') != std::string_view::npos)
    throw_error(ErrorKind::BadInput, "URL '" + std::string(url) + "': credentials in URLs are not supported");
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {  // IPv6 literal
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      throw_error(ErrorKind::BadInput, "URL '" + std::string(url) + "': unclosed '[' in host");
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':')
        throw_error(ErrorKind::BadInput, "URL '" + std::string(url) + "': junk after ']'");
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) throw_error(ErrorKind::BadInput, "URL '" + std::string(url) + "' has no host");
  if (port.empty()) {
    out.port = out.tls() ? "443" : "80";
  } else {
    for (char c : port)
      if (c < '0' || c > '9' || port.size() > 5)
        throw_error(ErrorKind::BadInput, "URL '" + std::string(url) + "': bad port '" + std::string(port) + "'");
    out.port = std::string(port);
  }
  return out;
}

}  // namespace onnxfn::net
