// DistinctStrings: numbers string values 1, 2, ... in the order first seen (0 stays free for a
// null), holding views: the caller keeps the bytes alive.
//
// A pipeline prepares each distinct text value of a column once (prepared_string.h), so every
// row's value is looked up here: 20,000 lookups for 10,000 candidate pairs. A flat table of
// numbers keyed by PreparedString::hash_token (eight bytes a step) costs a third of
// std::unordered_map's byte-at-a-time hash, node allocation and pointer chase per value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace onnxfn::text {

class DistinctStrings {
 public:
  // The number of `s`: an earlier one if an equal value was inserted, else the next.
  uint32_t insert(std::string_view s);
  // Value number k is values()[k - 1].
  std::span<const std::string_view> values() const { return values_; }

 private:
  void grow();

  std::vector<uint32_t> slots_;        // value numbers by hash, 0 = empty; at most half full
  std::vector<std::string_view> values_;
  std::vector<uint64_t> hashes_;       // of values_, compared before the bytes
};

}  // namespace onnxfn::text
