// storage::Store: one interface over local paths and s3://bucket/key URIs, with the guarantees the
// checkpointed batch job builds on (manifests, leases, commit markers).
//
//   storage::Store store;                     // one per thread (it holds an S3 connection)
//   store.write("s3://b/run/part-3.csv", bytes);              // atomic replace
//   auto lease = store.write_if_absent("s3://b/run/lease-3", me);
//   if (!lease.written) { /* another run holds chunk 3 */ }
//   auto m = store.stat("out/manifest.json");                 // size + etag
//   store.write_if_match("out/manifest.json", next, m->etag); // compare-and-swap
//
// Semantics, the same for both kinds of location:
// - Whole-object writes are atomic: a reader sees the old bytes or the new bytes, never a mix or
//   a torn file. Local: temp file in the same folder, fsync, rename, fsync of the folder. S3: one
//   PUT (or a multipart upload completed in one step).
// - A write that returns has landed (local: durable on disk; S3: acknowledged, strongly consistent).
// - write_if_absent creates only if nothing exists at the location; write_if_match replaces only if
//   the current etag is ETAG. On a failed precondition they return written=false and change
//   nothing (not an exception). Local: O_EXCL-style link() for create and a compare-and-rename
//   under an flock on the folder, so concurrent processes on one host see one winner; S3: the
//   If-None-Match / If-Match headers (412). See S3Client about a 412 after a retried write.
// - Etags are opaque strings to compare for equality, only with etags from the same location
//   kind. Local: a hash of the content (identical content = identical etag); S3: the object ETag.
// - list(prefix) returns every object whose location starts with PREFIX (S3 keys; local paths,
//   searched recursively under the prefix's folder), sorted by location; temp files are hidden.
// - remove() of an absent object is not an error. Reads of an absent object throw
//   Error(BadInput) naming it; try_read() and stat() return nullopt instead.
// - Local temp files are named ".<name>.tmp-<pid>-<n>" and removed on failure.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/s3_client.h"

namespace onnxfn::storage {

bool is_s3_uri(std::string_view location);

struct S3Location {
  std::string bucket;
  std::string key;
};
// Splits "s3://bucket/key"; throws Error(BadInput) naming the URI when the bucket is missing.
S3Location parse_s3_uri(std::string_view uri);

struct ObjectStat {
  std::uint64_t size = 0;
  std::string etag;
};

struct WriteResult {
  bool written = false;  // false only for a conditional write whose precondition failed
  std::string etag;      // the new etag when written
};

struct ListedObject {
  std::string location;  // full path or s3:// URI
  std::uint64_t size = 0;
  std::string etag;  // S3's ETag; "" for local files (stat() computes it on demand)
};

// Sequential reads of a large object in bounded memory (S3: ranged GETs of block_size bytes).
class Reader {
 public:
  virtual ~Reader() = default;
  // Up to SIZE bytes into DATA; 0 at the end.
  virtual std::size_t read(char* data, std::size_t size) = 0;
  virtual std::uint64_t size() const = 0;
};

// Writes a large object piece by piece; nothing is visible at the location until commit()
// (local: temp file renamed; S3: multipart upload completed). Destroyed uncommitted = discarded.
class Writer {
 public:
  virtual ~Writer() = default;
  virtual void write(std::string_view data) = 0;
  virtual WriteResult commit() = 0;
};

struct StoreOptions {
  std::size_t read_block_size = 8u << 20;   // ranged GET size for Reader
  std::size_t multipart_part_size = 16u << 20;
  std::optional<S3Config> s3;  // nullopt: s3_config_from_environment() at first S3 use
};

class Store {
 public:
  explicit Store(StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  std::string read(const std::string& location);
  std::optional<std::string> try_read(const std::string& location);
  // LENGTH bytes from OFFSET, fewer at the end of the object ("" past it).
  std::string read_range(const std::string& location, std::uint64_t offset, std::uint64_t length);
  std::unique_ptr<Reader> open_reader(const std::string& location);

  WriteResult write(const std::string& location, std::string_view data);
  WriteResult write_if_absent(const std::string& location, std::string_view data);
  WriteResult write_if_match(const std::string& location, std::string_view data, const std::string& etag);
  std::unique_ptr<Writer> open_writer(const std::string& location);

  std::optional<ObjectStat> stat(const std::string& location);
  bool exists(const std::string& location) { return stat(location).has_value(); }
  std::vector<ListedObject> list(const std::string& prefix);
  void remove(const std::string& location);

  // The S3 client (created on first use from StoreOptions::s3 or the environment).
  S3Client& s3();

 private:
  StoreOptions options_;
  std::unique_ptr<S3Client> s3_;
};

}  // namespace onnxfn::storage
