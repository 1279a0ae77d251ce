// TZif v1/v2+/v3 reader (RFC 8536) and local-time resolution for schedules (see time_zone.h).
// Every count is checked against the bytes that remain before anything is allocated.
#include "schedule/time_zone.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "common/error.h"

namespace onnxfn::schedule {
namespace {

constexpr size_t kMaxTzifBytes = 1 << 20;  // real files are under 4 KB

struct Bytes {
  std::string_view data;
  size_t pos = 0;
  bool has(size_t n) const { return n <= data.size() - pos; }
  uint32_t u32() {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data() + pos);
    pos += 4;
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  }
  int64_t i64() {
    const uint64_t hi = u32();
    const uint64_t lo = u32();
    return static_cast<int64_t>((hi << 32) | lo);
  }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  uint8_t u8() { return static_cast<uint8_t>(data[pos++]); }
};

[[noreturn]] void bad_file(std::string_view name, const std::string& why) {
  throw_error(ErrorKind::BadInput, "time zone '" + std::string(name) + "': " + why);
}

struct Header {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

Header read_header(Bytes& b, std::string_view name) {
  if (!b.has(44) || b.data.substr(b.pos, 4) != "TZif") bad_file(name, "not a TZif file (no 'TZif' magic)");
  Header h;
  h.version = b.data[b.pos + 4];
  b.pos += 20;
  h.isutcnt = b.u32();
  h.isstdcnt = b.u32();
  h.leapcnt = b.u32();
  h.timecnt = b.u32();
  h.typecnt = b.u32();
  h.charcnt = b.u32();
  if (h.typecnt == 0 || h.typecnt > 256 || h.charcnt == 0 || h.timecnt > 100000 || h.leapcnt > 10000 ||
      (h.isutcnt != 0 && h.isutcnt != h.typecnt) || (h.isstdcnt != 0 && h.isstdcnt != h.typecnt))
    bad_file(name, "TZif header counts are out of range");
  return h;
}

uint64_t block_size(const Header& h, size_t time_size) {
  return uint64_t{h.timecnt} * time_size + h.timecnt + uint64_t{h.typecnt} * 6 + h.charcnt + uint64_t{h.leapcnt} * (time_size + 4) + h.isstdcnt +
         h.isutcnt;
}

bool valid_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+' || c == '/';
}

}  // namespace

TimeZone TimeZone::utc() {
  TimeZone z;
  z.name_ = "UTC";
  z.types_.push_back({UtcOffset{0, false, "UTC"}});
  return z;
}

TimeZone TimeZone::load(std::string_view name) {
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") return utc();
  // IANA names are letters, digits and _-+/ in components; never absolute or with "..".
  if (name.empty() || name.size() > 128 || name.front() == '/' || name.find("..") != std::string_view::npos ||
      !std::all_of(name.begin(), name.end(), valid_name_char))
    throw_error(ErrorKind::BadInput, "time zone '" + std::string(name) + "': not an IANA zone name (like America/New_York or UTC)");
  const char* dir = std::getenv("TZDIR");
  const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw_error(ErrorKind::BadInput, "time zone '" + std::string(name) + "': unknown zone (no file " + path +
                                         "; IANA names like Europe/London; the tzdata package provides them)");
  std::string bytes;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.append(buf, static_cast<size_t>(in.gcount()));
    if (bytes.size() > kMaxTzifBytes) bad_file(name, path + " is larger than 1 MB, not a TZif file");
  }
  return from_tzif(name, bytes);
}

