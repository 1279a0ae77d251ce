// The structured access log of `onnxfn serve --log-format json`: one JSON object per request on
// stderr (time, client, method, target, status, model, route, rows, per-stage milliseconds, sizes),
// written with one write() so lines from concurrent requests never interleave.
#pragma once

#include <string>
#include <string_view>

#include "protocol/http_api.h"

namespace onnxfn::serve {

struct AccessEntry {
  std::string_view remote;
  std::string_view method;
  std::string_view target;
  const protocol::RequestRecord* record = nullptr;
  double total_ms = 0;
  size_t bytes_in = 0;
  size_t bytes_out = 0;
};

std::string access_log_line(const AccessEntry& entry);  // ends in '\n'
void write_access_log(const AccessEntry& entry);

}  // namespace onnxfn::serve
