// The TZif reader and POSIX TZ footer rules against glibc's localtime_r over sampled instants
// (1900-2150, so the footer rule is exercised past each file's last transition), local-time
// resolution in gaps and overlaps, and malformed TZif data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "common/error.h"
#include "glibc_zone.h"
#include "schedule/civil_time.h"
#include "schedule/time_zone.h"

namespace onnxfn::schedule {
namespace {

const char* const kZones[] = {"America/New_York", "Europe/London", "Australia/Sydney", "Europe/Dublin", "Australia/Lord_Howe",
                              "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns", "Africa/Casablanca",
                              "Asia/Tehran", "Pacific/Apia"};

int64_t at(int y, int mo, int d, int h = 0, int mi = 0) { return seconds_from_civil({y, mo, d, h, mi, 0}); }

TEST(ScheduleTimeZone, agrees_with_glibc_on_offsets_from_1900_to_2150) {
  std::mt19937_64 rng(17);
  std::uniform_int_distribution<int64_t> instant(at(1900, 1, 1), at(2150, 1, 1));
  for (const char* name : kZones) {
    const TimeZone zone = TimeZone::load(name);
    testing::GlibcZone glibc(name);
    for (int i = 0; i < 4000; ++i) {
      const int64_t t = instant(rng);
      const auto expected = glibc.at(t);
      const UtcOffset got = zone.offset_at(t);
      ASSERT_EQ(got.seconds, expected.offset) << name << " at " << format_with_offset(t, 0);
      ASSERT_EQ(got.is_dst, expected.is_dst) << name << " at " << format_with_offset(t, 0);
    }
  }
}

TEST(ScheduleTimeZone, agrees_with_glibc_minute_by_minute_around_future_dst_changes) {
  // 2045 lies past the last transition stored in each file: only the footer rule answers there.
  for (const char* name : {"America/New_York", "Europe/London", "Australia/Sydney", "Australia/Lord_Howe", "Europe/Dublin"}) {
    const TimeZone zone = TimeZone::load(name);
    testing::GlibcZone glibc(name);
    for (int month = 1; month <= 12; ++month) {
      for (int64_t t = at(2045, month, 1); t < at(2045, month, 1) + 3 * 86400; t += 60)
        ASSERT_EQ(zone.offset_at(t).seconds, glibc.at(t).offset) << name;
    }
    // Every day of 2045 at 4 instants catches every change.
    for (int64_t t = at(2045, 1, 1); t < at(2046, 1, 1); t += 6 * 3600 + 60)
      ASSERT_EQ(zone.offset_at(t).seconds, glibc.at(t).offset) << name << " " << format_with_offset(t, 0);
  }
}

TEST(ScheduleTimeZone, names_the_abbreviation_and_dst_flag) {
  const TimeZone ny = TimeZone::load("America/New_York");
  EXPECT_EQ(ny.offset_at(at(2026, 1, 15, 12)).abbreviation, "EST");
  EXPECT_EQ(ny.offset_at(at(2026, 7, 15, 12)).abbreviation, "EDT");
  EXPECT_TRUE(ny.offset_at(at(2026, 7, 15, 12)).is_dst);
  EXPECT_EQ(ny.offset_at(at(2060, 7, 15, 12)).abbreviation, "EDT");  // from the footer rule
  EXPECT_EQ(TimeZone::load("Australia/Sydney").offset_at(at(2060, 1, 15)).seconds, 11 * 3600);
}

TEST(ScheduleTimeZone, resolves_gaps_overlaps_and_ordinary_local_times) {
  const TimeZone ny = TimeZone::load("America/New_York");
  // 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 does not exist.
  EXPECT_TRUE(ny.resolve(at(2026, 3, 8, 2, 30)).empty());
  EXPECT_EQ(ny.resolve(at(2026, 3, 8, 3, 0)), std::vector<int64_t>{at(2026, 3, 8, 7, 0)});
  // 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens at 05:30Z and at 06:30Z.
  EXPECT_EQ(ny.resolve(at(2026, 11, 1, 1, 30)), (std::vector<int64_t>{at(2026, 11, 1, 5, 30), at(2026, 11, 1, 6, 30)}));
  EXPECT_EQ(ny.resolve(at(2026, 6, 1, 12, 0)), std::vector<int64_t>{at(2026, 6, 1, 16, 0)});
  const TimeZone sydney = TimeZone::load("Australia/Sydney");
  // 2026-04-05 03:00 AEDT -> 02:00 AEST; 2026-10-04 02:00 AEST -> 03:00 AEDT.
  EXPECT_EQ(sydney.resolve(at(2026, 4, 5, 2, 15)).size(), 2u);
  EXPECT_TRUE(sydney.resolve(at(2026, 10, 4, 2, 15)).empty());
}

TEST(ScheduleTimeZone, knows_utc_without_a_file_and_honours_tzdir) {
  EXPECT_EQ(TimeZone::load("UTC").offset_at(at(2026, 7, 1)).seconds, 0);
  EXPECT_EQ(TimeZone::load("Etc/UTC").name(), "UTC");
  const std::string dir = ::testing::TempDir() + "/onnxfn_tzdir_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir + "/Test");
  std::filesystem::copy_file("/usr/share/zoneinfo/Asia/Kolkata", dir + "/Test/Zone", std::filesystem::copy_options::overwrite_existing);
  ::setenv("TZDIR", dir.c_str(), 1);
  const int32_t offset = TimeZone::load("Test/Zone").offset_at(at(2026, 7, 1)).seconds;
  ::unsetenv("TZDIR");
  EXPECT_EQ(offset, 5 * 3600 + 1800);
}

std::string load_error(const std::string& name) {
  try {
    (void)TimeZone::load(name);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    return e.what();
  }
  return "";
}

TEST(ScheduleTimeZone, rejects_unknown_and_unsafe_zone_names) {
  EXPECT_NE(load_error("Mars/Olympus_Mons").find("time zone 'Mars/Olympus_Mons': unknown zone"), std::string::npos);
  EXPECT_NE(load_error("../etc/passwd").find("not an IANA zone name"), std::string::npos);
  EXPECT_NE(load_error("/etc/passwd").find("not an IANA zone name"), std::string::npos);
  EXPECT_NE(load_error("America/New York").find("not an IANA zone name"), std::string::npos);
  EXPECT_NE(load_error("").find("not an IANA zone name"), std::string::npos);
}

std::string tzif_error(const std::string& bytes) {
  try {
    (void)TimeZone::from_tzif("Test/Bad", bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(ScheduleTimeZone, rejects_malformed_tzif_data) {
  const std::string good = read_file("/usr/share/zoneinfo/America/New_York");
  ASSERT_GT(good.size(), 100u);
  EXPECT_EQ(tzif_error(good), "");
  EXPECT_NE(tzif_error("not a zone file at all, but long enough to hold a header").find("no 'TZif' magic"), std::string::npos);
  EXPECT_NE(tzif_error(good.substr(0, 60)).find("truncated"), std::string::npos);
  EXPECT_NE(tzif_error(good.substr(0, good.size() - 30)).find("Test/Bad"), std::string::npos);
  std::string huge_count = good;
  huge_count[32] = '\x7f';  // timecnt of the v1 header
  EXPECT_NE(tzif_error(huge_count).find("out of range"), std::string::npos);
  std::string bad_footer = good;
  bad_footer.replace(bad_footer.rfind('\n', bad_footer.size() - 2) + 1, 3, "!!!");
  EXPECT_NE(tzif_error(bad_footer).find("not a POSIX TZ string"), std::string::npos);
  // Every truncation fails cleanly or loads (a v1-complete prefix is not one of them).
  for (size_t n = 0; n < good.size(); n += 7) (void)tzif_error(good.substr(0, n));
}

TEST(ScheduleTimeZone, reads_posix_rules_with_unusual_forms) {
  // Dublin's footer uses negative DST (IST in winter is standard); Lord Howe a 30-minute shift;
  // a v3 rule with all-year DST and hours past 24.
  const auto all_year = PosixTzRule::parse("EST5EDT,0/0,J365/25");
  ASSERT_TRUE(all_year);
  for (int64_t t = at(2030, 1, 1); t < at(2032, 1, 1); t += 86400 * 7 + 3600) EXPECT_EQ(all_year->offset_at(t).seconds, -4 * 3600);
  const auto half = PosixTzRule::parse("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
  ASSERT_TRUE(half);
  EXPECT_EQ(half->offset_at(at(2050, 1, 1)).seconds, 11 * 3600);
  EXPECT_EQ(half->offset_at(at(2050, 7, 1)).seconds, 10 * 3600 + 1800);
  EXPECT_EQ(half->offset_at(at(2050, 7, 1)).abbreviation, "+1030");
  const auto julian = PosixTzRule::parse("XXX3YYY,J60/2,300/2");  // Mar 1 to day 300 (0-based)
  ASSERT_TRUE(julian);
  EXPECT_FALSE(julian->offset_at(at(2028, 2, 29, 12)).is_dst);
  EXPECT_TRUE(julian->offset_at(at(2028, 3, 1, 12)).is_dst);
  for (const char* bad : {"", "E5", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0", "EST5EDT,M3.2.0,M11.1.0x", "<EST5"})
    EXPECT_FALSE(PosixTzRule::parse(bad)) << bad;
}

}  // namespace
}  // namespace onnxfn::schedule
