// Pair records: one left-table row and one right-table row as one record, every table column
// renamed with the blocking prefixes (left_name, right_manufacturer, left_id, ...), which is what a
// product-matching bundle's pipeline.json declares as input (docs/batch.md, "The pair record").
// This is the one implementation behind `onnxfn batch`, `onnxfn evaluate` and
// `onnxfn features --pairs`.
//
//   ProductTable left(read_product_table("tableA.csv", "id"), "id", "tableA.csv");
//   ProductTable right(read_product_table("tableB.csv", "id"), "id", "tableB.csv");
//   PairList pairs = read_pairs_file("test.csv", left, right);     // ltable_id,rtable_id[,label]
//   PairRecordBuilder builder(left, right, bundle.spec);
//   Frame records = builder.build(pairs, 0, 10000);                // the first chunk
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "frame/frame.h"
#include "pipeline/pipeline_spec.h"

namespace onnxfn::batch {

// Reads a product table (CSV, JSON Lines or a JSON array, by extension) keeping the id column's
// exact text: a CSV id column is read as strings, so "007" stays "007" and matches a pairs file's
// "007". BadInput naming the file (and the column) when it cannot be read or lacks the id.
Frame read_product_table(const std::string& path, const std::string& id_column);

// A product table with its ids indexed. Ids are compared as text (an int64 id 7 is "7").
class ProductTable {
 public:
  // BadInput naming `source` when the id column is missing, has a null or repeats a value.
  ProductTable(Frame frame, std::string id_column, std::string source);
  ProductTable(ProductTable&&) = default;
  ProductTable& operator=(ProductTable&&) = default;

  const Frame& frame() const { return frame_; }
  const std::string& id_column() const { return id_column_; }
  const std::string& source() const { return source_; }
  size_t size() const { return frame_.num_rows(); }

  std::string_view id(size_t row) const { return ids_[row]; }
  std::optional<size_t> find(std::string_view id) const;
  // Rank of each row when the rows are ordered by id (numerically when both ids are integers,
  // else by bytes): the deterministic tie-break of blocking.
  const std::vector<uint32_t>& id_rank() const { return id_rank_; }

 private:
  Frame frame_;
  std::string id_column_;
  std::string source_;
  std::vector<std::string> ids_;
  std::unordered_map<std::string_view, uint32_t> index_;  // views into ids_
  std::vector<uint32_t> id_rank_;
};

// Candidate or labelled pairs as row numbers of the two tables, in order.
struct PairList {
  std::vector<uint32_t> left;
  std::vector<uint32_t> right;
  std::vector<uint8_t> labels;  // empty, or 0 / 1 per pair (a labelled pairs file)

  size_t size() const { return left.size(); }
  bool labelled() const { return !labels.empty(); }
  void push_back(uint32_t l, uint32_t r) {
    left.push_back(l);
    right.push_back(r);
  }
};

// The pair-id column names a pairs file may use: the benchmarks' ltable_id / rtable_id, or the
// pair record's own id columns (left_id / right_id), so `onnxfn batch --all` output reads back.
struct PairColumns {
  std::string left_id;
  std::string right_id;
  std::string label;
};

// Reads a pairs file (CSV: ltable_id,rtable_id[,label]; extra columns are ignored) and resolves
// its ids through the tables. BadInput naming the file and line for a missing column, an unknown
// id, or a label other than 0/1/true/false.
PairList read_pairs_file(const std::string& path, const ProductTable& left, const ProductTable& right,
                         const pipeline::BlockingSpec& blocking);
// The same from an already parsed frame (tests; `source` names it in messages).
PairList resolve_pairs(const Frame& pairs, const std::string& source, const ProductTable& left,
                       const ProductTable& right, const pipeline::BlockingSpec& blocking);

// The blocking section of a spec, or its defaults (id columns "id", prefixes "left_"/"right_").
pipeline::BlockingSpec blocking_of(const pipeline::PipelineSpec& spec);

// Builds pair-record frames. Only the columns the pipeline declares as input are built, plus both
// id columns, which are always present.
class PairRecordBuilder {
 public:
  // BadInput naming the table file when a declared left_/right_ column's source column is missing;
  // BadModel when the spec declares an input column with neither prefix (not a pair bundle).
  PairRecordBuilder(const ProductTable& left, const ProductTable& right, const pipeline::PipelineSpec& spec);

  // Pair records for pairs [begin, end) of `pairs`, in order.
  Frame build(const PairList& pairs, size_t begin, size_t end) const;

  const std::string& left_id_column() const { return left_id_column_; }    // e.g. "left_id"
  const std::string& right_id_column() const { return right_id_column_; }  // e.g. "right_id"

 private:
  struct Source {
    bool left;
    size_t column;  // index in that table's frame
    std::string name;  // prefixed
  };
  const ProductTable& left_;
  const ProductTable& right_;
  std::vector<Source> columns_;
  std::string left_id_column_;
  std::string right_id_column_;
};

}  // namespace onnxfn::batch
