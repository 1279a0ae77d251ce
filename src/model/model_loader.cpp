// load_model: file -> wire pass lifting large attribute lists (wire_lift.h) -> ModelProto
// (protobuf-lite) of the rest -> validated Model.
#include "model/model_loader.h"

#include <fcntl.h>
#include <google/protobuf/io/zero_copy_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <memory>

#include "model/proto_decoder.h"
#include "model/wire_lift.h"
#include "model/versions.h"

namespace onnxfn {
namespace {

[[noreturn]] void bad(const std::string& message) { throw_error(ErrorKind::BadModel, message); }

void check_versions(const onnx::ModelProto& p, Model& m) {
  if (!p.has_ir_version() || p.ir_version() <= 0) bad("model: ir_version is missing");
  m.ir_version = p.ir_version();
  if (m.ir_version < kMinIrVersion || m.ir_version > kMaxIrVersion)
    throw_error(ErrorKind::Unsupported, "model: ir_version " + std::to_string(m.ir_version) + " is outside the range onnxfn supports (" +
                                            std::to_string(kMinIrVersion) + " to " + std::to_string(kMaxIrVersion) + ")");
  if (p.opset_import_size() == 0) bad("model: opset_import is empty; every model must import the operator sets it uses");
  for (const auto& o : p.opset_import()) {
    OpsetImport imp{canonical_domain(o.domain()), o.version()};
    if (imp.version < 1) bad("model: opset_import for domain '" + imp.domain + "' has invalid version " + std::to_string(imp.version));
    // skl2onnx writes the default domain twice (as "" and again as ""); ONNX Runtime accepts
    // repeated imports of one version, so only conflicting versions are an error.
    bool repeated = false;
    for (const OpsetImport& seen : m.opsets) {
      if (seen.domain != imp.domain) continue;
      if (seen.version != imp.version)
        bad("model: domain '" + imp.domain + "' is imported twice, as versions " + std::to_string(seen.version) + " and " +
            std::to_string(imp.version));
      repeated = true;
    }
    if (repeated) continue;
    if (auto known = max_known_opset(imp.domain); known && imp.version > *known)
      throw_error(ErrorKind::Unsupported, "model: opset " + std::to_string(imp.version) + " of domain '" + imp.domain +
                                              "' is newer than onnxfn supports (up to " + std::to_string(*known) + ")");
    m.opsets.push_back(std::move(imp));
  }
}

// Every node's domain must be imported (or be a model-local function's domain).
void check_node_domains(const Model& m) {
  for_each_node(m.graph, [&](const Node& n, int) {
    if (m.opset(n.domain)) return;
    for (const std::string& f : m.local_functions)
      if (f == n.domain + ":" + n.op_type) return;
    bad(n.label() + ": domain '" + n.domain + "' is not imported by the model (opset_import)");
  });
}

}  // namespace

namespace {

// Parses a (stripped) ModelProto and decodes it, completing the attributes whose lists the wire
// pass lifted (wire_lift.h).
Model decode_message(std::string_view bytes, std::vector<detail::LiftedLists>* lifted,
                     const std::filesystem::path& base_dir, const LoadOptions& options) {
  // Parsed into an arena: a forest's attributes hold tens of thousands of repeated values and
  // strings (nodes_modes), each a separate allocation and free on the heap; an arena grows in a few
  // blocks and drops them at once. Measured: parsing a 1.4 MB 100-tree forest 8 -> 5.5 ms.
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = 64 * 1024;
  arena_options.max_block_size = 4 << 20;
  google::protobuf::Arena arena(arena_options);
  onnx::ModelProto& proto = *google::protobuf::Arena::CreateMessage<onnx::ModelProto>(&arena);
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    bad("model: not a valid ONNX protobuf (truncated, corrupt or not an ONNX file)");

  Model m;
  check_versions(proto, m);
  m.producer_name = proto.producer_name();
  m.producer_version = proto.producer_version();
  m.domain = proto.domain();
  m.model_version = proto.model_version();
  m.doc = proto.doc_string();
  for (const auto& kv : proto.metadata_props()) m.metadata.emplace_back(kv.key(), kv.value());
  for (const auto& f : proto.functions()) m.local_functions.push_back(canonical_domain(f.domain()) + ":" + f.name());
  if (!proto.has_graph()) bad("model: has no graph");

  detail::DecodeContext ctx{base_dir, options, lifted};
  m.graph = detail::decode_graph(proto.graph(), ctx, {}, 0);
  check_node_domains(m);
  return m;
}

// The wire pass over `size` bytes of `stream`, then the parse of what it left: the file is read in
// blocks and never held whole, and a forest's lists go straight into compact arrays.
Model decode_stream(google::protobuf::io::ZeroCopyInputStream& stream, uint64_t size, const std::filesystem::path& base_dir,
                    const LoadOptions& options) {
  if (size > options.max_file_bytes)
    throw_error(ErrorKind::ResourceLimit, "model: " + std::to_string(size) + " bytes exceeds the limit of " +
                                              std::to_string(options.max_file_bytes));
  if (size == 0) bad("model: the file is empty");
  detail::LiftedModel lifted = detail::lift_large_lists(stream, size);
  return decode_message(lifted.stripped, &lifted.lifted, base_dir, options);
}

// The model file mapped and handed to the wire pass in 1 MiB blocks, without copying it into a
// buffer (read()'s copy into fresh pages was a tenth of loading a 100-tree forest). Each block's
// pages are mapped in one call as it is handed out, and the blocks read before it are dropped from
// the process, so about 2 MiB of the file are resident at a time, as with a read buffer.
// Assumes the file is not truncated while it loads (reading past a file's end through a mapping is
// a SIGBUS); model files are written beside and renamed into place.
class MappedFile final : public google::protobuf::io::ZeroCopyInputStream {
 public:
  // Null when the file cannot be mapped (the caller then reads it).
  static std::unique_ptr<MappedFile> open(int fd, uint64_t size) {
    void* at = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (at == MAP_FAILED) return nullptr;
    return std::unique_ptr<MappedFile>(new MappedFile(static_cast<const char*>(at), size));
  }
  ~MappedFile() override { ::munmap(const_cast<char*>(base_), size_); }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  bool Next(const void** data, int* size) override {
    drop_read_pages();
    if (pos_ >= size_) return false;
    const size_t n = std::min(kBlock, size_ - pos_);
#ifdef MADV_POPULATE_READ
    const size_t page_start = pos_ & ~(kPage - 1);
    (void)::madvise(const_cast<char*>(base_ + page_start), pos_ + n - page_start, MADV_POPULATE_READ);
#endif
    *data = base_ + pos_;
    *size = static_cast<int>(n);
    pos_ += n;
    return true;
  }
  void BackUp(int count) override { pos_ -= static_cast<size_t>(count); }
  bool Skip(int count) override {
    if (static_cast<size_t>(count) > size_ - pos_) {
      pos_ = size_;
      return false;
    }
    pos_ += static_cast<size_t>(count);
    return true;
  }
  int64_t ByteCount() const override { return static_cast<int64_t>(pos_); }

