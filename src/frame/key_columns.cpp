// Row hashing (a 64-bit mix per value, combined per column) and the linear-probing KeyIndex.
#include "frame/key_columns.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "common/error.h"

namespace onnxfn {
namespace {

// The splitmix64 finalizer: cheap and spreads every input bit over the output, so sequential ids
// do not cluster in a power-of-two table.
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

uint64_t float_bits(double v) {
  if (v == 0.0) v = 0.0;  // -0.0 hashes like 0.0, since they compare equal
  if (std::isnan(v)) return 0x7ff8000000000000ULL;
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

}  // namespace

KeyColumns::KeyColumns(const Frame& frame, const std::vector<std::string>& names, std::string_view operation)
    : rows_(frame.num_rows()) {
  for (const std::string& n : names) {
    const Column* c = frame.find(n);
    if (!c) {
      try {
        (void)frame.column(n);
      } catch (const Error& e) {
        throw_error(ErrorKind::BadInput, std::string(operation) + ": " + e.what());
      }
    }
    columns_.push_back(c);
  }
}

uint64_t KeyColumns::hash(size_t row) const {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (const Column* c : columns_) {
    uint64_t v = 0;
    if (c->is_null(row)) {
      v = 0x5bd1e9955bd1e995ULL;
    } else {
      switch (c->type()) {
        case ColumnType::Int64: v = static_cast<uint64_t>(c->int64_values()[row]); break;
        case ColumnType::Float64: v = float_bits(c->float64_values()[row]); break;
        case ColumnType::Bool: v = c->bool_values()[row]; break;
        case ColumnType::String: v = std::hash<std::string_view>{}(c->string_value(row)); break;
      }
    }
    h = mix(h ^ v) + 0x632be59bd9b4e019ULL;
  }
  return h;
}

bool KeyColumns::has_null(size_t row) const {
  for (const Column* c : columns_)
    if (c->is_null(row)) return true;
  return false;
}

bool KeyColumns::equal(size_t row, const KeyColumns& other, size_t other_row) const {
  for (size_t k = 0; k < columns_.size(); ++k) {
    const Column& a = *columns_[k];
    const Column& b = *other.columns_[k];
    const bool an = a.is_null(row), bn = b.is_null(other_row);
    if (an || bn) {
      if (an != bn) return false;
      continue;
    }
    switch (a.type()) {
      case ColumnType::Int64:
        if (a.int64_values()[row] != b.int64_values()[other_row]) return false;
        break;
      case ColumnType::Float64: {
        const double x = a.float64_values()[row], y = b.float64_values()[other_row];
        if (!(x == y || (std::isnan(x) && std::isnan(y)))) return false;
        break;
      }
      case ColumnType::Bool:
        if (a.bool_values()[row] != b.bool_values()[other_row]) return false;
        break;
      case ColumnType::String:
        if (a.string_value(row) != b.string_value(other_row)) return false;
        break;
    }
  }
  return true;
}

KeyIndex::KeyIndex(const KeyColumns& keys, size_t expected_keys) : keys_(keys) {
  slots_.assign(std::bit_ceil(std::max<size_t>(16, expected_keys * 2)), 0);
}

void KeyIndex::grow() {
  std::vector<size_t> bigger(slots_.size() * 2, 0);
  const size_t mask = bigger.size() - 1;
  for (size_t id = 0; id < hash_of_id_.size(); ++id) {
    size_t s = hash_of_id_[id] & mask;
    while (bigger[s] != 0) s = (s + 1) & mask;
    bigger[s] = id + 1;
  }
  slots_ = std::move(bigger);
}

size_t KeyIndex::insert(size_t row) {
  const uint64_t h = keys_.hash(row);
  const size_t mask = slots_.size() - 1;
  size_t s = h & mask;
  while (slots_[s] != 0) {
    const size_t id = slots_[s] - 1;
    if (hash_of_id_[id] == h && keys_.equal(first_row_[id], keys_, row)) return id;
    s = (s + 1) & mask;
  }
  const size_t id = first_row_.size();
  slots_[s] = id + 1;
  hash_of_id_.push_back(h);
  first_row_.push_back(row);
  if (first_row_.size() * 2 > slots_.size()) grow();  // keep the load under 1/2 for short probes
  return id;
}

std::optional<size_t> KeyIndex::find(const KeyColumns& probe, size_t row) const {
  const uint64_t h = probe.hash(row);
  const size_t mask = slots_.size() - 1;
  for (size_t s = h & mask; slots_[s] != 0; s = (s + 1) & mask) {
    const size_t id = slots_[s] - 1;
    if (hash_of_id_[id] == h && keys_.equal(first_row_[id], probe, row)) return id;
  }
  return std::nullopt;
}

}  // namespace onnxfn

