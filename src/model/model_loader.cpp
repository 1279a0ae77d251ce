// load_model: file -> wire pass lifting large attribute lists (wire_lift.h) -> ModelProto
// (protobuf-lite) of the rest -> validated Model.
#include "model/model_loader.h"

#include <fcntl.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>

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
    // 128 KiB blocks: the only part of the file in memory at a time, small enough to stay in the
    // CPU's cache between read() and the wire pass.
    google::protobuf::io::FileInputStream stream(fd, 128 << 10);
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
