// DistinctStrings: first-seen numbering of string values.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "frame/text/distinct_strings.h"

namespace onnxfn::text {
namespace {

TEST(TextDistinctStrings, numbers_values_from_one_in_first_seen_order) {
  DistinctStrings d;
  EXPECT_EQ(d.insert("sony"), 1u);
  EXPECT_EQ(d.insert(""), 2u);
  EXPECT_EQ(d.insert("Sony"), 3u);
  const std::string copy = "sony";  // equal bytes elsewhere
  EXPECT_EQ(d.insert(copy), 1u);
  EXPECT_EQ(d.insert(""), 2u);
  ASSERT_EQ(d.values().size(), 3u);
  EXPECT_EQ(d.values()[0], "sony");
  EXPECT_EQ(d.values()[1], "");
  EXPECT_EQ(d.values()[2], "Sony");
}

// Through many growths, against std::map: strings that differ only in their tail or length
// (the hash reads eight bytes at a time, the tail as one word) each get their own number.
TEST(TextDistinctStrings, agrees_with_a_map_through_growth) {
  std::mt19937 rng(5);
  std::vector<std::string> pool;
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 20, 'a');
    for (char& c : s) c = static_cast<char>('a' + rng() % 3);
    pool.push_back(std::move(s));
  }
  DistinctStrings d;
  std::map<std::string, uint32_t> expected;
  for (const std::string& s : pool) {
    const auto [it, fresh] = expected.try_emplace(s, static_cast<uint32_t>(expected.size() + 1));
    ASSERT_EQ(d.insert(s), it->second) << s;
  }
  ASSERT_EQ(d.values().size(), expected.size());
  for (const auto& [s, number] : expected) EXPECT_EQ(d.values()[number - 1], s);
}

}  // namespace
}  // namespace onnxfn::text
