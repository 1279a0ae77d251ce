// DistinctStrings (see distinct_strings.h): linear probing on the high bits of the hash.
#include "frame/text/distinct_strings.h"

#include <algorithm>
#include <limits>

#include "common/error.h"
#include "frame/text/prepared_string.h"

namespace onnxfn::text {

namespace {

size_t slot_of(uint64_t hash, size_t mask) { return static_cast<size_t>(hash >> 32) & mask; }

}  // namespace

uint32_t DistinctStrings::insert(std::string_view s) {
  if (2 * (values_.size() + 1) > slots_.size()) grow();
  const uint64_t hash = PreparedString::hash_token(s);
  const size_t mask = slots_.size() - 1;
  for (size_t i = slot_of(hash, mask);; i = (i + 1) & mask) {
    const uint32_t number = slots_[i];
    if (number == 0) {
      values_.push_back(s);
      hashes_.push_back(hash);
      return slots_[i] = static_cast<uint32_t>(values_.size());
    }
    if (hashes_[number - 1] == hash && values_[number - 1] == s) return number;
  }
}

void DistinctStrings::grow() {
  // Numbers are 32-bit; a column of four billion distinct strings is not a feature table.
  if (values_.size() >= std::numeric_limits<uint32_t>::max() / 4)
    throw_error(ErrorKind::ResourceLimit, "too many distinct text values to prepare (over a billion)");
  slots_.assign(std::max<size_t>(64, 2 * slots_.size()), 0);
  const size_t mask = slots_.size() - 1;
  for (size_t k = 0; k < hashes_.size(); ++k) {
    size_t i = slot_of(hashes_[k], mask);
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<uint32_t>(k + 1);
  }
}

}  // namespace onnxfn::text
