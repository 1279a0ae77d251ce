// Store: dispatch between local files (local_files.cpp) and S3 (S3Client), plus the S3 reader and
// writer (ranged GETs, multipart upload).
#include "storage/store.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"
#include "storage/local_files.h"

namespace onnxfn::storage {

bool is_s3_uri(std::string_view location) { return location.rfind("s3://", 0) == 0; }

S3Location parse_s3_uri(std::string_view uri) {
  if (!is_s3_uri(uri)) throw_error(ErrorKind::BadInput, "'" + std::string(uri) + "' is not an s3:// URI");
  const std::string_view rest = uri.substr(5);
  const auto slash = rest.find('/');
  S3Location out{std::string(rest.substr(0, slash)),
                 slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash + 1))};
  if (out.bucket.empty()) throw_error(ErrorKind::BadInput, "S3 URI '" + std::string(uri) + "' has no bucket");
  return out;
}

namespace {

S3Location object_location(std::string_view uri) {
  S3Location out = parse_s3_uri(uri);
  if (out.key.empty()) throw_error(ErrorKind::BadInput, "S3 URI '" + std::string(uri) + "' names no object key");
  return out;
}

class S3Reader final : public Reader {
 public:
  S3Reader(S3Client& client, S3Location where, std::uint64_t size, std::size_t block)
      : client_(client), where_(std::move(where)), size_(size), block_(block) {}

  std::size_t read(char* data, std::size_t size) override {
    if (pos_ == buffer_.size()) {
      if (offset_ >= size_) return 0;
      buffer_ = client_.get_object(where_.bucket, where_.key, S3ByteRange{offset_, block_});
      pos_ = 0;
      if (buffer_.empty())
        throw_error(ErrorKind::Internal, "S3 GetObject s3://" + where_.bucket + "/" + where_.key +
                                             ": the object became shorter while being read");
      offset_ += buffer_.size();
    }
    const std::size_t take = std::min(size, buffer_.size() - pos_);
    std::memcpy(data, buffer_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  std::uint64_t size() const override { return size_; }

 private:
  S3Client& client_;
  S3Location where_;
  std::uint64_t size_;
  std::size_t block_;
  std::uint64_t offset_ = 0;
  std::string buffer_;
  std::size_t pos_ = 0;
};

class S3Writer final : public Writer {
 public:
  S3Writer(S3Client& client, S3Location where, std::size_t part_size)
      : upload_(client, where.bucket, where.key, part_size) {}
  void write(std::string_view data) override { upload_.add(data); }
  WriteResult commit() override { return {true, upload_.finish()}; }

 private:
  S3MultipartUpload upload_;
};

}  // namespace

Store::Store(StoreOptions options) : options_(std::move(options)) {}
Store::~Store() = default;

S3Client& Store::s3() {
  if (!s3_) s3_ = std::make_unique<S3Client>(options_.s3 ? *options_.s3 : s3_config_from_environment());
  return *s3_;
}

std::string Store::read(const std::string& location) {
  if (is_s3_uri(location)) {
    const S3Location where = object_location(location);
    return s3().get_object(where.bucket, where.key);
  }
  auto bytes = local::try_read(location);
  if (!bytes) throw_error(ErrorKind::BadInput, "cannot open " + location + ": no such file");
  return std::move(*bytes);
}

std::optional<std::string> Store::try_read(const std::string& location) {
  if (is_s3_uri(location)) {
    const S3Location where = object_location(location);
    return s3().get_object_if_exists(where.bucket, where.key);
  }
  return local::try_read(location);
}

std::string Store::read_range(const std::string& location, std::uint64_t offset, std::uint64_t length) {
  if (is_s3_uri(location)) {
    const S3Location where = object_location(location);
    return s3().get_object(where.bucket, where.key, S3ByteRange{offset, length});
  }
  return local::read_range(location, offset, length);
}

std::unique_ptr<Reader> Store::open_reader(const std::string& location) {
  if (is_s3_uri(location)) {
    S3Location where = object_location(location);
    const auto head = s3().head_object(where.bucket, where.key);
    if (!head) throw_error(ErrorKind::BadInput, "S3 HeadObject " + location + ": no such object");
    return std::make_unique<S3Reader>(s3(), std::move(where), head->size, std::max<std::size_t>(options_.read_block_size, 1));
  }
  return local::open_reader(location);
}

WriteResult Store::write(const std::string& location, std::string_view data) {
  if (is_s3_uri(location)) {
    const S3Location where = object_location(location);
    // One PUT up to a few parts' worth (one request, one signature); beyond that, parts.
    if (data.size() > 4 * options_.multipart_part_size) {
      S3MultipartUpload upload(s3(), where.bucket, where.key, options_.multipart_part_size);
      upload.add(data);
      return {true, upload.finish()};
    }
    auto result = s3().put_object(where.bucket, where.key, data);
    return {result.written, std::move(result.etag)};
  }
  return local::write(location, data, local::Condition::None, "");
}

WriteResult Store::write_if_absent(const std::string& location, std::string_view data) {
  if (is_s3_uri(location)) {
    const S3Location where = object_location(location);
    S3PutOptions options;
    options.if_none_match = true;
    auto result = s3().put_object(where.bucket, where.key, data, options);
    return {result.written, std::move(result.etag)};
  }
  return local::write(location, data, local::Condition::IfAbsent, "");
}

WriteResult Store::write_if_match(const std::string& location, std::string_view data, const std::string& etag) {
  if (etag.empty()) throw_error(ErrorKind::Internal, "write_if_match on " + location + " without an etag");
  if (is_s3_uri(location)) {
    const S3Location where = object_location(location);
    S3PutOptions options;
    options.if_match = etag;
    auto result = s3().put_object(where.bucket, where.key, data, options);
    return {result.written, std::move(result.etag)};
  }
  return local::write(location, data, local::Condition::IfMatch, etag);
}

std::unique_ptr<Writer> Store::open_writer(const std::string& location) {
  if (is_s3_uri(location))
    return std::make_unique<S3Writer>(s3(), object_location(location), options_.multipart_part_size);
  return local::open_writer(location);
}

std::optional<ObjectStat> Store::stat(const std::string& location) {
  if (is_s3_uri(location)) {
    const S3Location where = object_location(location);
    auto head = s3().head_object(where.bucket, where.key);
    if (!head) return std::nullopt;
    return ObjectStat{head->size, std::move(head->etag)};
  }
  return local::stat(location);
}

std::vector<ListedObject> Store::list(const std::string& prefix) {
  if (is_s3_uri(prefix)) {
    const S3Location where = parse_s3_uri(prefix);
    std::vector<ListedObject> out;
    for (auto& object : s3().list_objects(where.bucket, where.key))
      out.push_back({"s3://" + where.bucket + "/" + object.key, object.size, std::move(object.etag)});
    return out;  // S3 lists in key (UTF-8 byte) order already
  }
  return local::list(prefix);
}

void Store::remove(const std::string& location) {
  if (is_s3_uri(location)) {
    const S3Location where = object_location(location);
    s3().delete_object(where.bucket, where.key);
    return;
  }
  local::remove(location);
}

}  // namespace onnxfn::storage
