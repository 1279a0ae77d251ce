// serve.json and --batch: strict, so that a typo ("max_row", "16 rows") stops the server at start
// with the file and key named instead of silently serving without the batching asked for.
#include "serve/batch_settings.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <optional>

#include "common/error.h"
#include "protocol/json_document.h"

namespace onnxfn::serve {
namespace {

constexpr size_t kMaxServeFileBytes = 64 * 1024;

[[noreturn]] void fail_at(const std::filesystem::path& file, const std::string& key, const std::string& why) {
  throw_error(ErrorKind::BadInput, "serve: " + file.string() + ": " + key + ": " + why);
}

void check_keys(const rapidjson::Value& object, const std::filesystem::path& file, const std::string& where,
                std::initializer_list<std::string_view> known) {
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    const std::string_view key(it->name.GetString(), it->name.GetStringLength());
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    fail_at(file, where, "unknown key '" + std::string(key) + "' (known: " + list + ")");
  }
}

int64_t integer_at(const rapidjson::Value& v, const std::filesystem::path& file, const std::string& key, int64_t lo,
                   int64_t hi) {
  if (!v.IsInt64() || v.GetInt64() < lo || v.GetInt64() > hi)
    fail_at(file, key, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  return v.GetInt64();
}

// A whole decimal number in [lo, hi], or nullopt.
std::optional<int64_t> whole_number(std::string_view text, int64_t lo, int64_t hi) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

}  // namespace

BatchOptions read_model_serve_file(const std::filesystem::path& file, const BatchOptions& defaults) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw_error(ErrorKind::BadInput, "serve: " + file.string() + ": cannot open it");
  std::string text(kMaxServeFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxServeFileBytes) fail_at(file, "top level", "larger than 64 KiB");
  rapidjson::Document doc;
  parse_json_document(doc, text, "serve: " + file.string());
  if (!doc.IsObject())
    fail_at(file, "top level", "must be a JSON object such as {\"dynamic_batching\": {\"max_rows\": 16}}");
  check_keys(doc, file, "top level", {"dynamic_batching"});
  BatchOptions options = defaults;
  const auto batching = doc.FindMember("dynamic_batching");
  if (batching == doc.MemberEnd()) return options;
  const rapidjson::Value& b = batching->value;
  if (b.IsFalse()) return {.max_rows = 0, .delay = defaults.delay};
  if (!b.IsObject()) fail_at(file, "dynamic_batching", "must be false or an object with max_rows and delay_us");
  check_keys(b, file, "dynamic_batching", {"max_rows", "delay_us"});
  if (const auto rows = b.FindMember("max_rows"); rows != b.MemberEnd())
    options.max_rows =
        static_cast<size_t>(integer_at(rows->value, file, "dynamic_batching.max_rows", 2, kMaxBatchRows));
  else if (!defaults.enabled())
    fail_at(file, "dynamic_batching.max_rows", "missing, and --batch-max-rows does not give one");
  if (const auto delay = b.FindMember("delay_us"); delay != b.MemberEnd())
    options.delay =
        std::chrono::microseconds(integer_at(delay->value, file, "dynamic_batching.delay_us", 0, kMaxBatchDelayUs));
  return options;
}

std::pair<std::string, BatchOptions> parse_batch_flag(const std::string& text, const BatchOptions& defaults) {
  const auto fail = [&](const std::string& why) -> std::pair<std::string, BatchOptions> {
    throw_error(ErrorKind::BadInput, "serve: --batch '" + text + "': " + why);
  };
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return fail("expected NAME=ROWS[:US] or NAME=off");
  std::string name = text.substr(0, eq);
  const std::string_view setting = std::string_view(text).substr(eq + 1);
  if (setting == "off") return {std::move(name), {.max_rows = 0, .delay = defaults.delay}};
  const size_t colon = setting.find(':');
  const auto rows = whole_number(setting.substr(0, colon), 2, static_cast<int64_t>(kMaxBatchRows));
  if (!rows)
    return fail("ROWS must be a whole number from 2 to " + std::to_string(kMaxBatchRows) + " (or use NAME=off)");
  BatchOptions options{.max_rows = static_cast<size_t>(*rows), .delay = defaults.delay};
  if (colon != std::string_view::npos) {
    const auto us = whole_number(setting.substr(colon + 1), 0, kMaxBatchDelayUs);
    if (!us) return fail("US must be a whole number of microseconds from 0 to " + std::to_string(kMaxBatchDelayUs));
    options.delay = std::chrono::microseconds(*us);
  }
  return {std::move(name), options};
}

}  // namespace onnxfn::serve
