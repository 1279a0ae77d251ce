// The local-filesystem half of Store (store.h states the semantics): atomic writes through a temp
// file, conditional writes under an flock on the folder, content-hash etags.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace onnxfn::storage::local {

enum class Condition { None, IfAbsent, IfMatch };

std::optional<std::string> try_read(const std::string& path);
std::string read_range(const std::string& path, std::uint64_t offset, std::uint64_t length);
std::unique_ptr<Reader> open_reader(const std::string& path);
WriteResult write(const std::string& path, std::string_view data, Condition condition, const std::string& etag);
std::unique_ptr<Writer> open_writer(const std::string& path);
std::optional<ObjectStat> stat(const std::string& path);
std::vector<ListedObject> list(const std::string& prefix);
void remove(const std::string& path);

// The etag of BYTES as a local file would have it.
std::string content_etag(std::string_view bytes);

}  // namespace onnxfn::storage::local
