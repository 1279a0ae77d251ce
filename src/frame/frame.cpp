// Frame: the column list, its name index and row-wise slicing / taking.
#include "frame/frame.h"

#include <algorithm>

#include "common/error.h"

namespace onnxfn {

std::optional<ColumnType> schema_type(const Schema& schema, std::string_view name) {
  for (const Field& f : schema)
    if (f.name == name) return f.type;
  return std::nullopt;
}

Frame::Frame(std::vector<std::pair<std::string, Column>> columns) {
  for (auto& [name, column] : columns) add_column(std::move(name), std::move(column));
}

namespace {

std::string column_list(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "'" : ", '") + n + "'";
  return s.empty() ? "none" : s;
}

}  // namespace

const Column& Frame::column(std::string_view name) const {
  if (const Column* c = find(name)) return *c;
  throw_error(ErrorKind::BadInput, "no column '" + std::string(name) + "' (columns: " + column_list(names_) + ")");
}

const Column* Frame::find(std::string_view name) const {
  auto i = index_of(name);
  return i ? &columns_[*i] : nullptr;
}

std::optional<size_t> Frame::index_of(std::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

void Frame::add_column(std::string name, Column column) {
  if (index_.count(name)) throw_error(ErrorKind::BadInput, "column '" + name + "' appears twice");
  if (columns_.empty()) rows_ = column.size();
  else if (column.size() != rows_)
    throw_error(ErrorKind::BadInput, "column '" + name + "' has " + std::to_string(column.size()) + " rows, the frame has " +
                                         std::to_string(rows_));
  index_.emplace(name, columns_.size());
  names_.push_back(std::move(name));
  columns_.push_back(std::move(column));
}

void Frame::replace_column(std::string_view name, Column column) {
  const size_t i = index_of(name).value_or(columns_.size());
  if (i == columns_.size()) (void)this->column(name);  // throws the "no column" error
  if (column.size() != rows_)
    throw_error(ErrorKind::BadInput, "column '" + std::string(name) + "' has " + std::to_string(column.size()) +
                                         " rows, the frame has " + std::to_string(rows_));
  columns_[i] = std::move(column);
}

Column Frame::remove_column(std::string_view name) {
  const size_t i = index_of(name).value_or(columns_.size());
  if (i == columns_.size()) (void)this->column(name);
  Column removed = std::move(columns_[i]);
  index_.erase(index_.find(name));
  names_.erase(names_.begin() + static_cast<std::ptrdiff_t>(i));
  columns_.erase(columns_.begin() + static_cast<std::ptrdiff_t>(i));
  for (auto& [n, j] : index_)
    if (j > i) --j;
  return removed;
}

void Frame::rename_column(std::string_view from, std::string to) {
  const size_t i = index_of(from).value_or(columns_.size());
  if (i == columns_.size()) (void)column(from);
  if (from == to) return;
  if (index_.count(to)) throw_error(ErrorKind::BadInput, "cannot rename column '" + std::string(from) + "' to '" + to +
                                                             "': a column with that name exists");
  index_.erase(index_.find(from));
  index_.emplace(to, i);
  names_[i] = std::move(to);
}

Schema Frame::schema() const {
  Schema s;
  s.reserve(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) s.push_back({names_[i], columns_[i].type()});
  return s;
}

Frame Frame::slice(size_t offset, size_t count) const {
  Frame out;
  for (size_t i = 0; i < columns_.size(); ++i) out.add_column(names_[i], columns_[i].slice(offset, count));
  const size_t begin = std::min(offset, rows_);
  out.rows_ = std::min(count, rows_ - begin);
  return out;
}

Frame Frame::take(std::span<const size_t> rows) const {
  Frame out;
  for (size_t i = 0; i < columns_.size(); ++i) out.add_column(names_[i], columns_[i].take(rows));
  out.rows_ = rows.size();
  return out;
}

bool Frame::equals(const Frame& other) const {
  if (names_ != other.names_ || rows_ != other.rows_) return false;
  for (size_t i = 0; i < columns_.size(); ++i)
    if (!columns_[i].equals(other.columns_[i])) return false;
  return true;
}

}  // namespace onnxfn