TimeZone TimeZone::from_tzif(std::string_view name, std::string_view data) {
  Bytes b{data};
  Header h = read_header(b, name);
  size_t time_size = 4;
  if (h.version >= '2') {
    // Skip the 32-bit block: version 2+ repeats everything with 64-bit times after it.
    const uint64_t skip = block_size(h, 4);
    if (!b.has(skip)) bad_file(name, "truncated TZif v1 data block");
    b.pos += skip;
    h = read_header(b, name);
    time_size = 8;
  }
  if (!b.has(block_size(h, time_size))) bad_file(name, "truncated TZif data block");
  TimeZone z;
  z.name_ = std::string(name);
  z.transitions_.reserve(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    z.transitions_.push_back(time_size == 8 ? b.i64() : b.i32());
    if (i > 0 && z.transitions_[i] <= z.transitions_[i - 1]) bad_file(name, "transition times are not ascending");
  }
  z.transition_type_.reserve(h.timecnt);
  for (uint32_t i = 0; i < h.timecnt; ++i) {
    const uint8_t t = b.u8();
    if (t >= h.typecnt) bad_file(name, "a transition names local time type " + std::to_string(t) + " of " + std::to_string(h.typecnt));
    z.transition_type_.push_back(t);
  }
  struct RawType {
    int32_t utoff;
    uint8_t isdst, idx;
  };
  std::vector<RawType> raw;
  for (uint32_t i = 0; i < h.typecnt; ++i) {
    RawType t{b.i32(), b.u8(), b.u8()};
    // RFC 8536: utoff in [-89999, 93599] (under 25/26 hours), never -2^31.
    if (t.utoff < -89999 || t.utoff > 93599 || t.isdst > 1 || t.idx >= h.charcnt) bad_file(name, "a local time type is out of range");
    raw.push_back(t);
  }
  const std::string_view chars = data.substr(b.pos, h.charcnt);
  b.pos += h.charcnt;
  for (const RawType& t : raw) {
    const std::string_view rest = chars.substr(t.idx);
    z.types_.push_back({UtcOffset{t.utoff, t.isdst == 1, std::string(rest.substr(0, rest.find('\0')))}});
  }
  b.pos += uint64_t{h.leapcnt} * (time_size + 4) + h.isstdcnt + h.isutcnt;
  if (time_size == 8) {
    // Footer: "\n" TZ-string "\n"; an empty string means no rule (the last type holds).
    if (!b.has(1) || b.data[b.pos] != '\n') bad_file(name, "TZif v2+ footer is missing");
    const size_t end = data.find('\n', b.pos + 1);
    if (end == std::string_view::npos) bad_file(name, "TZif footer is not terminated");
    const std::string_view tz = data.substr(b.pos + 1, end - b.pos - 1);
    if (!tz.empty()) {
      auto rule = PosixTzRule::parse(tz);
      if (!rule) bad_file(name, "TZif footer '" + std::string(tz) + "' is not a POSIX TZ string");
      z.footer_ = std::move(*rule);
      z.has_footer_ = true;
    }
  }
  return z;
}

UtcOffset TimeZone::offset_at(int64_t utc_seconds) const {
  // RFC 8536 3.2: before the first transition, type 0; after the last, the footer rule if any.
  if (transitions_.empty() || utc_seconds < transitions_.front()) {
    if (transitions_.empty() && has_footer_) return footer_.offset_at(utc_seconds);
    return types_[0].offset;
  }
  if (utc_seconds >= transitions_.back() && has_footer_) return footer_.offset_at(utc_seconds);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  const size_t i = static_cast<size_t>(std::distance(transitions_.begin(), it)) - 1;
  return types_[transition_type_[i]].offset;
}

std::vector<int64_t> TimeZone::resolve(int64_t local_seconds) const {
  // Offsets are under 26 hours and transitions in one zone are months apart, so the offsets in
  // force a day either side are every offset that can map some instant to this local time.
  std::vector<int64_t> out;
  for (const int64_t probe : {local_seconds - 93600, local_seconds, local_seconds + 93600}) {
    const int32_t off = offset_at(probe).seconds;
    const int64_t utc = local_seconds - off;
    if (offset_at(utc).seconds == off && std::find(out.begin(), out.end(), utc) == out.end()) out.push_back(utc);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace onnxfn::schedule
