// Zip bundles: the files of a bundle folder (pipeline.json, metadata.json, state/, model.onnx)
// in one archive, the natural single artifact to ship to a function or a job. Read with minizip
// (Debian's libminizip, zlib's contrib), entirely into memory, with limits: a bundle is a few
// megabytes of specs, tables and model, and a hostile archive must not exhaust memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace onnxfn::pipeline {

struct ArchiveLimits {
  uint64_t max_total_bytes = uint64_t{2} << 30;  // uncompressed; as large as a model may be
  uint64_t max_entries = 10000;
};

// True when `path` is a regular file that starts like a zip archive ("PK\3\4").
bool is_zip_archive(const std::filesystem::path& path);

// Every file in the archive by its path inside it ('/'-separated). When the archive holds one
// top-level folder and no files beside it (a zipped bundle folder), that folder is dropped from
// the names. Throws BadModel naming the archive and the entry on a corrupt, encrypted or
// oversized archive, or on a name that is absolute or climbs out with "..".
std::map<std::string, std::string> read_zip_archive(const std::filesystem::path& path,
                                                    const ArchiveLimits& limits = {});

}  // namespace onnxfn::pipeline
