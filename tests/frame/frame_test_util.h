// Helpers for the frame tests: checking error messages and generating random frames (fixed-seed
// PRNG) for the CSV / JSON round-trip properties.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "frame/frame.h"

namespace onnxfn::testing {

// `length` code points drawn from `alphabet`: random text for the similarity measures' tests.
inline std::u32string random_text(std::mt19937& rng, std::u32string_view alphabet, size_t length) {
  std::u32string s;
  for (size_t i = 0; i < length; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
  return s;
}

// Runs `f`, expects an onnxfn::Error of `kind` whose message contains every part.
inline void expect_error(const std::function<void()>& f, ErrorKind kind, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "expected an error containing '" << (parts.empty() ? "" : parts.front()) << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << "'" << p << "' not in: " << e.what();
  }
}

inline void expect_bad_input(const std::function<void()>& f, const std::vector<std::string>& parts) {
  expect_error(f, ErrorKind::BadInput, parts);
}

// Readable dump for failure messages.
inline std::string describe(const Frame& f) {
  std::string s;
  for (size_t c = 0; c < f.num_columns(); ++c) {
    s += f.name(c) + ":" + std::string(column_type_name(f.column(c).type())) + " [";
    for (size_t r = 0; r < f.num_rows() && r < 20; ++r) {
      const Column& col = f.column(c);
      if (r) s += ", ";
      if (col.is_null(r)) {
        s += "null";
        continue;
      }
      switch (col.type()) {
        case ColumnType::Int64: s += std::to_string(col.int64_values()[r]); break;
        case ColumnType::Float64: s += std::to_string(col.float64_values()[r]); break;
        case ColumnType::Bool: s += col.bool_values()[r] ? "true" : "false"; break;
        case ColumnType::String: s += "\"" + std::string(col.string_value(r)) + "\""; break;
      }
    }
    s += "]\n";
  }
  return s;
}

struct RandomFrameOptions {
  size_t max_rows = 40;
  size_t max_columns = 6;
  double null_rate = 0.2;
};

// Random strings exercising CSV quoting and JSON escaping: delimiters, quotes, CR/LF, blanks,
// UTF-8 (2-, 3- and 4-byte), a NUL and control characters, and the empty string.
inline std::string random_string(std::mt19937_64& rng) {
  static const std::vector<std::string> pieces = {
      "a", "b", "xyz", ",", "\"", "\n", "\r", "\r\n", " ", "\t", "é", "日本", "🙂", "'", "\\", "{", "[", "}",
      "null", "true", "1", "-2.5", "nan", std::string(1, '\0'), "\x01", ";", "x y"};
  const size_t n = rng() % 6;
  std::string s;
  for (size_t i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
  return s;
}

inline double random_double(std::mt19937_64& rng) {
  switch (rng() % 10) {
    case 0: return std::numeric_limits<double>::quiet_NaN();
    case 1: return (rng() & 1) ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
    case 2: return (rng() & 1) ? 0.0 : -0.0;
    case 3: return static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000);  // integral floats
    case 4: return std::numeric_limits<double>::denorm_min() * static_cast<double>(rng() % 1000 + 1);
    case 5: return (rng() & 1) ? std::numeric_limits<double>::max() : std::numeric_limits<double>::lowest();
    case 6: return static_cast<double>(rng() % 100000) / 100.0;
    default: {  // any finite bit pattern
      for (;;) {
        const uint64_t bits = rng();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (std::isfinite(d)) return d;
      }
    }
  }
}

inline int64_t random_int(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: return std::numeric_limits<int64_t>::min();
    case 1: return std::numeric_limits<int64_t>::max();
    case 2: return static_cast<int64_t>(rng());
    default: return static_cast<int64_t>(rng() % 2001) - 1000;
  }
}

inline Column random_column(std::mt19937_64& rng, ColumnType type, size_t rows, double null_rate) {
  Column c(type);
  std::bernoulli_distribution is_null(null_rate);
  for (size_t r = 0; r < rows; ++r) {
    if (is_null(rng)) {
      c.append_null();
      continue;
    }
    switch (type) {
      case ColumnType::Int64: c.append_int64(random_int(rng)); break;
      case ColumnType::Float64: c.append_float64(random_double(rng)); break;
      case ColumnType::Bool: c.append_bool(rng() & 1); break;
      case ColumnType::String: c.append_string(random_string(rng)); break;
    }
  }
  return c;
}

inline Frame random_frame(std::mt19937_64& rng, const RandomFrameOptions& options = {}) {
  const size_t rows = rng() % (options.max_rows + 1);
  const size_t columns = 1 + rng() % options.max_columns;
  Frame f;
  std::set<std::string> names;
  while (f.num_columns() < columns) {
    std::string name = (rng() % 4 == 0) ? random_string(rng) : "col" + std::to_string(rng() % 100);
    if (!names.insert(name).second) continue;
    const auto type = static_cast<ColumnType>(rng() % 4);
    f.add_column(name, random_column(rng, type, rows, options.null_rate));
  }
  return f;
}

}  // namespace onnxfn::testing