 private:
  static constexpr size_t kBlock = size_t{1} << 20, kPage = 4096;
  MappedFile(const char* base, uint64_t size) : base_(base), size_(size) {}

  // Once the stream asks for more, it holds no pointer into what it read before.
  void drop_read_pages() {
    const size_t upto = pos_ & ~(kPage - 1);
    if (upto <= dropped_) return;
    (void)::madvise(const_cast<char*>(base_ + dropped_), upto - dropped_, MADV_DONTNEED);
    dropped_ = upto;
  }

  const char* base_;
  size_t size_;
  size_t pos_ = 0, dropped_ = 0;
};

}  // namespace

Model load_model_from_bytes(std::string_view bytes, const std::filesystem::path& base_dir, const LoadOptions& options) {
  if (!options.lift_large_lists) {
    if (bytes.size() > options.max_file_bytes)
      throw_error(ErrorKind::ResourceLimit, "model: " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                                                std::to_string(options.max_file_bytes));
    if (bytes.empty()) bad("model: the file is empty");
    return decode_message(bytes, nullptr, base_dir, options);
  }
  if (bytes.size() > static_cast<uint64_t>(INT_MAX)) {
    throw_error(ErrorKind::ResourceLimit, "model: " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                                              std::to_string(std::min<uint64_t>(options.max_file_bytes, INT_MAX)));
  }
  google::protobuf::io::ArrayInputStream stream(bytes.data(), static_cast<int>(bytes.size()));
  return decode_stream(stream, bytes.size(), base_dir, options);
}

Model load_model(const std::filesystem::path& path, const LoadOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    bad(path.string() + ": " + (std::filesystem::exists(path, ec) ? "is not a regular file" : "no such file"));
  uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) bad(path.string() + ": " + ec.message());
  if (size > options.max_file_bytes)
    throw_error(ErrorKind::ResourceLimit, path.string() + ": " + std::to_string(size) + " bytes exceeds the model size limit of " +
                                              std::to_string(options.max_file_bytes));
  const std::filesystem::path base_dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  try {
    if (!options.lift_large_lists) {
      std::ifstream in(path, std::ios::binary);
      std::string bytes(size, '\0');
      if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) bad(path.string() + ": cannot read the file");
      Model m = load_model_from_bytes(bytes, base_dir, options);
      m.path = path;
      return m;
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) bad(path.string() + ": cannot open the file: " + std::strerror(errno));
    if (auto mapped = MappedFile::open(fd, size)) {
      ::close(fd);
      Model m = decode_stream(*mapped, size, base_dir, options);
      m.path = path;
      return m;
    }
    // 1 MiB blocks: few system calls, and the only part of the file in memory at a time.
    google::protobuf::io::FileInputStream stream(fd, 1 << 20);
    stream.SetCloseOnDelete(true);
    Model m = decode_stream(stream, size, base_dir, options);
    if (stream.GetErrno() != 0) bad(path.string() + ": cannot read the file: " + std::strerror(stream.GetErrno()));
    m.path = path;
    return m;
  } catch (const Error& e) {
    throw Error(e.kind(), path.string() + ": " + e.what());
  }
}

}  // namespace onnxfn
